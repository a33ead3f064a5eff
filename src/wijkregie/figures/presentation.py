"""Turning disclosed figures into what a page shows: benchmark colours and labels."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wijkregie.figures import benchmarking
from wijkregie.figures.models import BenchmarkMethod, Indicator
from wijkregie.figures.selectors import SeriesPoint, Statistic

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


class Benchmarker:
    """Colours shown figures by each indicator's benchmark method, against the city
    statistics of one municipality (indexed once: a profile colours 150 indicators)."""

    def __init__(self, stats: dict[tuple[int, int], Statistic]) -> None:
        self.stats = stats
        years: dict[int, list[int]] = defaultdict(list)
        for indicator_id, year in stats:
            years[indicator_id].append(year)
        self.first_year = {indicator_id: min(ys) for indicator_id, ys in years.items()}

    def colour(self, indicator: Indicator, point: SeriesPoint | None) -> Coloured:
        """Hidden and missing figures get no colour."""
        if point is None or point.value is None:
            return NO_COLOUR
        result = self._benchmark(indicator, point)
        if result is None:
            return NO_COLOUR
        return Coloured(result.colour_class,
                        str(BENCHMARK_LABELS.get(result.label, result.label)), result.score)

    def _benchmark(self, indicator: Indicator, point: SeriesPoint
                   ) -> benchmarking.Benchmark | None:
        assert point.value is not None
        if indicator.benchmark_method == BenchmarkMethod.REFERENCE:
            if not indicator.reference_value:
                return None
            return benchmarking.reference_benchmark(point.value, indicator.reference_value,
                                                    indicator.polarity)
        if indicator.benchmark_method == BenchmarkMethod.ROTTERDAM:
            base = self._base_statistic(indicator)
            if base is None or base.sd <= 0:
                return None
            return benchmarking.rotterdam_benchmark(point.value, base.mean, base.sd,
                                                    indicator.polarity)
        current = self.stats.get((indicator.pk, point.year))
        if current is None or current.sd <= 0:
            return None
        return benchmarking.amsterdam_benchmark(point.value, current.mean, current.sd,
                                                indicator.polarity)

    def _base_statistic(self, indicator: Indicator) -> Statistic | None:
        """The base year's statistic; the first year with figures when that is absent."""
        base = self.stats.get((indicator.pk, indicator.base_year or -1))
        if base is None and indicator.pk in self.first_year:
            base = self.stats[(indicator.pk, self.first_year[indicator.pk])]
        return base


def latest(points: list[SeriesPoint]) -> SeriesPoint | None:
    return points[-1] if points else None

