"""Writes of the plan of approach, the measure-update workflow and goal progress.

Every write runs in one transaction, names the field on bad input and is audited.
Progress is computed only from disclosed figures (figures selectors), never typed in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, Organisation, User
from wijkregie.figures import selectors as figures
from wijkregie.figures import statistics
from wijkregie.figures.models import Aggregation, Indicator, Polarity
from wijkregie.regie.models import (
    DEFAULT_PILLARS,
    BenchmarkReference,
    Goal,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Milestone,
    Pillar,
    Plan,
    TargetKind,
    UpdateStatus,
)

# --- permissions ---------------------------------------------------------------------


def _in_municipality(user: User, plan: Plan) -> bool:
    return bool(user.is_authenticated and user.municipality_id
                and user.municipality_id == plan.programme_area.municipality_id)


def may_edit(user: User, plan: Plan) -> bool:
    return _in_municipality(user, plan) and user.has_perm("regie.edit_plan")


def may_approve(user: User, measure: Measure) -> bool:
    return _in_municipality(user, measure.plan) and user.has_perm(
        "regie.approve_measure_update")


def may_submit(user: User, measure: Measure) -> bool:
    """The area director, or a partner worker of the lead or a contributing organisation."""
    if not _in_municipality(user, measure.plan):
        return False
    if user.has_perm("regie.edit_plan"):
        return True
    if not user.has_perm("regie.submit_measure_update") or not user.organisation_id:
        return False
    return (measure.lead_organisation_id == user.organisation_id
            or measure.contributing_organisations.filter(pk=user.organisation_id).exists())


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("you may not change this plan"))


def ensure_pillars(municipality: Municipality) -> list[Pillar]:
    """The municipality's pillars, creating the default seven the first time."""
    if not Pillar.objects.filter(municipality=municipality).exists():
        Pillar.objects.bulk_create([
            Pillar(municipality=municipality, key=key, name=name, order=i)
            for i, (key, name) in enumerate(DEFAULT_PILLARS)])
    return list(Pillar.objects.filter(municipality=municipality))


def create_plan(*, user: User, programme_area: Any, title: str) -> Plan:
    """A new plan; it takes the traffic-light bands of the municipality's most recently
    changed plan, so that a municipality sets its bands once (else the model's 90/50 %)."""
    with transaction.atomic():
        plan = Plan(programme_area=programme_area, title=title.strip())
        _require(may_edit(user, plan))
        if not plan.title:
            raise ValidationError({"title": _("a plan needs a title")})
        sibling = (Plan.objects.filter(programme_area__municipality=programme_area.municipality)
                   .order_by("-updated_at").first())
        if sibling is not None:
            plan.green_from, plan.amber_from = sibling.green_from, sibling.amber_from
        plan.save()
        ensure_pillars(programme_area.municipality)
        audit.record(AuditAction.CREATE, actor=user, obj=plan)
    return plan


def _validate_bands(green_from: float, amber_from: float) -> None:
    errors = {}
    for name, value in (("green_from", green_from), ("amber_from", amber_from)):
        if not 0 <= value <= 1:
            errors[name] = _("a band is a share of the planned progress, from 0 to 100 %")
    if not errors and amber_from >= green_from:
        errors["amber_from"] = _("amber must start below green")
    if errors:
        raise ValidationError(errors)


def edit_plan(*, user: User, plan: Plan, version: int, title: str, green_from: float,
              amber_from: float) -> Plan:
    """Title and traffic-light bands of a plan: version-checked, validated, audited with
    the bands before and after (a changed band changes every goal's light)."""
    _require(may_edit(user, plan))
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if current.version != version:
            raise _conflict()
        if not title.strip():
            raise ValidationError({"title": _("a plan needs a title")})
        _validate_bands(green_from, amber_from)
        before = {"green_from": current.green_from, "amber_from": current.amber_from}
        current.title, current.green_from, current.amber_from = (
            title.strip(), green_from, amber_from)
        current.version += 1
        current.save()
        audit.record(AuditAction.UPDATE, actor=user, obj=current, detail={
            "before": before, "after": {"green_from": green_from, "amber_from": amber_from}})
    return current


# --- goals ---------------------------------------------------------------------------

GOAL_FIELDS = ("pillar", "statement", "owner", "horizon_year", "indicator", "baseline_value",
               "baseline_year", "target_kind", "target_value", "benchmark", "benchmark_year")


