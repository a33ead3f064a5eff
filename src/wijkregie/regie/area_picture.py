"""The area picture (gebiedsbeeld): one page per programme area or wijk for the area
director, put together from what the other capabilities already let the user see.

Nothing here counts or computes from raw records: every section reads through the
selector of its capability, scoped to the user (ADR 0076):

- composite index: the figures engine over disclosed figures (learning.programme for
  programme areas, figures.composite_view for wijken);
- indicators behind the city: ``figures.selectors.observations`` (disclosed figures);
- hot spots: the latest stored analysis the user may see (``hotspots.selectors``);
- signals: ``signals.feeds.monthly_counts`` with the user as viewer — the listed part
  plus the published others, summed over published cells only — grouped per pillar;
- goals, measures overdue: the plan selectors; escalations: ``escalations_for``;
- MKBA: the latest analysis with results (``impact.selectors.analyses_for``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.areas.selectors import programme_areas_for
from wijkregie.core.models import Municipality, User
from wijkregie.figures import selectors as figure_selectors
from wijkregie.figures.composite_view import composite_totals
from wijkregie.figures.disclosure import format_number
from wijkregie.figures.models import Indicator, Polarity
from wijkregie.hotspots import selectors as hotspot_selectors
from wijkregie.hotspots.analysis import class_name
from wijkregie.hotspots.labels import class_label
from wijkregie.impact import selectors as impact_selectors
from wijkregie.learning.programme import composite_series
from wijkregie.regie import ladder, selectors
from wijkregie.regie import selectors_intervention as intervention
from wijkregie.regie.models_intervention import CLOSED
from wijkregie.signals import charts as signal_charts
from wijkregie.signals import feeds
from wijkregie.signals.models import Pillar as SignalPillar
from wijkregie.signals.models import Signal

BEHIND_LIMIT = 5
SIGNAL_MONTHS = 24
MIXED = "mixed"
# Hot spot classes that say nothing is going on: not listed as hot spots.
QUIET_CLASSES = {"no pattern", "not significant", "below the top 10%"}


@dataclass(frozen=True)
class Place:
    """The programme area or wijk the picture is of."""

    name: str
    municipality: Municipality
    buurt_codes: frozenset[str]
    programme_areas: list[ProgrammeArea]
    programme_area: ProgrammeArea | None = None
    wijk: Area | None = None

    @property
    def source_url(self) -> str:
        if self.programme_area is not None:
            return reverse("programme-area-detail", args=[self.municipality.code,
                                                          self.programme_area.slug])
        assert self.wijk is not None
        return reverse("area-detail", args=[self.wijk.code])

    @property
    def figures_url(self) -> str:
        if self.programme_area is not None:
            return reverse("figures:programme", args=[self.municipality.code,
                                                      self.programme_area.slug])
        assert self.wijk is not None
        return reverse("figures:area", args=[self.wijk.code])


def programme_area_place(programme_area: ProgrammeArea) -> Place:
    """The caller has the programme area from ``areas.selectors`` (scoped)."""
    codes = frozenset(programme_area.buurten.values_list("code", flat=True))
    return Place(programme_area.name, programme_area.municipality, codes, [programme_area],
                 programme_area=programme_area)


def wijk_place(user: User, wijk: Area) -> Place:
    """The caller has the wijk from ``areas.selectors.get_area`` (scoped); its plans are
    those of the user's programme areas with a buurt in the wijk."""
    codes = frozenset(wijk.children.values_list("code", flat=True))
    overlapping = list(programme_areas_for(user).filter(buurten__code__in=codes)
                       .distinct().select_related("municipality").order_by("name"))
    return Place(wijk.name, wijk.municipality, codes, overlapping, wijk=wijk)


# --- composite index ----------------------------------------------------------------

@dataclass
class Composite:
    points: list[tuple[int, float | None]]
    base_year: int | None
    url: str

    @property
    def latest(self) -> tuple[int, float | None] | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> float | None:
        """Latest minus the year before (both shown), None without two figures."""
        shown = [(y, v) for y, v in self.points if v is not None]
        return shown[-1][1] - shown[-2][1] if len(shown) >= 2 else None


