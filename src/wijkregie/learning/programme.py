"""The programme view's figures: every programme area against its own city and against
all programme areas, per shared indicator and year, plus the composite index.

Every value comes from ``wijkregie.figures.selectors`` (disclosed only): a suppressed
figure is None with its text ("x", "< 5"), and so it stays here, in the charts (a gap)
and in the exports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.figures import charts, selectors, statistics
from wijkregie.figures import composite as engine
from wijkregie.figures.composite_view import PILLARS, composite_spec
from wijkregie.figures.disclosure import format_number
from wijkregie.figures.models import Indicator, Observation, Theme
from wijkregie.figures.selectors import SeriesPoint


def start_year() -> int | None:
    """The programme's start year (setting ``WIJKREGIE_PROGRAMME_START_YEAR``); None:
    from the first year with figures."""
    return getattr(settings, "WIJKREGIE_PROGRAMME_START_YEAR", None)


@dataclass(frozen=True)
class Reference:
    """The figure of all programme areas together (by the indicator's rule), shown with
    the indicator's decimals."""

    value: float

    def text(self, indicator: Indicator) -> str:
        return format_number(self.value, indicator.decimals)


@dataclass
class Trend:
    """One indicator for one programme area: the area, its city, all programme areas."""

    indicator: Indicator
    years: list[int]
    area: dict[int, SeriesPoint]
    city: dict[int, SeriesPoint]
    programme: dict[int, Reference]

    @property
    def chart(self) -> SafeString:
        return charts.line_chart([
            ("area", [(y, _value(self.area.get(y))) for y in self.years]),
            ("city", [(y, _value(self.city.get(y))) for y in self.years]),
            ("programme", [(y, self.programme[y].value if y in self.programme else None)
                           for y in self.years]),
        ], width=300, height=130)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [{"year": y, "area": self.area.get(y), "city": self.city.get(y),
                 "programme": self.programme[y].text(self.indicator)
                 if y in self.programme else "."} for y in self.years]

    @property
    def latest(self) -> SeriesPoint | None:
        return self.area[self.years[-1]] if self.years and self.years[-1] in self.area else None


def _value(point: SeriesPoint | None) -> float | None:
    return None if point is None else point.value


def shared_indicators() -> list[Indicator]:
    """The shared catalogue's indicators that programme areas have figures for (the
    programme compares like with like; a municipality's own indicators stay its own)."""
    with_figures = set(Observation.objects.filter(programme_area__isnull=False, month=0)
                       .values_list("indicator_id", flat=True).distinct())
    return [i for i in Indicator.objects.filter(municipality__isnull=True)
            .exclude(theme=Theme.BEVOLKING).order_by("theme", "name_nl")
            if i.pk in with_figures]


def _references(indicators: list[Indicator]) -> dict[tuple[int, int], Reference]:
    result = {}
    for key, stat in selectors.reference_statistics(indicators, statistics.PROGRAMME).items():
        value = stat.reference if stat.reference is not None else stat.mean
        result[key] = Reference(value)
    return result


def _years(points: list[dict[int, SeriesPoint]]) -> list[int]:
    first = start_year()
    years = sorted({y for series in points for y in series})
    return [y for y in years if first is None or y >= first]


def trends(user: User, programme_area: ProgrammeArea, indicators: list[Indicator],
           references: dict[tuple[int, int], Reference] | None = None,
           city_cache: dict[int, dict[int, list[SeriesPoint]]] | None = None) -> list[Trend]:
    """One trend per indicator with figures for this area."""
    references = _references(indicators) if references is None else references
    own = selectors.observations(user, programme_area=programme_area, indicators=indicators)
    city = _city_series(user, programme_area.municipality, indicators, city_cache)
    result = []
    for indicator in indicators:
        area_points = {p.year: p for p in own.get(indicator.pk, [])}
        if not area_points:
            continue
        city_points = {p.year: p for p in city.get(indicator.pk, [])}
        years = _years([area_points])
        programme = {y: references[(indicator.pk, y)] for y in years
                     if (indicator.pk, y) in references}
        result.append(Trend(indicator, years, area_points, city_points, programme))
    return result


def _city_series(user: User, municipality: Municipality, indicators: list[Indicator],
                 cache: dict[int, dict[int, list[SeriesPoint]]] | None
                 ) -> dict[int, list[SeriesPoint]]:
    if cache is not None and municipality.pk in cache:
        return cache[municipality.pk]
    gemeente = selectors.gemeente_area(municipality)
    series = (selectors.observations(user, area=gemeente, indicators=indicators)
              if gemeente is not None else {})
    if cache is not None:
        cache[municipality.pk] = series
    return series


@dataclass
class AreaOverview:
    programme_area: ProgrammeArea
    trends: dict[int, Trend] = field(default_factory=dict)  # by indicator id
    composite: float | None = None


@dataclass
class Overview:
    indicators: list[Indicator]
    areas: list[AreaOverview]
    composite_year: int | None
    composite_base_year: int | None


def overview(user: User, programme_areas: QuerySet[ProgrammeArea],
             indicators: list[Indicator]) -> Overview:
    """All programme areas side by side."""
    references = _references(indicators)
    cache: dict[int, dict[int, list[SeriesPoint]]] = {}
    areas = [AreaOverview(pa, {t.indicator.pk: t for t in trends(
        user, pa, indicators, references, cache)}) for pa in programme_areas]
    scores, year, base_year = composite_scores([a.programme_area for a in areas])
    for area in areas:
        area.composite = scores.get(area.programme_area.pk)
    return Overview(indicators, areas, year, base_year)


def composite_scores(programme_areas: list[ProgrammeArea]
                     ) -> tuple[dict[int, float | None], int | None, int | None]:
    """The composite index of every programme area in its latest year, against all
    programme areas in the first year (the figures engine, disclosed values only)."""
    series, base_year, year = composite_series(programme_areas, latest_only=True)
    if base_year is None:
        return {}, None, None
    return ({pk: dict(points).get(year) for pk, points in series.items()}, year, base_year)


def composite_series(programme_areas: list[ProgrammeArea], *, latest_only: bool = False
                     ) -> tuple[dict[int, list[tuple[int, float | None]]], int | None,
                                int | None]:
    """The composite index of every programme area per year from the base year (oldest
    first), against all programme areas in the base year; with the base year and the
    latest year (None, None: no figures). ``latest_only``: the latest year alone."""
    spec, indicator_ids = composite_spec(_Anonymous())
    if not spec.indicators:
        return {}, None, None
    keys = dict(zip(indicator_ids, [s.key for s in spec.indicators], strict=True))
    rows = Observation.objects.filter(programme_area__isnull=False,
                                      indicator_id__in=indicator_ids, month=0)
    years = sorted(rows.order_by().values_list("year", flat=True).distinct())
    if not years:
        return {}, None, None
    first = start_year()
    base_year = next((y for y in years if first is None or y >= first), years[0])
    # The base year's statistics need every programme area; the scores, which depend only
    # on an area's own values and those statistics, only the wanted areas' rows.
    base = engine.base_statistics(spec, _by_year(rows.filter(year=base_year), keys)[base_year])
    wanted = {pa.pk for pa in programme_areas}
    shown = years[-1:] if latest_only else [y for y in years if y >= base_year]
    by_year = _by_year(rows.filter(programme_area_id__in=wanted, year__in=shown), keys)
    result: dict[int, list[tuple[int, float | None]]] = {pk: [] for pk in wanted}
    for year in shown:
        for place, score in engine.compute_composite(spec, by_year.get(year, {}), base).items():
            present = [score.pillars[p].score for p in PILLARS
                       if p in score.pillars and score.pillars[p].score is not None]
            result[int(place)].append((year, sum(present) / len(present)
                                       if len(present) == len(PILLARS) else None))
    return {pk: points for pk, points in result.items() if points}, base_year, years[-1]


def _by_year(rows: QuerySet[Observation], keys: dict[int, str]
             ) -> dict[int, dict[str, dict[str, float | None]]]:
    """Shown values as year → programme area (as text) → indicator key → value."""
    by_year: dict[int, dict[str, dict[str, float | None]]] = defaultdict(
        lambda: defaultdict(dict))
    for place, indicator_id, year, value in rows.values_list(
            "programme_area_id", "indicator_id", "year", "shown_value"):
        by_year[year][str(place)][keys[indicator_id]] = value
    return by_year


class _Anonymous:
    """No municipality: the composite over programme areas uses the shared catalogue only."""

    municipality_id = None


def export_rows(overview_: Overview) -> list[list[object]]:
    rows: list[list[object]] = []
    for area in overview_.areas:
        pa = area.programme_area
        for indicator in overview_.indicators:
            trend = area.trends.get(indicator.pk)
            if trend is None:
                continue
            for row in trend.rows:
                rows.append([pa.municipality.code, pa.municipality.name, pa.name,
                             indicator.key, indicator.name_nl, indicator.unit, row["year"],
                             _cell(row["area"]), _status(row["area"]), _cell(row["city"]),
                             row["programme"]])
    return rows


EXPORT_COLUMNS = ["municipality code", "municipality", "programme area", "key", "indicator",
                  "unit", "year", "value", "status", "city", "all programme areas"]


def _cell(point: SeriesPoint | None) -> object:
    if point is None:
        return "."
    return point.value if point.value is not None else point.text


def _status(point: SeriesPoint | None) -> str:
    return "missing" if point is None else point.status
