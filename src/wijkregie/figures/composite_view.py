"""Data for the composite index page: scores per area of one level and year."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wijkregie.areas.models import Area
from wijkregie.core.models import Municipality, User
from wijkregie.figures import composite as engine
from wijkregie.figures.models import PILLAR_OF_THEME, Kind, Observation, Polarity
from wijkregie.figures.selectors import indicators_for

PILLARS = ("safety", "social", "physical")


def composite_spec(user: User) -> tuple[engine.CompositeSpec, list[int]]:
    specs, ids = [], []
    for indicator in indicators_for(user).filter(in_composite=True).exclude(
            polarity=Polarity.NEUTRAL):
        pillar = PILLAR_OF_THEME.get(indicator.theme)
        if pillar is None:
            continue
        specs.append(engine.IndicatorSpec(
            key=indicator.key, pillar=pillar, theme=indicator.theme,
            half=engine.Half.SUBJECTIVE if indicator.kind == Kind.SURVEY
            else engine.Half.OBJECTIVE, polarity=engine.Polarity(indicator.polarity)))
        ids.append(indicator.pk)
    return engine.CompositeSpec(tuple(specs)), ids


def _values(area_ids: list[int], indicator_ids: list[int], year: int,
            keys: dict[int, str]) -> dict[str, dict[str, float | None]]:
    values: dict[str, dict[str, float | None]] = defaultdict(dict)
    for area_id, indicator_id, value in Observation.objects.filter(
            area_id__in=area_ids, indicator_id__in=indicator_ids, year=year, month=0
    ).values_list("area_id", "indicator_id", "shown_value"):
        values[str(area_id)][keys[indicator_id]] = value
    return values


def composite_context(user: User, municipality: Municipality, level: str,
                      year_param: str | None) -> dict[str, Any]:
    spec, indicator_ids = composite_spec(user)
    areas = list(Area.objects.filter(municipality=municipality, level=level).order_by("code")
                 .only("id", "code", "name"))
    years = sorted(set(Observation.objects.filter(
        area__in=areas, indicator_id__in=indicator_ids, month=0)
        .values_list("year", flat=True).distinct()))
    if not years or not spec.indicators:
        return {"municipality": municipality, "rows": [], "years": [], "year": None}
    year = int(year_param) if year_param and year_param.isdigit() and int(
        year_param) in years else years[-1]
    keys = dict(zip(indicator_ids, [s.key for s in spec.indicators], strict=True))
    area_ids = [a.pk for a in areas]
    base = engine.base_statistics(spec, _values(area_ids, indicator_ids, years[0], keys))
    scores = engine.compute_composite(spec, _values(area_ids, indicator_ids, year, keys), base)
    rows = []
    for area in areas:
        result = scores.get(str(area.pk))
        if result is None:
            continue
        pillars = [result.pillars.get(p) for p in PILLARS]
        present = [p.score for p in pillars if p is not None and p.score is not None]
        rows.append({
            "area": area, "pillars": pillars,
            "halves": [(result.pillar_halves.get((p, engine.Half.OBJECTIVE)),
                        result.pillar_halves.get((p, engine.Half.SUBJECTIVE)))
                       for p in PILLARS],
            "total": sum(present) / len(present) if len(present) == len(PILLARS) else None,
        })
    return {"municipality": municipality, "rows": rows, "years": years, "year": year,
            "base_year": years[0], "pillars": PILLARS, "n_indicators": len(spec.indicators)}


def composite_totals(user: User, municipality: Municipality, level: str, area: Area
                     ) -> tuple[list[tuple[int, float | None]], int | None]:
    """One area's composite total per year (oldest first) against its level's base
    year, as :func:`composite_context` gives it year by year, from one query."""
    spec, indicator_ids = composite_spec(user)
    if not spec.indicators:
        return [], None
    area_ids = list(Area.objects.filter(municipality=municipality, level=level)
                    .values_list("pk", flat=True))
    keys = dict(zip(indicator_ids, [s.key for s in spec.indicators], strict=True))
    by_year: dict[int, dict[str, dict[str, float | None]]] = defaultdict(
        lambda: defaultdict(dict))
    for area_id, indicator_id, year, value in Observation.objects.filter(
            area_id__in=area_ids, indicator_id__in=indicator_ids, month=0
    ).values_list("area_id", "indicator_id", "year", "shown_value"):
        by_year[year][str(area_id)][keys[indicator_id]] = value
    if not by_year:
        return [], None
    years = sorted(by_year)
    base = engine.base_statistics(spec, by_year[years[0]])
    points: list[tuple[int, float | None]] = []
    for year in years:
        # Scored with every area of the year, as the composite page does.
        result = engine.compute_composite(spec, by_year[year], base).get(str(area.pk))
        present = [] if result is None else [
            p.score for p in (result.pillars.get(q) for q in PILLARS)
            if p is not None and p.score is not None]
        points.append((year, sum(present) / len(present)
                       if len(present) == len(PILLARS) else None))
    return points, years[0]
