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

The figures of one municipality live in a :class:`FigureGrid` (places × columns numpy
arrays): derivation, primary disclosure (:func:`disclosure.apply_array`, equal to
:func:`disclosure.apply` figure by figure), statistics and the insert work on whole
columns; only columns with hidden cells go through secondary suppression one by one.

Everything downstream — pages, maps, exports, API — reads only the disclosed figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Q

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality
from wijkregie.figures import disclosure, statistics
from wijkregie.figures.aggregation import (
    AggregateStatus,
    GroupMembership,
    PartStatus,
    PartValues,
    aggregate,
)
from wijkregie.figures.bulk import insert_observations, insert_rows, refresh_planner_statistics
from wijkregie.figures.models import (
    Aggregation,
    CityStatistic,
    Indicator,
    Observation,
    RetiredComposition,
    RetiredFigure,
)

# Keys of places: ("A", area id), ("P", programme area id) or ("R", retired composition
# id: audited as a total the reader knows, never stored).
Place = tuple[str, int]
Column = tuple[int, int, int]  # indicator id, year, month
# Grid status codes: PartStatus (ok / suppressed / missing) plus "no figure here".
ABSENT = 3
_STATUS_NAMES = np.array(["value", "suppressed", "missing"], dtype=object)  # by PartStatus
_STATUS_CODE = {"value": PartStatus.OK, "suppressed": PartStatus.SUPPRESSED,
                "missing": PartStatus.MISSING}
_SHOWN_NAMES = np.array([str(s) for s in disclosure.STATUS_CODES], dtype=object)
_SHOWN = disclosure.STATUS_CODES.index(disclosure.DisclosureStatus.SHOWN)
_BOUNDED = disclosure.STATUS_CODES.index(disclosure.DisclosureStatus.BOUNDED)
_SUPPRESSED = disclosure.STATUS_CODES.index(disclosure.DisclosureStatus.SUPPRESSED)
_MISSING = disclosure.STATUS_CODES.index(disclosure.DisclosureStatus.MISSING)


@dataclass
class FigureGrid:
    """The figures of one municipality: places (rows) × columns, as arrays.

    ``value`` is the delivered or derived number (NaN: none), ``status`` a PartStatus code
    or :data:`ABSENT`; the ``shown_*`` arrays hold the disclosed figure once computed
    (``shown_status`` indexes :data:`disclosure.STATUS_CODES`).
    """

    places: list[Place]
    columns: list[Column]
    value: np.ndarray
    status: np.ndarray
    derived: np.ndarray
    shown_value: np.ndarray = field(init=False)
    shown_text: np.ndarray = field(init=False)
    shown_status: np.ndarray = field(init=False)
    row: dict[Place, int] = field(init=False)  # place -> row number

    def __post_init__(self) -> None:
        shape = (len(self.places), len(self.columns))
        if not self.value.shape == self.status.shape == self.derived.shape == shape:
            raise ValueError(f"figure arrays must be places × columns {shape}")
        self.row = {place: index for index, place in enumerate(self.places)}
        self.shown_value = np.full(shape, np.nan)
        self.shown_text = np.full(shape, disclosure.MISSING_TEXT, dtype=object)
        self.shown_status = np.full(shape, _MISSING, dtype=np.int8)

    @classmethod
    def delivered(cls, places: Sequence[Place], columns: Sequence[Column],
                  values: np.ndarray) -> FigureGrid:
        """Delivered figures, one for every place and column (NaN: missing)."""
        values = np.asarray(values, dtype=float)
        status = np.where(np.isnan(values), PartStatus.MISSING, PartStatus.OK).astype(np.int8)
        return cls(list(places), list(columns), values, status, np.zeros(values.shape, bool))

    def with_places(self, places: Sequence[Place]) -> FigureGrid:
        """The same figures over ``places`` (plus any of ours not among them)."""
        order = list(dict.fromkeys([*places, *self.places]))
        rows = np.array([self.row.get(place, -1) for place in order])
        have = rows >= 0
        shape = (len(order), len(self.columns))
        value, status = np.full(shape, np.nan), np.full(shape, ABSENT, dtype=np.int8)
        derived = np.zeros(shape, dtype=bool)
        value[have], status[have] = self.value[rows[have]], self.status[rows[have]]
        derived[have] = self.derived[rows[have]]
        return FigureGrid(order, list(self.columns), value, status, derived)

    def column_index(self) -> dict[Column, int]:
        return {column: index for index, column in enumerate(self.columns)}


@dataclass(frozen=True)
class Hierarchy:
    buurten: tuple[int, ...]
    relations: tuple[tuple[Place, tuple[Place, ...]], ...]  # (total, its parts)
    levels: dict[int, str]

    def places(self) -> list[Place]:
        programme = dict.fromkeys(t for t, _ in self.relations if t[0] in "PR")
        return [("A", pk) for pk in sorted(self.levels)] + sorted(programme)


