"""Ex-post comparison: the indicator path an analysis assumed beside the observed figures.

An effect may name an indicator with a baseline (value in the base year) and an
assumed change per year; the assumed path is ``baseline + change x (year - base year)``.
The observed series comes from the figures capability for the analysis' programme
area (disclosed figures only; suppressed and missing years stay marked as such).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkregie.core.models import User
from wijkregie.figures.selectors import SeriesPoint, find_indicator, observed_series

from . import charts
from .models import Analysis
from .scenario import Scenario

LEAD_YEARS = 3  # observed years before the base year shown as context
COLOURS = ("#d08b2c", "#6a3d9a", "#b03a2e")
OBSERVED_COLOUR = "#1f4e79"


@dataclass(frozen=True)
class Assumption:
    alternative: str
    effect: str
    baseline: float
    change_per_year: float

    def value(self, year: int, base_year: int) -> float | None:
        return None if year < base_year else self.baseline + self.change_per_year * (
            year - base_year)


@dataclass(frozen=True)
class IndicatorComparison:
    key: str
    name: str
    assumptions: tuple[Assumption, ...]
    rows: tuple[tuple[int, tuple[float | None, ...], SeriesPoint | None], ...]
    chart: SafeString


def assumptions_by_indicator(scenario: Scenario) -> dict[str, list[Assumption]]:
    found: dict[str, list[Assumption]] = {}
    for alt in scenario.alternatives:
        for measure in alt.measures:
            for effect in measure.effects:
                ind = effect.indicator
                if ind is None or ind.baseline is None or ind.change_per_year is None:
                    continue
                found.setdefault(ind.key, []).append(
                    Assumption(alt.name, effect.name, ind.baseline, ind.change_per_year))
    return found


def ex_post_for(user: User, analysis: Analysis,
                scenario: Scenario) -> list[IndicatorComparison]:
    """One comparison per indicator that has assumptions and observed figures."""
    if not user.has_perm("figures.view_indicator"):
        return []
    base, last = scenario.base_year, scenario.base_year + scenario.horizon_years - 1
    out = []
    for key, assumptions in assumptions_by_indicator(scenario).items():
        observed = {p.year: p for p in observed_series(
            user, indicator_key=key, programme_area=analysis.programme_area)}
        if not observed:
            continue
        indicator = find_indicator(user, key)
        first = max(min(observed), base - LEAD_YEARS)
        end = min(last, max(max(observed), base))
        years = range(min(first, base), end + 1)
        rows = tuple((y, tuple(a.value(y, base) for a in assumptions), observed.get(y))
                     for y in years)
        series = [(_("observed"), [(y, p.value if p else None) for y, _a, p in rows],
                   OBSERVED_COLOUR)]
        series += [(_("assumed: %(alternative)s") % {"alternative": a.alternative},
                    [(y, a.value(y, base)) for y in years], COLOURS[i % len(COLOURS)])
                   for i, a in enumerate(assumptions)]
        name = key if indicator is None else (
            f"{indicator} ({indicator.unit})" if indicator.unit else str(indicator))
        out.append(IndicatorComparison(
            key=key, name=str(name), assumptions=tuple(assumptions), rows=rows,
            chart=charts.lines(series, _("Assumed and observed values of %(name)s")
                               % {"name": name})))
    return out