def _validate_goal(user: User, goal: Goal, milestones: list[tuple[int, float]]) -> None:
    plan = goal.plan
    municipality_id = plan.programme_area.municipality_id
    errors: dict[str, str] = {}
    if not goal.statement.strip():
        errors["statement"] = _("a goal needs a statement")
    if goal.pillar.municipality_id != municipality_id:
        errors["pillar"] = _("this pillar belongs to another municipality")
    indicator: Indicator = goal.indicator
    if not figures.indicators_for(user).filter(pk=indicator.pk).exists():
        errors["indicator"] = _("this indicator is not in your municipality's catalogue")
    elif indicator.aggregation == Aggregation.NONE:
        errors["indicator"] = _(
            "the indicator %(name)s does not aggregate to the programme area %(area)s, so "
            "no figure of the goal's area exists") % {"name": indicator.name_nl,
                                                      "area": plan.programme_area.name}
    if goal.horizon_year < goal.baseline_year:
        errors["horizon_year"] = _("the horizon year lies before the baseline year")
    if goal.target_kind == TargetKind.ABSOLUTE and goal.target_value is None:
        errors["target_value"] = _("an absolute target needs a target value")
    if goal.target_kind == TargetKind.BENCHMARK:
        if goal.benchmark not in BenchmarkReference.values:
            errors["benchmark"] = _("a target relative to a benchmark needs the benchmark")
        if goal.benchmark_year is None:
            errors["benchmark_year"] = _("a target relative to a benchmark needs the "
                                         "benchmark's year")
    elif goal.benchmark or goal.benchmark_year:
        errors["benchmark"] = _("only a target relative to a benchmark has a benchmark")
    years = [year for year, _value in milestones]
    if len(set(years)) != len(years):
        errors["milestones"] = _("two milestones in the same year")
    late = [y for y in years if y > goal.horizon_year]
    early = [y for y in years if y <= goal.baseline_year]
    if late:
        errors["milestones"] = _("milestone year %(year)s lies after the horizon year "
                                 "%(horizon)s") % {"year": late[0],
                                                   "horizon": goal.horizon_year}
    elif early:
        errors["milestones"] = _("milestone year %(year)s is not after the baseline year") % {
            "year": early[0]}
    if errors:
        raise ValidationError(errors)


def _set_milestones(goal: Goal, milestones: list[tuple[int, float]]) -> None:
    goal.milestones.all().delete()
    Milestone.objects.bulk_create([Milestone(goal=goal, year=y, value=v)
                                   for y, v in sorted(milestones)])


def create_goal(*, user: User, plan: Plan, milestones: Iterable[tuple[int, float]] = (),
                **fields: Any) -> Goal:
    _require(may_edit(user, plan))
    milestones = list(milestones)
    goal = Goal(plan=plan, **{k: v for k, v in fields.items() if k in GOAL_FIELDS})
    _validate_goal(user, goal, milestones)
    with transaction.atomic():
        goal.save()
        _set_milestones(goal, milestones)
        audit.record(AuditAction.CREATE, actor=user, obj=goal,
                     detail={"plan": plan.pk, "indicator": goal.indicator.key})
    return goal


class ChangedMeanwhile(ValidationError):
    """Another writer saved the row after this writer loaded it (version differs)."""


def _conflict() -> ChangedMeanwhile:
    return ChangedMeanwhile(_("someone else changed this meanwhile; reload it and try "
                              "again"), code="conflict")


def edit_goal(*, user: User, goal: Goal, version: int,
              milestones: Iterable[tuple[int, float]] | None = None, **fields: Any) -> Goal:
    _require(may_edit(user, goal.plan))
    with transaction.atomic():
        current = Goal.objects.select_for_update().get(pk=goal.pk)
        if current.version != version:
            raise _conflict()
        for key, value in fields.items():
            if key in GOAL_FIELDS:
                setattr(current, key, value)
        ms = (list(milestones) if milestones is not None
              else list(current.milestones.values_list("year", "value")))
        _validate_goal(user, current, ms)
        current.version += 1
        current.save()
        _set_milestones(current, ms)
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"fields": sorted(k for k in fields if k in GOAL_FIELDS)})
    return current


# --- measures ------------------------------------------------------------------------

MEASURE_FIELDS = ("kind", "title", "lead_organisation", "budget", "funding_stream", "start",
                  "end", "deliverables", "impact_analysis", "status")
MEASURE_LINKS = ("contributing_organisations", "goals", "hotspots", "cases")


def _works_in(org: Organisation, municipality_id: int) -> bool:
    return org.municipalities.filter(pk=municipality_id).exists()


