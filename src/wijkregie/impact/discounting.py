"""Discounting, price levels and the scalar financial measures of an MKBA.

All amounts are real (constant prices of one base price level); the discount
rates are real rates.  Year ``t`` counts from the discounting base year, so the
base year itself is undiscounted (``t = 0``), as in numpy-financial.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

# Real discount rates prescribed for Dutch MKBA/SCBA (Rijksoverheid, "Rapport
# werkgroep discontovoet 2020", applicable from 1 January 2021; and the 2015
# working group, applicable from 1 April 2016 to the end of 2020).
DISCOUNT_PRESETS: dict[str, float] = {
    # 2.25 % = risk-free -1 % + risk premium 3.25 %.
    "nl-2021": 0.0225,
    # 3 % = risk-free 0 % + risk premium 3 %.
    "nl-2016": 0.03,
    # 4.5 % for public physical investments (risk premium 4.5 %).
    "nl-2016-physical": 0.045,
}


@dataclass(frozen=True)
class PriceIndex:
    """Editable price index (year -> index) used to express amounts in one price level.

    An amount ``a`` of price level ``Y`` in base level ``B`` is
    ``a * index[B] / index[Y]``.
    """

    base_level: int
    index: Mapping[int, float]

    def factor(self, price_level: int) -> float:
        """Multiplier converting price level ``price_level`` to the base level."""
        if price_level == self.base_level:
            return 1.0
        return float(self.index[self.base_level]) / float(self.index[price_level])

    def can_convert(self, price_level: int) -> bool:
        """Whether ``price_level`` is the base level or both levels are indexed."""
        return price_level == self.base_level or (
            price_level in self.index and self.base_level in self.index
        )


def discount_factors(rate: float | np.ndarray, n_years: int) -> np.ndarray:
    """Discount factors ``(1 + r)^-t`` for ``t = 0 .. n_years - 1``.

    ``rate`` may be an array of shape ``(D,)``; the result then has shape ``(D, n_years)``.
    """
    t = np.arange(n_years, dtype=float)
    r = np.asarray(rate, dtype=float)
    return np.exp(-np.multiply.outer(np.log1p(r), t))


def npv(rate: float, values: Sequence[float] | np.ndarray) -> float:
    """Net present value ``sum_t v_t / (1 + r)^t`` with the first value at ``t = 0``.

    Divides rather than multiplies by discount factors so the result matches
    numpy-financial to the last bits.
    """
    v = np.asarray(values, dtype=float)
    return float((v / (1.0 + rate) ** np.arange(v.size)).sum())


def perpetuity_value(amount: float, rate: float, growth: float = 0.0) -> float:
    """Value one period before the first payment of ``amount`` growing at ``growth`` forever.

    Gordon formula ``a / (r - g)``; requires ``r > g``.
    """
    if rate <= growth:
        raise ValueError(f"perpetuity needs rate > growth (rate={rate}, growth={growth})")
    return amount / (rate - growth)


def tail_weight(rate: float, growth: float) -> float:
    """Multiplier of the last-year flow for a perpetuity after the horizon.

    The flow ``c`` of the last year ``T-1`` continues as ``c (1+g)^k`` in year
    ``T-1+k`` (``k >= 1``); valued at ``T-1`` that is ``c (1+g) / (r-g)``.
    """
    return perpetuity_value(1.0 + growth, rate, growth)


def irr(values: Sequence[float] | np.ndarray) -> float | None:
    """Internal rate of return: the unique ``r > -1`` with ``npv(r, values) == 0``.

    ``None`` when the flows never change sign or no single root exists.  With one
    sign change Descartes' rule guarantees exactly one root, found by bracketing
    and Brent's method.  Otherwise the positive real roots of ``sum_t v_t x^t``
    (``x = 1/(1+r)``, companion-matrix eigenvalues) are counted and a unique one
    is polished with Brent's method.
    """
    v = np.trim_zeros(np.asarray(values, dtype=float), "b")
    signs = np.sign(v[v != 0])
    changes = int(np.count_nonzero(signs[1:] != signs[:-1]))
    if changes == 0:
        return None
    if changes == 1:
        bracket = _bracket(v)
        return None if bracket is None else _brent(v, *bracket)
    with np.errstate(all="ignore"):
        roots = np.roots(v[::-1])
    roots = roots[np.isfinite(roots)]
    scale = max(1.0, float(np.max(np.abs(roots)))) if roots.size else 1.0
    real = roots[np.abs(roots.imag) <= 1e-9 * scale].real
    positive = np.unique(np.round(real[real > 0], 12))
    if positive.size != 1:
        return None
    rate = 1.0 / positive[0] - 1.0
    step = 1e-6 * max(1.0, abs(1.0 + rate))
    lo, hi = max(rate - step, -1.0 + 1e-12), rate + step
    return _brent(v, lo, hi) if npv(lo, v) * npv(hi, v) <= 0 else float(rate)


# Candidate bracket ends for the IRR, from near -100 % up to +10^11 %.
_LOW_RATES = (0.0, -0.5, -0.9, -0.99, -0.999, -0.9999, -1 + 1e-6, -1 + 1e-9)
_HIGH_RATES = (0.0, 0.1, 1.0, 10.0, 100.0, 1e4, 1e6, 1e9)


def _bracket(values: np.ndarray) -> tuple[float, float] | None:
    """Rates ``lo < hi`` with opposite NPV signs, or ``None`` if none is found."""
    with np.errstate(all="ignore"):
        for lo in _LOW_RATES:
            for hi in _HIGH_RATES:
                if lo < hi and npv(lo, values) * npv(hi, values) <= 0:
                    return lo, hi
    return None


def _brent(values: np.ndarray, lo: float, hi: float) -> float:
    with np.errstate(all="ignore"):
        return float(brentq(lambda r: npv(r, values), lo, hi, xtol=1e-15,
                            rtol=4 * np.finfo(float).eps, maxiter=500))


def payback_index(discounted_net: np.ndarray) -> int | None:
    """Index of the first year from which the cumulative discounted net flow stays >= 0.

    ``None`` when the cumulative balance is negative at the end of the horizon.
    """
    cumulative = np.cumsum(discounted_net)
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0
    last = int(negative[-1])
    return None if last == cumulative.size - 1 else last + 1
