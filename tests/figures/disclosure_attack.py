"""The disclosure attack harness (ADR 0010).

Given everything a user may see of one municipality in one year — the disclosed figures
the selectors hand out for every indicator at every level (the pages, the API and the
exports are built from them; :func:`assert_channels_hand_out_only` checks that they hand
out nothing else) and the public structure (which buurten make up each wijk, the
gemeente and each programme area) — a reader sets up, per indicator and period, the
linear system ``total = Σ parts`` over all those relations at once, with every shown
figure known within its rounding and every hidden one within its display (``< 5``:
1..4, ``x``: 0..∞, ``> 90 %``: 90..100). Means, shares and rates enter as value ×
denominator where the denominator is shown. A rate, share or mean with a declared count
is solved in one system with that count: where its denominator is shown, rate ×
denominator = k × count is one more equation (ADR 0011), so each column's relations and
displays narrow the other. The tightest interval of each hidden figure is one
optimisation per side (scipy's HiGHS): over the whole numbers for counts
(``scipy.optimize.milp``; a reader may assume a count is whole, and with overlapping
programme areas that can halve a band the LP relaxation leaves open), over the reals
for the rest.

The harness knows nothing of how the pipeline chooses what to hide; it only reads.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality, User
from wijkregie.figures import disclosure, selectors
from wijkregie.figures.models import Aggregation, Indicator, Observation

# ("A", area id) or ("P", programme area id) for the yearly figure; with a third
# element, the month (1..12) of that place's monthly figure.
Place = tuple[str, int] | tuple[str, int, int]
LEVELS = (AreaLevel.GEMEENTE, AreaLevel.WIJK, AreaLevel.BUURT, "programme")
_HIDDEN = ("bounded", "suppressed")


@dataclass(frozen=True)
class Seen:
    value: float | None
    text: str
    status: str


def visible(user: User, municipality: Municipality, year: int
            ) -> dict[Indicator, dict[Place, Seen]]:
    """Every figure of the year the selectors hand this user, per indicator and place:
    the yearly figures of every level and the monthly ones of every place (the
    profile's trend by month), keyed (kind, pk, month)."""
    seen: dict[Indicator, dict[Place, Seen]] = {}
    places: list[tuple[str, object]] = []
    for indicator in selectors.indicators_for(user):
        by_place = {}
        for level in LEVELS:
            for place, point in selectors.level_values(user, indicator, municipality,
                                                       level=level, year=year):
                kind = "P" if isinstance(place, ProgrammeArea) else "A"
                by_place[(kind, place.pk)] = Seen(point.value, point.text, point.status)
                if len(seen) == 0:
                    places.append((kind, place))
        seen[indicator] = by_place
    by_pk = {indicator.pk: indicator for indicator in seen}
    for kind, place in places:
        lookup = {"programme_area": place} if kind == "P" else {"area": place}
        for indicator_id, points in selectors.monthly_observations(user, **lookup).items():
            if indicator_id not in by_pk:
                continue
            for point in points:
                if point.year == year:
                    seen[by_pk[indicator_id]][(kind, place.pk, point.month)] = Seen(
                        point.value, point.text, point.status)
    return seen


def assert_channels_hand_out_only(client, municipality: Municipality, year: int,
                                  seen: dict[Indicator, dict[Place, Seen]],
                                  keys: list[str]) -> None:
    """The API and the CSV export of each indicator and level show exactly the figures
    the selectors hand out: nothing more precise, nothing else."""
    names = {("A", a.pk): (a.code, a.name) for a in Area.objects.filter(
        municipality=municipality)}
    names |= {("P", p.pk): ("", p.name) for p in ProgrammeArea.objects.filter(
        municipality=municipality)}
    for indicator, by_place in seen.items():
        if indicator.key not in keys:
            continue
        expected = {names[place]: figure for place, figure in by_place.items()
                    if len(place) == 2}
        for level in ("buurt", "wijk", "programme"):
            query = f"?level={level}&year={year}&municipality={municipality.code}"
            api = client.get(f"/api/figures/indicators/{indicator.key}/{query}").json()
            for row in api["values"]:
                figure = expected[(row["code"], row["name"])]
                assert (row["value"], row["text"], row["status"]) == (
                    figure.value, figure.text, figure.status), (indicator.key, row)
            export = client.get(f"/figures/indicators/{indicator.key}/export.csv{query}")
            rows = [r for r in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))
                    if r and not r[0].startswith("#")]
            header = rows[0]
            for row in rows[1:]:
                record = dict(zip(header, row, strict=True))
                figure = expected[(record["code"], record["name"])]
                text = figure.text if figure.value is None else str(figure.value)
                assert (record["value"], record["status"]) == (text, figure.status), (
                    indicator.key, record)
            _assert_page_hands_out_only(client, f"/figures/indicators/{indicator.key}/{query}",
                                        expected, len(rows) - 1)
            # The XLSX and GeoJSON downloads of the same table: the same rows, with
            # numbers as numbers and a withheld figure as its published text only.
            base = f"/figures/indicators/{indicator.key}/export"
            for fmt, records in (("xlsx", _xlsx_records), ("geojson", _geojson_records)):
                found = records(client.get(f"{base}.{fmt}{query}").content)
                assert len(found) == len(rows) - 1, (indicator.key, fmt)
                for record in found:
                    figure = expected[(record["code"], record["name"])]
                    shown = figure.text if figure.value is None else figure.value
                    assert (record["value"], record["status"]) == (shown, figure.status), (
                        indicator.key, fmt, record)


