"""Reads of figures, always disclosed and scoped to the user.

Only the disclosed columns (``shown_*``) are ever selected: the delivered value of a
suppressed figure cannot reach a page, map, export or API response from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.core.scoping import is_programme_viewer
from wijkregie.figures import statistics
from wijkregie.figures.models import CityStatistic, Indicator, Observation

SHOWN_FIELDS = ("indicator_id", "area_id", "programme_area_id", "year", "month",
                "shown_value", "shown_text", "shown_status", "derived")


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    value: float | None  # None unless the figure may be shown as a number
    text: str
    status: str  # shown / bounded / suppressed / missing
    derived: bool


def indicators_for(user: User) -> QuerySet[Indicator]:
    """The shared catalogue plus the user's municipality's own indicators."""
    own = Q(municipality__isnull=True)
    if user.municipality_id is not None:
        own |= Q(municipality_id=user.municipality_id)
    return Indicator.objects.filter(own).select_related("denominator")


def find_indicator(user: User, key: str) -> Indicator | None:
    """The indicator a key means for this user, by one rule on every database: the
    municipality's own indicator before a shared one with the same key.

    (Ordering on the nullable municipality and taking the last row gave the own one on
    SQLite, which sorts NULL first, and the shared one on PostgreSQL, which sorts it
    last; the NULL position is now explicit.)"""
    return (indicators_for(user).filter(key=key)
            .order_by(F("municipality_id").asc(nulls_first=True)).last())


def get_indicator(user: User, key: str) -> Indicator:
    from django.http import Http404

    indicator = find_indicator(user, key)
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def _place_filter(area: Area | None, programme_area: ProgrammeArea | None) -> Q:
    if area is not None:
        return Q(area=area)
    return Q(programme_area=programme_area)


def observations(user: User, *, area: Area | None = None,
                 programme_area: ProgrammeArea | None = None,
                 indicators: list[Indicator] | None = None) -> dict[int, list[SeriesPoint]]:
    """Yearly series per indicator id for one place (disclosed)."""
    rows = Observation.objects.filter(_place_filter(area, programme_area), month=0)
    if indicators is not None:
        rows = rows.filter(indicator__in=indicators)
    series: dict[int, list[SeriesPoint]] = defaultdict(list)
    for indicator_id, year, value, text, status, derived in rows.order_by("year").values_list(
            "indicator_id", "year", "shown_value", "shown_text", "shown_status", "derived"):
        series[indicator_id].append(SeriesPoint(year, value, text, status, derived))
    return series


@dataclass(frozen=True)
class MonthPoint:
    year: int
    month: int  # 1–12
    value: float | None  # None unless the figure may be shown as a number
    text: str
    status: str
    derived: bool

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def monthly_observations(user: User, *, area: Area | None = None,
                         programme_area: ProgrammeArea | None = None
                         ) -> dict[int, list[MonthPoint]]:
    """Monthly series per indicator id for one place (disclosed), oldest month first."""
    series: dict[int, list[MonthPoint]] = defaultdict(list)
    for indicator_id, year, month, value, text, status, derived in Observation.objects.filter(
            _place_filter(area, programme_area), month__gt=0).order_by(
            "year", "month").values_list("indicator_id", "year", "month", "shown_value",
                                         "shown_text", "shown_status", "derived"):
        series[indicator_id].append(MonthPoint(year, month, value, text, status, derived))
    return series


def observed_series(user: User, *, indicator_key: str, area: Area | None = None,
                    programme_area: ProgrammeArea | None = None) -> list[SeriesPoint]:
    """The yearly series of one indicator for one area or programme area (disclosed).

    Used by other capabilities (e.g. the MKBA ex-post comparison). The caller has
    already scoped ``area``/``programme_area`` to the user through its own selectors.
    """
    indicator = find_indicator(user, indicator_key)
    if indicator is None:
        return []
    return observations(user, area=area, programme_area=programme_area,
                        indicators=[indicator]).get(indicator.pk, [])


def level_values(user: User, indicator: Indicator, municipality: Municipality, *,
                 level: str, year: int) -> list[tuple[object, SeriesPoint]]:
    """(place, figure) for every area of one level — or every programme area — of a
    municipality in one year."""
    if level == "programme":
        places = list(ProgrammeArea.objects.filter(municipality=municipality).order_by("name"))
        rows = Observation.objects.filter(programme_area__in=places)
        key = "programme_area_id"
    else:
        places = list(Area.objects.filter(municipality=municipality, level=level)
                      .order_by("code").only("id", "code", "name", "geometry"))
        rows = Observation.objects.filter(area__in=places)
        key = "area_id"
    found = {row[0]: row[1:] for row in rows.filter(indicator=indicator, year=year, month=0)
             .values_list(key, "shown_value", "shown_text", "shown_status", "derived")}
    result = []
    for place in places:
        value, text, status, derived = found.get(place.pk, (None, ".", "missing", False))
        result.append((place, SeriesPoint(year, value, text, status, derived)))
    return result


def years_of(indicator: Indicator, municipality: Municipality) -> list[int]:
    # By the municipality's area ids rather than a join: the planners then seek per
    # area in the (indicator, area, year) index instead of reading all of the
    # indicator's figures (48 → 1 ms on SQLite at national scale, with the planner
    # statistics of bulk.refresh_planner_statistics).
    area_ids = list(Area.objects.filter(municipality=municipality).values_list("id", flat=True))
    return list(Observation.objects.filter(indicator=indicator, area_id__in=area_ids, month=0)
                .order_by("year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class Statistic:
    mean: float
    sd: float
    n: int
    reference: float | None = None  # reference groups: the group's figure by its rule


def _statistics(rows: QuerySet[CityStatistic]) -> dict[tuple[int, int], Statistic]:
    # Plain tuples, not model instances: a profile reads 1,500 of them.
    return {(indicator_id, year): Statistic(mean, sd, n, reference)
            for indicator_id, year, mean, sd, n, reference
            in rows.values_list("indicator_id", "year", "mean", "sd", "n", "reference")}


def city_statistics(municipality: Municipality, indicators: list[Indicator],
                    level: str = AreaLevel.BUURT) -> dict[tuple[int, int], Statistic]:
    """The municipality's statistics over the areas of one level (buurt, wijk or
    ``programme``), per indicator and year."""
    return _statistics(CityStatistic.objects.filter(municipality=municipality, level=level,
                                                    indicator__in=indicators))


def benchmark_statistics(municipality: Municipality, indicators: list[Indicator], level: str,
                         group: str = statistics.ALL) -> dict[tuple[int, int], Statistic]:
    """What an area of ``level`` is coloured against: the city's areas of the same level;
    a gemeente against the gemeenten of its reference group (all gemeenten when the
    group is the programme areas, which only changes the reference column); programme areas against
    the city's programme areas, else all programme areas."""
    if level == AreaLevel.GEMEENTE:
        # Programme areas are no group of gemeenten: a gemeente profile showing the
        # programme-area reference column is still coloured against all gemeenten.
        return reference_statistics(
            indicators, statistics.ALL if group == statistics.PROGRAMME else group)
    own = city_statistics(municipality, indicators, level)
    if level == statistics.PROGRAMME:
        return reference_statistics(indicators, statistics.PROGRAMME) | own
    return own


