"""Fast bulk writes of observations (hundreds of thousands of rows per municipality) and
other rows the figures pipeline stores in bulk.

Django's ``bulk_create`` builds a model instance per row; for figures at national
scale that dominates. PostgreSQL gets ``COPY``, SQLite a plain ``executemany`` with a
larger page cache while it runs (several B-trees per row; memory only, no effect on
durability, restored afterwards).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from wijkregie.figures.models import Observation

SQLITE_BULK_CACHE_KIB = 256 * 1024
COLUMNS = ("indicator_id", "area_id", "programme_area_id", "year", "month", "value", "status",
           "derived", "shown_value", "shown_text", "shown_status")
Row = Sequence[object]  # values in the order of the column names (COLUMNS for observations)


def insert_observations(rows: Iterable[Row]) -> int:
    return insert_rows(Observation, COLUMNS, rows)


def insert_rows(model: type[Model], column_names: Sequence[str], rows: Iterable[Row]) -> int:
    """Insert plain value rows (``column_names`` order, db column names) into ``model``'s
    table: no model instances, no signals."""
    table = model._meta.db_table
    columns = ", ".join(column_names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
            try:
                count = _executemany(cursor, table, column_names, rows)
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")
    return count


def refresh_planner_statistics() -> None:
    """Let SQLite re-sample its table statistics after bulk changes (a bounded sample per
    index: milliseconds at any size). SQLite keeps none by itself, and without them its
    planner read all of an indicator's figures to list one municipality's years (30 ms
    instead of 1 ms at national scale). PostgreSQL's autovacuum analyzes by itself."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")


def _executemany(cursor: CursorWrapper, table: str, column_names: Sequence[str],
                 rows: Iterable[Row]) -> int:
    sql = (f"INSERT INTO {table} ({', '.join(column_names)}) "  # nosec B608 # names from _meta/code, values bound
           f"VALUES ({', '.join(['%s'] * len(column_names))})")
    count = 0
    remaining = iter(rows)
    while batch := list(itertools.islice(remaining, 20_000)):
        cursor.executemany(sql, batch)
        count += len(batch)
    return count