def refresh_municipality(municipality: Municipality,
                         indicators: Iterable[Indicator] | None = None,
                         delivered: FigureGrid | None = None, *,
                         finish: bool = True) -> int:
    """Recompute derived and disclosed figures; returns the number of figures stored.

    ``delivered`` replaces the delivered figures of these indicators (a generator or an
    importer that already holds them); by default they are read from the database.
    A caller refreshing many municipalities in a row passes ``finish=False`` and calls
    :func:`finish_refreshes` once after.
    """
    indicator_map = _with_related(indicators)
    hierarchy = _hierarchy(municipality)
    with transaction.atomic():
        scopes = _scopes(municipality, hierarchy, list(indicator_map))
        grid = (delivered if delivered is not None else _load(scopes)).with_places(
            hierarchy.places())
        _derive(grid, indicator_map, hierarchy)
        _disclose(grid, indicator_map, hierarchy, _retired_figures(municipality, indicator_map),
                  _published_figures(scopes))
        for scope in scopes:
            Observation.objects.filter(scope).delete()
        stored = insert_observations(_rows(grid))
        _store_statistics(municipality, grid, indicator_map, hierarchy)
        if finish:
            finish_refreshes(indicator_map.values())
    return stored


def retire_programme_area(sender: object, *, programme_area: ProgrammeArea,
                          **kwargs: object) -> None:
    """Receiver of ``areas.signals.programme_area_retiring``: keep the composition that
    ends and its figures as shown, for the audit of every later disclosure (ADR 0010)."""
    figures = list(Observation.objects.filter(programme_area=programme_area).values_list(
        "indicator_id", "year", "month", "shown_value", "shown_text", "shown_status"))
    if not figures:
        return  # nothing of it was ever shown
    composition = RetiredComposition.objects.create(
        municipality_id=programme_area.municipality_id, name=programme_area.name[:200])
    composition.buurten.set(list(programme_area.buurten.values_list("id", flat=True)))
    RetiredFigure.objects.bulk_create([
        RetiredFigure(composition=composition, indicator_id=indicator_id, year=year,
                      month=month, shown_value=value, shown_text=text, shown_status=status)
        for indicator_id, year, month, value, text, status in figures], batch_size=2000)


def refresh_after_programme_area_change(sender: object, *, municipality: Municipality,
                                        **kwargs: object) -> None:
    """Receiver of ``areas.signals.programme_areas_changed``, called inside the change's
    transaction: the new composition's figures and the disclosure of every figure it
    overlaps are in place when the change commits (ADR 0010). A failure here rolls the
    change back."""
    refresh_municipality(municipality)


def finish_refreshes(indicators: Iterable[Indicator] | None = None) -> None:
    """After municipalities were refreshed: the national statistics (they read the
    gemeente figures of every municipality) and the database's planner statistics."""
    _store_national_statistics(list(_with_related(indicators)))
    refresh_planner_statistics()


def _scopes(municipality: Municipality, hierarchy: Hierarchy, indicator_ids: list[int]
            ) -> list[Q]:
    """The municipality's observations of these indicators, as one filter per place kind:
    by area / programme area ids so that the database walks the area index instead of
    every observation of the indicators (one OR over two joins defeats the index)."""
    programme_areas = list(ProgrammeArea.objects.filter(municipality=municipality)
                           .values_list("id", flat=True))
    return [Q(area_id__in=sorted(hierarchy.levels), indicator_id__in=indicator_ids),
            Q(programme_area_id__in=programme_areas, indicator_id__in=indicator_ids)]


def _retired_figures(municipality: Municipality, indicators: dict[int, Indicator]
                     ) -> dict[tuple[Place, Column], tuple[float | None, str, str]]:
    """The figures of retired compositions as they were shown."""
    rows = RetiredFigure.objects.filter(
        composition__municipality=municipality, indicator_id__in=list(indicators)).values_list(
        "composition_id", "indicator_id", "year", "month", "shown_value", "shown_text",
        "shown_status")
    return {(("R", c), (i, y, m)): (v, t, st) for c, i, y, m, v, t, st in rows}


def _published_figures(scopes: list[Q]) -> dict[tuple[Place, Column], float]:
    """The figures shown now, before this refresh replaces them: a reader may have read
    them, so the audit counts them as known (ADR 0010)."""
    rows = [row for scope in scopes for row in Observation.objects.filter(
        scope, shown_status=str(disclosure.DisclosureStatus.SHOWN)).values_list(
        "indicator_id", "year", "month", "area_id", "programme_area_id", "shown_value"
    ).iterator(10_000)]
    return {(("A", a) if a is not None else ("P", p), (i, y, m)): v
            for i, y, m, a, p, v in rows if v is not None}


def _with_related(indicators: Iterable[Indicator] | None) -> dict[int, Indicator]:
    """The indicators plus their denominators and numerators and the indicators using
    them as one: a change in inhabitants changes which percentages may be shown, a
    hidden count hides the rate derived from it."""
    if indicators is None:
        return {i.pk: i for i in Indicator.objects.all()}
    ids = {i.pk for i in indicators}
    ids |= {i.denominator_id for i in indicators if i.denominator_id}
    ids |= {i.numerator_id for i in indicators if i.numerator_id}
    related = Indicator.objects.filter(Q(pk__in=ids) | Q(denominator_id__in=ids)
                                       | Q(numerator_id__in=ids))
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
    for retired_id, buurt_id in RetiredComposition.buurten.through.objects.filter(
            retiredcomposition__municipality=municipality).values_list(
            "retiredcomposition_id", "area_id"):
        relations.append((("R", retired_id), (("A", buurt_id),)))
    relations = _merge_programme_relations(relations)
    buurten = tuple(sorted(pk for pk, level, _ in areas if level == AreaLevel.BUURT))
    return Hierarchy(buurten, tuple(relations), levels)


