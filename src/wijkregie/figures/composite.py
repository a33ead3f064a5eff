"""Composite index in the manner of Rotterdam's Wijkprofiel (see docs/analysts/composite-index.md).

Structure: pillar (safety / social / physical) -> theme -> half (objective = registered,
subjective = survey) -> indicators.

1. Indicator score, per area a and indicator k with polarity sign s_k (+1 higher is
   better, -1 higher is worse)::

       score_ak = 100 + scale · s_k · (x_ak - mean_k) / sd_k

   mean_k and sd_k are the unweighted mean and population standard deviation (ddof=0)
   of the indicator over the city's areas **in the base year**, so 100 is "the city
   average of the base year" and later years show change against that fixed yardstick.
2. Theme half = unweighted mean of its indicator scores.
3. Pillar half (objective / subjective) = unweighted mean of that half's theme scores.
4. Pillar index = mean of its objective and subjective halves (survey counts for 50 %).
   Theme total = mean of its two halves (for the theme view).

Missing values are explicit: a level is the mean of the children that are present,
provided at least ``min_coverage`` of its children are present; otherwise it is None.
Every level reports ``present`` / ``expected`` children and the share of indicators
underneath that had a value (``indicator_coverage``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from wijkregie.figures.benchmarking import Polarity, rotterdam_score

__all__ = [
    "AreaComposite",
    "BaseStatistics",
    "CompositeSpec",
    "Half",
    "IndicatorSpec",
    "LevelScore",
    "base_statistics",
    "compute_composite",
]


class Half(StrEnum):
    OBJECTIVE = "objective"
    SUBJECTIVE = "subjective"


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    pillar: str
    theme: str
    half: Half
    polarity: Polarity

    def __post_init__(self) -> None:
        if self.polarity is Polarity.NEUTRAL:
            raise ValueError(f"{self.key}: a composite index needs a direction (not neutral)")


@dataclass(frozen=True)
class CompositeSpec:
    indicators: tuple[IndicatorSpec, ...]
    scale: float = 10.0
    min_coverage: float = 0.5

    def __post_init__(self) -> None:
        keys = [spec.key for spec in self.indicators]
        if len(set(keys)) != len(keys):
            raise ValueError("an indicator may appear only once in a composite")
        if not 0 < self.min_coverage <= 1:
            raise ValueError("min_coverage must be in (0, 1]")


@dataclass(frozen=True)
class BaseStatistics:
    mean: float
    sd: float


@dataclass(frozen=True)
class LevelScore:
    score: float | None
    present: int
    expected: int
    indicator_coverage: float


@dataclass(frozen=True)
class AreaComposite:
    area: str
    indicator_scores: dict[str, float | None]
    theme_halves: dict[tuple[str, str, Half], LevelScore]
    themes: dict[tuple[str, str], LevelScore]
    pillar_halves: dict[tuple[str, Half], LevelScore]
    pillars: dict[str, LevelScore]


Values = Mapping[str, Mapping[str, float | None]]  # area -> indicator key -> value
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def base_statistics(spec: CompositeSpec, base_year: Values) -> dict[str, BaseStatistics]:
    """Mean and population SD per indicator over the areas of the base year.

    Indicators with fewer than two values or zero spread cannot be scaled and are left
    out; :func:`compute_composite` then treats them as missing everywhere.
    """
    result: dict[str, BaseStatistics] = {}
    for indicator in spec.indicators:
        present = [
            value
            for area_values in base_year.values()
            if (value := area_values.get(indicator.key)) is not None and not math.isnan(value)
        ]
        if len(present) < 2:
            continue
        mean = math.fsum(present) / len(present)
        sd = math.sqrt(math.fsum((value - mean) ** 2 for value in present) / len(present))
        if sd > 0:
            result[indicator.key] = BaseStatistics(mean, sd)
    return result


def compute_composite(
    spec: CompositeSpec, values: Values, base: Mapping[str, BaseStatistics]
) -> dict[str, AreaComposite]:
    """Scores for every area in ``values`` (one year) against ``base`` (the base year)."""
    return {
        area: _area_composite(spec, area, area_values, base) for area, area_values in values.items()
    }


def _area_composite(
    spec: CompositeSpec,
    area: str,
    area_values: Mapping[str, float | None],
    base: Mapping[str, BaseStatistics],
) -> AreaComposite:
    scores = {
        indicator.key: _indicator_score(indicator, area_values.get(indicator.key), base, spec)
        for indicator in spec.indicators
    }
    theme_halves = {
        key: _mean_of_children([_leaf(scores[i.key]) for i in members], spec.min_coverage)
        for key, members in _group(spec.indicators, lambda i: (i.pillar, i.theme, i.half))
    }
    themes = {
        key: _mean_of_children(
            [theme_halves[(*key, half)] for half in Half if (*key, half) in theme_halves],
            spec.min_coverage,
        )
        for key in dict.fromkeys((pillar, theme) for pillar, theme, _ in theme_halves)
    }
    pillar_halves = {
        key: _mean_of_children([theme_halves[t] for t in members], spec.min_coverage)
        for key, members in _group(theme_halves, lambda t: (t[0], t[2]))
    }
    pillars = {
        pillar: _mean_of_children(
            [pillar_halves[(pillar, half)] for half in Half if (pillar, half) in pillar_halves],
            spec.min_coverage,
        )
        for pillar in dict.fromkeys(pillar for pillar, _ in pillar_halves)
    }
    return AreaComposite(area, scores, theme_halves, themes, pillar_halves, pillars)


def _indicator_score(
    indicator: IndicatorSpec,
    value: float | None,
    base: Mapping[str, BaseStatistics],
    spec: CompositeSpec,
) -> float | None:
    stats = base.get(indicator.key)
    if value is None or math.isnan(value) or stats is None:
        return None
    return rotterdam_score(value, stats.mean, stats.sd, indicator.polarity, spec.scale)


def _leaf(score: float | None) -> LevelScore:
    present = int(score is not None)
    return LevelScore(score, present, 1, float(present))


def _mean_of_children(children: Sequence[LevelScore], min_coverage: float) -> LevelScore:
    """Unweighted mean of present children (reweighting among them), or None when too
    few are present. Indicator coverage averages the children's, so each child counts
    as much as it counts in the score."""
    present = [child.score for child in children if child.score is not None]
    coverage = math.fsum(child.indicator_coverage for child in children) / len(children)
    enough = len(present) / len(children) >= min_coverage
    score = math.fsum(present) / len(present) if present and enough else None
    return LevelScore(score, len(present), len(children), coverage)


def _group(items: Iterable[T], key_of: Callable[[T], K]) -> list[tuple[K, list[T]]]:
    """Group in first-seen order (keeps the configured order of pillars and themes)."""
    groups: dict[K, list[T]] = {}
    for item in items:
        groups.setdefault(key_of(item), []).append(item)
    return list(groups.items())
