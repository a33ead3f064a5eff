"""Rendering of disclosed figures; filters rather than includes, since a profile shows
thousands of figures and an include costs far more than a function call."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wijkregie.figures.selectors import SeriesPoint

register = template.Library()


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """Translated titles, once per language rather than once per figure."""
    return {"suppressed": _("withheld for confidentiality"), "missing": _("no figure"),
            "derived_title": _("aggregated from the buurten"), "derived": _("(derived)"),
            "year": _("Year"), "value": _("Value")}


@register.filter
def figure(point: SeriesPoint | None) -> SafeString:
    """A figure as shown, with its status for styling and a note when derived."""
    return mark_safe(_figure_html(point, _labels(get_language())))


def _figure_html(point: SeriesPoint | None, labels: dict[str, str]) -> str:
    # Plain string building with escaping: format_html per figure dominated profiles.
    if point is None:
        return f'<span class="figure figure-missing" title="{escape(labels["missing"])}">.</span>'
    title = labels.get(point.status) if point.status in ("suppressed", "missing") else None
    title_attr = f' title="{escape(title)}"' if title else ""
    html = (f'<span class="figure figure-{escape(point.status)}"{title_attr}>'
            f"{escape(point.text)}</span>")
    if point.derived:
        html += (f' <span class="derived" title="{escape(labels["derived_title"])}">'
                 f'{escape(labels["derived"])}</span>')
    return html


@register.filter
def year_table(series: Sequence[SeriesPoint], caption: str) -> SafeString:
    """The figures per year behind a trend line, as an accessible table."""
    labels = _labels(get_language())
    rows = "".join(f'<tr><td>{p.year}</td><td class="num">{_figure_html(p, labels)}</td></tr>'
                   for p in series)
    return mark_safe(
        f'<table class="data"><caption class="visually-hidden">{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(labels["year"])}</th><th scope="col">'
        f'{escape(labels["value"])}</th></tr></thead><tbody>{rows}</tbody></table>')
