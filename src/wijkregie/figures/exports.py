"""Exports of a figures table as CSV, XLSX or GeoJSON.

An export carries the same disclosed figures as the page it comes from (the table is
built by the same view code) plus the indicator metadata: definition, unit, source,
reference date and the status legend.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from wijkregie.core.spreadsheet import append_text_safe
from wijkregie.figures.models import Indicator

STATUS_LEGEND = ("shown = value; bounded = only a bound may be shown (e.g. '< 5'); "
                 "suppressed = withheld for confidentiality ('x'); missing = no figure ('.')")


@dataclass
class ExportTable:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    indicators: list[Indicator] = field(default_factory=list)
    geometries: list[dict[str, Any] | None] = field(default_factory=list)  # per row

    def metadata(self) -> list[tuple[str, str]]:
        lines = [("title", self.title), ("status legend", STATUS_LEGEND)]
        for ind in self.indicators:
            lines += [
                (f"{ind.key}: name", ind.name_nl),
                (f"{ind.key}: definition", ind.definition),
                (f"{ind.key}: unit", ind.unit),
                (f"{ind.key}: source", ind.source),
                (f"{ind.key}: reference date", ind.reference_date),
            ]
        return lines


def as_csv(table: ExportTable, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for key, value in table.metadata():
        writer.writerow([f"# {key}", value])
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return _download(buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8",
                     f"{filename}.csv")


def as_xlsx(table: ExportTable, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "figures"
    append_text_safe(sheet, table.columns)
    for row in table.rows:
        append_text_safe(sheet, row)
    meta = workbook.create_sheet("metadata")
    for key, value in table.metadata():
        append_text_safe(meta, [key, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{filename}.xlsx")


def as_geojson(table: ExportTable, filename: str) -> HttpResponse:
    features = [
        {"type": "Feature", "geometry": geometry,
         "properties": dict(zip(table.columns, row, strict=True))}
        for row, geometry in zip(table.rows, table.geometries or [None] * len(table.rows),
                                 strict=True)
    ]
    document = {"type": "FeatureCollection", "metadata": dict(table.metadata()),
                "features": features}
    return _download(json.dumps(document, ensure_ascii=False).encode(),
                     "application/geo+json", f"{filename}.geojson")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORTERS = {"csv": as_csv, "xlsx": as_xlsx, "geojson": as_geojson}
