"""Imports of figures: CBS open data and a municipality's own files (all or nothing)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from wijkregie.areas.models import Area
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User
from wijkregie.core.progress import Progress, no_progress
from wijkregie.figures import cbs_columns, cbs_odata, numbers
from wijkregie.figures.bulk import insert_observations
from wijkregie.figures.models import Aggregation, Indicator, Observation, Theme
from wijkregie.figures.pipeline import finish_refreshes, refresh_municipality

CBS_FORMATS = ("typed", "untyped", "stripped")
# CBS topic groups (outermost first) → the programme's themes.
CBS_THEMES = {
    "Bevolking": Theme.BEVOLKING, "Wonen en vastgoed": Theme.WONEN,
    "Energie": Theme.LEEFOMGEVING, "Onderwijs": Theme.ONDERWIJS,
    "Arbeid": Theme.WERK_INKOMEN, "Inkomen": Theme.WERK_INKOMEN,
    "Sociale zekerheid": Theme.WERK_INKOMEN, "Zorg": Theme.PARTICIPATIE_ZORG,
    "Bedrijfsvestigingen, SBI 2008": Theme.WERK_INKOMEN, "Motorvoertuigen": Theme.LEEFOMGEVING,
    "Nabijheid voorzieningen": Theme.LEEFOMGEVING, "Oppervlakte": Theme.LEEFOMGEVING,
    "Stedelijkheid": Theme.LEEFOMGEVING,
}
_STATUS = {"ok": "value", "suppressed": "suppressed", "missing": "missing"}



class FiguresImportError(ValueError):
    """Problems found in an import file; ``problems`` lists each with its place."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:25]
        more = f"\n… and {len(problems) - 25} more" if len(problems) > 25 else ""
        super().__init__(f"{source}: {len(problems)} problem(s), nothing imported:\n"
                         + "\n".join(shown) + more)
        self.problems = problems


REPLACE_SCOPES = {
    "cells": "only the cells in the file (indicator, area, period) were changed",
    "indicator-periods": "every figure of the municipality for the indicators and periods "
                         "in the file was replaced",
}


@dataclass
class ImportReport:
    source: str
    indicators: int = 0
    observations: int = 0
    municipalities: list[str] = field(default_factory=list)
    replace_scope: str = "cells"
    replaced: int = 0  # existing figures (delivered or derived) overwritten by the file
    removed: int = 0  # delivered figures removed without a new value (replace scope)
    mapped: dict[str, str] = field(default_factory=dict)  # CBS column -> catalogue key
    data_format: str = ""  # CBS imports: the format read (given or detected)
    table: str = ""
    year: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "indicators": self.indicators,
                "observations": self.observations, "municipalities": self.municipalities,
                "replace_scope": self.replace_scope, "replaced": self.replaced,
                "removed": self.removed, "mapped": self.mapped,
                "data_format": self.data_format, "table": self.table, "year": self.year}

    def summary(self) -> str:
        """One line for the command and the job page: what changed, in which scope."""
        return (f"imported {self.observations} figures of {self.indicators} indicators "
                f"({self.replaced} replaced existing figures, {self.removed} removed); "
                f"replace scope {self.replace_scope}: {REPLACE_SCOPES[self.replace_scope]}")


# --- CBS ---------------------------------------------------------------------------