def _merge_programme_relations(relations: list[tuple[Place, tuple[Place, ...]]]
                               ) -> list[tuple[Place, tuple[Place, ...]]]:
    merged: dict[Place, list[Place]] = defaultdict(list)
    for total, parts in relations:
        merged[total].extend(parts)
    return [(total, tuple(sorted(set(parts)))) for total, parts in merged.items()]


def _load(scopes: list[Q]) -> FigureGrid:
    rows = [row for scope in scopes for row in Observation.objects.filter(
        scope, derived=False).values_list(
        "indicator_id", "year", "month", "area_id", "programme_area_id", "value", "status"
    ).iterator(10_000)]
    places = list(dict.fromkeys(("A", r[3]) if r[3] is not None else ("P", r[4]) for r in rows))
    columns = list(dict.fromkeys((r[0], r[1], r[2]) for r in rows))
    row_of = {place: index for index, place in enumerate(places)}
    column_of = {column: index for index, column in enumerate(columns)}
    shape = (len(places), len(columns))
    value, status = np.full(shape, np.nan), np.full(shape, ABSENT, dtype=np.int8)
    for indicator_id, year, month, area_id, pa_id, number, state in rows:
        place = ("A", area_id) if area_id is not None else ("P", pa_id)
        cell = row_of[place], column_of[(indicator_id, year, month)]
        value[cell] = np.nan if number is None else number
        status[cell] = _STATUS_CODE[state]
    return FigureGrid(places, columns, value, status, np.zeros(shape, dtype=bool))


def _derive(grid: FigureGrid, indicators: dict[int, Indicator], hierarchy: Hierarchy) -> None:
    """Aggregate buurten to every total of the hierarchy that has no own figure."""
    totals = [(total, parts) for total, parts in hierarchy.relations
              if all(p[0] == "A" and hierarchy.levels.get(p[1]) == AreaLevel.BUURT
                     for p in parts)]
    _aggregate_level(grid, indicators, hierarchy.buurten, totals)
    # Totals above wijken (the gemeente) aggregate the buurten below their wijken.
    upper = [(total, tuple(("A", b) for w in parts for b in _children_of(w, hierarchy)))
             for total, parts in hierarchy.relations
             if total[0] == "A" and hierarchy.levels.get(total[1]) == AreaLevel.GEMEENTE]
    _aggregate_level(grid, indicators, hierarchy.buurten, upper)


def _children_of(place: Place, hierarchy: Hierarchy) -> tuple[int, ...]:
    for total, parts in hierarchy.relations:
        if total == place:
            return tuple(p[1] for p in parts)
    return ()


