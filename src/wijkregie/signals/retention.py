"""Retention: remove expired signals, persons without remaining signals, and closed
cases past their term. Only metadata of each deletion is logged, never content."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.signals.models import Case, CaseStatus, Category, Signal, Subject, SubjectGroup

log = logging.getLogger(__name__)
# A closed case is kept this long after closing (its signals follow their own terms).
CLOSED_CASE_TERM = timedelta(days=365)


@dataclass
class PurgeReport:
    applied: bool
    signals: list[dict] = field(default_factory=list)
    subjects: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        verb = "deleted" if self.applied else "would delete (dry run)"
        return (f"{verb}: {len(self.signals)} signals, {len(self.subjects)} persons, "
                f"{len(self.cases)} closed cases")


def expired_signals(now: datetime) -> QuerySet[Signal]:
    """Signals whose category's retention period has passed since the date observed."""
    expired = Q(pk__in=[])
    for category in Category.objects.all():
        cutoff = now.date() - timedelta(days=category.retention_days)
        expired |= Q(category=category, observed_on__lt=cutoff)
    return Signal.objects.filter(expired)


def purge(*, apply: bool = False, now: datetime | None = None) -> PurgeReport:
    now = now or timezone.now()
    report = PurgeReport(applied=apply)
    with transaction.atomic():
        signals = list(expired_signals(now).values("pk", "municipality_id", "category__key",
                                                   "observed_on"))
        report.signals = [{"id": s["pk"], "municipality": s["municipality_id"],
                           "category": s["category__key"],
                           "observed_on": s["observed_on"].isoformat()} for s in signals]
        cases = list(Case.objects.filter(status=CaseStatus.CLOSED,
                                         closed_at__lt=now - CLOSED_CASE_TERM)
                     .values("pk", "municipality_id", "closed_at"))
        report.cases = [{"id": c["pk"], "municipality": c["municipality_id"],
                         "closed_at": c["closed_at"].isoformat()} for c in cases]
        signal_ids = [s["pk"] for s in signals]
        orphans = (Subject.objects.annotate(
            kept=Count("signals", filter=~Q(signals__pk__in=signal_ids)))
            .filter(kept=0).values("pk", "ref", "municipality_id"))
        report.subjects = [{"id": s["pk"], "pseudonym": s["ref"],
                            "municipality": s["municipality_id"]} for s in orphans]
        if apply:
            Case.objects.filter(pk__in=[c["id"] for c in report.cases]).delete()
            Signal.objects.filter(pk__in=signal_ids).delete()
            Subject.objects.filter(pk__in=[s["id"] for s in report.subjects]).delete()
            SubjectGroup.objects.filter(members__isnull=True, signals__isnull=True).delete()
            for kind, rows in (("signals.signal", report.signals),
                               ("signals.subject", report.subjects),
                               ("signals.case", report.cases)):
                for row in rows:
                    audit.record(AuditAction.DELETE, object_type=kind, object_id=row["id"],
                                 purpose="retention", detail=row)
                    log.info("retention deleted %s %s", kind, row["id"])
    return report
