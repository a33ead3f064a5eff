"""The safety advice in the area approach (regie): conditions of a final advice become
measures on the plan of approach of the area, overdue conditions raise escalations
through the regie rules, and new or intensifying hot spots propose an intake."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkregie.areas.geometry import from_geojson
from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User
from wijkregie.hotspots._emerging import CATEGORY_CODES
from wijkregie.hotspots.models import AnalysisStatus, HotspotAnalysis, NamedLocation
from wijkregie.regie.models import Measure, MeasureKind, Plan
from wijkregie.regie.models_intervention import EscalationRule
from wijkregie.regie.rules import DEFAULT_HOTSPOT_CLASSES, Finding, _areas, _int_param
from wijkregie.safety_advice.follow_up import overdue_conditions
from wijkregie.safety_advice.models import Advice, AdviceRequest, Trigger

CONDITION_OVERDUE = "condition_overdue"
CONDITION_OVERDUE_LABEL = gettext_lazy("condition of a safety advice overdue by N days")


def request_buurten(request: AdviceRequest) -> QuerySet[Area]:
    """The buurten of the plan area: the chosen area's own (a buurt is its own), else
    the buurten the drawn polygon touches."""
    buurten = Area.objects.filter(municipality_id=request.municipality_id,
                                  level=AreaLevel.BUURT)
    if request.area is not None:
        if request.area.level == AreaLevel.BUURT:
            return buurten.filter(pk=request.area_id)
        return buurten.filter(Q(parent=request.area) | Q(parent__parent=request.area))
    if request.geometry:
        shape = from_geojson(request.geometry)
        touched = [a.pk for a in buurten.filter(geometry__isnull=False)
                   if from_geojson(a.geometry).intersects(shape)]
        return buurten.filter(pk__in=touched)
    return buurten.none()


def plans_for(request: AdviceRequest) -> QuerySet[Plan]:
    """The plans of approach of the programme areas the plan area lies in."""
    return Plan.objects.filter(
        programme_area__buurten__in=request_buurten(request)).distinct().order_by("pk")


def conditions_to_measures(advice: Advice, actor: User) -> list[Measure]:
    """Each condition of a final advice as a preventive measure on the area's plan (the
    first plan where the area lies in several); a condition linked before is left
    alone, so a second call makes nothing new."""
    plan = plans_for(advice.request).select_related("programme_area").first()
    lead = advice.author.organisation
    if plan is None or lead is None:
        return []
    made = []
    for condition in advice.conditions.filter(measure__isnull=True):
        measure = Measure.objects.create(
            plan=plan, kind=MeasureKind.PREVENTIVE, title=condition.text[:200],
            lead_organisation=lead, start=min(timezone.localdate(), condition.deadline),
            end=condition.deadline,
            deliverables=_("Condition of the safety advice \u201c%(title)s\u201d (v%(v)d); "
                           "owner: %(owner)s") % {"title": advice.request.title,
                                                  "v": advice.version,
                                                  "owner": condition.owner})
        if advice.request.hotspot_location_id:
            measure.hotspots.add(advice.request.hotspot_location_id)
        condition.measure = measure
        condition.save(update_fields=["measure"])
        audit.record(AuditAction.CREATE, actor=actor, obj=measure,
                     detail={"plan": plan.pk, "safety_condition": condition.pk})
        made.append(measure)
    return made


# --- the rule kind "advice condition overdue" -----------------------------------------

def clean_condition_params(params: dict, _municipality: Municipality) -> dict:
    unknown = sorted(set(params) - {"days"})
    if unknown:
        raise ValidationError({unknown[0]: _("unknown parameter %(name)s for this kind of "
                                             "rule") % {"name": unknown[0]}})
    return {"days": _int_param(params, "days", default=0, minimum=0)}


def condition_overdue(rule: EscalationRule, today: date, _cache: dict) -> Iterator[Finding]:
    """A condition not done or rejected more than ``days`` days past its deadline; with a
    programme area only the conditions of plan areas inside it."""
    days = rule.params.get("days", 0)
    areas = _areas(rule)
    for condition in overdue_conditions(rule.municipality_id, today):
        late = (today - condition.deadline).days
        if late <= days:
            continue
        request = condition.advice.request
        codes = set(request_buurten(request).values_list("code", flat=True))
        inside = [a for a in areas if codes & set(a.buurten.values_list("code", flat=True))]
        if rule.programme_area_id and not inside:
            continue
        yield Finding(
            # The deadline is part of the key: a new deadline missed again raises anew.
            key=f"{CONDITION_OVERDUE}:{rule.pk}:{condition.pk}:{condition.deadline.isoformat()}",
            reason=_("Condition of safety advice \u201c%(title)s\u201d is %(n)d days past its "
                     "deadline") % {"title": request.title[:80], "n": late},
            evidence={"numbers": {"days_overdue": late, "threshold_days": days,
                                  "deadline": condition.deadline.isoformat(),
                                  "status": condition.status},
                      "links": [{"label": _("safety advice"),
                                 "url": reverse("safety_advice:detail",
                                                args=[condition.advice_id])}]},
            programme_area=inside[0] if inside else None)


# --- intake proposals from the emerging hot spot analysis -----------------------------

@dataclass
class Proposal:
    programme_area: ProgrammeArea
    analysis: HotspotAnalysis
    cells: int
    location: NamedLocation | None


def intake_proposals(municipality_id: int) -> list[Proposal]:
    """Per programme area the latest stored emerging hot spot analysis; new or
    intensifying cells there propose an intake, unless a hot spot request was made
    since that analysis."""
    wanted = {CATEGORY_CODES[c] for c in DEFAULT_HOTSPOT_CLASSES}
    proposals = []
    for area in ProgrammeArea.objects.filter(municipality_id=municipality_id):
        analysis = (HotspotAnalysis.objects.filter(
            municipality_id=municipality_id, programme_area=area, method="emerging",
            status=AnalysisStatus.DONE).order_by("-created_at", "-pk").first())
        if analysis is None:
            continue
        cells = {int(c["id"]) for c in analysis.result.get("cells", [])
                 if int(c.get("class", 0)) in wanted}
        if not cells:
            continue
        if AdviceRequest.objects.filter(
                municipality_id=municipality_id, trigger=Trigger.HOTSPOT,
                created_at__gte=analysis.created_at,
                area__in=area.buurten.all()).exists():
            continue
        location = next((loc for loc in NamedLocation.objects.filter(
            municipality_id=municipality_id, analysis=analysis).order_by("pk")
            if cells & set(loc.cell_ids)), None)
        proposals.append(Proposal(area, analysis, len(cells), location))
    return proposals


def link_on_final(advice: Advice, actor: User) -> None:
    """Called in the sign-off's transaction: the advice just became final."""
    conditions_to_measures(advice, actor)

