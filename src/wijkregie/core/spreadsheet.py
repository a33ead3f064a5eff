"""Rows into openpyxl sheets with user text kept as text.

openpyxl stores any string that starts with "=" as a formula, so a name or narrative a
user typed ("=HYPERLINK(...)") would run in the reader's spreadsheet program. Every
export appends its rows through :func:`append_text_safe`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet


def append_text_safe(sheet: Worksheet, row: Iterable[Any]) -> None:
    """``sheet.append(row)``, with every string cell stored as a string, never a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
