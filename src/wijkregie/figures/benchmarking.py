"""Benchmark an area's value against the city, chosen per indicator.

Every method returns a :class:`Benchmark`: a ``score`` (number for colouring scales), a
``label`` and a CSS-ready ``colour_class`` (``bench-<label>``). Labels respect polarity:
``much_better``/``better``/``average``/``worse``/``much_worse`` when higher is better or
worse, and ``much_higher``/``higher``/``average``/``lower``/``much_lower`` when neutral.

* Rotterdam (:func:`rotterdam_benchmark`): score = 100 + k · s · (x - m₀)/sd₀ with m₀, sd₀
  the city's mean and standard deviation over areas in the base year, s = +1
  (higher is better or neutral) or -1 (higher is worse) and k = :data:`ROTTERDAM_SCALE`
  = 20 index points per standard deviation. Four bands, as the Wijkprofiel colours
  them: ``score > 110`` better, ``90 ≤ score ≤ 110`` average, ``70 ≤ score < 90``
  worse, ``score < 70`` much worse. With k = 20 these are ±0.5 SD and -1.5 SD: for
  roughly normal figures in the base year about 31 % better, 38 % average, 24 % worse
  and 7 % much worse — the dark yellow marks the weakest areas, as in the Wijkprofiel.
  (With k = 10, "< 70" meant three SDs below the mean: 6 of 2,880 figures.)
* Amsterdam (:func:`amsterdam_benchmark`): score = z = (x - m)/sd of the current year;
  oriented z' = s · z. ``z' > 1`` much better, ``average_band < z' ≤ 1`` better,
  ``|z'| ≤ average_band`` average, ``-1 ≤ z' < -average_band`` worse, ``z' < -1`` much
  worse ("strong" = strictly beyond one standard deviation). The average band is
  :data:`AMSTERDAM_AVERAGE_BAND` = 0.5 SD: about 16 / 15 / 38 / 15 / 16 % over the five
  colours for normal figures. (A band of width zero was "average" for 1 of 7,680.)
* Fixed reference (:func:`reference_benchmark`): score = x / target (``ratio``) or
  x - target (``difference``); see its docstring for the labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Benchmark",
    "Polarity",
    "ReferenceMode",
    "amsterdam_benchmark",
    "reference_benchmark",
    "rotterdam_benchmark",
    "rotterdam_score",
]


# Defaults for the colours (see the module docstring for the distributions they give).
ROTTERDAM_SCALE = 20.0
AMSTERDAM_AVERAGE_BAND = 0.5


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        return -1 if self is Polarity.HIGHER_IS_WORSE else 1


class ReferenceMode(StrEnum):
    RATIO = "ratio"
    DIFFERENCE = "difference"


@dataclass(frozen=True)
class Benchmark:
    score: float
    label: str
    colour_class: str


_JUDGED = ("much_worse", "worse", "average", "better", "much_better")
_NEUTRAL = ("much_lower", "lower", "average", "higher", "much_higher")


def rotterdam_score(
    value: float, base_mean: float, base_sd: float, polarity: Polarity | str, scale: float = 10.0
) -> float:
    """100 + scale · sign · (value - base_mean) / base_sd; 100 = base-year city average."""
    if base_sd <= 0:
        raise ValueError("base_sd must be positive")
    return 100.0 + scale * Polarity(polarity).sign * (value - base_mean) / base_sd


def rotterdam_benchmark(
    value: float, base_mean: float, base_sd: float, polarity: Polarity | str,
    scale: float = ROTTERDAM_SCALE,
) -> Benchmark:
    polarity = Polarity(polarity)
    score = rotterdam_score(value, base_mean, base_sd, polarity, scale)
    return _benchmark(score, _rotterdam_step(score), polarity)


def amsterdam_benchmark(
    value: float,
    city_mean: float,
    city_sd: float,
    polarity: Polarity | str,
    *,
    average_band: float = AMSTERDAM_AVERAGE_BAND,
) -> Benchmark:
    """z-score against the current city mean; ``average_band`` widens "average" (|z'| ≤ it)."""
    polarity = Polarity(polarity)
    if city_sd <= 0:
        raise ValueError("city_sd must be positive")
    if not 0 <= average_band < 1:
        raise ValueError("average_band must be in [0, 1)")
    z = (value - city_mean) / city_sd
    return _benchmark(z, _amsterdam_step(polarity.sign * z, average_band), polarity)


def reference_benchmark(
    value: float,
    target: float,
    polarity: Polarity | str,
    *,
    mode: ReferenceMode | str = ReferenceMode.RATIO,
    tolerance: float = 0.0,
) -> Benchmark:
    """Compare with a fixed target (a policy norm, the national figure).

    deviation d = x/target - 1 (ratio) or x - target (difference), oriented d' = s · d.
    ``d' ≥ 0`` better (target met; ``average`` when d = 0 exactly), ``-tolerance ≤ d' < 0``
    average (close enough), ``d' < -tolerance`` worse. Neutral: ``|d| ≤ tolerance``
    average, else higher/lower. The score is x/target or x - target.
    """
    polarity = Polarity(polarity)
    mode = ReferenceMode(mode)
    if mode is ReferenceMode.RATIO:
        if target == 0:
            raise ValueError("a ratio needs a non-zero target")
        score, deviation = value / target, value / target - 1.0
    else:
        score, deviation = value - target, value - target
    return _benchmark(score, _reference_step(deviation, polarity, tolerance), polarity)


def _rotterdam_step(score: float) -> int:
    """Oriented steps -2..1; the score is already oriented by polarity."""
    if score > 110:
        return 1
    if score >= 90:
        return 0
    if score >= 70:
        return -1
    return -2


def _amsterdam_step(oriented_z: float, average_band: float) -> int:
    if oriented_z > 1:
        return 2
    if oriented_z > average_band:
        return 1
    if oriented_z >= -average_band:
        return 0
    if oriented_z >= -1:
        return -1
    return -2


def _reference_step(deviation: float, polarity: Polarity, tolerance: float) -> int:
    if polarity is Polarity.NEUTRAL:
        if abs(deviation) <= tolerance:
            return 0
        return 1 if deviation > 0 else -1
    oriented = polarity.sign * deviation
    if oriented > 0:
        return 1
    return 0 if oriented >= -tolerance else -1


def _benchmark(score: float, step: int, polarity: Polarity) -> Benchmark:
    """For neutral indicators the step is a direction (higher/lower), not a judgement."""
    labels = _NEUTRAL if polarity is Polarity.NEUTRAL else _JUDGED
    label = labels[step + 2]
    return Benchmark(score, label, f"bench-{label}")
