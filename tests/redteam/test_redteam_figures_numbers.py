"""Red-team attacks on the own-figures number reading (issue 11, point 5).

Each test states a break: a cell silently read as a different number than the one written.
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.figures.factories import build_town, indicator
from wijkregie.figures import numbers
from wijkregie.figures.models import Aggregation, Observation
from wijkregie.figures.services import FiguresImportError, import_own_figures


def _read_column(cells: list[str]) -> list[float | None]:
    rows = list(enumerate(cells, start=2))
    number_format = numbers.decide_format(rows, "waarde")
    return [numbers.read_number(text, number_format) for _row, text in rows]


def test_leading_zero_group_in_english_column_is_not_read_as_thousands():
    """BREAK: in a decimal-point column ("2.5"), a stray Dutch decimal "0,750" is read as
    750 — 1000 times off, silently. No one writes 750 as "0,750": a first thousands group
    of 0 is not a grouped number, so the cell is only a decimal-comma number and the
    column mixes formats, which the module promises to refuse."""
    try:
        values = _read_column(["2.5", "0,750"])
    except numbers.NumberFormatError:
        return  # refused: the promised behaviour
    assert values[1] != 750.0, "'0,750' was read as 750 in a decimal-point column"


def test_leading_zero_group_in_dutch_column_is_not_read_as_thousands():
    """BREAK: in a decimal-comma column ("7,5"), "0.500" (an English half) is read as 500."""
    try:
        values = _read_column(["7,5", "0.500"])
    except numbers.NumberFormatError:
        return
    assert values[1] != 500.0, "'0.500' was read as 500 in a decimal-comma column"



def test_space_that_is_not_a_thousands_separator_is_not_dropped():
    """BREAK (low): every space is removed before the shape check, so "1 23" and "12 5"
    (two numbers, or a typo — not groups of three digits) are read as 123 and 125
    instead of being refused; only a space between groups of three is a separator."""
    try:
        values = _read_column(["1 23", "12 5", "7,5"])
    except numbers.NumberFormatError:
        return
    assert values[:2] == [None, None], f"'1 23' and '12 5' were read as {values[:2]}"

@pytest.mark.django_db
def test_import_of_leading_zero_group_does_not_store_a_thousandfold_value(tmp_path):
    """BREAK (end to end): a file with burglaries "2.5" and "0,750" imports 750 for the
    second buurt without a word."""
    town = build_town()
    indicator("inbraken_rate", Aggregation.NONE, unit="per 1.000")
    b0, b1 = town.buurten[0].code, town.buurten[1].code
    path = tmp_path / "eigen.csv"
    path.write_text("gebiedscode;periode;indicator;waarde\n"
                    f"{b0};2024;inbraken_rate;2.5\n{b1};2024;inbraken_rate;0,750\n",
                    encoding="utf-8")
    try:
        import_own_figures(path, municipality=town.municipality)
    except FiguresImportError:
        return
    stored = Observation.objects.get(area=town.buurten[1], indicator__key="inbraken_rate",
                                     derived=False).value
    assert stored != 750.0, "0,750 was stored as 750"


@pytest.mark.django_db
def test_xlsx_literal_percent_sign_format_is_not_multiplied_by_100(tmp_path):
    """BREAK: an Excel cell holding 0.4 with the custom format 0.0" %" (a literal percent
    sign: Excel shows "0.4 %", the value already is the percentage) is read as 40 %:
    every format string containing "%" is taken as Excel's percentage format, which
    multiplies by 100. Only an unquoted, unescaped % scales the value."""
    town = build_town()
    indicator("werkloos_pct", Aggregation.NONE, unit="%")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["gebiedscode", "periode", "indicator", "waarde"])
    sheet.append([town.buurten[0].code, "2024", "werkloos_pct", 0.4])
    sheet.cell(row=2, column=4).number_format = '0.0" %"'
    path = tmp_path / "eigen.xlsx"
    workbook.save(path)
    import_own_figures(path, municipality=town.municipality)
    stored = Observation.objects.get(area=town.buurten[0], indicator__key="werkloos_pct",
                                     derived=False).value
    assert stored == pytest.approx(0.4), f"0.4 shown as '0.4 %' was stored as {stored}"


@pytest.mark.django_db
def test_xlsx_formula_without_cached_value_is_not_read_as_missing(tmp_path):
    """BREAK: a workbook written by a script (openpyxl, pandas) holds formulas without
    cached results; read with ``data_only=True`` such a cell is None, taken as an empty
    cell, i.e. "missing" — so the file silently replaces the buurt's existing figure (12)
    by "missing" instead of refusing the row ("value is a formula without a result")."""
    town = build_town()
    inbraken = indicator("inbraken", Aggregation.SUM)
    Observation.objects.create(indicator=inbraken, area=town.buurten[0], year=2024,
                               value=12, status="value")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["gebiedscode", "periode", "indicator", "waarde"])
    sheet.append([town.buurten[0].code, "2024", "inbraken", "=10+5"])
    path = tmp_path / "eigen.xlsx"
    workbook.save(path)
    try:
        import_own_figures(path, municipality=town.municipality)
    except FiguresImportError:
        return
    figure = Observation.objects.get(area=town.buurten[0], indicator=inbraken, derived=False)
    assert (figure.value, figure.status) != (None, "missing"), (
        "a formula cell without a cached result replaced the figure 12 by 'missing'")
