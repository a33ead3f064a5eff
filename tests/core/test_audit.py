from __future__ import annotations

import itertools
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_lane(settings):
    """A single lane: the chain of ADR 0003, as before lanes existed."""
    settings.AUDIT_LANES = 1


def _drop_append_only_triggers() -> None:
    """What an attacker with schema rights would do before tampering."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")


def _chain(n: int = 5) -> list[AuditEvent]:
    return [audit.record(AuditAction.VIEW, object_type="test.thing", object_id=i,
                         purpose="testing", subject_ref=f"P-{i}") for i in range(n)]


@pytest.mark.usefixtures("one_lane")
def test_events_are_chained_and_verify():
    events = _chain()
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert [(e.lane, e.lane_seq) for e in events] == [(1, n) for n in range(1, 6)]
    assert all(a.seq < b.seq for a, b in itertools.pairwise(events))
    report = audit.verify_chain()
    assert report.ok and report.checked == 5


def test_orm_refuses_update_and_delete():
    event = _chain(1)[0]
    event.purpose = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update_and_delete():
    event = _chain(1)[0]
    for sql in ("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s",
                "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).purpose == "testing"


@pytest.mark.usefixtures("one_lane")
def test_edited_row_is_detected():
    events = _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_username = 'someone-else' "
                       "WHERE seq = %s", [events[2].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert (report.first_break.lane, report.first_break.position) == (1, 3)
    assert report.first_break.seq == events[2].seq
    assert "edited" in report.first_break.reason
    assert report.checked == 2


@pytest.mark.usefixtures("one_lane")
def test_deleted_row_is_detected():
    events = _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert (report.first_break.lane, report.first_break.position) == (1, 2)
    assert "missing" in report.first_break.reason


@pytest.mark.usefixtures("one_lane")
def test_deleted_newest_row_is_detected():
    events = _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [events[4].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert (report.first_break.lane, report.first_break.position) == (1, 5)
    assert "newest events were removed" in report.first_break.reason


@pytest.mark.usefixtures("one_lane")
def test_renumbered_chain_is_detected():
    """Deleting a row and renumbering the rest still breaks the prev_hash link."""
    events = _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
        cursor.execute("UPDATE core_auditevent SET lane_seq = lane_seq - 1 WHERE lane_seq > 2")
        cursor.execute("UPDATE core_auditchainhead SET last_seq = 4")
    report = audit.verify_chain()
    assert not report.ok
    assert (report.first_break.lane, report.first_break.position) == (1, 2)
    assert "prev_hash" in report.first_break.reason


@pytest.mark.usefixtures("one_lane")
def test_verify_command_exit_status(capsys):
    events = _chain(3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "intact: 3 events in 1 lanes" in out
    assert f"lane 1: 3 events, head {events[2].hash}" in out
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET purpose = 'other' WHERE seq = %s",
                       [events[1].seq])
    with pytest.raises(CommandError, match=f"broken in lane 1 at position 2 "
                                           rf"\(event {events[1].seq}\)"):
        call_command("audit", "verify")


def test_event_records_actor_organisation_and_address(demo, client):
    from wijkregie.core.models import User

    user = User.objects.get(username="agent")
    client.force_login(user)
    client.get("/areas/GM9002/", REMOTE_ADDR="192.0.2.7")  # another municipality: denied
    event = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).get()
    assert event.actor_id == user.pk
    assert event.organisation_id == user.organisation_id
    assert event.municipality_id == user.municipality_id
    assert event.client_address == "192.0.2.7"
    assert event.outcome == AuditOutcome.DENIED
    assert event.object_type == "areas.area"
    assert audit.verify_chain().ok


# --- lanes (ADR 0024) ----------------------------------------------------------------

@pytest.fixture
def four_lanes(settings):
    settings.AUDIT_LANES = 4


def _in_lanes(monkeypatch, *lanes: int) -> list[AuditEvent]:
    """One event in each named lane, in that order, instead of lanes picked at random."""
    order = iter(lanes)
    monkeypatch.setattr(audit, "_lane_for_transaction", lambda: next(order))
    return [audit.record(AuditAction.VIEW, object_type="test.thing", object_id=i,
                         purpose="testing") for i in range(len(lanes))]


def _tamper(sql: str, params: list | None = None) -> None:
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("four_lanes", "audit_rows_cleared")
def test_events_spread_over_lanes_and_each_lane_chains():
    events = _chain(40)  # each in its own transaction
    by_lane: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_lane.setdefault(event.lane, []).append(event)
    assert set(by_lane) <= {1, 2, 3, 4}
    assert len(by_lane) > 1  # all 40 in one of 4 random lanes: chance 4**-39
    for lane_events in by_lane.values():
        assert [e.lane_seq for e in lane_events] == list(range(1, len(lane_events) + 1))
        assert lane_events[0].prev_hash == audit.GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(lane_events))
    assert all(a.seq < b.seq for a, b in itertools.pairwise(events))
    report = audit.verify_chain()
    assert report.ok and report.checked == 40
    assert report.lanes == {lane: (len(e), e[-1].hash) for lane, e in by_lane.items()}


@pytest.mark.usefixtures("four_lanes")
def test_a_transaction_keeps_to_one_lane():
    """Several events in one transaction lock one head row, not up to four."""
    with transaction.atomic():
        events = _chain(20)
    assert {e.lane for e in events} == {events[0].lane}  # by chance: 4**-19
    assert [e.lane_seq for e in events] == list(range(1, 21))


@pytest.mark.usefixtures("four_lanes")
def test_lane_fields_are_hashed_outside_lane_one(monkeypatch):
    """Lane 1 keeps the hash of ADR 0003; elsewhere lane and position are covered too."""
    first, second = _in_lanes(monkeypatch, 1, 2)
    assert audit.event_hash(first, first.prev_hash) == first.hash
    moved = AuditEvent.objects.get(pk=first.pk)
    moved.lane, moved.lane_seq = 2, 1
    assert audit.event_hash(moved, first.prev_hash) != first.hash
    other = AuditEvent.objects.get(pk=second.pk)
    other.lane_seq = 2
    assert audit.event_hash(other, second.prev_hash) != second.hash


@pytest.mark.usefixtures("four_lanes")
def test_edit_in_another_lane_is_detected(monkeypatch):
    events = _in_lanes(monkeypatch, 1, 2, 1, 2, 2, 1)
    _tamper("UPDATE core_auditevent SET purpose = 'other' WHERE seq = %s", [events[3].seq])
    report = audit.verify_chain()
    assert report.first_break == audit.ChainBreak(
        2, 2, "content does not match its hash (the row was edited)", events[3].seq)
    assert report.checked == 3 + 1  # lane 1 entirely, lane 2 up to the edited event


@pytest.mark.usefixtures("four_lanes")
def test_deletion_in_another_lane_is_detected(monkeypatch):
    events = _in_lanes(monkeypatch, 3, 3, 3, 1)
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [events[1].seq])
    brk = audit.verify_chain().first_break
    assert (brk.lane, brk.position) == (3, 2) and "missing" in brk.reason


@pytest.mark.usefixtures("four_lanes")
def test_truncation_of_another_lane_is_detected(monkeypatch):
    events = _in_lanes(monkeypatch, 2, 1, 2, 2, 1)
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [events[3].seq])
    brk = audit.verify_chain().first_break
    assert (brk.lane, brk.position) == (2, 3)
    assert "records 3 events, found 2" in brk.reason


@pytest.mark.usefixtures("four_lanes")
def test_removal_of_a_whole_lane_or_its_head_is_detected(monkeypatch):
    _in_lanes(monkeypatch, 1, 4, 4)
    _tamper("DELETE FROM core_auditevent WHERE lane = 4")
    brk = audit.verify_chain().first_break
    assert (brk.lane, brk.position) == (4, 1) and "found 0" in brk.reason


@pytest.mark.usefixtures("four_lanes")
def test_removed_chain_head_is_detected(monkeypatch):
    _in_lanes(monkeypatch, 1, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead WHERE id = 3")
    brk = audit.verify_chain().first_break
    assert brk.lane == 3 and "no chain head" in brk.reason


@pytest.mark.usefixtures("four_lanes")
def test_event_moved_to_another_lane_is_detected(monkeypatch):
    events = _in_lanes(monkeypatch, 2, 2, 3)
    _tamper("UPDATE core_auditevent SET lane = 3, lane_seq = 2 WHERE seq = %s",
            [events[1].seq])
    brk = audit.verify_chain().first_break
    assert (brk.lane, brk.position) == (2, 2)  # lane 2 lost its newest event


@pytest.mark.usefixtures("four_lanes")
def test_lanes_no_longer_written_to_are_still_verified(settings, monkeypatch):
    events = _in_lanes(monkeypatch, 4, 4)
    settings.AUDIT_LANES = 1
    monkeypatch.undo()
    _chain(2)
    _tamper("UPDATE core_auditevent SET purpose = 'other' WHERE seq = %s", [events[1].seq])
    brk = audit.verify_chain().first_break
    assert (brk.lane, brk.position) == (4, 2)


def test_lanes_setting_is_checked_at_start():
    """A bad WIJKREGIE_AUDIT_LANES stops the settings from loading, naming the variable."""
    import os
    import subprocess
    import sys

    for value in ("0", "65", "acht"):
        result = subprocess.run(
            [sys.executable, "-c", "import wijkregie.settings"], capture_output=True, text=True,
            env={**os.environ, "WIJKREGIE_AUDIT_LANES": value}, check=False)
        assert result.returncode != 0
        assert f"WIJKREGIE_AUDIT_LANES must be a whole number from 1 to 64, not '{value}'" \
            in result.stderr


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_valid_lanes(settings):
    """Writers on their own connections, in parallel, on PostgreSQL's row locks."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time; row locks are PostgreSQL's")
    settings.AUDIT_LANES = 4
    threads_count, per_thread = 6, 20
    errors: list[Exception] = []

    def work(slot: int) -> None:
        try:
            for i in range(per_thread // 2):
                # Two events per transaction: on two lanes they could deadlock.
                with transaction.atomic():
                    for part in "ab":
                        audit.record(AuditAction.VIEW, object_type="test.thing",
                                     object_id=f"{slot}-{i}-{part}", purpose="testing")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(AuditEvent.objects.values_list("seq", "lane", "lane_seq"))
    assert len(rows) == threads_count * per_thread
    assert len({seq for seq, _, _ in rows}) == len(rows)
    assert len({(lane, lane_seq) for _, lane, lane_seq in rows}) == len(rows)
    report = audit.verify_chain()
    assert report.ok and report.checked == len(rows)
    assert len(report.lanes) > 1
    lanes_of = {}
    for object_id, lane in AuditEvent.objects.values_list("object_id", "lane"):
        lanes_of.setdefault(object_id[:-2], set()).add(lane)
    assert all(len(lanes) == 1 for lanes in lanes_of.values())


def _hash_before_lanes(fields: dict, prev_hash: str) -> str:
    """The hash as ADR 0003 computed it, written out here independently of the code."""
    import hashlib
    import json

    payload = {**fields, "created_at": fields["created_at"].isoformat(timespec="microseconds")}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((canonical + prev_hash).encode()).hexdigest()


@pytest.fixture
def audit_rows_cleared():
    """Transactional tests end with a flush, which SQLite does as a DELETE the trigger
    refuses: remove the rows around the triggers afterwards."""
    yield
    _drop_append_only_triggers()
    append_only = import_module("wijkregie.core.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        if connection.vendor == "sqlite":
            for statement in append_only.SQLITE_UP:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("four_lanes", "audit_rows_cleared", "migrations_restored")
def test_migration_to_lanes_keeps_old_events_valid_and_the_table_append_only(monkeypatch):
    from datetime import UTC, datetime

    from django.db.migrations.executor import MigrationExecutor

    before, lanes = [("core", "0002_audit_append_only")], [("core", "0003_audit_lanes")]
    MigrationExecutor(connection).migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        prev_hash = audit.GENESIS_HASH
        for seq in (1, 2, 3):
            fields = {
                "seq": seq, "created_at": datetime(2026, 1, seq, 9, 30, 0, 123456, tzinfo=UTC),
                "actor_id": None, "actor_username": "agent", "organisation_id": None,
                "municipality_id": None, "action": "view", "object_type": "test.thing",
                "object_id": str(seq), "subject_ref": "", "purpose": "before lanes",
                "outcome": "success", "client_address": None, "detail": {"n": seq},
            }
            digest = _hash_before_lanes(fields, prev_hash)
            old.get_model("core", "AuditEvent").objects.create(
                **fields, prev_hash=prev_hash, hash=digest)
            prev_hash = digest
        old.get_model("core", "AuditChainHead").objects.create(
            id=1, last_seq=3, last_hash=prev_hash)
    finally:
        MigrationExecutor(connection).migrate(lanes)

    assert list(AuditEvent.objects.values_list("lane", "lane_seq", "seq")) == [
        (1, 1, 1), (1, 2, 2), (1, 3, 3)]
    report = audit.verify_chain()
    assert report.ok and report.lanes == {1: (3, prev_hash)}
    # The rebuilt table (SQLite) and the altered one (PostgreSQL) refuse changes again.
    for sql in ("UPDATE core_auditevent SET purpose = 'x' WHERE seq = 1",
                "DELETE FROM core_auditevent WHERE seq = 1"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    # Lane 1 continues the old chain; numbers continue after the old ones.
    continued, fresh = _in_lanes(monkeypatch, 1, 2)
    assert (continued.lane_seq, continued.prev_hash) == (4, prev_hash)
    assert (fresh.lane_seq, fresh.prev_hash) == (1, audit.GENESIS_HASH)
    assert 3 < continued.seq < fresh.seq
    assert audit.verify_chain().checked == 5


@pytest.fixture
def migrations_restored():
    """A test that migrates back leaves every app at its latest migration again, so that
    later tests (and later migrations of core) find the schema they expect."""
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
