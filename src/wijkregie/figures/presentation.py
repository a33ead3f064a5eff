"""Turning disclosed figures into what a page shows: benchmark colours and labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wijkregie.figures import benchmarking
from wijkregie.figures.models import BenchmarkMethod, CityStatistic, Indicator
from wijkregie.figures.selectors import SeriesPoint

BENCHMARK_LABELS = {
    "much_worse": _("much worse than the city"), "worse": _("worse than the city"),
    "average": _("about average"), "better": _("better than the city"),
    "much_better": _("much better than the city"), "much_lower": _("much lower"),
    "lower": _("lower"), "higher": _("higher"), "much_higher": _("much higher"),
}


@dataclass(frozen=True)
class Coloured:
    css: str  # CSS class, e.g. "bench-worse"
    label: str
    score: float | None


NO_COLOUR = Coloured("bench-none", "", None)


def benchmark(indicator: Indicator, point: SeriesPoint | None,
              stats: dict[tuple[int, int], CityStatistic]) -> Coloured:
    """Colour a shown figure by the indicator's benchmark method; hidden figures get none."""
    if point is None or point.value is None:
        return NO_COLOUR
    result: benchmarking.Benchmark | None = None
    if indicator.benchmark_method == BenchmarkMethod.REFERENCE:
        if indicator.reference_value:
            result = benchmarking.reference_benchmark(point.value, indicator.reference_value,
                                                      indicator.polarity)
    elif indicator.benchmark_method == BenchmarkMethod.ROTTERDAM:
        base = _base_statistic(indicator, stats)
        if base is not None and base.sd > 0:
            result = benchmarking.rotterdam_benchmark(point.value, base.mean, base.sd,
                                                      indicator.polarity)
    else:
        current = stats.get((indicator.pk, point.year))
        if current is not None and current.sd > 0:
            result = benchmarking.amsterdam_benchmark(point.value, current.mean, current.sd,
                                                      indicator.polarity)
    if result is None:
        return NO_COLOUR
    return Coloured(result.colour_class, str(BENCHMARK_LABELS.get(result.label, result.label)),
                    result.score)


def _base_statistic(indicator: Indicator, stats: dict[tuple[int, int], CityStatistic]
                    ) -> CityStatistic | None:
    years = sorted(year for (ind, year) in stats if ind == indicator.pk)
    if not years:
        return None
    base_year = indicator.base_year if indicator.base_year in years else years[0]
    return stats[(indicator.pk, base_year)]


def latest(points: list[SeriesPoint]) -> SeriesPoint | None:
    return points[-1] if points else None

