"""Escalation rules over the plan of approach: measures overdue and goals off their
milestone path. Registered in ``rules.EVALUATORS`` like the case and signal rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from wijkregie.core.models import User
from wijkregie.regie import services
from wijkregie.regie.models import Goal, Measure, MeasureStatus
from wijkregie.regie.models_intervention import EscalationRule
from wijkregie.regie.rules import Finding, _areas


def _plans_filter(rule: EscalationRule) -> dict:
    return {"plan__programme_area__in": _areas(rule)}


def measure_overdue(rule: EscalationRule, today: date, _cache: dict) -> Iterator[Finding]:
    """A measure not done or stopped whose end lies more than ``days`` days back."""
    days = rule.params.get("days", 0)
    measures = (Measure.objects.filter(**_plans_filter(rule))
                .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.STOPPED])
                .select_related("plan__programme_area", "lead_organisation"))
    for measure in measures:
        late = (today - measure.end).days
        if late <= days:
            continue
        owners = list(User.objects.filter(
            organisation=measure.lead_organisation, is_active=True,
            municipality_id=rule.municipality_id))
        yield Finding(
            # The end date is part of the key: a measure given a new end that it misses
            # again raises a new escalation, the same miss never twice.
            key=f"measure_overdue:{rule.pk}:{measure.pk}:{measure.end.isoformat()}",
            reason=_("Measure \u201c%(title)s\u201d is %(n)d days past its end date") % {
                "title": measure.title, "n": late},
            evidence={"numbers": {"days_overdue": late, "threshold_days": days,
                                  "end": measure.end.isoformat(),
                                  "status": measure.status},
                      "links": [{"label": _("measure"),
                                 "url": reverse("regie:measure", args=[measure.pk])}]},
            programme_area=measure.plan.programme_area, owners=owners)


def goal_off_path(rule: EscalationRule, today: date, _cache: dict) -> Iterator[Finding]:
    """A goal whose traffic light was red in each of its ``periods`` latest shown years;
    years whose figure is withheld do not count (nothing is known of them)."""
    periods = rule.params.get("periods", 1)
    goals = Goal.objects.filter(**_plans_filter(rule)).select_related(
        "plan__programme_area", "indicator").prefetch_related("milestones")
    if key := rule.params.get("indicator"):
        goals = goals.filter(indicator__key=key)
    for goal in goals:
        years = sorted({p.year for p in services.goal_progress(None, goal).series
                        if p.value is not None and p.year <= today.year})
        recent = years[-periods:]
        if len(recent) < periods:
            continue
        lights = [services.goal_progress(None, goal, upto_year=y) for y in recent]
        if any(p.light != services.RED for p in lights):
            continue
        latest = lights[-1]
        yield Finding(
            key=f"goal_off_path:{rule.pk}:{goal.pk}:{recent[-1]}",
            reason=_("Goal \u201c%(goal)s\u201d has been behind its milestone path for "
                     "%(k)d periods") % {"goal": goal.statement[:80], "k": periods},
            evidence={"numbers": {"years": recent,
                                  "values": [p.latest_value for p in lights],
                                  "planned": [p.planned_value for p in lights],
                                  "latest_year": latest.latest_year},
                      "links": [{"label": _("goal"),
                                 "url": reverse("regie:goal", args=[goal.pk])}]},
            programme_area=goal.plan.programme_area)