def import_cbs(*, properties: Path, data: Path, data_format: str = "auto",
               year: int | None = None, division_year: int | None = None, table: str = "",
               actor: User | None = None, progress: Progress = no_progress) -> ImportReport:
    """Import a CBS Kerncijfers table: metadata from DataProperties, values from the data.

    The data format (typed, untyped or stripped) is read from the data file unless
    given; the table id and year from ``TableInfos.json`` beside DataProperties when
    not given. Keys lose their position suffix; secret or unknown cells become
    suppressed or missing, never numbers. Each column aggregates by what it is
    (:mod:`figures.cbs_columns`) and is shown with CBS's decimals; columns that mean a
    catalogue indicator fill that indicator. Every area code must be in the register
    for the division year (default: ``year``); any problem imports nothing.
    """
    if data_format not in (*CBS_FORMATS, "auto"):
        raise ValueError(f"--format must be one of auto, {', '.join(CBS_FORMATS)}")
    progress(0.05, "reading DataProperties")
    if not properties.is_file():
        raise FiguresImportError(str(properties), ["file not found"])
    metadata = cbs_odata.load_data_properties(properties)
    info = _table_info(properties)
    table = table or info.get("Identifier", "")
    if year is None:
        period = str(info.get("Period", ""))
        if not re.fullmatch(r"\d{4}", period):
            raise FiguresImportError(str(properties), [
                "no reference year: give --year (no TableInfos.json with a Period beside it)"])
        year = int(period)
    progress(0.15, f"reading {data.name}")
    payload = _read_json(data)
    if data_format == "auto":
        data_format = _detect_format(payload, metadata, data.name)
    if data_format == "stripped":
        observations = cbs_odata.parse_stripped_dataset(payload, metadata=metadata,
                                                        source=data.name)
    else:
        parse = (cbs_odata.parse_typed_dataset if data_format == "typed"
                 else cbs_odata.parse_untyped_dataset)
        parsed = parse(payload, metadata, source=data.name)
        _check_unique_regions(parsed.regions, data.name)
        observations = parsed.observations
    observations = tuple(o for o in observations if not o.area_code.startswith("NL"))
    areas = _areas_by_code({o.area_code for o in observations}, division_year or year,
                           data.name)
    by_key = {meta.key: meta for meta in metadata.numeric_indicators}
    used_keys = sorted({o.key for o in observations})
    source = f"CBS {table + ', ' if table else ''}Kerncijfers wijken en buurten {year}"
    report = ImportReport(source=str(data))
    report.data_format, report.table, report.year = data_format, table, year
    with transaction.atomic():
        progress(0.3, "saving indicators")
        indicators = _cbs_indicators(used_keys, by_key, source, year, report)
        rows: list[Cell] = [
            (indicators[o.key], areas[o.area_code], year, 0, o.value, _STATUS[str(o.status)])
            for o in observations]
        report.indicators = len(used_keys)
        _replace_observations(rows, report, progress)
        audit.record(AuditAction.CREATE, actor=actor, object_type="figures.observation",
                     purpose="import CBS figures", detail=report.as_dict())
    progress(1.0, "done")
    return report


def _table_info(properties: Path) -> dict[str, object]:
    """CBS's TableInfos (table id, period) when it lies beside DataProperties."""
    path = properties.with_name("TableInfos.json")
    if not path.is_file():
        return {}
    payload = _read_json(path)
    items = payload.get("value") if isinstance(payload, dict) else payload
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def _detect_format(payload: object, metadata: cbs_odata.TableMetadata, source: str) -> str:
    """stripped: an object keyed by region code; typed or untyped: CBS's rows, untyped
    when its numeric cells are text."""
    if isinstance(payload, dict) and "value" not in payload:
        return "stripped"
    rows = payload.get("value") if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        raise FiguresImportError(source, [
            'not a CBS data file: expected {"value": [rows]} (TypedDataSet or '
            "UntypedDataSet) or an object keyed by region code"])
    numeric = {meta.cbs_key for meta in metadata.numeric_indicators}
    for row in rows:
        if isinstance(row, dict):
            for key, value in row.items():
                if key in numeric and value is not None:
                    return "untyped" if isinstance(value, str) else "typed"
    return "typed"