_RANKING_ROW = re.compile(
    r'<tr><td>\d+</td><td>(?P<code>[^<]*)</td>\s*<td><a href="[^"]*">(?P<name>[^<]*)</a></td>'
    r'\s*<td class="num"><span class="figure figure-(?P<status>\w+)"[^>]*>(?P<text>[^<]*)'
    r'</span>')
_MAP_DATA = re.compile(r'<script id="map-data" type="application/json">(.*?)</script>', re.S)


def _assert_page_hands_out_only(client, url: str, expected: dict, count: int  # type: ignore[no-untyped-def]
                                ) -> None:
    """The indicator page: its ranking table and the data of its map show each place's
    published text and status, nothing more precise."""
    import json

    page = client.get(url).content.decode()
    ranking = [m.groupdict() for m in _RANKING_ROW.finditer(page)]
    assert len(ranking) == count, (url, len(ranking), count)
    for row in ranking:
        figure = expected[(html.unescape(row["code"]), html.unescape(row["name"]))]
        assert (html.unescape(row["text"]), row["status"]) == (figure.text, figure.status), (
            url, row)
    features = json.loads(_MAP_DATA.search(page).group(1))["features"]
    for feature in features:
        properties = feature["properties"]
        figure = expected[(properties["code"], properties["name"])]
        assert properties["text"] == figure.text, (url, properties)
        assert set(properties) == {"code", "name", "text", "class"}, (url, properties)


