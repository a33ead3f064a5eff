from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


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


def test_events_are_chained_and_verify():
    events = _chain()
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
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


def test_edited_row_is_detected():
    events = _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_username = 'someone-else' WHERE seq = 3")
    report = audit.verify_chain()
    assert not report.ok
    assert report.first_break.seq == 3
    assert "edited" in report.first_break.reason
    assert report.checked == 2
    assert events[2].seq == 3


def test_deleted_row_is_detected():
    _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 2")
    report = audit.verify_chain()
    assert not report.ok and report.first_break.seq == 2
    assert "missing" in report.first_break.reason


def test_deleted_newest_row_is_detected():
    _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 5")
    report = audit.verify_chain()
    assert not report.ok and report.first_break.seq == 5


def test_renumbered_chain_is_detected():
    """Deleting a row and renumbering the rest still breaks the prev_hash link."""
    _chain()
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 2")
        cursor.execute("UPDATE core_auditevent SET seq = seq - 1 WHERE seq > 2")
        cursor.execute("UPDATE core_auditchainhead SET last_seq = 4")
    report = audit.verify_chain()
    assert not report.ok and report.first_break.seq == 2


def test_verify_command_exit_status(capsys):
    _chain(3)
    call_command("audit", "verify")
    assert "intact: 3 events" in capsys.readouterr().out
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET purpose = 'other' WHERE seq = 2")
    with pytest.raises(CommandError, match="broken at event 2"):
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