def _check_unique_regions(regions: tuple[cbs_odata.Region, ...], source: str) -> None:
    first: dict[str, int] = {}
    problems = []
    for index, region in enumerate(regions):
        if region.code in first:
            problems.append(f"row {index}: area {region.code} is also in row "
                            f"{first[region.code]}; give each area once")
        first.setdefault(region.code, index)
    if problems:
        raise FiguresImportError(source, problems)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"),
                          object_pairs_hook=_refuse_duplicate_keys)
    except FileNotFoundError:
        raise FiguresImportError(str(path), ["file not found"]) from None
    except _DuplicateKey as exc:
        raise FiguresImportError(str(path), [f"{exc.key} appears twice in one object; "
                                             "give each area and column once"]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FiguresImportError(str(path), [f"not valid JSON ({exc})"]) from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object with a key twice would silently keep the last value."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _areas_by_code(codes: set[str], division_year: int, source: str) -> dict[str, Area]:
    areas = {a.code: a for a in Area.objects.filter(code__in=codes, year=division_year)
             .select_related("municipality")}
    unknown = sorted(codes - set(areas))
    if unknown:
        raise FiguresImportError(source, [
            f"area {code} is not in the register for {division_year} (import its boundary "
            "first)" for code in unknown])
    return areas


def _cbs_indicators(used_keys: list[str], by_key: dict[str, cbs_odata.IndicatorMeta],
                    source: str, year: int, report: ImportReport) -> dict[str, Indicator]:
    """The indicators of the used columns (CBS key -> indicator), with the weights and
    denominators their rules need, created from the metadata when the file lacks them."""
    wanted = list(used_keys)
    for key in used_keys:
        weight = cbs_columns.rule_for(key).weight
        if weight and weight in by_key and weight not in wanted:
            wanted.append(weight)
    indicators = {key: _cbs_indicator(by_key[key], source, year, report) for key in wanted}
    for key in wanted:
        rule = cbs_columns.rule_for(key)
        indicator = indicators[key]
        if key in cbs_columns.CATALOGUE_KEYS and indicator.source != source:
            continue  # a catalogue indicator keeps its own rule
        denominator = indicators.get(rule.weight) if rule.weight else None
        # Without its weight in the table a mean cannot be derived: not aggregable.
        aggregation = rule.aggregation if denominator or not rule.weight \
            else Aggregation.NONE
        if (indicator.aggregation, indicator.denominator_id) != (
                aggregation, denominator.pk if denominator else None):
            indicator.aggregation, indicator.denominator = aggregation, denominator
            indicator.save(update_fields=["aggregation", "denominator"])
    return indicators


def _cbs_indicator(meta: cbs_odata.IndicatorMeta, source: str, year: int,
                   report: ImportReport) -> Indicator:
    """The indicator a CBS column fills: the catalogue's own when the column means the
    same figure (its metadata stays), else one under the CBS key with CBS's metadata
    and decimals."""
    theme = next((CBS_THEMES[t] for t in meta.theme_path if t in CBS_THEMES),
                 Theme.LEEFOMGEVING)
    key = cbs_columns.CATALOGUE_KEYS.get(meta.key, meta.key)
    if key != meta.key:
        report.mapped[meta.key] = key
        existing = Indicator.objects.filter(key=key, municipality__isnull=True).first()
        if existing is not None:
            return existing
    current = Indicator.objects.filter(key=key, municipality__isnull=True).first()
    disclosure = dict(current.disclosure) if current else {}
    disclosure["decimals"] = meta.decimals  # CBS's published precision (2.1, not 2)
    indicator, _ = Indicator.objects.update_or_create(
        key=key, municipality=None, defaults={
            "name_nl": meta.title, "definition": meta.description, "unit": meta.unit,
            "decimals": meta.decimals, "source": source, "disclosure": disclosure,
            "reference_date": f"{year}", "theme": theme,
        })
    return indicator


Cell = tuple[Indicator, Area, int, int, float | None, str]  # indicator, area, year, month


def _replace_observations(rows: list[Cell], report: ImportReport, progress: Progress,
                          scope: str = "cells") -> None:
    """Store delivered figures, then recompute each municipality touched once.

    ``scope`` "cells" (the default) changes exactly the (indicator, area, period) cells
    in ``rows``: every other figure stays. "indicator-periods" first removes every
    delivered figure of the municipality for each (indicator, period) in ``rows``. The
    report counts what was overwritten (``replaced``) and what was removed without a
    new value (``removed``).
    """
    by_municipality: dict[Municipality, list[Cell]] = defaultdict(list)
    for row in rows:
        by_municipality[row[1].municipality].append(row)
    for index, (municipality, own_rows) in enumerate(sorted(
            by_municipality.items(), key=lambda item: item[0].code)):
        progress(0.3 + 0.6 * index / len(by_municipality), f"saving {municipality.name}")
        carried = {(ind.pk, area.pk, year, month) for ind, area, year, month, _v, _s in own_rows}
        area_ids = ({cell[1] for cell in carried} if scope == "cells" else set(
            Area.objects.filter(municipality=municipality).values_list("id", flat=True)))
        periods = {(cell[0], cell[2], cell[3]) for cell in carried}
        # One read of the candidates, then exact matching here: a filter per (indicator,
        # period) was hundreds of queries for a year of monthly figures.
        candidates = Observation.objects.filter(
            indicator_id__in={p[0] for p in periods}, year__in={p[1] for p in periods},
            month__in={p[2] for p in periods}, area_id__in=area_ids).values_list(
            "id", "indicator_id", "area_id", "year", "month", "derived")
        doomed = []
        for pk, indicator_id, area_id, year, month, derived in candidates.iterator(10_000):
            if (indicator_id, area_id, year, month) in carried:
                # Any figure in a carried cell goes, delivered or derived: a wijk figure
                # in the file takes the place of the one aggregated from its buurten,
                # and both count as replaced (the shown figure changes either way).
                doomed.append(pk)
                report.replaced += 1
            elif scope == "indicator-periods" and not derived and (
                    indicator_id, year, month) in periods:
                doomed.append(pk)
                report.removed += 1
        for start in range(0, len(doomed), 5000):
            Observation.objects.filter(pk__in=doomed[start:start + 5000]).delete()
        insert_observations(
            (ind.pk, area.pk, None, year, month, value, status, False, None, "", "missing")
            for ind, area, year, month, value, status in own_rows)
        report.municipalities.append(municipality.code)
        report.observations += len(own_rows)
    # One recomputation per municipality for the whole import (every year and month of
    # the indicators at once), not one per period.
    indicators = {row[0] for row in rows}
    for index, municipality in enumerate(sorted(by_municipality, key=lambda m: m.code)):
        progress(0.9 + 0.1 * index / len(by_municipality), f"recomputing {municipality.name}")
        refresh_municipality(municipality, indicators, finish=False)
    finish_refreshes(indicators)


# --- a municipality's own figures -------------------------------------------------------

COLUMN_NAMES = {
    "area": ("gebiedscode", "area_code", "areacode", "code", "gebied"),
    "period": ("periode", "period", "jaar", "year"),
    "indicator": ("indicator", "indicatorcode", "indicator_key"),
    "value": ("waarde", "value"),
}
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2}))?$")
SUPPRESSED_SYMBOLS = {"x"}
MISSING_SYMBOLS = {".", ""}


