"""Reading numbers written as text, with the number format decided per column.

Spreadsheets write numbers in the reader's locale: a Dutch export writes ``1.234,5``
(point for thousands, comma for decimals), an English one ``1,234.5``. Read one cell at
a time, ``1.234`` is either 1.234 or 1234, so a file mixing ``1.234`` and ``1.234,0``
came out with two different readings. Here the format is decided once for the whole
column from its own cells:

* every cell is tried under both formats; a cell that reads the same under both
  (``12``, ``1234``, ``7``) says nothing;
* a cell that is only valid under one format (``7,5``, ``1.234,0``, ``1,234.5``, ``2.25``)
  is evidence for that format;
* a cell valid under both with different values (``1.234``, ``1,234``) is ambiguous.

The column's format is the one all evidence agrees on. Evidence for both formats, or
only ambiguous cells, is refused with the rows and column named: guessing would store
a number a thousand times off.

A thousands group never starts a number with 0: ``0,750`` is only a decimal-comma
number (no one writes 750 that way), so in a decimal-point column it is a conflict,
not 750. A space counts only as a thousands separator, where the format's separator
could stand (``1 234,5``); ``1 23`` is not a number.

A trailing ``%`` (as a spreadsheet writes a cell formatted as a percentage) is
dropped; the number before it is the percentage (``12,5 %`` → 12.5).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["NumberFormat", "NumberFormatError", "decide_format", "read_number"]


class NumberFormat(StrEnum):
    DECIMAL_POINT = "decimal point (1,234.5)"
    DECIMAL_COMMA = "decimal comma (1.234,5)"


# A grouped number starts with a group of 1-9 (never 0: no one writes 750 as "0,750",
# so "0,750" is only a decimal number and counts as evidence for that format).
_SHAPES = {
    NumberFormat.DECIMAL_POINT: re.compile(
        r"^[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?$"),
    NumberFormat.DECIMAL_COMMA: re.compile(
        r"^[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?$"),
}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_THOUSANDS = {NumberFormat.DECIMAL_POINT: ",", NumberFormat.DECIMAL_COMMA: "."}


class NumberFormatError(ValueError):
    """The column's number format cannot be decided; ``problems`` name rows and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Reading:
    row: int
    text: str
    values: dict[NumberFormat, float]  # format -> value, for the formats it is valid in


def _normalise(text: str) -> str:
    """The text without surrounding spaces and a trailing ``%``; inner spaces stay."""
    cleaned = text.strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    return cleaned


def _readings(text: str) -> dict[NumberFormat, float]:
    cleaned = _normalise(text)
    values: dict[NumberFormat, float] = {}
    for number_format, shape in _SHAPES.items():
        thousands = _THOUSANDS[number_format]
        decimal = "." if thousands == "," else ","
        # A space is only a thousands separator: it must stand where the format's
        # separator could ("1 234,5"), so "1 23" or "12 5" match no shape.
        candidate = _SPACES.sub(thousands, cleaned)
        if shape.match(candidate):
            values[number_format] = float(
                candidate.replace(thousands, "").replace(decimal, "."))
    return values


def decide_format(cells: Sequence[tuple[int, str]], column: str) -> NumberFormat | None:
    """The number format of a column from its (row number, text) cells.

    None when no cell depends on the format (only whole numbers without separators).
    Cells that are not numbers under either format are ignored here; the caller reports
    them. Raises :class:`NumberFormatError` for conflicting or undecidable columns.
    """
    evidence: dict[NumberFormat, list[_Reading]] = {f: [] for f in NumberFormat}
    ambiguous: list[_Reading] = []
    for row, text in cells:
        values = _readings(text)
        if not values:
            continue
        reading = _Reading(row, text, values)
        if len(values) == 1:
            evidence[next(iter(values))].append(reading)
        elif len(set(values.values())) > 1:
            ambiguous.append(reading)
    point, comma = evidence[NumberFormat.DECIMAL_POINT], evidence[NumberFormat.DECIMAL_COMMA]
    if point and comma:
        return _refuse_conflict(point[0], comma[0], column)
    if point:
        return NumberFormat.DECIMAL_POINT
    if comma:
        return NumberFormat.DECIMAL_COMMA
    if ambiguous:
        raise NumberFormatError([
            f"row {r.row}, column {column}: {r.text!r} reads as "
            f"{_show(r.values[NumberFormat.DECIMAL_POINT])} with a decimal point and as "
            f"{_show(r.values[NumberFormat.DECIMAL_COMMA])} with a decimal comma, and no "
            "other value in the column tells which; write it without a thousands "
            "separator" for r in ambiguous])
    return None


def _refuse_conflict(point: _Reading, comma: _Reading, column: str) -> NumberFormat:
    raise NumberFormatError([
        f"column {column} mixes number formats: row {point.row} ({point.text!r}) uses a "
        f"decimal point, row {comma.row} ({comma.text!r}) a decimal comma; use one format "
        "in the whole column"])


def _show(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def read_number(text: str, number_format: NumberFormat | None) -> float | None:
    """The number ``text`` stands for in ``number_format``; None if it is not a number.

    ``number_format`` None (the column has no separators at all) accepts only cells that
    read the same under both formats.
    """
    values = _readings(text)
    if number_format is None:
        distinct = set(values.values())
        value = distinct.pop() if len(distinct) == 1 else None
    else:
        value = values.get(number_format)
    if value is None or not math.isfinite(value):
        return None
    return value