def composite(user: User, place: Place) -> Composite:
    if place.programme_area is not None:
        series, base_year, _latest = composite_series([place.programme_area])
        return Composite(series.get(place.programme_area.pk, []), base_year,
                         reverse("learning:area", args=[place.municipality.code,
                                                        place.programme_area.slug]))
    assert place.wijk is not None
    points, base_year = composite_totals(user, place.municipality, "wijk", place.wijk)
    return Composite(points, base_year,
                     reverse("figures:composite") + "?level=wijk")


# --- indicators furthest behind the city -----------------------------------------------

@dataclass(frozen=True)
class BehindRow:
    indicator: Indicator
    year: int
    value: float
    city: float
    gap: float  # relative distance to the city, negative: worse than the city
    trend: str  # better / worse / same / "" (no earlier figure)

    @property
    def value_text(self) -> str:
        return format_number(self.value, self.indicator.decimals)

    @property
    def city_text(self) -> str:
        return format_number(self.city, self.indicator.decimals)


def _oriented(indicator: Indicator, difference: float) -> float:
    return difference if indicator.polarity == Polarity.HIGHER_IS_BETTER else -difference


def behind_city(user: User, place: Place) -> list[BehindRow]:
    """The indicators whose latest shown figure is furthest behind the city's figure of
    that year (relative distance, by polarity), with the area's own trend."""
    indicators = {i.pk: i for i in figure_selectors.indicators_for(user).exclude(
        polarity=Polarity.NEUTRAL)}
    own = figure_selectors.observations(user, area=place.wijk,
                                        programme_area=place.programme_area)
    gemeente = figure_selectors.gemeente_area(place.municipality)
    city = figure_selectors.observations(user, area=gemeente) if gemeente else {}
    rows = []
    for indicator_id, points in own.items():
        indicator = indicators.get(indicator_id)
        shown = [p for p in points if p.value is not None]
        if indicator is None or not shown:
            continue
        latest = shown[-1]
        city_value = next((p.value for p in city.get(indicator_id, [])
                           if p.year == latest.year and p.value is not None), None)
        if not city_value:
            continue
        gap = _oriented(indicator, (latest.value - city_value) / abs(city_value))
        if gap >= 0:
            continue
        trend = ""
        if len(shown) >= 2:
            step = _oriented(indicator, latest.value - shown[-2].value)
            trend = "better" if step > 0 else "worse" if step < 0 else "same"
        rows.append(BehindRow(indicator, latest.year, latest.value, city_value, gap, trend))
    return sorted(rows, key=lambda r: (r.gap, r.indicator.key))[:BEHIND_LIMIT]


# --- hot spots ------------------------------------------------------------------------

@dataclass(frozen=True)
class HotspotSummary:
    analysis: Any
    classes: list[tuple[str, int]]  # translated class name, cells


def hotspots(user: User, place: Place) -> list[HotspotSummary]:
    result = []
    for area in place.programme_areas:
        analysis = hotspot_selectors.latest_analysis(user, programme_area_id=area.pk)
        if analysis is None or not analysis.result:
            continue
        counts = Counter(class_name(analysis.result, int(c["class"]))
                         for c in analysis.result.get("cells", []))
        classes = [(class_label(name), n) for name, n in sorted(
            counts.items(), key=lambda item: (-item[1], item[0])) if name not in QUIET_CLASSES]
        result.append(HotspotSummary(analysis, classes))
    return result


# --- signals per pillar and month -----------------------------------------------------

