"""Emerging hot spot analysis: space-time Gi*, Mann-Kendall trend, 17 categories.

Follows ArcGIS Pro's "How Emerging Hot Spot Analysis works". The rules are in
:func:`classify_emerging`; docs/analysts/hotspot-methods.md explains them for
analysts. No Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, stats

from ._gistar import fdr, gi_star
from ._weights import spacetime_weights

# Stable integer codes: positive = hot, negative = the cold mirror, 0 = no pattern.
CATEGORY_CODES: dict[str, int] = {
    "no_pattern": 0,
    "new_hot_spot": 1,
    "consecutive_hot_spot": 2,
    "intensifying_hot_spot": 3,
    "persistent_hot_spot": 4,
    "diminishing_hot_spot": 5,
    "sporadic_hot_spot": 6,
    "oscillating_hot_spot": 7,
    "historical_hot_spot": 8,
    "new_cold_spot": -1,
    "consecutive_cold_spot": -2,
    "intensifying_cold_spot": -3,
    "persistent_cold_spot": -4,
    "diminishing_cold_spot": -5,
    "sporadic_cold_spot": -6,
    "oscillating_cold_spot": -7,
    "historical_cold_spot": -8,
}
CATEGORY_NAMES: dict[int, str] = {code: name for name, code in CATEGORY_CODES.items()}

NEW, CONSECUTIVE, INTENSIFYING, PERSISTENT, DIMINISHING, SPORADIC, OSCILLATING, HISTORICAL = (
    range(1, 9)
)

# ArcGIS's "90 percent of the time-step intervals".
_MOSTLY = 0.9


@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall trend test per row: S, Kendall's tau (S / (T(T-1)/2)), z, two-sided p."""

    s: NDArray[np.float64]
    tau: NDArray[np.float64]
    z: NDArray[np.float64]
    p: NDArray[np.float64]


def mann_kendall(series: ArrayLike) -> MannKendall:
    """Mann-Kendall test on each row of ``series`` (cells x periods), with tie correction.

    ``S = sum_{i<j} sign(x_j - x_i)``;
    ``Var(S) = [T(T-1)(2T+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` over tie groups g
    of size t_g; ``z = (S - sign(S)) / sqrt(Var(S))`` (continuity correction);
    ``p = 2 (1 - Phi(|z|))``. Vectorised over rows by looping over the T-1 lags, so
    memory stays O(cells x T).
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    cells, t = x.shape
    s = np.zeros(cells)
    # group size of each element's tie group, counting itself
    tie_size = np.ones((cells, t))
    for lag in range(1, t):
        s += np.sign(x[:, lag:] - x[:, :-lag]).sum(axis=1)
        equal = x[:, lag:] == x[:, :-lag]
        tie_size[:, lag:] += equal
        tie_size[:, :-lag] += equal
    # A group of size g has g members each adding (g-1)(2g+5): g(g-1)(2g+5) in total.
    ties = ((tie_size - 1) * (2 * tie_size + 5)).sum(axis=1)
    var = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (s - np.sign(s)) / np.sqrt(var), 0.0)
    pairs = t * (t - 1) / 2.0
    tau = s / pairs if pairs else np.zeros(cells)
    return MannKendall(s=s, tau=tau, z=z, p=2.0 * stats.norm.sf(np.abs(z)))


def _final_run(flags: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Length of the uninterrupted run of True at the end of each row."""
    t = flags.shape[1]
    # Index of the last False, counted from the end; no False means the whole row.
    from_end = np.argmax(~flags[:, ::-1], axis=1)
    return np.where(flags.all(axis=1), t, from_end).astype(np.int64)


