"""Audit lanes (ADR 0024): each event gets a lane and a position in it.

Existing events become lane 1 with ``lane_seq = seq`` (they were one gap-free chain),
so their hashes still verify. Filling ``lane_seq`` is an UPDATE, and on SQLite adding
the columns rebuilds the table, which drops its triggers: the append-only triggers are
therefore dropped first and created again at the end, on both databases. On PostgreSQL
all of it runs in one transaction, so the table is never visibly unprotected.

PostgreSQL also gets the sequence that numbers events across lanes (``seq``), started
after the highest existing number.
"""

from importlib import import_module

from django.db import migrations, models

append_only = import_module("wijkregie.core.migrations.0002_audit_append_only")
_run = append_only._run
TRIGGERS_UP = {"sqlite": append_only.SQLITE_UP, "postgresql": append_only.POSTGRES_UP}
TRIGGERS_DOWN = {"sqlite": append_only.SQLITE_DOWN, "postgresql": append_only.POSTGRES_DOWN}

SEQUENCE_UP = {"postgresql": [
    "CREATE SEQUENCE core_auditevent_seq",
    "SELECT setval('core_auditevent_seq', COALESCE(MAX(seq), 0) + 1, false) "
    "FROM core_auditevent",
]}
SEQUENCE_DOWN = {"postgresql": ["DROP SEQUENCE IF EXISTS core_auditevent_seq"]}


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(_run(TRIGGERS_DOWN), _run(TRIGGERS_UP)),
        migrations.AddField(
            model_name="auditevent",
            name="lane",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="lane_seq",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunSQL("UPDATE core_auditevent SET lane_seq = seq", migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("lane", "lane_seq"),
                                               name="core_auditevent_lane_seq"),
        ),
        migrations.RunPython(_run(SEQUENCE_UP), _run(SEQUENCE_DOWN)),
        migrations.RunPython(_run(TRIGGERS_UP), _run(TRIGGERS_DOWN)),
    ]
