"""Retention: remove expired signals, persons without remaining signals, and closed
cases past their term. Only metadata of each deletion is logged, never content.

An expired signal that belongs to a case not yet closed is not deleted: the purge
reports it as held, with its cases and their directors, and leaves it for the case
director to decide (close the case, after which the next purge removes it). Its persons
stay with it.

Attachment files go with their rows (``models._delete_attachment_file``, after commit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.signals.models import Case, CaseStatus, Category, Signal, Subject, SubjectGroup

log = logging.getLogger(__name__)
# A closed case is kept this long after closing (its signals follow their own terms).
CLOSED_CASE_TERM = timedelta(days=365)
# Ids per DELETE: a purge can hold more ids than one statement may carry (SQLite allows
# 32,766 parameters), so the deletions go in chunks, all in the purge's one transaction.
DELETE_CHUNK = 1000


@dataclass
class PurgeReport:
    applied: bool
    signals: list[dict] = field(default_factory=list)
    subjects: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)  # expired, but in a case still open

    def summary(self) -> str:
        verb = "deleted" if self.applied else "would delete (dry run)"
        text = (f"{verb}: {len(self.signals)} signals, {len(self.subjects)} persons, "
                f"{len(self.cases)} closed cases")
        if self.held:
            cases = sorted({c for row in self.held for c in row["cases"]})
            text += (f"; kept {len(self.held)} expired signals of open cases "
                     f"{', '.join(f'C-{c}' for c in cases)} for their case directors to decide")
        return text


def _expired(now: datetime) -> Q:
    expired = Q(pk__in=[])  # without categories nothing expires
    for category in Category.objects.all():
        cutoff = now.date() - timedelta(days=category.retention_days)
        expired |= Q(category=category, observed_on__lt=cutoff)
    return expired


def expired_signals(now: datetime) -> QuerySet[Signal]:
    """Signals whose category's retention period has passed since the date observed."""
    return Signal.objects.filter(_expired(now))


def _in_open_case() -> Q:
    return Q(pk__in=Case.signals.through.objects.exclude(case__status=CaseStatus.CLOSED)
             .values("signal_id"))


def held_signals(now: datetime) -> QuerySet[Signal]:
    """Expired signals kept because a case that is not closed holds them."""
    return expired_signals(now).filter(_in_open_case())


def expired_among(signal_ids: list[int], now: datetime | None = None) -> set[int]:
    """Which of these signals have passed their retention term (for a case page)."""
    return set(expired_signals(now or timezone.now()).filter(pk__in=signal_ids)
               .values_list("pk", flat=True))


def _deletable(now: datetime) -> Q:
    return _expired(now) & ~_in_open_case()


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), DELETE_CHUNK):
        yield ids[start:start + DELETE_CHUNK]


def _delete(model: type[models.Model], ids: list[int]) -> None:
    for chunk in _chunks(ids):
        model._default_manager.filter(pk__in=chunk).delete()


def purge(*, apply: bool = False, now: datetime | None = None) -> PurgeReport:
    now = now or timezone.now()
    report = PurgeReport(applied=apply)
    with transaction.atomic():
        signals = list(Signal.objects.filter(_deletable(now)).values(
            "pk", "municipality_id", "category__key", "observed_on"))
        report.signals = [{"id": s["pk"], "municipality": s["municipality_id"],
                           "category": s["category__key"],
                           "observed_on": s["observed_on"].isoformat()} for s in signals]
        cases = list(Case.objects.filter(status=CaseStatus.CLOSED,
                                         closed_at__lt=now - CLOSED_CASE_TERM)
                     .values("pk", "municipality_id", "closed_at"))
        report.cases = [{"id": c["pk"], "municipality": c["municipality_id"],
                         "closed_at": c["closed_at"].isoformat()} for c in cases]
        report.held = _held_rows(now)
        if apply:
            _keep_newly_bundled(report, now)
        report.subjects = _orphans(now)
        if apply:
            _delete(Case, [c["id"] for c in report.cases])
            _delete(Signal, [s["id"] for s in report.signals])
            _delete(Subject, [s["id"] for s in report.subjects])
            SubjectGroup.objects.filter(members__isnull=True, signals__isnull=True).delete()
            for kind, rows in (("signals.signal", report.signals),
                               ("signals.subject", report.subjects),
                               ("signals.case", report.cases)):
                for row in rows:
                    audit.record(AuditAction.DELETE, object_type=kind, object_id=row["id"],
                                 purpose="retention", detail=row)
                    log.info("retention deleted %s %s", kind, row["id"])
            for row in report.held:
                log.warning("retention kept expired signal %s: open case(s) %s", row["id"],
                            row["cases"])
    return report


def _keep_newly_bundled(report: PurgeReport, now: datetime) -> None:
    """Lock the signals about to be deleted, then look again which an open case holds.

    Between the first read and the delete a case director may bundle one of them into
    an open case. The row lock (``select_for_update``, inside the purge's transaction)
    makes every later link wait for the purge (a new case link locks its signal row
    on PostgreSQL), and the second look, taken after the lock, sees every link that
    committed before it: those signals move from deleted to held."""
    ids = [row["id"] for row in report.signals]
    taken: set[int] = set()
    for chunk in _chunks(ids):
        list(Signal.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
        taken |= set(Signal.objects.filter(pk__in=chunk).filter(_in_open_case())
                     .values_list("pk", flat=True))
    if not taken:
        return
    report.signals = [row for row in report.signals if row["id"] not in taken]
    known = {row["id"] for row in report.held}
    report.held = sorted(report.held + [
        row for chunk in _chunks(sorted(taken - known))
        for row in _held_report(Signal.objects.filter(pk__in=chunk))],
        key=lambda row: row["id"])


def _orphans(now: datetime) -> list[dict]:
    """Persons with no signal outside the deleted ones: a subquery, not a list of ids."""
    kept = Signal.objects.exclude(_deletable(now)).filter(subjects=OuterRef("pk"))
    orphans = Subject.objects.filter(~Exists(kept)).values("pk", "ref", "municipality_id")
    return [{"id": s["pk"], "pseudonym": s["ref"], "municipality": s["municipality_id"]}
            for s in orphans]


def _held_rows(now: datetime) -> list[dict]:
    return _held_report(held_signals(now))


def _held_report(held: QuerySet[Signal]) -> list[dict]:
    links = (Case.signals.through.objects
             .filter(signal__in=held).exclude(case__status=CaseStatus.CLOSED)
             .values_list("signal_id", "case_id", "case__director__username"))
    cases: dict[int, list[int]] = {}
    directors: dict[int, set[str]] = {}
    for signal_id, case_id, director in links:
        cases.setdefault(signal_id, []).append(case_id)
        directors.setdefault(signal_id, set()).add(director)
    rows = held.values("pk", "municipality_id", "category__key", "observed_on")
    return [{"id": s["pk"], "municipality": s["municipality_id"],
             "category": s["category__key"], "observed_on": s["observed_on"].isoformat(),
             "cases": sorted(cases.get(s["pk"], [])),
             "case_directors": sorted(directors.get(s["pk"], set()))}
            for s in rows.order_by("pk")]