def _validate_measure(measure: Measure, links: dict[str, list[Any]]) -> None:
    municipality_id = measure.plan.programme_area.municipality_id
    errors: dict[str, str] = {}
    if not measure.title.strip():
        errors["title"] = _("a measure needs a title")
    if measure.start and measure.end and measure.end < measure.start:
        errors["end"] = _("the end date lies before the start date")
    if measure.budget is not None and measure.budget < Decimal(0):
        errors["budget"] = _("the budget cannot be negative")
    if measure.lead_organisation_id and not _works_in(measure.lead_organisation,
                                                      municipality_id):
        errors["lead_organisation"] = _("the lead partner does not work in this "
                                        "municipality")
    if any(not _works_in(o, municipality_id) for o in links.get(
            "contributing_organisations", [])):
        errors["contributing_organisations"] = _("a contributing partner does not work in "
                                                 "this municipality")
    if any(g.plan_id != measure.plan_id for g in links.get("goals", [])):
        errors["goals"] = _("a linked goal belongs to another plan")
    if any(h.municipality_id != municipality_id for h in links.get("hotspots", [])):
        errors["hotspots"] = _("a linked hot spot belongs to another municipality")
    if any(c.municipality_id != municipality_id for c in links.get("cases", [])):
        errors["cases"] = _("a linked case belongs to another municipality")
    if (measure.impact_analysis_id
            and measure.impact_analysis.programme_area_id != measure.plan.programme_area_id):
        errors["impact_analysis"] = _("the MKBA analysis is of another programme area")
    if errors:
        raise ValidationError(errors)


def _set_links(measure: Measure, links: dict[str, list[Any]]) -> None:
    for name, values in links.items():
        getattr(measure, name).set(values)


def create_measure(*, user: User, plan: Plan, **fields: Any) -> Measure:
    _require(may_edit(user, plan))
    links = {k: list(fields[k]) for k in MEASURE_LINKS if k in fields}
    measure = Measure(plan=plan, **{k: v for k, v in fields.items() if k in MEASURE_FIELDS})
    _validate_measure(measure, links)
    with transaction.atomic():
        measure.save()
        _set_links(measure, links)
        audit.record(AuditAction.CREATE, actor=user, obj=measure, detail={"plan": plan.pk})
    return measure


def edit_measure(*, user: User, measure: Measure, version: int, **fields: Any) -> Measure:
    _require(may_edit(user, measure.plan))
    links = {k: list(fields[k]) for k in MEASURE_LINKS if k in fields}
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if current.version != version:
            raise _conflict()
        for key, value in fields.items():
            if key in MEASURE_FIELDS:
                setattr(current, key, value)
        _validate_measure(current, links)
        current.version += 1
        current.save()
        _set_links(current, links)
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"fields": sorted(k for k in fields
                                              if k in MEASURE_FIELDS + MEASURE_LINKS)})
    return current


# --- measure updates: one transition table -------------------------------------------

SUBMIT, REVIEW = "submit", "review"
# (from, to) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (UpdateStatus.DRAFT, UpdateStatus.SUBMITTED): SUBMIT,
    (UpdateStatus.SUBMITTED, UpdateStatus.APPROVED): REVIEW,
    (UpdateStatus.SUBMITTED, UpdateStatus.RETURNED): REVIEW,
    (UpdateStatus.RETURNED, UpdateStatus.SUBMITTED): SUBMIT,
}
EDITABLE = {UpdateStatus.DRAFT, UpdateStatus.RETURNED}
UPDATE_FIELDS = ("measure_status", "deliverables_done", "spending", "narrative")