def _classify_side(
    on: NDArray[np.bool_], other: NDArray[np.bool_], trend: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Categories 1..8 for one side (hot, or cold with the arguments mirrored), 0 if none.

    ``on``: significant on this side per period; ``other``: significant on the
    opposite side; ``trend``: +1 when the clustering on this side significantly
    intensifies, -1 when it significantly weakens, 0 otherwise. Only rows whose
    final period is ``on`` get a category here; historical is decided by the caller
    because it is about rows whose final period is *not* on.
    """
    t = on.shape[1]
    share = on.sum(axis=1) / t
    final = on[:, -1]
    run = _final_run(on)
    only_final_run = run == on.sum(axis=1)
    out = np.zeros(on.shape[0], dtype=np.int64)
    mostly = final & (share >= _MOSTLY)
    out[mostly & (trend > 0)] = INTENSIFYING
    out[mostly & (trend < 0)] = DIMINISHING
    out[mostly & (trend == 0)] = PERSISTENT
    recent = final & (share < _MOSTLY)
    # A history of the opposite sign is the one thing oscillating records and the
    # other recent categories would hide, so it takes precedence over new/consecutive.
    flipped = recent & other.any(axis=1)
    out[flipped] = OSCILLATING
    clean = recent & ~flipped
    out[clean & only_final_run & (run == 1)] = NEW
    out[clean & only_final_run & (run >= 2)] = CONSECUTIVE
    out[clean & ~only_final_run] = SPORADIC
    return out


def classify_emerging(
    hot: ArrayLike, cold: ArrayLike, trend: ArrayLike
) -> NDArray[np.int64]:
    """Assign each cell one of the 17 ArcGIS Pro emerging hot spot categories.

    ``hot``/``cold``: booleans (cells x periods), bin significantly hot/cold;
    ``trend``: per cell +1 (significant increasing Gi* z trend), -1 (significant
    decreasing) or 0. Returns :data:`CATEGORY_CODES` integers. With T periods and
    "hot share" = hot bins / T (rules for cold mirror them, with the trend sign
    flipped: an intensifying cold spot has a decreasing z):

    - new: final period hot, no earlier hot period.
    - consecutive: a single run of >= 2 hot periods ending in the final period, no
      hot period before the run, hot share < 90 %.
    - intensifying: hot share >= 90 %, final period hot, significant increasing trend.
    - persistent: hot share >= 90 %, final period hot, no significant trend.
    - diminishing: hot share >= 90 %, final period hot, significant decreasing trend.
    - sporadic: final period hot, earlier hot periods outside the final run
      (on-again off-again), hot share < 90 %, never significantly cold.
    - oscillating: final period hot, at least one earlier significantly cold period,
      hot share < 90 %.
    - historical: final period not hot, hot share >= 90 %.

    Where ArcGIS's wording lets two categories match, the choices are: the state in
    the final period decides first (a cell hot now is never historical cold, nor
    "persistent" when it is not hot now, which makes persistent require a hot final
    period like its siblings intensifying and diminishing); and a cold history makes
    a hot cell oscillating even when its hot run is new or consecutive.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    trend = np.asarray(trend, dtype=np.int64)
    if hot.ndim != 2 or hot.shape != cold.shape or trend.shape != hot.shape[:1]:
        raise ValueError("hot and cold must be (cells, periods) and trend (cells,)")
    codes = _classify_side(hot, cold, trend) - _classify_side(cold, hot, -trend)
    undecided = codes == 0
    t = hot.shape[1]
    codes[undecided & (hot.sum(axis=1) >= _MOSTLY * t)] = HISTORICAL
    codes[undecided & (cold.sum(axis=1) >= _MOSTLY * t)] = -HISTORICAL
    return codes


@dataclass(frozen=True)
class EmergingResult:
    """Per-cell emerging hot spot output; arrays are indexed by cell id.

    ``code``/``category``: integer and name (see :data:`CATEGORY_CODES`);
    ``mk_tau``, ``mk_z``, ``mk_p``: Mann-Kendall on the cell's Gi* z series;
    ``gi_z``, ``gi_p`` (cells x periods): space-time Gi* per bin (``gi_p`` is the
    two-sided p-value used for significance: ``min(1, 2 p_sim)`` with
    permutations, else ``p_norm``);
    ``p_threshold``: the cut-off applied to ``gi_p`` (FDR-adjusted or ``alpha``);
    ``analysed``: False for cells left out (no events in any period, when
    ``drop_empty``), which get ``no_pattern`` and NaN statistics.
    """

    code: NDArray[np.int64]
    category: NDArray[np.str_]
    mk_tau: NDArray[np.float64]
    mk_z: NDArray[np.float64]
    mk_p: NDArray[np.float64]
    gi_z: NDArray[np.float64]
    gi_p: NDArray[np.float64]
    p_threshold: float
    analysed: NDArray[np.bool_]


def emerging_hotspots(
    counts: ArrayLike,
    weights: sparse.spmatrix | sparse.sparray,
    *,
    time_lag: int = 1,
    alpha: float = 0.05,
    permutations: int = 0,
    seed: int | np.random.Generator | None = None,
    fdr_correct: bool = True,
    drop_empty: bool = True,
) -> EmergingResult:
    """Emerging hot spot analysis of ``counts`` (cells x periods).

    1. Space-time Gi* for every bin (cell, period) at once, over the cube of all
       bins: neighbours are the cell's spatial ``weights`` neighbours in the same
       period plus the cell and its neighbours in the ``time_lag`` previous periods
       (:func:`spacetime_weights`); mean and variance are those of the whole cube.
    2. A bin is significant when its p-value is at most ``alpha``, or at most the
       Benjamini-Hochberg threshold over all bins with ``fdr_correct`` (ArcGIS Pro
       applies FDR). Hot when significant with z > 0, cold with z < 0.
    3. Mann-Kendall on each cell's Gi* z series; the trend counts when ``p < alpha``.
    4. :func:`classify_emerging`.

    ``drop_empty`` leaves out cells without a single event (ArcGIS analyses only
    locations with at least one point), so that empty land outside the city does
    not drag the mean down and make every populated cell look hot.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError("counts must be (cells, periods)")
    n_cells, n_periods = counts.shape
    analysed = counts.sum(axis=1) > 0 if drop_empty else np.ones(n_cells, dtype=bool)
    idx = np.flatnonzero(analysed)
    w = sparse.csr_matrix(weights)[idx][:, idx]
    cube = counts[idx].T.ravel()  # period-major, matching spacetime_weights
    gi = gi_star(cube, spacetime_weights(w, n_periods, time_lag), permutations=permutations,
                 seed=seed)
    p = gi.p  # two-sided, from the normal approximation or the permutations
    threshold = fdr(p, alpha) if fdr_correct else alpha
    z = gi.z.reshape(n_periods, idx.size).T
    p = p.reshape(n_periods, idx.size).T
    significant = p <= threshold
    mk = mann_kendall(z)
    trend = np.where(mk.p < alpha, np.sign(mk.s), 0).astype(np.int64)
    sub_codes = classify_emerging(significant & (z > 0), significant & (z < 0), trend)

    def per_cell(values: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.full((n_cells, *values.shape[1:]), np.nan)
        out[idx] = values
        return out

    code = np.zeros(n_cells, dtype=np.int64)
    code[idx] = sub_codes
    names = np.array([CATEGORY_NAMES[c] for c in range(-8, 9)])
    return EmergingResult(
        code=code,
        category=names[code + 8],
        mk_tau=per_cell(mk.tau),
        mk_z=per_cell(mk.z),
        mk_p=per_cell(mk.p),
        gi_z=per_cell(z),
        gi_p=per_cell(p),
        p_threshold=threshold,
        analysed=analysed,
    )
