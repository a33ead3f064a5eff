"""Number formats of the impact pages (Dutch grouping, as in the PDF)."""

from __future__ import annotations

from django import template

from wijkregie.impact.charts import euro as _euro

register = template.Library()


@register.filter
def euro(value: float | None) -> str:
    return _euro(value)


@register.filter
def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}".replace(".", ",")


@register.filter
def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}".replace(".", ",")


@register.filter
def number(value: float | None) -> str:
    """Short plain number for parameters and break-even values."""
    return "n/a" if value is None else f"{value:,.4g}".replace(",", " ")


@register.filter
def get(mapping: dict, key: str):  # type: ignore[no-untyped-def]
    return mapping.get(key) if mapping else None
