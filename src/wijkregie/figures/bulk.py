"""Fast bulk writes of observations (hundreds of thousands of rows per municipality).

Django's ``bulk_create`` builds a model instance per row; for figures at national
scale that dominates. PostgreSQL gets ``COPY``, SQLite a plain ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from wijkregie.figures.models import Observation

COLUMNS = ("indicator_id", "area_id", "programme_area_id", "year", "month", "value", "status",
           "derived", "shown_value", "shown_text", "shown_status")
Row = Sequence[object]  # values in COLUMNS order


def insert_observations(rows: Iterable[Row]) -> int:
    table = Observation._meta.db_table
    columns = ", ".join(COLUMNS)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            batch: list[Row] = []
            sql = (f"INSERT INTO {table} ({columns}) "
                   f"VALUES ({', '.join(['%s'] * len(COLUMNS))})")
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count
