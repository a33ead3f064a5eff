"""The demo data set built once per test session and restored into each test.

Building the demo (figures pipeline, signals, hot spot analyses, MKBA) takes seconds; the
suite needs it in about 150 tests. The session builds it once inside a transaction,
captures every row it added or changed, and rolls back, so the database is as migrations
left it. A test that asks for the demo gets those rows written back into its own
transaction (``INSERT`` on SQLite, ``COPY`` on PostgreSQL), which pytest-django rolls back
at the end of the test like any other write.

Rows are captured as the database returns them and written back unchanged, so hashes of
the audit chain, encrypted identities and ids are those of a real load. Sequences are not
rewound by the rollback, so ids a test creates never collide with restored ones.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, Organisation
from wijkregie.demo.loader import DemoContext, DemoLogin, load_demo

SKIPPED_TABLES = {"django_migrations"}


@dataclass(frozen=True)
class TableChange:
    table: str
    columns: tuple[str, ...]
    rows: tuple[Hashable, ...]  # tuples (SQLite) or COPY text lines (PostgreSQL)
    replace: bool  # the load changed rows that migrations wrote: rewrite the whole table


@dataclass(frozen=True)
class DemoSnapshot:
    changes: tuple[TableChange, ...]
    seed: int
    scale: str
    rng_state: dict
    municipality_ids: tuple[int, ...]
    programme_area_ids: tuple[int, ...]
    organisation_ids: tuple[tuple[str, int], ...]
    logins: tuple[DemoLogin, ...]
    baseline: tuple[str, ...]  # tables that held rows before the load
    baseline_digest: str

    def fits_database(self) -> bool:
        """Whether the rows migrations wrote are still those the demo rows refer to (a
        transactional test's flush re-creates groups and permissions with new ids)."""
        return _digest(self.baseline) == self.baseline_digest

    def restore(self) -> DemoContext:
        """Write the demo rows into the current transaction; the context as a load gives."""
        with connection.cursor() as cursor:
            for change in self.changes:
                if change.replace:
                    cursor.execute(f'DELETE FROM "{change.table}"')
                _write_rows(cursor, change)
        rng = np.random.default_rng()
        rng.bit_generator.state = copy.deepcopy(self.rng_state)
        municipalities = Municipality.objects.in_bulk(self.municipality_ids)
        programme_areas = ProgrammeArea.objects.in_bulk(self.programme_area_ids)
        organisations = Organisation.objects.in_bulk([pk for _, pk in self.organisation_ids])
        return DemoContext(
            seed=self.seed, scale=self.scale, rng=rng,
            municipalities=[municipalities[pk] for pk in self.municipality_ids],
            programme_areas=[programme_areas[pk] for pk in self.programme_area_ids],
            organisations={key: organisations[pk] for key, pk in self.organisation_ids},
            logins=list(self.logins))


def build_snapshot(*, seed: int, scale: str) -> DemoSnapshot:
    """Load the demo in a transaction that is rolled back, keeping what it wrote."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            tables = [t for t in connection.introspection.table_names(cursor)
                      if t not in SKIPPED_TABLES]
            before = {table: _read_rows(cursor, table) for table in tables}
            baseline = tuple(t for t in tables if before[t][1])
            baseline_digest = _digest(baseline)
        context = load_demo(seed=seed, scale=scale)
        with connection.cursor() as cursor:
            changes = []
            for table in tables:
                columns, rows = _read_rows(cursor, table)
                old_rows = set(before[table][1])
                if set(rows) == old_rows:
                    continue
                replace = not old_rows <= set(rows)
                added = rows if replace else tuple(r for r in rows if r not in old_rows)
                changes.append(TableChange(table, columns, added, replace))
        snapshot = DemoSnapshot(
            changes=tuple(changes), seed=context.seed, scale=context.scale,
            rng_state=copy.deepcopy(context.rng.bit_generator.state),
            municipality_ids=tuple(m.pk for m in context.municipalities),
            programme_area_ids=tuple(p.pk for p in context.programme_areas),
            organisation_ids=tuple((k, o.pk) for k, o in context.organisations.items()),
            logins=tuple(context.logins), baseline=baseline,
            baseline_digest=baseline_digest)
        transaction.set_rollback(True)
    return snapshot


def _digest(tables: Iterable[str]) -> str:
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in tables:
            digest.update(table.encode())
            for row in sorted(map(repr, _read_rows(cursor, table)[1])):
                digest.update(row.encode())
    return digest.hexdigest()


def _read_rows(cursor, table: str) -> tuple[tuple[str, ...], tuple[Hashable, ...]]:
    cursor.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')
    columns = tuple(col[0] for col in cursor.description)
    if connection.vendor == "postgresql":
        raw = cursor.cursor  # psycopg's own cursor: COPY keeps every value exactly
        with raw.copy(f'COPY "{table}" TO STDOUT') as copy_out:
            data = b"".join(bytes(chunk) for chunk in copy_out)
        return columns, tuple(data.splitlines(keepends=True))
    cursor.execute(f'SELECT * FROM "{table}"')
    return columns, tuple(tuple(row) for row in cursor.fetchall())


def _write_rows(cursor, change: TableChange) -> None:
    if not change.rows:
        return
    column_list = ", ".join(f'"{c}"' for c in change.columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f'COPY "{change.table}" ({column_list}) FROM STDIN') as copy_in:
            copy_in.write(b"".join(change.rows))  # type: ignore[arg-type]
        return
    placeholders = ", ".join(["%s"] * len(change.columns))
    cursor.executemany(f'INSERT INTO "{change.table}" ({column_list}) VALUES ({placeholders})',
                       change.rows)

