"""Escalation rules: parameter validation per kind and their evaluation.

Each rule kind yields *findings*: a deterministic dedup key, a reason, the evidence
(numbers and links) and the owners. ``services_intervention.evaluate`` raises an
escalation for a finding whose key was never raised, so a rule fires once per
situation and not again every night.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from scipy.stats import poisson

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.hotspots._emerging import CATEGORY_CODES
from wijkregie.hotspots.models import AnalysisStatus, HotspotAnalysis
from wijkregie.regie.models_intervention import (
    REGISTERED_KIND_LABELS,
    Agreement,
    AgreementStatus,
    EscalationRule,
    RuleKind,
)
from wijkregie.signals import feeds
from wijkregie.signals.models import Category

DEFAULT_HOTSPOT_CLASSES = ["new_hot_spot", "intensifying_hot_spot"]
BAND_HISTORY_MONTHS = 24


@dataclass
class Finding:
    key: str
    reason: str
    evidence: dict
    programme_area: ProgrammeArea | None = None
    case_id: int | None = None
    owners: list[User] = field(default_factory=list)


def _int_param(params: dict, name: str, *, default: int, minimum: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError({name: _("%(name)s must be a whole number of at least "
                                       "%(min)d") % {"name": name, "min": minimum}})
    return value


def clean_params(kind: str, params: dict, municipality: Municipality) -> dict:
    """The parameters of a rule of ``kind``, validated; a ValidationError names the field."""
    if not isinstance(params, dict):
        raise ValidationError({"params": _("the parameters must be an object")})
    if kind in PARAM_CLEANERS:  # a kind another app registered with its own parameters
        return PARAM_CLEANERS[kind](params, municipality)
    allowed = {RuleKind.AGREEMENT_OVERDUE: {"days"}, RuleKind.MEASURE_OVERDUE: {"days"},
               RuleKind.GOAL_OFF_PATH: {"periods", "indicator"},
               RuleKind.HOTSPOT_EMERGING: {"classes"},
               RuleKind.SIGNAL_BAND: {"category", "quantile"}}
    if kind not in allowed:
        raise ValidationError({"kind": _("unknown rule kind %(kind)s") % {"kind": kind}})
    unknown = sorted(set(params) - allowed[kind])
    if unknown:
        raise ValidationError({unknown[0]: _("unknown parameter %(name)s for this kind of "
                                             "rule") % {"name": unknown[0]}})
    clean: dict = {}
    if kind in (RuleKind.AGREEMENT_OVERDUE, RuleKind.MEASURE_OVERDUE):
        clean["days"] = _int_param(params, "days", default=0, minimum=0)
    elif kind == RuleKind.GOAL_OFF_PATH:
        clean["periods"] = _int_param(params, "periods", default=1, minimum=1)
        if params.get("indicator"):
            from wijkregie.figures.models import Indicator

            key = str(params["indicator"])
            if not Indicator.objects.filter(key=key).filter(
                    Q(municipality__isnull=True) | Q(municipality=municipality)).exists():
                raise ValidationError({"indicator": _("unknown indicator %(key)s") % {
                    "key": key}})
            clean["indicator"] = key
    elif kind == RuleKind.HOTSPOT_EMERGING:
        classes = params.get("classes", DEFAULT_HOTSPOT_CLASSES)
        if (not isinstance(classes, list) or not classes
                or any(c not in CATEGORY_CODES or c == "no_pattern" for c in classes)):
            raise ValidationError({"classes": _("classes must be a list of emerging hot "
                                                "spot classes, e.g. new_hot_spot")})
        clean["classes"] = sorted(classes)
    elif kind == RuleKind.SIGNAL_BAND:
        quantile = params.get("quantile", 0.99)
        if isinstance(quantile, bool) or not isinstance(quantile, int | float) or not (
                0.5 <= quantile < 1):
            raise ValidationError({"quantile": _("quantile must be a number from 0.5 to "
                                                 "below 1")})
        clean["quantile"] = float(quantile)
        if params.get("category"):
            key = str(params["category"])
            if not Category.objects.filter(key=key).filter(
                    Q(municipality__isnull=True) | Q(municipality=municipality)).exists():
                raise ValidationError({"category": _("unknown signal category %(key)s") % {
                    "key": key}})
            clean["category"] = key
    return clean


def _areas(rule: EscalationRule) -> list[ProgrammeArea]:
    if rule.programme_area_id:
        return [rule.programme_area]
    return list(ProgrammeArea.objects.filter(municipality_id=rule.municipality_id))


def _active_owner(director: User | None, case) -> list[User]:
    """The plan's director, else the case's director, if still active; none (the area
    directors then own the escalation) when neither is."""
    for user in (director, case.director):
        if user is not None and user.is_active:
            return [user]
    return []


def _agreement_overdue(rule: EscalationRule, today: date, _cache: dict) -> Iterator[Finding]:
    days = rule.params.get("days", 0)
    agreements = (Agreement.objects.filter(plan__case__municipality_id=rule.municipality_id)
                  .exclude(status=AgreementStatus.DONE)
                  .select_related("plan__case__director", "plan__director", "owner"))
    for agreement in agreements:
        late = agreement.days_overdue(today)
        if late <= days:
            continue
        case = agreement.plan.case
        link = reverse("regie:case-plan", args=[case.pk])
        yield Finding(
            key=f"agreement_overdue:{rule.pk}:{agreement.pk}:{agreement.due_on.isoformat()}",
            # No agreement text here: the escalation list is read beyond the case.
            reason=_("Agreement A-%(a)d of case C-%(c)d is %(n)d days overdue") % {
                "a": agreement.pk, "c": case.pk, "n": late},
            evidence={"numbers": {"days_overdue": late, "threshold_days": days,
                                  "due_on": agreement.due_on.isoformat()},
                      "links": [{"label": _("case plan"), "url": link}]},
            case_id=case.pk, owners=_active_owner(agreement.plan.director, case))


def _hotspot_emerging(rule: EscalationRule, today: date, _cache: dict) -> Iterator[Finding]:
    wanted = {CATEGORY_CODES[c]: c for c in rule.params.get("classes",
                                                            DEFAULT_HOTSPOT_CLASSES)}
    for area in _areas(rule):
        analysis = (HotspotAnalysis.objects.filter(
            municipality_id=rule.municipality_id, programme_area=area, method="emerging",
            status=AnalysisStatus.DONE).first())
        if analysis is None:
            continue
        cells = sorted((int(c["id"]), int(c["class"])) for c in analysis.result.get("cells", [])
                       if int(c.get("class", 0)) in wanted)
        if not cells:
            continue
        per_class: dict[str, int] = defaultdict(int)
        for _cell, code in cells:
            per_class[wanted[code]] += 1
        # The same cells in the same classes are the same situation, whichever re-run
        # of the analysis found them.
        digest = hashlib.sha256(repr(cells).encode()).hexdigest()[:16]
        yield Finding(
            key=f"hotspot_emerging:{rule.pk}:{area.pk}:{digest}",
            reason=_("%(n)d grid cells in %(area)s are new or intensifying hot spots") % {
                "n": len(cells), "area": area.name},
            evidence={"numbers": dict(sorted(per_class.items())),
                      "analysis": analysis.pk,
                      "links": [{"label": _("hot spot analysis"),
                                 "url": reverse("hotspots:analysis", args=[analysis.pk])}]},
            programme_area=area)


def _month_back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def _signal_band(rule: EscalationRule, today: date, cache: dict) -> Iterator[Finding]:
    """The last complete month's published signal count of the area against the upper
    limit of a Poisson band fitted (mean) on the 24 months before it."""
    key = ("monthly", rule.municipality_id)
    if key not in cache:
        # As a consumer that may list nothing: only published (>= minimum) cells.
        cache[key] = feeds.monthly_counts(municipality=rule.municipality, viewer=None)
    counts = cache[key]
    category = rule.params.get("category")
    quantile = rule.params.get("quantile", 0.99)
    year, month = _month_back(today.year, today.month, 1)
    history = [_month_back(year, month, n) for n in range(1, BAND_HISTORY_MONTHS + 1)]
    for area in _areas(rule):
        codes = set(area.buurten.values_list("code", flat=True))
        per_month: dict[tuple[int, int], int] = defaultdict(int)
        for row in counts:
            if row.area_code in codes and (not category or row.category_key == category):
                per_month[(row.year, row.month)] += row.count or 0
        mean = sum(per_month[m] for m in history) / len(history)
        if mean <= 0:
            continue
        upper = int(poisson.ppf(quantile, mean))
        observed = per_month[(year, month)]
        if observed <= upper:
            continue
        yield Finding(
            key=f"signal_band:{rule.pk}:{area.pk}:{year:04d}-{month:02d}",
            reason=_("%(n)d signals in %(area)s in %(month)s, above the expected band "
                     "(upper limit %(upper)d)") % {"n": observed, "area": area.name,
                                                   "month": f"{month:02d}-{year}",
                                                   "upper": upper},
            evidence={"numbers": {"observed": observed, "expected_mean": round(mean, 2),
                                  "upper_limit": upper, "quantile": quantile,
                                  "history_months": BAND_HISTORY_MONTHS,
                                  "month": f"{year:04d}-{month:02d}"},
                      "category": category or "",
                      "links": [{"label": _("signal counts"),
                                 "url": reverse("signals:index")}]},
            programme_area=area)


EVALUATORS: dict[str, Callable[[EscalationRule, date, dict], Iterator[Finding]]] = {
    RuleKind.AGREEMENT_OVERDUE: _agreement_overdue,
    RuleKind.HOTSPOT_EMERGING: _hotspot_emerging,
    RuleKind.SIGNAL_BAND: _signal_band,
}


# Parameter validation of kinds registered by other apps (``clean_params`` asks these first).
PARAM_CLEANERS: dict[str, Callable[[dict, Municipality], dict]] = {}


def register(kind: str, evaluator: Callable[[EscalationRule, date, dict], Iterator[Finding]],
             *, params: Callable[[dict, Municipality], dict] | None = None,
             label: Promise | None = None) -> None:
    """Add the evaluator of a kind (the plan's measures and goals register theirs); a kind
    outside ``RuleKind`` brings the validation of its parameters and its (lazily
    translated) label along."""
    EVALUATORS[kind] = evaluator
    if params is not None:
        PARAM_CLEANERS[kind] = params
    if label is not None:
        REGISTERED_KIND_LABELS[kind] = label
