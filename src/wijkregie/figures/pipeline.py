"""Derived figures and disclosure control for one municipality, in one pass.

``refresh_municipality`` runs after every import. It
1. aggregates buurt values to wijken, the gemeente and programme areas by each
   indicator's rule, wherever the area has no value of its own (``derived``);
2. applies each indicator's disclosure rule to every figure, then secondary
   suppression over the area hierarchy (gemeente → wijken → buurten, programme area →
   buurten), so that no hidden figure can be recomputed from a shown total and its
   shown parts — for sums on the values, for weighted means and rates on value ×
   denominator, which is additive in the same way;
3. stores the disclosed figure beside the delivered one (``shown_*``) and the city
   statistics the benchmark colours use, computed from shown figures only (a mean over
   all buurten including a hidden one would reveal it).

Everything downstream — pages, maps, exports, API — reads only the disclosed figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Avg, Count, Q, StdDev

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality
from wijkregie.figures import disclosure
from wijkregie.figures.aggregation import (
    AggregateStatus,
    GroupMembership,
    PartStatus,
    PartValues,
    aggregate,
)
from wijkregie.figures.bulk import insert_observations
from wijkregie.figures.models import Aggregation, CityStatistic, Indicator, Observation

# Keys of places: ("A", area id) or ("P", programme area id).
Place = tuple[str, int]
Column = tuple[int, int, int]  # indicator id, year, month
_STATUS_CODE = {"value": PartStatus.OK, "suppressed": PartStatus.SUPPRESSED,
                "missing": PartStatus.MISSING}


@dataclass
class Figure:
    value: float | None
    status: str  # value / suppressed / missing
    derived: bool
    shown_value: float | None = None
    shown_text: str = "."
    shown_status: str = "missing"


@dataclass(frozen=True)
class Hierarchy:
    buurten: tuple[int, ...]
    relations: tuple[tuple[Place, tuple[Place, ...]], ...]  # (total, its parts)
    levels: dict[int, str]


def refresh_municipality(municipality: Municipality,
                         indicators: Iterable[Indicator] | None = None,
                         delivered: dict[Column, dict[Place, Figure]] | None = None) -> int:
    """Recompute derived and disclosed figures; returns the number of figures stored.

    ``delivered`` replaces the delivered figures of these indicators (a generator or an
    importer that already holds them); by default they are read from the database.
    """
    indicator_map = _with_related(indicators)
    hierarchy = _hierarchy(municipality)
    with transaction.atomic():
        scope = (Q(area__municipality=municipality)
                 | Q(programme_area__municipality=municipality)) & Q(
            indicator_id__in=list(indicator_map))
        figures = delivered if delivered is not None else _load(scope)
        _derive(figures, indicator_map, hierarchy)
        _disclose(figures, indicator_map, hierarchy)
        Observation.objects.filter(scope).delete()
        stored = insert_observations(_rows(figures))
        _store_statistics(municipality, figures, indicator_map, hierarchy)
        _store_national_statistics(list(indicator_map))
    return stored


def _with_related(indicators: Iterable[Indicator] | None) -> dict[int, Indicator]:
    """The indicators plus their denominators and the indicators using them as one:
    a change in inhabitants changes which percentages may be shown."""
    if indicators is None:
        return {i.pk: i for i in Indicator.objects.all()}
    ids = {i.pk for i in indicators}
    ids |= {i.denominator_id for i in indicators if i.denominator_id}
    related = Indicator.objects.filter(Q(pk__in=ids) | Q(denominator_id__in=ids))
    return {i.pk: i for i in related}


def _hierarchy(municipality: Municipality) -> Hierarchy:
    areas = list(Area.objects.filter(municipality=municipality)
                 .values_list("id", "level", "parent_id"))
    levels = {pk: level for pk, level, _ in areas}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, _level, parent in areas:
        if parent is not None:
            children[parent].append(pk)
    relations: list[tuple[Place, tuple[Place, ...]]] = [
        (("A", parent), tuple(("A", c) for c in sorted(kids)))
        for parent, kids in children.items()
    ]
    for pa_id, buurt_id in ProgrammeArea.buurten.through.objects.filter(
            programmearea__municipality=municipality).values_list("programmearea_id", "area_id"):
        relations.append((("P", pa_id), (("A", buurt_id),)))
    relations = _merge_programme_relations(relations)
    buurten = tuple(sorted(pk for pk, level, _ in areas if level == AreaLevel.BUURT))
    return Hierarchy(buurten, tuple(relations), levels)


def _merge_programme_relations(relations: list[tuple[Place, tuple[Place, ...]]]
                               ) -> list[tuple[Place, tuple[Place, ...]]]:
    merged: dict[Place, list[Place]] = defaultdict(list)
    for total, parts in relations:
        merged[total].extend(parts)
    return [(total, tuple(sorted(set(parts)))) for total, parts in merged.items()]


def _load(scope: Q) -> dict[Column, dict[Place, Figure]]:
    figures: dict[Column, dict[Place, Figure]] = defaultdict(dict)
    rows = Observation.objects.filter(scope, derived=False).values_list(
        "indicator_id", "year", "month", "area_id", "programme_area_id", "value", "status")
    for indicator_id, year, month, area_id, pa_id, value, status in rows.iterator(10_000):
        place = ("A", area_id) if area_id is not None else ("P", pa_id)
        figures[(indicator_id, year, month)][place] = Figure(value, status, False)
    return figures


def _derive(figures: dict[Column, dict[Place, Figure]], indicators: dict[int, Indicator],
            hierarchy: Hierarchy) -> None:
    """Aggregate buurten to every total of the hierarchy that has no own figure."""
    totals = [(total, parts) for total, parts in hierarchy.relations
              if all(p[0] == "A" and hierarchy.levels.get(p[1]) == AreaLevel.BUURT
                     for p in parts)]
    _aggregate_level(figures, indicators, hierarchy.buurten, totals)
    # Totals above wijken (the gemeente) aggregate the buurten below their wijken.
    upper = [(total, tuple(("A", b) for w in parts for b in _children_of(w, hierarchy)))
             for total, parts in hierarchy.relations
             if total[0] == "A" and hierarchy.levels.get(total[1]) == AreaLevel.GEMEENTE]
    _aggregate_level(figures, indicators, hierarchy.buurten, upper)


def _children_of(place: Place, hierarchy: Hierarchy) -> tuple[int, ...]:
    for total, parts in hierarchy.relations:
        if total == place:
            return tuple(p[1] for p in parts)
    return ()


def _aggregate_level(figures: dict[Column, dict[Place, Figure]],
                     indicators: dict[int, Indicator], buurten: tuple[int, ...],
                     totals: list[tuple[Place, tuple[Place, ...]]]) -> None:
    """Aggregate all columns of one rule at once (buurten x columns matrices)."""
    if not buurten or not totals:
        return
    known = set(buurten)
    pairs = [(f"{t[0]}{t[1]}", str(p[1])) for t, parts in totals for p in parts
             if p[1] in known]
    if not pairs:
        return
    groups = GroupMembership.from_pairs([str(b) for b in buurten], pairs)
    group_places = [(code[0], int(code[1:])) for code in groups.group_codes]
    by_rule: dict[tuple[str, int | None], list[Column]] = defaultdict(list)
    for column, by_place in figures.items():
        indicator = indicators[column[0]]
        if indicator.aggregation == Aggregation.NONE:
            continue
        if indicator.aggregation != Aggregation.SUM and indicator.denominator_id is None:
            continue
        if any(("A", b) in by_place for b in buurten):
            by_rule[(indicator.aggregation, indicator.denominator_id)].append(column)
    for (rule, denominator_id), columns in by_rule.items():
        parts = _part_matrix([figures[c] for c in columns], buurten)
        denominator = None
        if rule != Aggregation.SUM:
            denominator = _part_matrix(
                [figures.get((denominator_id, c[1], c[2]), {}) for c in columns], buurten)
        # A rate per 1,000 stored per buurt aggregates as the rate weighted by its
        # denominator: 1000·Σ(r_i·d_i/1000)/Σd_i.
        engine_rule = "weighted_mean" if rule == Aggregation.RATE_PER_1000 else rule
        result = aggregate(engine_rule, parts, groups, denominator=denominator)
        ok = result.status == AggregateStatus.OK
        for g, c in zip(*np.nonzero(ok), strict=True):
            by_place = figures[columns[c]]
            place = group_places[g]
            own = by_place.get(place)
            if own is None or own.derived:  # an own figure is never replaced
                by_place[place] = Figure(float(result.values[g, c]), "value", True)


def _part_matrix(columns: list[dict[Place, Figure]], buurten: tuple[int, ...]) -> PartValues:
    """Buurten x columns of values and part statuses (absent counts as missing)."""
    values = np.full((len(buurten), len(columns)), np.nan)
    status = np.full((len(buurten), len(columns)), PartStatus.MISSING, dtype=np.int8)
    row_of = {("A", b): i for i, b in enumerate(buurten)}
    for c, by_place in enumerate(columns):
        for place, figure in by_place.items():
            row = row_of.get(place)
            if row is not None:
                status[row, c] = _STATUS_CODE[figure.status]
                if figure.status == "value":
                    values[row, c] = figure.value
    return PartValues(values, status)


def _disclose(figures: dict[Column, dict[Place, Figure]], indicators: dict[int, Indicator],
              hierarchy: Hierarchy) -> None:
    for column, by_place in figures.items():
        indicator = indicators[column[0]]
        rule = disclosure.DisclosureRule.from_json(indicator.disclosure or {})
        denominators = (figures.get((indicator.denominator_id, column[1], column[2]), {})
                        if indicator.denominator_id else {})
        hidden: dict[Place, disclosure.HiddenCell] = {}
        for place, figure in by_place.items():
            shown = _primary(rule, figure, denominators.get(place))
            figure.shown_value, figure.shown_text = shown.value, shown.display_text
            figure.shown_status = str(shown.status)
            if shown.status in (disclosure.DisclosureStatus.SUPPRESSED,
                                disclosure.DisclosureStatus.BOUNDED):
                hidden[place] = disclosure.HiddenCell.from_disclosed(shown, rule)
        if hidden and indicator.aggregation != Aggregation.NONE:
            _secondary(by_place, hidden, indicator, denominators, hierarchy)


def _primary(rule: disclosure.DisclosureRule, figure: Figure,
             denominator: Figure | None) -> disclosure.Disclosed:
    if figure.status == "suppressed":
        return disclosure.Disclosed(None, disclosure.SUPPRESSED_TEXT,
                                    disclosure.DisclosureStatus.SUPPRESSED)
    if figure.status == "missing" or figure.value is None:
        return disclosure.Disclosed(None, disclosure.MISSING_TEXT,
                                    disclosure.DisclosureStatus.MISSING)
    denominator_value = denominator.value if denominator is not None else None
    if rule.min_denominator is not None and denominator_value is None:
        # Without a known population the minimum cannot be checked: withhold.
        return disclosure.Disclosed(None, disclosure.SUPPRESSED_TEXT,
                                    disclosure.DisclosureStatus.SUPPRESSED)
    return disclosure.apply(rule, figure.value, denominator_value)


def _secondary(by_place: dict[Place, Figure], hidden: dict[Place, disclosure.HiddenCell],
               indicator: Indicator, denominators: dict[Place, Figure],
               hierarchy: Hierarchy) -> None:
    """Hide more figures until no hidden one follows from a total and its parts."""
    additive: dict[Place, float] = {}
    for place, figure in by_place.items():
        if figure.value is None:
            continue
        if indicator.aggregation == Aggregation.SUM:
            additive[place] = figure.value
        else:
            weight = denominators.get(place)
            if weight is not None and weight.value is not None:
                additive[place] = figure.value * weight.value
    relations = [(total, parts) for total, parts in hierarchy.relations
                 if total in additive and all(p in additive for p in parts)]
    if not relations:
        return
    if indicator.aggregation != Aggregation.SUM:
        # Bounds such as "< 5" concern the value, not value × weight: treat as unbounded.
        hidden = {place: disclosure.HiddenCell() for place in hidden}
    values = {_code(p): max(v, 0.0) for p, v in additive.items()}
    protected = disclosure.protect_hierarchy(
        values, [(_code(t), [_code(p) for p in parts]) for t, parts in relations],
        {_code(p): cell for p, cell in hidden.items() if p in additive})
    for code, cell in protected.items():
        place = _place(code)
        figure = by_place[place]
        unbounded = cell == disclosure.HiddenCell()
        if figure.shown_status == "shown" or (unbounded and figure.shown_status == "bounded"):
            figure.shown_value, figure.shown_text = None, disclosure.SUPPRESSED_TEXT
            figure.shown_status = str(disclosure.DisclosureStatus.SUPPRESSED)


def _code(place: Place) -> str:
    return f"{place[0]}{place[1]}"


def _place(code: str) -> Place:
    return code[0], int(code[1:])


def _rows(figures: dict[Column, dict[Place, Figure]]) -> Iterable[tuple[object, ...]]:
    for (indicator_id, year, month), by_place in figures.items():
        for (kind, pk), f in by_place.items():
            yield (indicator_id, pk if kind == "A" else None, pk if kind == "P" else None,
                   year, month, f.value, f.status, f.derived, f.shown_value, f.shown_text,
                   f.shown_status)


def _store_statistics(municipality: Municipality, figures: dict[Column, dict[Place, Figure]],
                      indicators: dict[int, Indicator], hierarchy: Hierarchy) -> None:
    """Mean and SD over shown buurt figures (else wijk figures) per indicator and year."""
    CityStatistic.objects.filter(municipality=municipality,
                                 indicator_id__in=list(indicators)).delete()
    stats = []
    for (indicator_id, year, month), by_place in figures.items():
        if month != 0:
            continue
        for level in (AreaLevel.BUURT, AreaLevel.WIJK):
            values = [f.shown_value for (kind, pk), f in by_place.items()
                      if kind == "A" and hierarchy.levels.get(pk) == level
                      and f.shown_value is not None]
            if len(values) >= 2:
                array = np.array(values)
                stats.append(CityStatistic(
                    indicator_id=indicator_id, municipality=municipality, year=year,
                    level=level, mean=float(array.mean()), sd=float(array.std()),
                    n=len(values)))
                break
    CityStatistic.objects.bulk_create(stats, batch_size=2000)


def _store_national_statistics(indicator_ids: list[int]) -> None:
    """Mean of the shown gemeente figures over all municipalities (at least two)."""
    CityStatistic.objects.filter(municipality__isnull=True,
                                 indicator_id__in=indicator_ids).delete()
    rows = (Observation.objects.filter(indicator_id__in=indicator_ids, month=0,
                                       area__level=AreaLevel.GEMEENTE,
                                       shown_value__isnull=False)
            .values("indicator_id", "year")
            .annotate(mean=Avg("shown_value"), sd=StdDev("shown_value"), n=Count("id"))
            .filter(n__gte=2))
    CityStatistic.objects.bulk_create([
        CityStatistic(indicator_id=r["indicator_id"], municipality=None, year=r["year"],
                      level=AreaLevel.GEMEENTE, mean=r["mean"], sd=r["sd"] or 0.0, n=r["n"])
        for r in rows], batch_size=2000)