def category_pillars(municipality: Municipality) -> dict[str, str]:
    """The pillar of each signal category of the municipality, as the signals carry it;
    a category whose signals carry more than one pillar counts under MIXED. Which
    pillars a category's signals carry is category metadata, not a count (ADR 0076)."""
    pairs: dict[str, set[str]] = defaultdict(set)
    for key, pillar in (Signal.objects.filter(municipality=municipality)
                        .values_list("category__key", "pillar").distinct()):
        pairs[key].add(pillar)
    return {key: next(iter(p)) if len(p) == 1 else MIXED for key, p in pairs.items()}


def _recent(totals: dict[str, dict[tuple[int, int], int]]) -> dict[str, dict[tuple[int, int], int]]:
    months = sorted({m for per_month in totals.values() for m in per_month})[-SIGNAL_MONTHS:]
    keep = set(months)
    return {k: {m: n for m, n in v.items() if m in keep} for k, v in totals.items()}


def signal_table(user: User, place: Place) -> signal_charts.CategoryTable | None:
    """Signals per pillar and month in the place, from the viewer-split, disclosure-safe
    monthly counts of the signals capability (cells below the minimum count are None and
    add nothing). None when the user may see no signal aggregates of the municipality."""
    from wijkregie.signals.selectors import aggregate_municipalities

    if not aggregate_municipalities(user).filter(pk=place.municipality.pk).exists():
        return None
    counts = feeds.monthly_counts(municipality=place.municipality, viewer=user,
                                  area_codes=place.buurt_codes)
    per_category = feeds.category_month_totals(counts)
    pillars = category_pillars(place.municipality)
    totals: dict[str, dict[tuple[int, int], int]] = {}
    for key, months in per_category.items():
        into = totals.setdefault(pillars.get(key, MIXED), {})
        for month, n in months.items():
            into[month] = into.get(month, 0) + n
    names = {**dict(SignalPillar.choices), MIXED: _("several pillars")}
    ordered = {k: totals[k] for k in [*SignalPillar.values, MIXED] if k in totals}
    return signal_charts.category_table(_recent(ordered), {k: str(v) for k, v in names.items()})


# --- the plan: goals, measures overdue, escalations, MKBA -------------------------------

@dataclass
class PlanPart:
    plan: Any
    blocks: list[selectors.PillarBlock]
    overdue: list[selectors.MeasureRow]


def plan_parts(user: User, place: Place) -> list[PlanPart]:
    plans = selectors.plans_for(user).filter(programme_area__in=place.programme_areas)
    return [PlanPart(plan, selectors.pillar_blocks(user, plan),
                     [r for r in selectors.measure_rows(plan) if r.overdue]) for plan in plans]


def open_escalations(user: User, place: Place) -> list[Any]:
    return list(intervention.escalations_for(user).exclude(state=CLOSED)
                .filter(programme_area__in=place.programme_areas)
                .select_related("programme_area").order_by("deadline", "-raised_at"))


@dataclass(frozen=True)
class ImpactResult:
    analysis: Any
    alternatives: list[dict[str, Any]]


def latest_mkba(user: User, place: Place) -> list[ImpactResult]:
    result = []
    for area in place.programme_areas:
        analysis = (impact_selectors.analyses_for(user).filter(
            programme_area=area, results__isnull=False).order_by("-updated_at", "-pk").first())
        if analysis is not None:
            result.append(ImpactResult(analysis, analysis.results["analysis"]["alternatives"]))
    return result


@dataclass
class AreaPicture:
    place: Place
    composite: Composite
    behind: list[BehindRow]
    hotspots: list[HotspotSummary]
    signals: signal_charts.CategoryTable | None
    plans: list[PlanPart]
    escalations: list[Any]
    level_names: dict[str, str]
    mkba: list[ImpactResult]
    min_count: int = feeds.DEFAULT_MIN_COUNT


def build(user: User, place: Place) -> AreaPicture:
    return AreaPicture(
        place=place, composite=composite(user, place), behind=behind_city(user, place),
        hotspots=hotspots(user, place), signals=signal_table(user, place),
        plans=plan_parts(user, place), escalations=open_escalations(user, place),
        level_names=ladder.level_names(place.municipality.pk), mkba=latest_mkba(user, place))