def import_own_figures(path: Path, *, municipality: Municipality, replace: str = "cells",
                       actor: User | None = None,
                       progress: Progress = no_progress) -> ImportReport:
    """Import a CSV or XLSX of (area code, period, indicator, value) rows, all or nothing.

    Every problem in the file is reported (row and field), not just the first. The
    number format (decimal point or comma) is decided once for the value column from
    the file itself (:mod:`figures.numbers`); ``x`` marks a suppressed figure, ``.`` or
    empty a missing one. Only the cells in the file change unless ``replace`` names a
    wider scope (:data:`REPLACE_SCOPES`).
    """
    if replace not in REPLACE_SCOPES:
        raise FiguresImportError(path.name, [
            f"replace scope {replace!r} is not one of {', '.join(REPLACE_SCOPES)}"])
    source = path.name
    progress(0.05, f"reading {source}")
    header, records = _read_table(path)
    columns = _match_columns(header, source)
    indicators = _indicators_by_key(municipality)
    areas: dict[str, list[Area]] = defaultdict(list)
    for area in (Area.objects.filter(municipality=municipality)
                 .select_related("municipality").order_by("year")):
        areas[area.code].append(area)
    problems: list[str] = []
    value_column = header[columns["value"]]
    try:
        number_format = numbers.decide_format(
            [(number, cell) for number, record in enumerate(records, start=2)
             if isinstance(cell := _cell(record, columns["value"]), str)], value_column)
    except numbers.NumberFormatError as exc:
        raise FiguresImportError(source, exc.problems) from None
    rows: list[Cell] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, record in enumerate(records, start=2):  # row 1 is the header
        parsed = _parse_record(record, columns, number, indicators, areas, municipality,
                               number_format, problems)
        if parsed is None:
            continue
        indicator, area, year, month, _value, _status = parsed
        key = (indicator.key, area.code, f"{year}-{month}")
        if key in seen:
            problems.append(f"row {number}: duplicate of row {seen[key]} (same area, period "
                            "and indicator)")
            continue
        seen[key] = number
        rows.append(parsed)
    if not records:
        problems.append("the file has no data rows")
    if problems:
        raise FiguresImportError(source, problems)
    report = ImportReport(source=source, replace_scope=replace)
    with transaction.atomic():
        _replace_observations(rows, report, progress, scope=replace)
        report.indicators = len({r[0].pk for r in rows})
        report.municipalities = sorted(set(report.municipalities))
        audit.record(AuditAction.CREATE, actor=actor, object_type="figures.observation",
                     purpose="import own figures", detail=report.as_dict())
    progress(1.0, "done")
    return report


