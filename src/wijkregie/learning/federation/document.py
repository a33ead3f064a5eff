"""The programme document: a municipality's programme aggregates, nothing else.

Figures come only through the figures selectors, which return the disclosed columns
(``shown_*``): a shown figure carries its disclosed value; a bounded (``< 5``) or
suppressed (``x``) one is marked ``withheld`` with its display text and no value; a
missing one is left out. No person, case, signal or user is read here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality
from wijkregie.figures import selectors
from wijkregie.figures.disclosure import DisclosureRule
from wijkregie.figures.models import Indicator
from wijkregie.learning import hooks
from wijkregie.learning.federation.schema import DOCUMENT_TYPE, SCHEMA_VERSION

WITHHELD = "withheld"


def _minimum_count(indicator: Indicator) -> int | None:
    try:
        return DisclosureRule.from_json(indicator.disclosure or {}).small_count_threshold
    except (TypeError, ValueError):
        return None


def _figure(key: str, point: selectors.SeriesPoint) -> dict[str, Any] | None:
    if point.status == "shown" and point.value is not None:
        return {"indicator": key, "year": point.year, "status": "shown",
                "value": point.value, "text": point.text, "derived": point.derived}
    if point.status in ("bounded", "suppressed"):
        return {"indicator": key, "year": point.year, "status": WITHHELD,
                "reason": point.status, "text": point.text}
    return None  # missing: nothing to say


def _area(area: ProgrammeArea, keys: dict[int, str]) -> dict[str, Any]:
    # The publisher is no user; the selector reads disclosed columns whoever asks.
    series = selectors.observations(AnonymousUser(), programme_area=area)  # type: ignore[arg-type]
    figures = [figure for indicator_id, points in sorted(series.items(),
                                                         key=lambda item: keys[item[0]])
               if indicator_id in keys
               for figure in (_figure(keys[indicator_id], p) for p in points) if figure]
    return {"slug": area.slug, "name": area.name, "description": area.description,
            "figures": figures,
            "goals": [{"goal": g.goal, "status": g.status} for g in hooks.goal_status(area)]}


# The intervention's descriptive fields (as practice databases use them). Not
# ``contact``: free text that may name a person; the hub asks the municipality.
INTERVENTION_FIELDS = ("slug", "name", "summary", "goal", "target_group_end",
                       "target_group_intermediate", "approach", "working_elements",
                       "preconditions", "transferability", "costs_and_time", "research",
                       "evidence_level", "pillar", "problem")


def practice_descriptions(municipality: Municipality) -> list[dict[str, Any]]:
    """The municipality's local practices with their interventions (the practice
    library): what was applied where, its costs and the linked indicators' keys."""
    from wijkregie.learning.models import LocalPractice

    practices = (LocalPractice.objects.filter(municipality=municipality,
                                               programme_area__municipality=municipality)
                 .select_related("intervention", "programme_area")
                 .prefetch_related("indicators").order_by("intervention__slug",
                                                          "programme_area__slug",
                                                          "start_year", "pk"))
    result = []
    for practice in practices:
        intervention = practice.intervention
        described = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS}
        described["valid_until"] = (intervention.valid_until.isoformat()
                                    if intervention.valid_until else None)
        result.append({
            "intervention": described,
            "programme_area": practice.programme_area.slug,
            "description": practice.description,
            "costs_eur": None if practice.costs_eur is None else float(practice.costs_eur),
            "start_year": practice.start_year,
            "end_year": practice.end_year,
            "measure_id": practice.regie_measure_id,
            "indicators": sorted({i.key for i in practice.indicators.all()}),
        })
    return result


def build_document(municipality: Municipality, *,
                   generated_at: datetime | None = None) -> dict[str, Any]:
    """The document as it is signed and sent."""
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    # One indicator per key, the municipality's own before a shared one (as
    # selectors.find_indicator decides).
    by_key: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)).order_by(
            F("municipality_id").asc(nulls_first=True), "pk"):
        by_key[indicator.key] = indicator
    indicators = sorted(by_key.values(), key=lambda indicator: indicator.key)
    keys = {indicator.pk: indicator.key for indicator in indicators}
    areas = [_area(area, keys) for area in
             ProgrammeArea.objects.filter(municipality=municipality).order_by("slug")]
    used = {figure["indicator"] for area in areas for figure in area["figures"]}
    return {
        "document_type": DOCUMENT_TYPE,
        "schema_version": SCHEMA_VERSION,
        "generated_at": moment.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "municipality": {"code": municipality.code, "name": municipality.name},
        "indicators": [{"key": i.key, "name": i.name_nl, "unit": i.unit,
                        "decimals": i.decimals, "minimum_count": _minimum_count(i)}
                       for i in indicators if i.key in used],
        "programme_areas": areas,
        "practices": practice_descriptions(municipality),
    }
