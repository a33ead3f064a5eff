"""Rendering of disclosed figures; filters rather than includes, since a profile shows
thousands of figures and an include costs far more than a function call."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wijkregie.figures.selectors import SeriesPoint

register = template.Library()


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """Translated titles, once per language rather than once per figure."""
    return {"suppressed": _("withheld for confidentiality"), "missing": _("no figure"),
            "derived_title": _("aggregated from the buurten"), "derived": _("(derived)")}


@register.filter
def figure(point: SeriesPoint | None) -> SafeString:
    """A figure as shown, with its status for styling and a note when derived."""
    labels = _labels(get_language())
    if point is None:
        return format_html('<span class="figure figure-missing" title="{}">.</span>',
                           labels["missing"])
    title = labels.get(point.status) if point.status in ("suppressed", "missing") else None
    html = format_html('<span class="figure figure-{}"{}>{}</span>', point.status,
                       format_html(' title="{}"', title) if title else "", point.text)
    if point.derived:
        html = format_html('{} <span class="derived" title="{}">{}</span>', html,
                           labels["derived_title"], labels["derived"])
    return html


@register.filter
def year_table(series: Sequence[SeriesPoint], caption: str) -> SafeString:
    """The figures per year behind a trend line, as an accessible table."""
    rows = format_html_join("", '<tr><td>{}</td><td class="num">{}</td></tr>',
                            ((p.year, figure(p)) for p in series))
    return format_html(
        '<table class="data"><caption class="visually-hidden">{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        caption, _("Year"), _("Value"), rows)