def gemeente_area(municipality: Municipality) -> Area | None:
    return (Area.objects.filter(municipality=municipality, level=AreaLevel.GEMEENTE)
            .order_by("-year").first())


def reference_statistics(indicators: list[Indicator], group: str = statistics.ALL
                         ) -> dict[tuple[int, int], Statistic]:
    """A reference group's statistics per indicator and year (``figures.statistics``)."""
    return _statistics(CityStatistic.objects.filter(
        municipality__isnull=True, reference_group=group, indicator__in=indicators))


def national_statistics(indicators: list[Indicator]) -> dict[tuple[int, int], Statistic]:
    """All municipalities: the reference figure by each indicator's rule."""
    return reference_statistics(indicators, statistics.ALL)


def size_group(municipality: Municipality) -> str | None:
    """The reference group of municipalities of this one's size, from its latest shown
    number of inhabitants (None when it has none)."""
    inhabitants = (Observation.objects.filter(
        indicator__key=statistics.INHABITANTS_KEY, indicator__municipality__isnull=True,
        area__municipality=municipality, area__level=AreaLevel.GEMEENTE, month=0,
        shown_value__isnull=False).order_by("-year").values_list("shown_value", flat=True)
        .first())
    return None if inhabitants is None else statistics.size_class(inhabitants)


def can_see_municipality_figures(user: User, municipality: Municipality) -> bool:
    return user.municipality_id == municipality.pk or is_programme_viewer(user)
