"""Imports of figures: CBS open data and a municipality's own files (all or nothing)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from wijkregie.areas.models import Area
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User
from wijkregie.core.progress import Progress, no_progress
from wijkregie.figures import cbs_odata
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


@dataclass
class ImportReport:
    source: str
    indicators: int = 0
    observations: int = 0
    municipalities: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "indicators": self.indicators,
                "observations": self.observations, "municipalities": self.municipalities}


# --- CBS ---------------------------------------------------------------------------

def import_cbs(*, properties: Path, data: Path, data_format: str, year: int,
               division_year: int | None = None, table: str = "",
               actor: User | None = None, progress: Progress = no_progress) -> ImportReport:
    """Import a CBS Kerncijfers table: metadata from DataProperties, values from the data.

    Keys lose their position suffix; secret or unknown cells become suppressed or
    missing, never numbers. Every area code must be in the register for the division
    year (default: ``year``); any problem imports nothing.
    """
    if data_format not in CBS_FORMATS:
        raise ValueError(f"--format must be one of {', '.join(CBS_FORMATS)}")
    progress(0.05, "reading DataProperties")
    metadata = cbs_odata.load_data_properties(properties)
    progress(0.15, f"reading {data.name}")
    payload = _read_json(data)
    if data_format == "stripped":
        observations = cbs_odata.parse_stripped_dataset(payload, metadata=metadata,
                                                        source=data.name)
    else:
        parse = (cbs_odata.parse_typed_dataset if data_format == "typed"
                 else cbs_odata.parse_untyped_dataset)
        observations = parse(payload, metadata, source=data.name).observations
    observations = tuple(o for o in observations if not o.area_code.startswith("NL"))
    areas = _areas_by_code({o.area_code for o in observations}, division_year or year,
                           data.name)
    by_key = {meta.key: meta for meta in metadata.numeric_indicators}
    used_keys = sorted({o.key for o in observations})
    source = f"CBS {table + ', ' if table else ''}Kerncijfers wijken en buurten {year}"
    report = ImportReport(source=str(data))
    with transaction.atomic():
        progress(0.3, "saving indicators")
        indicators = {key: _cbs_indicator(by_key[key], source, year) for key in used_keys}
        rows: list[tuple[Indicator, Area, float | None, str]] = [
            (indicators[o.key], areas[o.area_code], o.value, _STATUS[str(o.status)])
            for o in observations]
        report.indicators = len(indicators)
        _replace_observations(rows, year, report, progress)
        audit.record(AuditAction.CREATE, actor=actor, object_type="figures.observation",
                     purpose="import CBS figures", detail=report.as_dict())
    progress(1.0, "done")
    return report


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FiguresImportError(str(path), ["file not found"]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FiguresImportError(str(path), [f"not valid JSON ({exc})"]) from None


def _areas_by_code(codes: set[str], division_year: int, source: str) -> dict[str, Area]:
    areas = {a.code: a for a in Area.objects.filter(code__in=codes, year=division_year)
             .select_related("municipality")}
    unknown = sorted(codes - set(areas))
    if unknown:
        raise FiguresImportError(source, [
            f"area {code} is not in the register for {division_year} (import its boundary "
            "first)" for code in unknown])
    return areas


def _cbs_indicator(meta: cbs_odata.IndicatorMeta, source: str, year: int) -> Indicator:
    theme = next((CBS_THEMES[t] for t in meta.theme_path if t in CBS_THEMES),
                 Theme.LEEFOMGEVING)
    indicator, _ = Indicator.objects.update_or_create(
        key=meta.key, municipality=None, defaults={
            "name_nl": meta.title, "definition": meta.description, "unit": meta.unit,
            "decimals": meta.decimals, "source": source,
            "reference_date": f"{year}", "theme": theme,
            # Only counts add up; CBS publishes no denominators with its percentages.
            "aggregation": Aggregation.SUM if meta.unit == "aantal" else Aggregation.NONE,
        })
    return indicator


def _replace_observations(rows: list[tuple[Indicator, Area, float | None, str]], year: int,
                          report: ImportReport, progress: Progress, month: int = 0) -> None:
    """Replace the delivered figures for these indicators, areas and period, then
    recompute derived and disclosed figures of each municipality touched."""
    by_municipality: dict[Municipality, list[tuple[Indicator, Area, float | None, str]]] = \
        defaultdict(list)
    for row in rows:
        by_municipality[row[1].municipality].append(row)
    for index, (municipality, own_rows) in enumerate(sorted(
            by_municipality.items(), key=lambda item: item[0].code)):
        progress(0.3 + 0.7 * index / len(by_municipality), f"saving {municipality.name}")
        indicators = {r[0] for r in own_rows}
        Observation.objects.filter(indicator__in=indicators, area__in={r[1] for r in own_rows},
                                   year=year, month=month, derived=False).delete()
        Observation.objects.bulk_create([
            Observation(indicator=ind, area=area, year=year, month=month, value=value,
                        status=status) for ind, area, value, status in own_rows],
            batch_size=2000)
        refresh_municipality(municipality, indicators, finish=False)
        report.municipalities.append(municipality.code)
        report.observations += len(own_rows)
    finish_refreshes({row[0] for row in rows})


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


def import_own_figures(path: Path, *, municipality: Municipality, actor: User | None = None,
                       progress: Progress = no_progress) -> ImportReport:
    """Import a CSV or XLSX of (area code, period, indicator, value) rows, all or nothing.

    Every problem in the file is reported (row and field), not just the first. Values use
    a decimal point or comma; ``x`` marks a suppressed figure, ``.`` or empty a missing one.
    """
    source = path.name
    progress(0.05, f"reading {source}")
    header, records = _read_table(path)
    columns = _match_columns(header, source)
    indicators = {i.key: i for i in Indicator.objects.filter(municipality__isnull=True)}
    indicators |= {i.key: i for i in Indicator.objects.filter(municipality=municipality)}
    areas = {a.code: a for a in Area.objects.filter(municipality=municipality)
             .select_related("municipality").order_by("year")}
    problems: list[str] = []
    rows: dict[tuple[int, int], list[tuple[Indicator, Area, float | None, str]]] = \
        defaultdict(list)
    seen: dict[tuple[str, str, str], int] = {}
    for number, record in enumerate(records, start=2):  # row 1 is the header
        parsed = _parse_record(record, columns, number, indicators, areas, municipality,
                               problems)
        if parsed is None:
            continue
        indicator, area, year, month, value, status = parsed
        key = (indicator.key, area.code, f"{year}-{month}")
        if key in seen:
            problems.append(f"row {number}: duplicate of row {seen[key]} (same area, period "
                            "and indicator)")
            continue
        seen[key] = number
        rows[(year, month)].append((indicator, area, value, status))
    if not records:
        problems.append("the file has no data rows")
    if problems:
        raise FiguresImportError(source, problems)
    report = ImportReport(source=source)
    with transaction.atomic():
        for (year, month), period_rows in sorted(rows.items()):
            _replace_observations(period_rows, year, report, progress, month=month)
        report.indicators = len({r[0].pk for period in rows.values() for r in period})
        report.municipalities = sorted(set(report.municipalities))
        audit.record(AuditAction.CREATE, actor=actor, object_type="figures.observation",
                     purpose="import own figures", detail=report.as_dict())
    progress(1.0, "done")
    return report


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    if path.suffix.lower() == ".xlsx":
        try:
            sheet = load_workbook(path, read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FiguresImportError(path.name, [f"not a readable XLSX file ({exc})"]) from None
        table = [["" if c is None else str(c).strip() for c in row]
                 for row in sheet.iter_rows(values_only=True)]
    elif path.suffix.lower() == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FiguresImportError(path.name, ["not UTF-8 text"]) from None
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else "excel"
        table = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise FiguresImportError(path.name, ["only .csv and .xlsx files can be imported"])
    table = [row for row in table if any(row)]
    if not table:
        raise FiguresImportError(path.name, ["the file is empty"])
    return [h.lower() for h in table[0]], table[1:]


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


def _parse_record(record: list[str], columns: dict[str, int], number: int,
                  indicators: dict[str, Indicator], areas: dict[str, Area],
                  municipality: Municipality, problems: list[str]
                  ) -> tuple[Indicator, Area, int, int, float | None, str] | None:
    def cell(name: str) -> str:
        index = columns[name]
        return record[index].strip() if index < len(record) else ""

    before = len(problems)
    code, period, key, raw = (cell("area").upper(), cell("period"), cell("indicator"),
                              cell("value"))
    area = areas.get(code)
    if area is None:
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
    indicator = indicators.get(key)
    if indicator is None:
        problems.append(f"row {number}, field indicator: unknown indicator {key or '(empty)'}")
    value, status = _parse_value(raw)
    if status == "invalid":
        problems.append(f"row {number}, field value: {raw!r} is not a number, 'x' or '.'")
    if len(problems) > before:
        return None
    return indicator, area, year, month, value, status  # type: ignore[return-value]


def _parse_value(raw: str) -> tuple[float | None, str]:
    text = raw.strip().lower()
    if text in SUPPRESSED_SYMBOLS:
        return None, "suppressed"
    if text in MISSING_SYMBOLS:
        return None, "missing"
    normalised = text.replace(" ", "")
    if "," in normalised:
        normalised = normalised.replace(".", "").replace(",", ".")
    try:
        value = float(normalised)
    except ValueError:
        return None, "invalid"
    if value != value or value in (float("inf"), float("-inf")):
        return None, "invalid"
    return value, "value"
