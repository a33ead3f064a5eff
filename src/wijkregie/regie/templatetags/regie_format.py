"""Dutch number formatting for the plan of approach (grouping, decimal comma)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from wijkregie.regie.models import Plan

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


def share_as_percent(share: float) -> str:
    """0.825 → "82,5": a band as the percentage people set it in (no trailing zeros)."""
    return f"{share * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")


@register.filter
def percent(share: float) -> str:
    return share_as_percent(share)


@register.simple_tag
def bands_sentence(plan: Plan) -> str:
    """How the plan's traffic lights are set (its bands), for its pages and its report."""
    return _("Traffic light: green when a goal achieved at least %(green)s %% of the "
             "progress planned from its baseline to its milestone, amber from %(amber)s %%, "
             "red below that.") % {"green": share_as_percent(plan.green_from),
                                   "amber": share_as_percent(plan.amber_from)}
