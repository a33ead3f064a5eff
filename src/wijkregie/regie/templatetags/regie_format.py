"""Dutch number formatting for the plan of approach (grouping, decimal comma)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


def nl_number(value: float | Decimal | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return formats.number_format(round(float(value), decimals), decimal_pos=decimals,
                                 use_l10n=True, force_grouping=True)


@register.filter
def num(value: float | Decimal | None, decimals: int = 1) -> str:
    return nl_number(value, decimals)


@register.filter
def euro(value: float | Decimal | None) -> str:
    return "—" if value is None else f"€ {nl_number(value, 0)}"