def _aggregate_level(grid: FigureGrid, indicators: dict[int, Indicator],
                     buurten: tuple[int, ...],
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
    group_rows = np.array([grid.row[(code[0], int(code[1:]))] for code in groups.group_codes])
    buurt_rows = np.array([grid.row[("A", b)] for b in buurten])
    has_buurt = (grid.status[buurt_rows] != ABSENT).any(axis=0)
    column_of = grid.column_index()
    by_rule: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for index, column in enumerate(grid.columns):
        indicator = indicators[column[0]]
        if indicator.aggregation == Aggregation.NONE:
            continue
        if indicator.aggregation != Aggregation.SUM and indicator.denominator_id is None:
            continue
        if has_buurt[index]:
            by_rule[(indicator.aggregation, indicator.denominator_id)].append(index)
    for (rule, denominator_id), columns in by_rule.items():
        parts = _part_matrix(grid, buurt_rows, np.array(columns))
        denominator = None
        if rule != Aggregation.SUM:
            denominator = _part_matrix(grid, buurt_rows, np.array(
                [column_of.get((denominator_id, *grid.columns[c][1:]), -1) for c in columns]))
        # A rate per 1,000 stored per buurt aggregates as the rate weighted by its
        # denominator: 1000·Σ(r_i·d_i/1000)/Σd_i.
        engine_rule = "weighted_mean" if rule == Aggregation.RATE_PER_1000 else rule
        result = aggregate(engine_rule, parts, groups, denominator=denominator)
        cells = np.ix_(group_rows, columns)
        # An own figure is never replaced; one derived before may be.
        replace = (result.status == AggregateStatus.OK) & (
            (grid.status[cells] == ABSENT) | grid.derived[cells])
        g, c = np.nonzero(replace)
        rows, cols = group_rows[g], np.array(columns)[c]
        grid.value[rows, cols] = result.values[g, c]
        grid.status[rows, cols] = PartStatus.OK
        grid.derived[rows, cols] = True


def _part_matrix(grid: FigureGrid, rows: np.ndarray, columns: np.ndarray) -> PartValues:
    """Buurten x columns of values and part statuses (absent counts as missing);
    a column index of -1 is a column without any figure."""
    values = np.full((len(rows), len(columns)), np.nan)
    status = np.full((len(rows), len(columns)), PartStatus.MISSING, dtype=np.int8)
    have = columns >= 0
    cells = np.ix_(rows, columns[have])
    codes = grid.status[cells]
    status[:, have] = np.where(codes == ABSENT, PartStatus.MISSING, codes)
    values[:, have] = np.where(codes == PartStatus.OK, grid.value[cells], np.nan)
    return PartValues(values, status)


def _disclose(grid: FigureGrid, indicators: dict[int, Indicator], hierarchy: Hierarchy,
              retired: dict[tuple[Place, Column], tuple[float | None, str, str]]
              | None = None,
              published: dict[tuple[Place, Column], float] | None = None) -> None:
    """Primary disclosure per indicator (all its columns at once), then secondary
    suppression of every column with a hidden cell and the linking of rates, shares and
    means to their numerators and denominators, repeated until neither hides more.

    Rows of retired compositions get the figures shown for them back then (``retired``;
    missing where the column did not exist): the audit counts them as known.

    ``published`` holds the figures shown before this refresh: one that the primary rule
    still shows with the same value was read and stays known, so it is never chosen as a
    complement now (hiding it would protect nothing and may give a hidden figure away
    to a reader combining the readings before and after)."""
    column_of = grid.column_index()
    relations = [(grid.row[total], np.array([grid.row[p] for p in parts], dtype=np.int64))
                 for total, parts in hierarchy.relations]
    by_indicator: dict[int, list[int]] = defaultdict(list)
    for index, column in enumerate(grid.columns):
        by_indicator[column[0]].append(index)
    rules: dict[int, disclosure.DisclosureRule] = {}
    weights_of: dict[int, np.ndarray] = {}
    for indicator_id, columns in by_indicator.items():
        indicator = indicators[indicator_id]
        # The indicator's own decimals unless its disclosure rule names others.
        rule = rules[indicator_id] = disclosure.DisclosureRule.from_json(
            {"decimals": indicator.decimals} | (indicator.disclosure or {}))
        denominators = np.array([column_of.get((indicator.denominator_id, *grid.columns[c][1:]),
                                               -1) if indicator.denominator_id else -1
                                 for c in columns])
        weights = _value_columns(grid, denominators)
        status = grid.status[:, columns]
        shown = disclosure.apply_array(
            rule, np.where(status == PartStatus.OK, grid.value[:, columns], np.nan), weights)
        delivered_suppressed = status == PartStatus.SUPPRESSED
        shown.values[delivered_suppressed] = np.nan
        shown.texts[delivered_suppressed] = disclosure.SUPPRESSED_TEXT
        shown.statuses[delivered_suppressed] = _SUPPRESSED
        grid.shown_value[:, columns] = shown.values
        grid.shown_text[:, columns] = shown.texts
        grid.shown_status[:, columns] = shown.statuses
        for position, c in enumerate(columns):
            weights_of[c] = weights[:, position]
    _hide_implied_small_counts(grid, indicators, by_indicator, weights_of)
    _show_retired(grid, retired or {})
    primary = _hidden(grid)  # the sensitive figures: hidden by a primary rule
    known = _known_before(grid, published or {}, column_of)
    links = _links(grid, indicators, column_of)
    linked = _LinkedKnowledge(links, indicators, rules, primary)
    pending = set(np.nonzero(primary.any(axis=0))[0].tolist())
    while pending:
        for group in _audit_groups(grid, indicators, pending, column_of):
            indicator = indicators[grid.columns[group[0]][0]]
            _secondary(grid, group, weights_of, indicator, rules[indicator.pk], relations,
                       primary, known, linked)
        pending = _hide_linked(grid, links, primary)


# A rate or share without a declared count implies one (rate × denominator / base); it is
# hidden like a count below the usual small-count threshold would be (ADR 0010).
IMPLIED_COUNT_THRESHOLD = 5


def implied_count_base(indicator: Indicator) -> float | None:
    """k in r = k · n / d for a rate per 1,000 or a share in %, else None (a mean of
    amounts implies no count of people)."""
    if indicator.denominator_id is None:
        return None
    if indicator.aggregation == Aggregation.RATE_PER_1000:
        return 1000.0
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and "%" in indicator.unit:
        return 100.0
    return None


def _hide_implied_small_counts(grid: FigureGrid, indicators: dict[int, Indicator],
                               by_indicator: dict[int, list[int]],
                               weights_of: dict[int, np.ndarray]) -> None:
    """Primary rule for rates and shares without a declared numerator: where the count
    they imply is 0 < n < :data:`IMPLIED_COUNT_THRESHOLD`, the figure is hidden (``x``),
    as a shown rate and denominator would give the small count within rounding."""
    for indicator_id, columns in by_indicator.items():
        indicator = indicators[indicator_id]
        base = implied_count_base(indicator)
        if base is None or indicator.numerator_id:
            continue
        for c in columns:
            with np.errstate(invalid="ignore"):
                implied = grid.value[:, c] * weights_of[c] / base
                small = ((grid.shown_status[:, c] == _SHOWN) & (implied > 1e-9)
                         & (implied < IMPLIED_COUNT_THRESHOLD - 1e-9))
            if small.any():
                _suppress(grid, np.nonzero(small)[0], c)


def _audit_groups(grid: FigureGrid, indicators: dict[int, Indicator], pending: set[int],
                  column_of: dict[Column, int]) -> list[list[int]]:
    """The columns to audit together: a summing indicator's year with its twelve months
    (year = Σ months) when one of them is pending and all exist, else single columns."""
    groups: list[list[int]] = []
    done: set[int] = set()
    for c in sorted(pending):
        indicator_id, year, _month = grid.columns[c]
        indicator = indicators[indicator_id]
        if indicator.aggregation == Aggregation.NONE or c in done:
            continue
        group = [column_of.get((indicator_id, year, month), -1) for month in range(13)]
        if indicator.aggregation == Aggregation.SUM and min(group) >= 0:
            groups.append(group)
            done.update(group)
        else:
            groups.append([c])
            done.add(c)
    return groups


def _known_before(grid: FigureGrid, published: dict[tuple[Place, Column], float],
                  column_of: dict[Column, int]) -> np.ndarray:
    """Cells shown before with the value the primary rule shows now."""
    known = np.zeros(grid.shown_status.shape, dtype=bool)
    for (place, column), value in published.items():
        row, index = grid.row.get(place), column_of.get(column)
        if (row is not None and index is not None and grid.shown_status[row, index] == _SHOWN
                and np.isclose(grid.shown_value[row, index], value, rtol=0, atol=1e-9)):
            known[row, index] = True
    return known


def _show_retired(grid: FigureGrid,
                  retired: dict[tuple[Place, Column], tuple[float | None, str, str]]) -> None:
    rows = [row for row, place in enumerate(grid.places) if place[0] == "R"]
    if not rows:
        return
    grid.shown_value[rows] = np.nan
    grid.shown_text[rows] = disclosure.MISSING_TEXT
    grid.shown_status[rows] = _MISSING
    column_of = grid.column_index()
    status_code = {str(s): i for i, s in enumerate(disclosure.STATUS_CODES)}
    for (place, column), (value, text, status) in retired.items():
        row, index = grid.row.get(place), column_of.get(column)
        if row is not None and index is not None:
            grid.shown_value[row, index] = np.nan if value is None else value
            grid.shown_text[row, index] = text
            grid.shown_status[row, index] = status_code.get(status, _MISSING)


def _hidden(grid: FigureGrid, columns: slice | list[int] = slice(None)) -> np.ndarray:
    """Hidden figures (a retired composition's are not ours to hide: never)."""
    statuses = grid.shown_status[:, columns]
    ours = np.array([kind != "R" for kind, _ in grid.places], dtype=bool)[:, None]
    return (((statuses == _SUPPRESSED) | (statuses == _BOUNDED))
            & (grid.status[:, columns] != ABSENT) & ours)


def _links(grid: FigureGrid, indicators: dict[int, Indicator],
           column_of: dict[Column, int]) -> list[tuple[int, int, int]]:
    """(numerator, derived figure, denominator) columns of every rate, share or mean
    whose numerator is in the grid; -1 where the denominator has no column."""
    links = []
    for index, (indicator_id, year, month) in enumerate(grid.columns):
        indicator = indicators[indicator_id]
        numerator = column_of.get((indicator.numerator_id, year, month), -1) \
            if indicator.numerator_id else -1
        if numerator < 0:
            continue
        denominator = column_of.get((indicator.denominator_id, year, month), -1) \
            if indicator.denominator_id else -1
        links.append((numerator, index, denominator))
    return links


def _hide_linked(grid: FigureGrid, links: list[tuple[int, int, int]],
                 primary: np.ndarray) -> set[int]:
    """Hide what would give a hidden linked figure away; returns the columns changed.

    With r = k · n / d (rate per 1,000, share, mean) any two shown figures give the
    third: the rate is hidden where its numerator or its denominator is hidden, and the
    numerator where the rate is hidden while the denominator is shown. Where both the rate
    (by a primary rule) and the denominator are hidden, the numerator is hidden too: r is
    then known only through n and the interval of d, a non-linear tie the audit does not
    model; with n hidden, the count's audit carries the rate's protection interval
    (:class:`_LinkedKnowledge`) and that covers the rate whatever is known of d (ADR 0011)."""
    changed: set[int] = set()
    for numerator, derived, denominator in links:
        hidden_n, hidden_r = _hidden(grid, [numerator])[:, 0], _hidden(grid, [derived])[:, 0]
        present_r = grid.status[:, derived] != ABSENT
        present_n = grid.status[:, numerator] != ABSENT
        hidden_d = shown_d = np.zeros(len(grid.places), dtype=bool)
        if denominator >= 0:
            hidden_d = _hidden(grid, [denominator])[:, 0]
            shown_d = (grid.status[:, denominator] != ABSENT) & ~hidden_d
        ours = np.array([kind != "R" for kind, _ in grid.places], dtype=bool)
        present_r &= ours
        present_n &= ours
        sensitive_r = hidden_r & primary[:, derived]
        for column, rows in ((derived, present_r & ~hidden_r & (hidden_n | hidden_d)),
                             (numerator, present_n & ~hidden_n & hidden_r
                              & (shown_d | (hidden_d & sensitive_r)))):
            if rows.any():
                _suppress(grid, np.nonzero(rows)[0], column)
                changed.add(column)
    return changed


@dataclass(frozen=True)
class _LinkedKnowledge:
    """What the other figure of a linked pair (a count n and the rate, share or mean
    r = k · n / d computed from it) adds to the audit of one column (ADR 0011).

    Where d is shown, r · d / k = n exactly, so the count column and the rate column are
    one system: a reader knows each place's n within what both displays say (a shown
    count makes the rate exact, a rate's band bounds the count), and a primary hidden
    figure of either needs its protection interval in the other's units too. Knowledge
    is carried only where d is shown (linear); protection needs everywhere, with the
    true d: if n keeps [a, b] open, r keeps [k·a/d, k·b/d] open whatever interval of d a
    reader derives, as that interval contains d."""

    links: list[tuple[int, int, int]]
    indicators: dict[int, Indicator]
    rules: dict[int, disclosure.DisclosureRule]
    primary: np.ndarray

    def terms(self, grid: FigureGrid, column: int) -> dict[str, np.ndarray] | None:
        """Per grid row, in ``column``'s own units: bounds a reader has from the linked
        figure (``low``/``high``, ±inf where none; ``hidden_low``/``hidden_high`` what
        stays of them once this figure is hidden as well: what the linked figure's hidden
        display says) and the protection needs it brings (``need_low``/``need_high``, NaN
        where none); None when ``column`` is unlinked."""
        rows = len(grid.places)
        found = {key: np.full(rows, fill) for key, fill in (
            ("low", -np.inf), ("high", np.inf), ("hidden_low", -np.inf),
            ("hidden_high", np.inf), ("need_low", np.nan), ("need_high", np.nan))}
        linked = False
        for numerator, derived, denominator in self.links:
            if column not in (numerator, derived) or denominator < 0:
                continue
            linked = True
            other = derived if column == numerator else numerator
            k = implied_count_base(self.indicators[grid.columns[derived][0]]) or 1.0
            d = grid.value[:, denominator]
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = d / k if column == numerator else k / d  # own units per other unit
            usable = (grid.status[:, other] != ABSENT) & np.isfinite(factor) & (d > 0)
            other_low, other_high = self._reader_bounds(grid, other)
            know = usable & (grid.shown_status[:, denominator] == _SHOWN) & ~np.isnan(other_low)
            # A shown linked figure tells about a shown one only: where this one is hidden
            # the other is hidden with it (:func:`_hide_linked`), maybe in the next round.
            other_hidden = _hidden(grid, [other])[:, 0]
            this_shown = ~_hidden(grid, [column])[:, 0]
            for prefix, rows_known in (("", know & (this_shown | other_hidden)),
                                       ("hidden_", know & other_hidden)):
                low, high = found[f"{prefix}low"], found[f"{prefix}high"]
                low[rows_known] = np.maximum(low[rows_known],
                                             other_low[rows_known] * factor[rows_known])
                high[rows_known] = np.minimum(high[rows_known],
                                              other_high[rows_known] * factor[rows_known])
            other_rule, natural = self._rule(grid, other)
            for row in np.nonzero(usable & self.primary[:, other] & other_hidden)[0].tolist():
                need = disclosure.protection_interval(
                    other_rule, grid.shown_text[row, other], float(grid.value[row, other]),
                    natural)
                found["need_low"][row] = np.fmin(found["need_low"][row], need[0] * factor[row])
                found["need_high"][row] = np.fmax(found["need_high"][row],
                                                  need[1] * factor[row])
        return found if linked else None

    def _rule(self, grid: FigureGrid, column: int) -> tuple[disclosure.DisclosureRule, float]:
        indicator = self.indicators[grid.columns[column][0]]
        rule = self.rules[indicator.pk]
        return rule, 100.0 if "%" in (rule.unit or indicator.unit) else np.inf

    def _reader_bounds(self, grid: FigureGrid, column: int) -> tuple[np.ndarray, np.ndarray]:
        """What a reader knows of each figure of ``column`` from its display alone (NaN:
        no figure): a shown one within its rounding (exactly for a plain count), a hidden
        one within its published bounds."""
        rule, natural = self._rule(grid, column)
        rows = len(grid.places)
        low, high = np.full(rows, np.nan), np.full(rows, np.nan)
        shown = grid.shown_status[:, column] == _SHOWN
        exact = (self.indicators[grid.columns[column][0]].aggregation == Aggregation.SUM
                 and rule.rounding_base is None and rule.decimals == 0)
        half = 0.0 if exact else disclosure.display_step(rule) / 2
        low[shown] = np.maximum(grid.shown_value[shown, column] - half, 0.0)
        high[shown] = np.minimum(grid.shown_value[shown, column] + half, natural)
        for row in np.nonzero(_hidden(grid, [column])[:, 0])[0].tolist():
            low[row], high[row] = disclosure.published_bounds(
                rule, grid.shown_text[row, column], natural)
        return low, high


def _suppress(grid: FigureGrid, rows: np.ndarray, column: int) -> None:
    grid.shown_value[rows, column] = np.nan
    grid.shown_text[rows, column] = disclosure.SUPPRESSED_TEXT
    grid.shown_status[rows, column] = _SUPPRESSED


def _value_columns(grid: FigureGrid, columns: np.ndarray) -> np.ndarray:
    """Raw values of these columns (all NaN for index -1)."""
    values = np.full((len(grid.places), len(columns)), np.nan)
    have = columns >= 0
    values[:, have] = grid.value[:, columns[have]]
    return values


def _secondary(grid: FigureGrid, columns: list[int], weights_of: dict[int, np.ndarray],
               indicator: Indicator, rule: disclosure.DisclosureRule,
               relations: list[tuple[int, np.ndarray]], primary: np.ndarray,
               known: np.ndarray, linked: _LinkedKnowledge) -> None:
    """Hide more figures of ``columns`` (one column, or a year of a summing indicator
    followed by its months) until the exact audit finds every hidden one protected
    (:func:`disclosure.protect_system`) over all their relations at once: per column the
    hierarchy and every programme area, and per place year = Σ months where the year
    and all twelve months of it are in the audit (the profile shows both). A column of a
    linked pair carries what its count or rate adds (:class:`_LinkedKnowledge`)."""
    parts = [part for c in columns if (part := _column_system(
        grid, c, weights_of[c], indicator, rule, relations, primary[:, c], known[:, c],
        linked.terms(grid, c)))]
    if not parts or not any(part["hidden"].any() for part in parts):
        return
    offsets = np.cumsum([0] + [len(part["cells"]) for part in parts])
    joined = {key: np.concatenate([part[key] for part in parts])
              for key in ("values", "low", "high", "hidden", "locked", "hidden_low",
                          "hidden_high", "need_low", "need_high", "min_width")}
    system_relations = [(t + int(offset), [p + int(offset) for p in ps])
                        for part, offset in zip(parts, offsets, strict=False)
                        for t, ps in part["relations"]]
    if len(parts) == 13 and grid.columns[parts[0]["column"]][2] == 0:
        local = [dict(zip(part["cells"].tolist(), range(int(offset), int(offset) + len(
            part["cells"])), strict=True)) for part, offset in zip(parts, offsets, strict=False)]
        for row, year_cell in local[0].items():
            months = [by_row.get(row) for by_row in local[1:]]
            if all(m is not None for m in months):
                system_relations.append((year_cell, months))
    system = disclosure.AdditiveSystem(
        relations=system_relations, integer=all(part["integer"] for part in parts),
        **joined)
    changed = disclosure.protect_system(system)
    for part, offset in zip(parts, offsets, strict=False):
        mine = [c - int(offset) for c in changed if offset <= c < offset + len(part["cells"])]
        if mine:
            _suppress(grid, part["cells"][mine], part["column"])


def _column_system(grid: FigureGrid, column: int, weights: np.ndarray, indicator: Indicator,
                   rule: disclosure.DisclosureRule, relations: list[tuple[int, np.ndarray]],
                   sensitive: np.ndarray, known: np.ndarray,
                   linked: dict[str, np.ndarray] | None = None) -> dict | None:
    """The cells of one column for the audit, as :class:`disclosure.AdditiveSystem`
    arrays (``cells``: their grid rows; ``relations`` in positions among them).

    Cells are grid rows; ``relations`` are (total row, part rows); ``sensitive`` marks
    the rows hidden by a primary rule (they need their protection interval, the others
    only not to be pinned); ``known`` marks rows shown before with the same figure,
    locked like a retired composition's total; ``linked``: what a linked count or rate
    adds (:meth:`_LinkedKnowledge.terms`)."""
    present = grid.status[:, column] != ABSENT
    weighted = indicator.aggregation != Aggregation.SUM
    weight = weights if weighted else np.ones(len(grid.places))
    additive_values = grid.value[:, column] * weight
    additive = present & ~np.isnan(additive_values)
    usable = [(total, parts) for total, parts in relations
              if additive[total] and additive[parts].all()]
    if not usable:
        return None
    cells = np.unique(np.concatenate([[t for t, _ in usable], *[p for _, p in usable]]))
    hidden = _hidden(grid, [column])[cells, 0]
    local = np.full(len(grid.places), -1, dtype=np.int64)
    local[cells] = np.arange(len(cells))
    values = np.maximum(additive_values[cells], 0.0)
    weight = weight[cells]
    natural = 100.0 if "%" in (rule.unit or indicator.unit) else np.inf
    with np.errstate(invalid="ignore"):
        natural_high = np.where(weight > 0, natural * weight, 0.0)
    step = disclosure.display_step(rule)
    integer = bool(not weighted and rule.rounding_base is None and rule.decimals == 0
                   and np.all(values == np.round(values)))
    shown = grid.shown_value[cells, column]
    if integer:
        low, high = values.copy(), values.copy()
    else:
        low = np.maximum(shown - step / 2, 0.0) * weight
        high = np.minimum(shown + step / 2, natural) * weight
    need_low, need_high = np.full(len(cells), np.nan), np.full(len(cells), np.nan)
    texts = grid.shown_text[cells, column]
    raw = grid.value[cells, column]
    for i in np.nonzero(hidden)[0].tolist():
        band = disclosure.published_bounds(rule, texts[i], natural)
        low[i], high[i] = band[0] * weight[i], band[1] * weight[i] if weight[i] > 0 else 0.0
        if sensitive[cells[i]]:
            need = disclosure.protection_interval(rule, texts[i], float(raw[i]), natural)
            need_low[i], need_high[i] = need[0] * weight[i], need[1] * weight[i]
    hidden_low, hidden_high = np.zeros(len(cells)), natural_high.copy()
    if linked is not None:
        _add_linked(linked, cells, weight, integer, low, high, hidden_low, hidden_high,
                    need_low, need_high)
    # A retired composition's total is known as it was shown; it cannot be hidden now.
    retired = np.array([grid.places[row][0] == "R" for row in cells.tolist()], dtype=bool)
    locked = retired.copy()
    locked |= known[cells] & ~hidden
    statuses = grid.shown_status[cells, column]
    for i in np.nonzero(retired)[0].tolist():
        if statuses[i] == _SHOWN and integer:
            low[i] = high[i] = shown[i]
        elif statuses[i] == _SHOWN:
            low[i] = max(shown[i] - step / 2, 0.0) * weight[i]
            high[i] = min(shown[i] + step / 2, natural) * weight[i]
        elif statuses[i] in (_BOUNDED, _SUPPRESSED):
            band = disclosure.published_bounds(rule, texts[i], natural)
            low[i], high[i] = band[0] * weight[i], band[1] * weight[i] if weight[i] else 0.0
        else:
            low[i], high[i] = 0.0, natural_high[i]
    return {"column": column, "cells": cells, "values": values,
            "relations": [(int(local[t]), local[parts].tolist()) for t, parts in usable],
            "low": low, "high": high, "hidden": hidden.copy(), "locked": locked,
            "hidden_low": hidden_low, "hidden_high": hidden_high,
            "need_low": need_low, "need_high": need_high,
            "min_width": np.full(len(cells), 1.0) if integer else step * weight,
            "integer": integer}


def _add_linked(linked: dict[str, np.ndarray], cells: np.ndarray, weight: np.ndarray,
                integer: bool, low: np.ndarray, high: np.ndarray, hidden_low: np.ndarray,
                hidden_high: np.ndarray, need_low: np.ndarray, need_high: np.ndarray) -> None:
    """Narrow the reader's bounds and widen the needs of a column's cells (additive units)
    by what its linked count or rate says; a count's bounds are whole numbers."""
    for key, bound, pick in (("low", low, np.fmax), ("high", high, np.fmin),
                             ("hidden_low", hidden_low, np.fmax),
                             ("hidden_high", hidden_high, np.fmin),
                             ("need_low", need_low, np.fmin), ("need_high", need_high, np.fmax)):
        with np.errstate(invalid="ignore"):
            extra = linked[key][cells] * weight
        if integer and key in ("low", "hidden_low"):
            extra = np.ceil(extra - 1e-6)
        elif integer and key in ("high", "hidden_high"):
            extra = np.floor(extra + 1e-6)
        bound[:] = pick(bound, extra)  # NaN (no need) and ±inf (no bound) leave it


def _rows(grid: FigureGrid) -> Iterator[tuple[object, ...]]:
    """Insert rows (bulk.COLUMNS order) for every figure, column by column."""
    stored = np.array([kind != "R" for kind, _ in grid.places], dtype=bool)
    c, p = np.nonzero(((grid.status != ABSENT) & stored[:, None]).T)
    columns = np.array(grid.columns, dtype=np.int64).reshape(-1, 3)[c]
    areas = np.array([pk if kind == "A" else None for kind, pk in grid.places], dtype=object)
    programme = np.array([pk if kind == "P" else None for kind, pk in grid.places], dtype=object)
    return zip(columns[:, 0].tolist(), areas[p].tolist(), programme[p].tolist(),
               columns[:, 1].tolist(), columns[:, 2].tolist(), _numbers(grid.value[p, c]),
               _STATUS_NAMES[grid.status[p, c]].tolist(), grid.derived[p, c].tolist(),
               _numbers(grid.shown_value[p, c]), grid.shown_text[p, c].tolist(),
               _SHOWN_NAMES[grid.shown_status[p, c]].tolist(), strict=True)


def _numbers(values: np.ndarray) -> list[float | None]:
    objects = values.astype(object)
    objects[np.isnan(values)] = None
    return objects.tolist()


def _store_statistics(municipality: Municipality, grid: FigureGrid,
                      indicators: dict[int, Indicator], hierarchy: Hierarchy) -> None:
    """Mean and SD over the shown figures of each level (buurten, wijken, programme
    areas) per indicator and year: an area is benchmarked against its own level."""
    CityStatistic.objects.filter(municipality=municipality,
                                 indicator_id__in=list(indicators)).delete()
    rows_of_level = {
        str(level): np.array([row for row, (kind, pk) in enumerate(grid.places)
                              if kind == "A" and hierarchy.levels.get(pk) == level],
                             dtype=np.int64)
        for level in (AreaLevel.BUURT, AreaLevel.WIJK)}
    rows_of_level[statistics.PROGRAMME] = np.array(
        [row for row, (kind, _pk) in enumerate(grid.places) if kind == "P"], dtype=np.int64)
    stats = []
    for index, (indicator_id, year, month) in enumerate(grid.columns):
        if month != 0:
            continue
        for level, rows in rows_of_level.items():
            row = statistics.level_statistics(indicator_id, municipality.pk, year, level,
                                              grid.shown_value[rows, index])
            if row is not None:
                stats.append(row)
    insert_rows(CityStatistic, statistics.STATISTIC_COLUMNS, stats)


def _store_national_statistics(indicator_ids: list[int]) -> None:
    """Reference statistics over all municipalities and programme areas."""
    statistics.store_reference_statistics(Indicator.objects.filter(pk__in=indicator_ids))