def allowed_transitions(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def period_locked(measure: Measure, year: int, quarter: int) -> bool:
    return MeasureUpdate.objects.filter(measure=measure, year=year, quarter=quarter,
                                        status=UpdateStatus.APPROVED).exists()


def _validate_update_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    spending = fields.get("spending")
    if spending is not None and Decimal(spending) < 0:
        errors["spending"] = _("spending cannot be negative")
    if fields.get("measure_status", MeasureStatus.RUNNING) not in MeasureStatus.values:
        errors["measure_status"] = _("unknown measure status")
    if errors:
        raise ValidationError(errors)


def create_update(*, user: User, measure: Measure, year: int, quarter: int,
                  **fields: Any) -> MeasureUpdate:
    """A draft update of one period; refused for a period already approved (locked)."""
    if not may_submit(user, measure):
        raise PermissionDenied(_("you may not report on this measure"))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("a quarter is 1, 2, 3 or 4")})
    if not measure.start.year <= year <= measure.end.year:
        raise ValidationError({"year": _("the measure does not run in %(year)s") % {
            "year": year}})
    _validate_update_fields(fields)
    with transaction.atomic():
        Measure.objects.select_for_update().get(pk=measure.pk)
        if period_locked(measure, year, quarter):
            raise ValidationError({"quarter": _(
                "the period %(year)s-Q%(q)s is approved and locked") % {"year": year,
                                                                         "q": quarter}})
        if MeasureUpdate.objects.filter(measure=measure, year=year, quarter=quarter).exists():
            raise ValidationError({"quarter": _(
                "an update for %(year)s-Q%(q)s already exists; edit that one") % {
                "year": year, "q": quarter}})
        update = MeasureUpdate.objects.create(
            measure=measure, year=year, quarter=quarter, created_by=user,
            **{k: v for k, v in fields.items() if k in UPDATE_FIELDS})
        audit.record(AuditAction.CREATE, actor=user, obj=update,
                     detail={"measure": measure.pk, "period": update.period_label})
    return update


def edit_update(*, user: User, update: MeasureUpdate, version: int,
                **fields: Any) -> MeasureUpdate:
    if not may_submit(user, update.measure):
        raise PermissionDenied(_("you may not report on this measure"))
    _validate_update_fields(fields)
    with transaction.atomic():
        current = MeasureUpdate.objects.select_for_update().get(pk=update.pk)
        if current.status == UpdateStatus.APPROVED:
            raise ValidationError({"quarter": _(
                "the period %(period)s is approved and locked") % {
                "period": current.period_label}})
        if current.version != version:
            raise _conflict()
        if current.status not in EDITABLE:
            raise ValidationError({"status": _(
                "a submitted update is being reviewed; it can be changed once returned")})
        for key, value in fields.items():
            if key in UPDATE_FIELDS:
                setattr(current, key, value)
        current.version += 1
        current.save()
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"fields": sorted(k for k in fields if k in UPDATE_FIELDS)})
    return current


def transition_update(*, user: User, update: MeasureUpdate, to_status: str, version: int,
                      note: str = "") -> MeasureUpdate:
    """Move an update along TRANSITIONS; the row is locked and its version compared, so
    the second of two simultaneous moves is told, not silently applied."""
    measure = update.measure
    with transaction.atomic():
        current = MeasureUpdate.objects.select_for_update().get(pk=update.pk)
        if current.version != version:
            raise _conflict()
        move = TRANSITIONS.get((current.status, to_status))
        if move is None:
            if current.status == UpdateStatus.APPROVED:
                raise ValidationError({"status": _(
                    "the period %(period)s is approved and locked") % {
                    "period": current.period_label}})
            raise ValidationError({"status": _(
                "an update cannot go from %(from)s to %(to)s") % {
                "from": UpdateStatus(current.status).label,
                "to": (UpdateStatus(to_status).label if to_status in UpdateStatus.values
                       else to_status)}})
        if move == SUBMIT and not may_submit(user, measure):
            raise PermissionDenied(_("you may not report on this measure"))
        if move == REVIEW and not may_approve(user, measure):
            raise PermissionDenied(_("you may not review updates of this measure"))
        if to_status == UpdateStatus.RETURNED and not note.strip():
            raise ValidationError({"note": _("returning an update needs a note saying why")})
        previous = current.status
        now = timezone.now()
        current.status = to_status
        if to_status == UpdateStatus.SUBMITTED:
            current.submitted_by, current.submitted_at = user, now
        if move == REVIEW:
            current.review_note = note.strip()
        if to_status == UpdateStatus.APPROVED:
            current.approved_by, current.approved_at = user, now
            Measure.objects.filter(pk=measure.pk).update(status=current.measure_status)
        current.version += 1
        current.save()
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"from": previous, "to": to_status,
                             "period": current.period_label})
    return current


# --- goal progress from disclosed figures --------------------------------------------

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


@dataclass(frozen=True)
class Progress:
    """A goal's progress as computed from the disclosed figures."""

    latest_year: int | None
    latest_value: float | None
    latest_text: str
    planned_year: int | None  # milestone or horizon the latest value is measured against
    planned_value: float | None
    target_value: float | None
    distance_to_planned: float | None  # signed: positive is better than planned
    distance_to_target: float | None
    light: str
    reason: str  # why there is no light
    series: list[figures.SeriesPoint]

    @property
    def has_figure(self) -> bool:
        return self.latest_value is not None


