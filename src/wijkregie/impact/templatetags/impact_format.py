"""Number formats of the impact pages, in the format of the interface language: Dutch
(1.234,5 and 12,5%) in the Dutch interface, English (1,234.5 and 12.5%) in English."""

from __future__ import annotations

import math
from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


def _localized(value: float, decimals: int) -> str:
    """A rounded number with the active language's decimal mark and digit grouping."""
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True,
                                 force_grouping=True)


@register.filter
def euro(value: float | None, decimals: int = 0) -> str:
    """Whole euros by default; ``|euro:2`` for a unit value, whose cents are its source's."""
    if value is None:
        return "n/a"
    sign = "-" if round(value, decimals) < 0 else ""
    return f"{sign}€ {_localized(abs(value), decimals)}"


@register.filter
def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{_localized(value * 100, 1)}%"


@register.filter
def ratio(value: float | None) -> str:
    return "n/a" if value is None else _localized(value, 2)


@register.filter
def number(value: float | None) -> str:
    """Short plain number (four significant digits, no exponent) for parameters,
    assumed indicator paths and break-even values."""
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    digits = 3 - math.floor(math.log10(abs(value)))  # negative: rounds to tens, hundreds…
    decimals = max(0, digits)
    plain = f"{round(value, digits):.{decimals}f}"
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return formats.number_format(Decimal(plain), use_l10n=True, force_grouping=True)


@register.filter
def get(mapping: dict, key: str):  # type: ignore[no-untyped-def]
    return mapping.get(key) if mapping else None