def _xlsx_records(content: bytes) -> list[dict[str, object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True)["figures"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for record in records:  # an empty cell (a programme area has no code) reads as None
        record["code"] = record["code"] or ""
    return records


def _geojson_records(content: bytes) -> list[dict[str, object]]:
    import json

    return [feature["properties"] for feature in json.loads(content)["features"]]


def assert_profiles_hand_out_only(client, municipality: Municipality, year: int,
                                  seen: dict[Indicator, dict[Place, Seen]]) -> None:
    """The profile exports (CSV) of the gemeente, the wijken and the programme areas show,
    for the figures of ``year``, exactly what the selectors hand out."""
    by_key = {indicator.key: by_place for indicator, by_place in seen.items()}
    urls = {("A", a.pk): f"/figures/areas/{a.code}/export.csv" for a in Area.objects.filter(
        municipality=municipality, level__in=[AreaLevel.GEMEENTE, AreaLevel.WIJK])}
    urls |= {("P", p.pk): f"/figures/programmes/{municipality.code}/{p.slug}/export.csv"
             for p in ProgrammeArea.objects.filter(municipality=municipality)}
    for place, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        rows = [r for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
                if r and not r[0].startswith("#")]
        header = rows[0]
        for row in rows[1:]:
            record = dict(zip(header, row, strict=True))
            if int(record["year"]) != year or record["key"] not in by_key:
                continue
            figure = by_key[record["key"]][place]
            text = figure.text if figure.value is None else str(figure.value)
            assert (record["value"], record["status"]) == (text, figure.status), (url, record)


def relations(municipality: Municipality) -> list[tuple[Place, list[Place]]]:
    """The public structure: area → its sub-areas, programme area → its buurten."""
    children: dict[int, list[Place]] = defaultdict(list)
    for pk, parent in Area.objects.filter(municipality=municipality).values_list(
            "id", "parent_id"):
        if parent is not None:
            children[parent].append(("A", pk))
    found = [(("A", parent), parts) for parent, parts in children.items()]
    for programme_area in ProgrammeArea.objects.filter(municipality=municipality):
        found.append((("P", programme_area.pk),
                      [("A", b.pk) for b in programme_area.buurten.all()]))
    return found


@dataclass(frozen=True)
class Interval:
    indicator: Indicator
    place: Place
    text: str
    low: float  # in the figure's own unit
    high: float


def _scale(indicator: Indicator) -> float:
    """r = scale · n / d for a rate, share or mean with a numerator."""
    if indicator.aggregation == Aggregation.RATE_PER_1000:
        return 1000.0
    return 100.0 if "%" in indicator.unit else 1.0


def _is_count(indicator: Indicator) -> bool:
    rule = disclosure.DisclosureRule.from_json(indicator.disclosure or {})
    return (indicator.aggregation == Aggregation.SUM and rule.rounding_base is None
            and rule.decimals == 0)


def _bounds(indicator: Indicator, figure: Seen) -> tuple[float, float, bool]:
    """A reader's bounds on one figure's value, and whether they are exact."""
    rule = disclosure.DisclosureRule.from_json(indicator.disclosure or {})
    natural = 100.0 if "%" in (rule.unit or indicator.unit) else math.inf
    if figure.status in _HIDDEN:
        low, high = disclosure.published_bounds(rule, figure.text, natural)
        return low, high, False
    if _is_count(indicator):
        return figure.value, figure.value, True
    half = disclosure.display_step(rule) / 2
    # A little wider than the rounding: the figure may have been stored rounded already.
    half *= 1.2
    return max(0.0, figure.value - half), min(natural, figure.value + half), False


def attack(municipality: Municipality, seen: dict[Indicator, dict[Place, Seen]],
           structure: list[tuple[Place, list[Place]]] | None = None) -> list[Interval]:
    """The tightest interval of every hidden figure of an aggregable indicator
    (``structure``: the relations, by default the municipality's :func:`relations`)."""
    structure = relations(municipality) if structure is None else structure
    by_pk = {indicator.pk: indicator for indicator in seen}
    systems = {indicator: _system(indicator, seen[indicator], seen, by_pk)
               for indicator in seen if indicator.aggregation != Aggregation.NONE}
    found = []
    for group in _linked_groups(systems, by_pk):
        found += _intervals(group, seen, systems, structure)
    return found


def _linked_groups(systems: dict[Indicator, dict], by_pk: dict[int, Indicator]
                   ) -> list[list[Indicator]]:
    """Indicators to solve together: each count with the rates, shares and means that
    declare it as their numerator; every other indicator alone."""
    members: dict[Indicator, list[Indicator]] = {indicator: [indicator] for indicator in systems}
    for indicator in systems:
        count = by_pk.get(indicator.numerator_id)
        if count in members and indicator in members and count is not indicator:
            members[count] += members.pop(indicator)
    return list(members.values())


def _month_relations(indicator: Indicator, cells: dict[Place, tuple[float, float, float]],
                     structure: list[tuple[Place, list[Place]]]
                     ) -> list[tuple[Place, list[Place]]]:
    """The relations of the monthly figures: the structure in every month and, for a
    count that sums, year = Σ months per place with all twelve shown or hidden."""
    months = sorted({place[2] for place in cells if len(place) == 3})
    found = [((*total[:2], month), [(*part[:2], month) for part in parts])
             for month in months for total, parts in structure if len(total) == 2]
    if indicator.aggregation == Aggregation.SUM:
        for place in [p for p in cells if len(p) == 2]:
            parts = [(*place, month) for month in range(1, 13)]
            if all(part in cells for part in parts):
                found.append((place, parts))
    return found


def _system(indicator: Indicator, figures: dict[Place, Seen],
            seen: dict[Indicator, dict[Place, Seen]], by_pk: dict[int, Indicator]
            ) -> dict[Place, tuple[float, float, float]]:
    """place → (low, high, weight) of the additive value (value × shown denominator)."""
    cells = {}
    base = by_pk.get(indicator.denominator_id)
    for place, figure in figures.items():
        if figure.status == "missing":
            continue
        low, high, _exact = _bounds(indicator, figure)
        weight = 1.0
        if indicator.aggregation != Aggregation.SUM:
            denominator = seen.get(base, {}).get(place) if base else None
            if denominator is None or denominator.value is None:
                continue  # the reader cannot weigh it
            weight = float(denominator.value)
        cells[place] = (low * weight, high * weight if weight else 0.0, weight)
    return cells


def _intervals(group: list[Indicator], seen: dict[Indicator, dict[Place, Seen]],
               systems: dict[Indicator, dict[Place, tuple[float, float, float]]],
               structure: list[tuple[Place, list[Place]]]) -> list[Interval]:
    """The intervals of the hidden figures of one group of linked indicators, solved as
    one system: the relations of each, and rate cell (r · d) = k · count per place."""
    variables = [(indicator, place) for indicator in group for place in sorted(systems[indicator])]
    hidden = [(indicator, place) for indicator, place in variables
              if seen[indicator][place].status in _HIDDEN]
    if not hidden:
        return []
    index = {variable: i for i, variable in enumerate(variables)}
    rows: list[dict[int, float]] = []
    for indicator in group:
        cells = systems[indicator]
        for total, parts in structure + _month_relations(indicator, cells, structure):
            if total in cells and all(p in cells for p in parts):
                row = {index[(indicator, total)]: 1.0}
                for part in parts:
                    row[index[(indicator, part)]] = row.get(index[(indicator, part)], 0) - 1.0
                rows.append(row)
    for rate in group[1:]:
        for place in set(systems[rate]) & set(systems[group[0]]):
            rows.append({index[(rate, place)]: 1.0,
                         index[(group[0], place)]: -_scale(rate)})
    low = np.array([systems[i][p][0] for i, p in variables])
    high = np.array([systems[i][p][1] for i, p in variables])
    whole = np.array([_is_count(i) for i, _ in variables], dtype=float)
    matrix = np.zeros((len(rows), len(variables)))
    for row, entries in enumerate(rows):
        for column, value in entries.items():
            matrix[row, column] = value
    found = []
    for indicator, place in hidden:
        ends = [_optimum(matrix, low, high, whole, index[(indicator, place)], sense)
                for sense in (1.0, -1.0)]
        weight = systems[indicator][place][2]
        low_end, high_end = ends
        if weight:
            low_end, high_end = low_end / weight, high_end / weight
        if _is_count(indicator):
            low_end = math.ceil(low_end - 1e-6)
            high_end = math.floor(high_end + 1e-6) if math.isfinite(high_end) else high_end
        found.append(Interval(indicator, place, seen[indicator][place].text, low_end, high_end))
    return found


def _optimum(matrix: np.ndarray, low: np.ndarray, high: np.ndarray, whole: np.ndarray,
             cell: int, sense: float) -> float:
    """The least (``sense`` 1) or greatest (-1) value of ``cell`` over the system: the LP
    first (it tells an unbounded side, which HiGHS's MIP cannot tell from infeasible),
    then, where the LP's optimum is fractional, over whole numbers."""
    if not len(matrix):
        return low[cell] if sense > 0 else high[cell]
    cost = np.zeros(len(low))
    cost[cell] = sense
    constraints = LinearConstraint(matrix, 0.0, 0.0)
    result = milp(cost, constraints=constraints, bounds=Bounds(low, high))
    if result.status == 3:
        return -math.inf if sense > 0 else math.inf
    assert result.status == 0, result.message
    fractional = np.abs(result.x - np.round(result.x)) > 1e-7 * np.maximum(1, np.abs(result.x))
    if whole.any() and (fractional & (whole > 0)).any():
        result = milp(cost, constraints=constraints, bounds=Bounds(low, high),
                      integrality=whole, options={"mip_rel_gap": 0.0})
        assert result.status == 0, result.message
    return float(result.x[cell])


@dataclass(frozen=True)
class Finding:
    interval: Interval
    required: tuple[float, float] | None  # the protection interval, or None: "not pinned"
    value: float | None


def findings(intervals: list[Interval], year: int) -> list[Finding]:
    """Hidden figures whose derived interval is narrower than ADR 0010 allows: a primary
    hidden figure must keep its protection interval, any other hidden figure must not be
    pinned (at least one whole number wide for counts, one display step otherwise)."""
    bad = []
    for interval in intervals:
        indicator = interval.indicator
        rule = disclosure.DisclosureRule.from_json(indicator.disclosure or {})
        natural = 100.0 if "%" in (rule.unit or indicator.unit) else math.inf
        kind, pk, *month = interval.place
        month = month[0] if month else 0
        where = {"area_id": pk} if kind == "A" else {"programme_area_id": pk}
        truth = Observation.objects.get(indicator=indicator, year=year, month=month, **where)
        denominator = None
        if indicator.denominator_id:
            base = Observation.objects.filter(indicator_id=indicator.denominator_id,
                                              year=year, month=month, **where).first()
            denominator = base.value if base else None
        value = truth.value
        primary = truth.status == "suppressed" or (
            value is not None and (rule.min_denominator is None or denominator is not None)
            and disclosure.apply(rule, value, denominator).status.value in _HIDDEN)
        slack = 1e-6 * max(1.0, abs(value or 0.0))
        if primary and value is not None:
            # The primary display (even if since widened to "x") sets what must stay open.
            band = disclosure.apply(rule, value, denominator).display_text \
                if rule.min_denominator is None or denominator is not None \
                else disclosure.SUPPRESSED_TEXT
            low, high = disclosure.protection_interval(rule, band, value, natural)
            if interval.low > low + slack or interval.high < high - slack:
                bad.append(Finding(interval, (low, high), value))
        else:
            width = 1.0 if _is_count(indicator) else disclosure.display_step(rule)
            if interval.high - interval.low < width - slack:
                bad.append(Finding(interval, None, value))
    return bad
