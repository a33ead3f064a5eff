"""Rendering of disclosed figures; filters rather than includes, since a profile shows
thousands of figures and an include costs far more than a function call."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wijkregie.figures.disclosure import format_number
from wijkregie.figures.models import BenchmarkMethod
from wijkregie.figures.selectors import SeriesPoint

register = template.Library()


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """Translated titles, once per language rather than once per figure."""
    return {"suppressed": _("withheld for confidentiality"), "missing": _("no figure"),
            "derived_title": _("aggregated from the buurten"), "derived": _("(derived)"),
            "year": _("Year"), "value": _("Value"), "definition": _("Definition"),
            "source": _("Source"), "reference": _("Reference date"),
            "benchmark": _("Benchmark"), "map": _("map of this indicator"),
            "per_year": _("figures per year"),
            **{f"method:{value}": str(label) for value, label in BenchmarkMethod.choices}}


@register.filter
def figure(point: SeriesPoint | None) -> SafeString:
    """A figure as shown, with its status for styling and a note when derived."""
    return mark_safe(_figure_html(point, _labels(get_language())))  # nosec B308, B703 # all text escape()d


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
    return mark_safe(  # nosec B308, B703 # all text escape()d
        f'<table class="data"><caption class="visually-hidden">{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(labels["year"])}</th><th scope="col">'
        f'{escape(labels["value"])}</th></tr></thead><tbody>{rows}</tbody></table>')


@register.simple_tag
def profile_row(row: dict[str, Any], municipality_code: str) -> SafeString:
    """One indicator row of an area profile: 150 of these make a profile, and building
    them here costs a fraction of the same markup in template language."""
    labels = _labels(get_language())
    indicator, point = row["indicator"], row["point"]
    name = escape(indicator.name_nl)
    unit = f' <span class="unit">({escape(indicator.unit)})</span>' if indicator.unit else ""
    meta = "".join(
        f"<dt>{escape(labels[key])}</dt><dd>{escape(str(value or '—'))}</dd>"
        for key, value in (("definition", indicator.definition), ("source", indicator.source),
                           ("reference", indicator.reference_date),
                           ("benchmark", labels.get(f"method:{indicator.benchmark_method}"))))
    href = (f"/figures/indicators/{quote(indicator.key, safe='')}/"
            f"?municipality={quote(municipality_code)}")
    colour = row["colour"]
    national = row["national"]
    national_text = "."
    if national is not None and national.reference is not None:
        decimals = (indicator.disclosure or {}).get("decimals", indicator.decimals)
        national_text = format_number(national.reference, int(decimals))
    return mark_safe(  # nosec B308, B703 # all text escape()d
        f"<tr><th scope=\"row\"><details><summary>{name}{unit}</summary>"
        f'<dl class="meta">{meta}</dl><a href="{escape(href)}">{escape(labels["map"])}</a>'
        f"</details></th><td>{point.year}</td>"
        f'<td class="num">{_figure_html(point, labels)}</td>'
        f'<td><span class="bench {escape(colour.css)}">{escape(str(colour.label or "—"))}'
        f"</span></td><td>{row['sparkline']}<details class=\"trend-table\"><summary>"
        f"{escape(labels['per_year'])}</summary>{year_table(row['series'], indicator.name_nl)}"
        f'</details></td><td class="num">{_figure_html(row["city"], labels)}</td>'
        f'<td class="num">{national_text}</td></tr>')