def benchmark_value(user: User, goal: Goal) -> float | None:
    """The benchmark's value in the goal's benchmark year, looked up now (not stored)."""
    indicator = goal.indicator
    municipality = goal.plan.programme_area.municipality
    year = goal.benchmark_year
    if goal.benchmark == BenchmarkReference.CITY:
        area = figures.gemeente_area(municipality)
        if area is None:
            return None
        points = figures.observations(user, area=area, indicators=[indicator]).get(
            indicator.pk, [])
        return next((p.value for p in points if p.year == year), None)
    if goal.benchmark == BenchmarkReference.PROGRAMME_AREAS:
        stat = figures.city_statistics(municipality, [indicator], statistics.PROGRAMME).get(
            (indicator.pk, year))
        return None if stat is None else stat.mean
    if goal.benchmark == BenchmarkReference.NATIONAL:
        stat = figures.national_statistics([indicator]).get((indicator.pk, year))
        if stat is None:
            return None
        return stat.reference if stat.reference is not None else stat.mean
    return None


def target_of(user: User, goal: Goal) -> float | None:
    if goal.target_kind == TargetKind.ABSOLUTE:
        return goal.target_value
    if goal.target_kind == TargetKind.BENCHMARK:
        bench = benchmark_value(user, goal)
        if bench is None:
            return None
        offset = goal.target_value or 0.0
        # "within offset of the benchmark", on the good side of it
        return bench + offset if goal.indicator.polarity == Polarity.HIGHER_IS_WORSE \
            else bench - offset
    return None


def _better(indicator: Indicator, difference: float) -> float:
    """A difference signed so that positive is better."""
    return -difference if indicator.polarity == Polarity.HIGHER_IS_WORSE else difference


def _planned(goal: Goal, target: float | None, year: int) -> tuple[int | None, float | None]:
    """The milestone (or target at the horizon) the value of ``year`` is measured against:
    the first milestone in or after that year."""
    points = [(m.year, m.value) for m in goal.milestones.all()]
    if target is not None:
        points.append((goal.horizon_year, target))
    points.sort()
    for point_year, value in points:
        if point_year >= year:
            return point_year, value
    return points[-1] if points else (None, None)


def goal_progress(user: User | None, goal: Goal, plan: Plan | None = None, *,
                  upto_year: int | None = None) -> Progress:
    """Progress from the disclosed figures (the same for every viewer, ADR 0007); with
    ``upto_year`` as it stood when that year's figure was the latest."""
    plan = plan or goal.plan
    series = figures.observations(user, programme_area=plan.programme_area,
                                  indicators=[goal.indicator]).get(goal.indicator.pk, [])
    if upto_year is not None:
        series = [p for p in series if p.year <= upto_year]
    shown = [p for p in series if p.value is not None]
    target = target_of(user, goal)
    if not shown:
        reason = (_("no figure yet: the figure is not shown (too few to disclose)")
                  if series else _("no figure yet"))
        return Progress(None, None, "", None, None, target, None, None, NONE, reason, series)
    latest = shown[-1]
    planned_year, planned = _planned(goal, target, latest.year)
    to_planned = None if planned is None else _better(goal.indicator, latest.value - planned)
    to_target = None if target is None else _better(goal.indicator, latest.value - target)
    light, reason = NONE, ""
    baseline = goal.baseline_value
    if goal.indicator.polarity == Polarity.NEUTRAL:
        reason = _("the indicator has no better direction")
    elif planned is None or baseline is None:
        if baseline is None:
            reason = _("no baseline value")
        else:
            gain = _better(goal.indicator, latest.value - baseline)
            light = GREEN if gain > 0 else (AMBER if gain == 0 else RED)
    else:
        planned_gain = _better(goal.indicator, planned - baseline)
        gain = _better(goal.indicator, latest.value - baseline)
        if planned_gain <= 0:
            light = GREEN if gain >= planned_gain else RED
        else:
            # Rounded so that a goal exactly on a band is in it: 10 → 8.4 of 10 → 8 is
            # 0.7999999999999998 in binary floating point, and 80 % is what was achieved.
            share = round(gain / planned_gain, 9)
            light = (GREEN if share >= plan.green_from
                     else AMBER if share >= plan.amber_from else RED)
    return Progress(latest.year, latest.value, latest.text, planned_year, planned, target,
                    to_planned, to_target, light, reason, series)


def measure_overdue(measure: Measure, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return measure.end < today and measure.status not in (MeasureStatus.DONE,
                                                          MeasureStatus.STOPPED)
