"""Retention with a frozen clock: after a purge nothing expired remains, each deletion
is logged (metadata only), and a dry run changes nothing."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wijkregie.core.models import AuditEvent
from wijkregie.signals import crypto, retention
from wijkregie.signals.models import Case, CaseStatus, Category, Signal, Subject
from wijkregie.signals.retention import expired_signals, held_signals

pytestmark = pytest.mark.django_db


def _frozen(days_ahead: int):  # type: ignore[no-untyped-def]
    frozen = timezone.now() + timedelta(days=days_ahead)
    return mock.patch("django.utils.timezone.now", return_value=frozen), frozen


def test_dry_run_by_default_changes_nothing(demo):
    patcher, _now = _frozen(400)
    before = (Signal.objects.count(), Subject.objects.count(), AuditEvent.objects.count())
    with patcher:
        out = StringIO()
        call_command("retention", "purge", stdout=out)
    assert "would delete (dry run)" in out.getvalue()
    assert (Signal.objects.count(), Subject.objects.count(), AuditEvent.objects.count()) == before


def test_purge_with_frozen_clock_removes_all_expired_and_logs_each(demo):
    Category.objects.filter(key="verloedering").update(retention_days=100)
    closed = Case.objects.filter(status=CaseStatus.CLOSED).first()
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=300))
    patcher, now = _frozen(100)
    with patcher:
        held = set(held_signals(now).values_list("pk", flat=True))  # in open demo cases
        expected = set(expired_signals(now).values_list("pk", flat=True)) - held
        assert expected  # the clock moved enough for some signals to expire
        kept = Signal.objects.exclude(pk__in=expected)
        out = StringIO()
        call_command("retention", "purge", "--apply", "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert set(expired_signals(now).values_list("pk", flat=True)) == held
    assert {row["id"] for row in report["signals"]} == expected
    assert {row["id"] for row in report["held"]} == held
    assert not Signal.objects.filter(pk__in=expected).exists()
    assert kept.count() == Signal.objects.count()
    assert not Subject.objects.filter(signals=None).exists()  # no person without a signal
    assert not Case.objects.filter(pk=closed.pk).exists()  # closed more than a year ago
    deletions = AuditEvent.objects.filter(action="delete", purpose="retention")
    assert deletions.filter(object_type="signals.signal").count() == len(expected)
    assert deletions.filter(object_type="signals.subject").count() == len(report["subjects"])
    assert deletions.filter(object_type="signals.case", object_id=str(closed.pk)).exists()
    # Metadata only: no description, name or other content in the log.
    logged = json.dumps(list(deletions.values_list("detail", flat=True)))
    assert "description" not in logged and "Zwerfvuil" not in logged
    some_name = crypto.decrypt_identity(Subject.objects.first().identity)["name"]
    assert some_name not in logged


def test_many_ids_are_deleted_in_chunks_and_each_logged(demo, monkeypatch):
    """Chunks keep each DELETE under the database's parameter limit (SQLite: 32,766)."""
    monkeypatch.setattr(retention, "DELETE_CHUNK", 7)
    Category.objects.filter(key="verloedering").update(retention_days=100)
    patcher, now = _frozen(100)
    with patcher:
        held = set(held_signals(now).values_list("pk", flat=True))
        expected = set(expired_signals(now).values_list("pk", flat=True)) - held
        assert len(expected) > 3 * 7  # several chunks
        with CaptureQueriesContext(connection) as queries:
            report = retention.purge(apply=True, now=now)
        assert set(expired_signals(now).values_list("pk", flat=True)) == held
    assert {row["id"] for row in report.signals} == expected
    assert not Signal.objects.filter(pk__in=expected).exists()
    signal_deletes = [q["sql"] for q in queries.captured_queries
                      if q["sql"].startswith('DELETE FROM "signals_signal" WHERE')]
    assert len(signal_deletes) == math.ceil(len(expected) / 7)
    deletions = AuditEvent.objects.filter(action="delete", purpose="retention")
    assert set(deletions.filter(object_type="signals.signal").values_list(
        "object_id", flat=True)) == {str(pk) for pk in expected}
    assert deletions.filter(object_type="signals.signal").count() == len(expected)
    assert deletions.filter(object_type="signals.subject").count() == len(report.subjects)
    assert not Subject.objects.filter(pk__in=[s["id"] for s in report.subjects]).exists()


def test_periodic_task_is_registered_daily():
    from datetime import datetime

    from wijkregie.signals.tasks import daily_retention_purge

    task = daily_retention_purge.s()
    assert task.validate_datetime(datetime(2026, 1, 1, 3, 15))
    assert task.validate_datetime(datetime(2026, 1, 2, 3, 15))
    assert not task.validate_datetime(datetime(2026, 1, 1, 4, 15))


def test_expired_signals_of_an_open_case_are_kept_reported_and_shown_to_its_director(
        demo, login):
    """Retention does not silently delete what an open case still holds: it reports
    the signals (with case and director) and leaves them; the rest still goes."""
    Category.objects.filter(key="verloedering").update(retention_days=100)
    patcher, now = _frozen(100)
    with patcher:
        expired = list(expired_signals(now).order_by("pk"))
        open_case = Case.objects.exclude(status=CaseStatus.CLOSED).first()
        held = expired_signals(now).filter(cases=None).order_by("pk").first()
        open_case.signals.add(held)
        person = Subject.objects.filter(signals=None).first() or Subject.objects.first()
        held.subjects.add(person)  # its persons stay with it
        in_demo_cases = set(held_signals(now).values_list("pk", flat=True)) - {held.pk}
        report = retention.purge(apply=True, now=now)
        rows = {row["id"]: row for row in report.held}
        assert set(rows) == in_demo_cases | {held.pk}
        assert open_case.pk in rows[held.pk]["cases"]
        assert rows[held.pk]["case_directors"] == [open_case.director.username]
        assert f"kept {len(rows)} expired signals of open cases" in report.summary()
        assert Signal.objects.filter(pk=held.pk).exists()
        assert Subject.objects.filter(pk=person.pk).exists()
        assert held.pk not in {row["id"] for row in report.signals}
        # The others expired with it are gone: the purge did its work.
        gone = [s.pk for s in expired if s.pk not in rows]
        assert gone and not Signal.objects.filter(pk__in=gone).exists()
        page = login("casusregisseur").get(f"/signals/cases/{open_case.pk}/")
        assert held.pk in page.context["expired"]
        # Once the case is closed, the next purge removes it.
        Case.objects.filter(pk=open_case.pk).update(status=CaseStatus.CLOSED,
                                                    closed_at=timezone.now())
        retention.purge(apply=True, now=now)
        assert not Signal.objects.filter(pk=held.pk).exists()