def _indicators_by_key(municipality: Municipality) -> dict[str, Indicator]:
    """Key -> indicator as the municipality's users see it: its own indicator before a
    shared one with the same key (the rule of ``selectors.get_indicator``)."""
    indicators = {i.key: i for i in Indicator.objects.filter(municipality__isnull=True)}
    indicators |= {i.key: i for i in Indicator.objects.filter(municipality=municipality)}
    return indicators


TableCell = str | float  # text, or a number typed in a spreadsheet


def _cell(record: list[TableCell], index: int) -> TableCell:
    value = record[index] if index < len(record) else ""
    return value.strip() if isinstance(value, str) else value


def _read_table(path: Path) -> tuple[list[str], list[list[TableCell]]]:
    if not path.is_file():
        raise FiguresImportError(str(path), ["file not found"])
    if path.suffix.lower() == ".xlsx":
        table = _read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        table = _read_csv(path)
    else:
        raise FiguresImportError(path.name, ["only .csv and .xlsx files can be imported"])
    table = [row for row in table if any(c != "" for c in row)]
    if not table:
        raise FiguresImportError(path.name, ["the file is empty"])
    return [str(h).lower() for h in table[0]], table[1:]


def _read_csv(path: Path) -> list[list[TableCell]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FiguresImportError(path.name, ["not UTF-8 text"]) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect | str = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t")
    except csv.Error:
        # No delimiter found: a single column (or no CSV at all); the header check
        # then names the columns that are missing.
        dialect = "excel"
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise FiguresImportError(path.name, [f"not a readable CSV file ({exc})"]) from None


def _read_xlsx(path: Path) -> list[list[TableCell]]:
    """Cells as text, except typed numbers, which stay numbers; a number formatted as a
    percentage (0.125 shown as 12.5 %) is the percentage it shows.

    A formula is read as its cached result. A workbook written by a script holds
    formulas without one; such a cell is refused (row and column named), not read as
    an empty, i.e. missing, cell.
    """
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = list(sheet.iter_rows())
        formulas = list(load_workbook(path, read_only=True, data_only=False).active
                        .iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FiguresImportError(path.name, [f"not a readable XLSX file ({exc})"]) from None
    header = [str(getattr(c, "value", "") or "") for c in rows[0]] if rows else []
    problems = []
    for number, (row, written) in enumerate(zip(rows, formulas, strict=False), start=1):
        for index, cell in enumerate(row):
            formula = written[index] if index < len(written) else None
            if getattr(cell, "value", None) is None and isinstance(formula, str) \
                    and formula.startswith("="):
                column = header[index] if index < len(header) and header[index] \
                    else f"column {index + 1}"
                problems.append(f"row {number}, field {column}: {formula!r} is a formula "
                                "without a calculated result (open and save the file in a "
                                "spreadsheet program, or write the value)")
    if problems:
        raise FiguresImportError(path.name, problems)
    return [[_xlsx_value(c) for c in row] for row in rows]


# Parts of an Excel number format that are shown literally: quoted text, a character
# after a backslash, a colour or condition in brackets, and the character after _ or *.
_LITERAL_FORMAT_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].')


def _is_percentage_format(number_format: str) -> bool:
    """Excel multiplies by 100 only for an unquoted, unescaped % in the format."""
    return "%" in _LITERAL_FORMAT_PARTS.sub("", number_format)


def _xlsx_value(cell: object) -> TableCell:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value).strip()
    if _is_percentage_format(getattr(cell, "number_format", "") or ""):
        return float(Decimal(repr(value)) * 100)  # 0.125 -> 12.5 without 12.500000000000002
    return value


