"""The statistics benchmarks and reference columns compare with, per level and group.

City statistics (one municipality, one year): mean and spread of the shown figures of
each level separately — buurten, wijken, programme areas — so that a wijk is compared
with the city's wijken, never with its buurten (a gemeente of 374,238 inhabitants is
not "much higher" than the mean buurt).

Reference statistics (``municipality`` empty) per reference group:

* ``all``      every municipality's gemeente figure;
* ``size-N``   municipalities of one size class (CBS's classes by inhabitants, below);
* ``programme`` every programme area of every municipality.

For each group: the distribution of its members' figures (mean, SD, n: what a gemeente
or programme area is coloured against), and the group's own figure by the indicator's
aggregation rule (``reference``): a count is the group's total, a mean or share the
mean weighted by its denominator Σ(x·w)/Σw, a rate per 1,000 the same (= 1000·Σn/Σd).
A figure that is not aggregable has no reference figure: the unweighted mean of
municipalities (density 917.6 against a national 533.3) is not a figure of the group.
All statistics read shown figures only.

The reference figure follows the aggregation's own rule for incomplete parts: a total
is not published when a member has a figure row without a shown value (its own total
incomplete, suppressed or missing), and a weighted mean is not published when a member
with a figure lacks its weight — either would be the figure of part of the group,
labelled as the whole. The programme-area reference is computed over the union of the
buurten in programme areas, so a buurt in two programme areas counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import AreaLevel, ProgrammeArea
from wijkregie.figures.bulk import insert_rows
from wijkregie.figures.models import Aggregation, CityStatistic, Indicator, Observation

__all__ = ["SIZE_CLASSES", "reference_groups", "size_class", "store_reference_statistics"]

# CBS gemeentegrootteklassen, by inhabitants on 1 January (lower bound, label).
SIZE_CLASSES: tuple[tuple[int, str], ...] = (
    (0, "< 20.000"), (20_000, "20.000–50.000"), (50_000, "50.000–100.000"),
    (100_000, "100.000–250.000"), (250_000, "≥ 250.000"),
)
INHABITANTS_KEY = "inwoners"
PROGRAMME = "programme"
ALL = "all"
STATISTIC_COLUMNS = ("indicator_id", "municipality_id", "year", "level", "reference_group",
                     "mean", "sd", "n", "reference")


def size_class(inhabitants: float) -> str:
    index = max(i for i, (lower, _label) in enumerate(SIZE_CLASSES) if inhabitants >= lower)
    return f"size-{index + 1}"


def reference_groups() -> dict[str, str]:
    """Group key -> label, for the profile's reference choice."""
    groups = {ALL: str(_("all municipalities"))}
    for index, (_lower, label) in enumerate(SIZE_CLASSES):
        groups[f"size-{index + 1}"] = str(_("municipalities of %(size)s inhabitants")
                                          % {"size": label})
    groups[PROGRAMME] = str(_("all programme areas"))
    return groups


def level_statistics(indicator_id: int, municipality_id: int, year: int, level: str,
                     values: np.ndarray) -> tuple[object, ...] | None:
    """A city statistic row over the shown values of one level (at least two)."""
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return None
    return (indicator_id, municipality_id, year, level, "", float(values.mean()),
            float(values.std()), len(values), None)