def _match_columns(header: list[str], source: str) -> dict[str, int]:
    columns, problems = {}, []
    for field_name, names in COLUMN_NAMES.items():
        index = next((header.index(n) for n in names if n in header), None)
        if index is None:
            problems.append(f"header: no column for {field_name} (expected one of "
                            f"{', '.join(names)})")
        else:
            columns[field_name] = index
    if problems:
        raise FiguresImportError(source, problems)
    return columns


def _text(value: TableCell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_record(record: list[TableCell], columns: dict[str, int], number: int,
                  indicators: dict[str, Indicator], areas: dict[str, list[Area]],
                  municipality: Municipality, number_format: numbers.NumberFormat | None,
                  problems: list[str]) -> Cell | None:
    def cell(name: str) -> str:
        return _text(_cell(record, columns[name]))

    before = len(problems)
    code, period, key = cell("area").upper(), cell("period"), cell("indicator")
    versions = areas.get(code)
    if not versions:
        problems.append(f"row {number}, field area: {code or '(empty)'} is not an area of "
                        f"{municipality.name}")
    match = _PERIOD.match(period)
    year = month = 0
    if match is None:
        problems.append(f"row {number}, field period: {period or '(empty)'} is not a year "
                        "(2024) or month (2024-05)")
    else:
        year, month = int(match["year"]), int(match["month"] or 0)
        if not 1990 <= year <= 2100 or month > 12:
            problems.append(f"row {number}, field period: {period} is out of range")
    area = _version_for(versions, year) if versions else None
    indicator = indicators.get(key)
    if indicator is None:
        problems.append(f"row {number}, field indicator: unknown indicator {key or '(empty)'}")
    raw = _cell(record, columns["value"])
    value, status = _parse_value(raw, number_format)
    if status == "invalid":
        problems.append(f"row {number}, field value: {raw!r} is not a number, 'x' or '.'")
    elif value is not None and indicator is not None:
        problem = _out_of_range(indicator, value)
        if problem:
            problems.append(f"row {number}, field value: {_text(value)} {problem}")
    if len(problems) > before:
        return None
    return indicator, area, year, month, value, status  # type: ignore[return-value]


def _version_for(versions: list[Area], year: int) -> Area:
    """The division of an area code valid in ``year``: the latest division year not after
    it (as a CBS import attaches a year's figures to that year's division), so a file row
    replaces the figure of its own period. A period before every division in the
    register goes to the oldest one. ``versions`` is ordered by division year."""
    valid = [area for area in versions if area.year <= year]
    return valid[-1] if valid else versions[0]


def _parse_value(raw: TableCell, number_format: numbers.NumberFormat | None
                 ) -> tuple[float | None, str]:
    if not isinstance(raw, str):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, "invalid"
        return float(raw), "value"
    text = raw.strip().lower()
    if text in SUPPRESSED_SYMBOLS:
        return None, "suppressed"
    if text in MISSING_SYMBOLS:
        return None, "missing"
    value = numbers.read_number(text, number_format)
    if value is None:
        return None, "invalid"
    return value, "value"


SHARE_UNITS = {"%", "procent", "percentage"}
COUNT_UNITS = {"aantal", "number", "count"}


def _out_of_range(indicator: Indicator, value: float) -> str:
    """Why a value cannot be a figure of this indicator ('' if it can): a count is never
    below zero, a share never below 0 or above 100 %. Every summed indicator is a count,
    whatever its unit says ("woningen", "inwoners"): its area totals add buurt figures."""
    unit = indicator.unit.strip().lower()
    if unit in SHARE_UNITS and not 0 <= value <= 100:
        return "is a share above 100 %" if value > 100 else "is a share below 0 %"
    is_count = unit in COUNT_UNITS or indicator.aggregation == Aggregation.SUM
    if is_count and value < 0:
        return "is a count below zero"
    return ""