def store_reference_statistics(indicators: Iterable[Indicator]) -> None:
    """Recompute the reference statistics of these indicators over all municipalities."""
    indicators = {i.pk: i for i in indicators}
    if not indicators:
        return
    CityStatistic.objects.filter(municipality__isnull=True,
                                 indicator_id__in=list(indicators)).delete()
    needed = set(indicators) | {i.denominator_id for i in indicators.values()
                                if i.denominator_id}
    gemeente_rows = Observation.objects.filter(area__level=AreaLevel.GEMEENTE, month=0)
    gemeente = _shown(gemeente_rows, "area__municipality_id", needed)
    programme = _shown(Observation.objects.filter(programme_area__isnull=False),
                       "programme_area_id", needed)
    # Municipalities with any figure of an indicator and year: each is a member whose
    # gemeente figure the group's total needs (an incomplete one is not stored at all).
    present = _present_municipalities(set(indicators))
    programme_buurten = dict(ProgrammeArea.buurten.through.objects.values_list(
        "area_id", "area__municipality_id"))
    buurt_figures = _shown(Observation.objects.filter(
        area_id__in=list(programme_buurten), month=0), "area_id", needed)
    groups: dict[str, tuple[dict, set[int] | None]] = {ALL: (gemeente, None),
                                                       PROGRAMME: (programme, None)}
    for key, members in _size_groups(gemeente).items():
        groups[key] = (gemeente, members)
    rows = []
    for group, (figures, members) in groups.items():
        for (indicator_id, year), by_place in figures.items():
            indicator = indicators.get(indicator_id)
            if indicator is None:
                continue
            if members is not None:
                by_place = {p: v for p, v in by_place.items() if p in members}
            if len(by_place) < 2:
                continue
            values = np.array(list(by_place.values()))
            weights = figures.get((indicator.denominator_id, year), {})
            level = AreaLevel.GEMEENTE if figures is gemeente else PROGRAMME
            with_figures = present.get((indicator_id, year), set())
            if figures is gemeente:
                lacking = with_figures - set(by_place)
                if members is not None:
                    lacking &= members
                reference = None if lacking else _reference(indicator, by_place, weights)
            else:  # over the union of the programme areas' buurten: each buurt once
                union = {b for b, m in programme_buurten.items() if m in with_figures}
                parts = buurt_figures.get((indicator_id, year), {})
                reference = None if union - set(parts) else _reference(
                    indicator, {b: parts[b] for b in union},
                    buurt_figures.get((indicator.denominator_id, year), {}))
            rows.append((indicator_id, None, year, str(level), group, float(values.mean()),
                         float(values.std()), len(values), reference))
    insert_rows(CityStatistic, STATISTIC_COLUMNS, rows)


def _shown(rows, place_field: str, indicator_ids: set[int]
           ) -> dict[tuple[int, int], dict[int, float]]:
    figures: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for indicator_id, year, place, value in rows.filter(
            indicator_id__in=indicator_ids, month=0, shown_value__isnull=False).values_list(
            "indicator_id", "year", place_field, "shown_value").iterator(20_000):
        figures[(indicator_id, year)][place] = value
    return figures


def _present_municipalities(indicator_ids: set[int]) -> dict[tuple[int, int], set[int]]:
    """(indicator, year) -> municipalities with any yearly figure row of it, any status."""
    places: dict[tuple[int, int], set[int]] = defaultdict(set)
    for indicator_id, year, municipality_id in Observation.objects.filter(
            indicator_id__in=indicator_ids, month=0, area__isnull=False).values_list(
            "indicator_id", "year", "area__municipality_id").distinct().iterator(20_000):
        places[(indicator_id, year)].add(municipality_id)
    return places


def _size_groups(gemeente: dict[tuple[int, int], dict[int, float]]) -> dict[str, set[int]]:
    """Municipalities by size class, from their latest shown number of inhabitants."""
    inhabitants = Indicator.objects.filter(key=INHABITANTS_KEY, municipality__isnull=True
                                           ).values_list("id", flat=True).first()
    latest: dict[int, tuple[int, float]] = {}
    if inhabitants is None:
        return {}
    for (indicator_id, year), by_place in gemeente.items():
        if indicator_id != inhabitants:
            continue
        for municipality_id, value in by_place.items():
            if municipality_id not in latest or latest[municipality_id][0] < year:
                latest[municipality_id] = (year, value)
    if not latest:  # the inhabitants were not among the indicators read: read them
        for municipality_id, year, value in Observation.objects.filter(
                indicator_id=inhabitants, month=0, area__level=AreaLevel.GEMEENTE,
                shown_value__isnull=False).values_list(
                "area__municipality_id", "year", "shown_value"):
            if municipality_id not in latest or latest[municipality_id][0] < year:
                latest[municipality_id] = (year, value)
    groups: dict[str, set[int]] = defaultdict(set)
    for municipality_id, (_year, value) in latest.items():
        groups[size_class(value)].add(municipality_id)
    return groups


def _reference(indicator: Indicator, values: dict[int, float],
               weights: dict[int, float]) -> float | None:
    """The group's figure by the indicator's own aggregation rule (None: not aggregable,
    no member with a value, or a member with a value but without its weight)."""
    if not values:
        return None
    if indicator.aggregation == Aggregation.SUM:
        return float(sum(values.values()))
    if indicator.aggregation in (Aggregation.WEIGHTED_MEAN, Aggregation.RATE_PER_1000):
        if any(p not in weights for p in values):
            return None  # the mean of the members with a weight is not the group's
        pairs = [(x, weights[p]) for p, x in values.items()]
        total = sum(w for _x, w in pairs)
        if not pairs or total <= 0:
            return None
        return float(sum(x * w for x, w in pairs) / total)
    return None
