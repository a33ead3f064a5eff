"""Getis-Ord Gi* with analytic and conditional-permutation inference (no Django).

Notation: ``x`` the n values, ``w*_ij`` the weights *including* the focal cell
(``w*_ii``), ``W_i = sum_j w*_ij``, ``S1_i = sum_j w*_ij^2``,
``xbar = sum_j x_j / n`` and ``S = sqrt(sum_j x_j^2 / n - xbar^2)``. Then
(Getis & Ord 1992; Ord & Getis 1995; as in ArcGIS "Hot Spot Analysis")::

    Gi*_z = (sum_j w*_ij x_j - xbar W_i) / (S * sqrt((n S1_i - W_i^2) / (n - 1)))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, stats

from ._weights import drop_diagonal

Transform = Literal["B", "R"]

# Elements per permutation block (permutations x cells); 4M float64 = 32 MB.
_BLOCK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class GiStarResult:
    """Gi* per cell.

    ``z``: standard normal deviate; ``p_norm``: two-sided normal p (as ArcGIS's
    GiPValue); ``p_sim``: one-sided pseudo p from conditional permutation, in the
    direction of the observed deviation (esda's "directed" convention; ``None``
    without permutations); ``p``: the two-sided p-value the bins are computed from,
    ``p_norm`` without permutations and ``min(1, 2 * p_sim)`` with them, so that a
    bin means the same confidence of a two-sided test whichever p it comes from;
    ``bins``: -3..+3 confidence bins as ArcGIS's Gi_Bin.
    """

    z: NDArray[np.float64]
    p_norm: NDArray[np.float64]
    p_sim: NDArray[np.float64] | None
    bins: NDArray[np.int8]
    permutations: int
    p: NDArray[np.float64]


def two_sided(p_one_sided: ArrayLike) -> NDArray[np.float64]:
    """Two-sided p from a one-sided (directed) pseudo p: ``min(1, 2 p)``.

    The directed pseudo p looks only in the tail the observation lies in, so it is
    half a two-sided p; doubling puts it on the scale of the two-sided normal p
    that the 90/95/99 % confidence bins are defined on.
    """
    return np.minimum(1.0, 2.0 * np.asarray(p_one_sided, dtype=np.float64))


def smallest_permutation_p(permutations: int) -> float:
    """The smallest two-sided pseudo p that ``permutations`` can give: ``2 / (P + 1)``."""
    return 2.0 / (permutations + 1.0)


def star_weights(
    weights: sparse.spmatrix | sparse.sparray, transform: Transform = "B"
) -> tuple[sparse.csr_matrix, NDArray[np.float64]]:
    """Split Gi* weights into the off-diagonal part and the focal (self) weight.

    ``"B"``: every stored neighbour gets weight 1 and the focal cell weight 1.
    ``"R"``: the focal cell gets the row's largest weight (1 for binary input, the
    convention esda uses), then each row is divided by its sum so the row sums to 1.
    For binary input the Gi* z-score is the same under B and R: the formula is
    invariant to scaling a row, which is why ArcGIS notes row standardisation has no
    effect on Gi* with binary weights.
    """
    w = drop_diagonal(weights, copy=True)
    n = w.shape[0]
    if transform == "B":
        w.data[:] = 1.0
        return w, np.ones(n)
    if transform != "R":
        raise ValueError(f"transform must be 'B' or 'R', not {transform!r}")
    row_max = np.asarray(w.max(axis=1).todense()).ravel()
    self_w = np.where(row_max > 0, row_max, 1.0)  # an island keeps weight 1 on itself
    row_sum = np.asarray(w.sum(axis=1)).ravel() + self_w
    w = sparse.csr_matrix(sparse.diags(1.0 / row_sum) @ w)
    return w, self_w / row_sum


def gi_star(
    values: ArrayLike,
    weights: sparse.spmatrix | sparse.sparray,
    *,
    transform: Transform = "B",
    permutations: int = 0,
    seed: int | np.random.Generator | None = None,
    fdr_correct: bool = False,
) -> GiStarResult:
    """Local Getis-Ord Gi* hot spot statistic.

    ``weights`` is an n x n sparse matrix of neighbours WITHOUT the diagonal (any
    stored diagonal is ignored); the focal cell is added as the Gi* definition
    requires. See the module docstring for the z formula. ``p_norm = 2 * (1 -
    Phi(|z|))`` is two-sided as ArcGIS reports it (esda's ``p_norm`` is the
    one-sided ``1 - Phi(|z|)``, half of ours).

    With ``permutations > 0`` the pseudo p-value of the conditional permutation
    test is added (see :func:`permutation_p`) and the bins use its two-sided form
    ``min(1, 2 p_sim)``: the bins are always those of a two-sided test, as the
    normal p is (ArcGIS: "90, 95 and 99 percent confidence"). ``fdr_correct`` applies the
    Benjamini-Hochberg correction to the confidence bins, as ArcGIS's "Apply False
    Discovery Rate (FDR) Correction" option does.

    If all values are equal there is no variation to cluster: z is 0 and p is 1.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    w_off, self_w = star_weights(weights, transform)
    if w_off.shape != (n, n):
        raise ValueError(f"weights must be {n} x {n}, got {w_off.shape}")
    lag = w_off @ x + self_w * x
    w_sum = np.asarray(w_off.sum(axis=1)).ravel() + self_w
    s1 = np.asarray(w_off.multiply(w_off).sum(axis=1)).ravel() + self_w * self_w
    xbar = x.mean()
    s = np.sqrt(max((x * x).mean() - xbar * xbar, 0.0))
    denom = s * np.sqrt(np.maximum(n * s1 - w_sum * w_sum, 0.0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (lag - xbar * w_sum) / denom, 0.0)
    p_norm = 2.0 * stats.norm.sf(np.abs(z))
    p_sim = None
    p = p_norm
    if permutations > 0:
        p_sim = permutation_p(x, w_off, permutations=permutations, seed=seed)
        p = two_sided(p_sim)
    bins = confidence_bins(z, p, fdr_correct=fdr_correct)
    return GiStarResult(z=z, p_norm=p_norm, p_sim=p_sim, bins=bins, permutations=permutations,
                        p=p)


def fdr(p: ArrayLike, alpha: float = 0.05) -> float:
    """Benjamini-Hochberg threshold: call a test significant when ``p <= fdr(p, alpha)``.

    With the m p-values sorted ascending, ``k`` is the largest rank with
    ``p_(k) <= k * alpha / m`` and the threshold is ``k * alpha / m``. When no rank
    qualifies the threshold is ``alpha / m``, the value esda's ``fdr`` returns in
    that case. The rank test is ``<=`` as Benjamini & Hochberg (1995) state it;
    esda's ``fdr`` uses ``<``. The two differ only when a p-value equals
    ``k * alpha / m`` exactly, which permutation p-values (multiples of
    ``1 / (P + 1)``) can do: there this rule calls the tie significant, esda not.
    """
    p = np.sort(np.asarray(p, dtype=np.float64).ravel())
    p = p[np.isfinite(p)]
    m = p.size
    if m == 0:
        return alpha
    critical = np.arange(1, m + 1) * alpha / m
    passing = np.nonzero(p <= critical)[0]
    return float(critical[passing[-1]]) if passing.size else alpha / m


def confidence_bins(
    z: ArrayLike, p: ArrayLike, *, fdr_correct: bool = False
) -> NDArray[np.int8]:
    """ArcGIS-style Gi_Bin: ``sign(z) * 3/2/1`` at 99/95/90 % confidence, else 0.

    Without FDR a cell is in bin 3 when ``p <= 0.01``, 2 when ``p <= 0.05`` and 1
    when ``p <= 0.10``. With ``fdr_correct`` each of the three critical values is
    replaced by the Benjamini-Hochberg threshold :func:`fdr` at that alpha.
    """
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    level = np.zeros(z.shape, dtype=np.int8)
    # From weakest to strongest so the strongest level that applies wins.
    for value, alpha in ((1, 0.10), (2, 0.05), (3, 0.01)):
        cut = fdr(p, alpha) if fdr_correct else alpha
        level[p <= cut] = value
    return (np.sign(z).astype(np.int8) * level).astype(np.int8)


def _draw_without_replacement(
    rng: np.random.Generator, n: int, rows: int, k: int
) -> NDArray[np.int64]:
    """``rows`` independent ordered samples of ``k`` distinct ids from ``range(n)``."""
    k = min(k, n)
    if n <= max(4096, 20 * k * k):
        # Small populations: collisions would be common, so rank random keys.
        return np.argsort(rng.random((rows, n)), axis=1)[:, :k]
    draws = rng.integers(0, n, size=(rows, k))
    while True:
        ordered = np.sort(draws, axis=1)
        clash = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not clash.any():
            return draws
        # Rejection keeps each row uniform over ordered k-samples; clashes are rare
        # (probability about k^2 / 2n per row), so this loop runs once or twice.
        draws[clash] = rng.integers(0, n, size=(int(clash.sum()), k))


def _padded_rows(
    w_off: sparse.csr_matrix, start: int, stop: int, width: int
) -> NDArray[np.float64]:
    """Rows ``start:stop`` of a CSR matrix as a dense ``(rows, width)`` array of weights."""
    indptr = w_off.indptr
    lo, hi = indptr[start], indptr[stop]
    counts = np.diff(indptr[start : stop + 1])
    row = np.repeat(np.arange(stop - start), counts)
    pos = np.arange(lo, hi) - np.repeat(indptr[start:stop], counts)
    out = np.zeros((stop - start, width))
    out[row, pos] = w_off.data[lo:hi]
    return out


def permutation_p(
    x: NDArray[np.float64],
    w_off: sparse.csr_matrix,
    *,
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
) -> NDArray[np.float64]:
    """Conditional-permutation pseudo p-values for Gi* (Anselin 1995; esda's ``crand``).

    For cell i the value ``x_i`` stays in place and its ``k_i`` neighbour values are
    replaced by ``k_i`` values drawn without replacement from the other ``n - 1``
    cells. The focal term and the normalisation of Gi* are the same in the observed
    and the permuted statistic, so comparing the neighbour sums
    ``L_i = sum_j w_ij x_j`` (off-diagonal) is equivalent and cheaper. With
    ``upper`` = #(L_sim >= L_obs) and ``lower`` = #(L_sim <= L_obs)::

        p_sim = (min(upper, lower) + 1) / (permutations + 1)

    This is one-sided, in the tail the observation lies in: esda's ``"directed"``
    alternative (``min(larger, P - larger)``, the p of esda's ``crand``), equal to it
    when there are no ties. With ties (common for counts) esda's directed count
    calls an all-zero neighbourhood an extreme low; counting ties on both sides does
    not, so an island or a constant neighbourhood gets ``p_sim = 1`` where esda
    gives ``1 / (P + 1)``. Twice this p, capped at 1, is esda's ``"two-sided"``
    pseudo p, which :func:`gi_star` uses for the bins (:func:`two_sided`).

    Speed: cells are processed in blocks. One matrix of ``permutations x (K+1)``
    random ids (K = most neighbours in the block) is drawn per block and shared by
    the block's cells, like esda shares one matrix for all cells; cell i uses the
    first ``k_i`` ids that are not i itself (a uniformly random ``k_i``-subset of
    the other cells, because the ids are a random ordered sample). The neighbour
    sums of the whole block are then a single dense matrix product, and the rare
    draws that hit the focal cell are corrected afterwards. Reproducible for a given
    ``seed``.
    """
    rng = np.random.default_rng(seed)
    n = x.size
    card = np.diff(w_off.indptr)
    observed = w_off @ x
    # Sums in a different order may differ in the last bits; treat those as ties.
    tol = 1e-10 * (np.abs(w_off).sum(axis=1).A1 * np.abs(x).max() + 1.0)
    block = max(1, _BLOCK_ELEMENTS // permutations)
    p = np.empty(n)
    for start in range(0, n, block):
        stop = min(start + block, n)
        width = int(card[start:stop].max(initial=0))
        ids = _draw_without_replacement(rng, n, permutations, width + 1)
        vals = x[ids]
        weights = _padded_rows(w_off, start, stop, width)
        sims = vals[:, :width] @ weights.T  # (permutations, cells in block)
        _correct_focal_hits(sims, ids, vals, weights, card, start, stop, width)
        obs = observed[start:stop]
        upper = (sims >= obs - tol[start:stop]).sum(axis=0)
        lower = (sims <= obs + tol[start:stop]).sum(axis=0)
        p[start:stop] = (np.minimum(upper, lower) + 1.0) / (permutations + 1.0)
    return p


def _correct_focal_hits(
    sims: NDArray[np.float64],
    ids: NDArray[np.int64],
    vals: NDArray[np.float64],
    weights: NDArray[np.float64],
    card: NDArray[np.int64],
    start: int,
    stop: int,
    width: int,
) -> None:
    """Skip the focal cell where a draw picked it: shift later draws up by one.

    If cell i sits at position h < k_i of permutation r, its sample is the draws
    before h plus draws h+1..k_i, so its sum changes by
    ``sum_{m >= h} w_m (vals[r, m+1] - vals[r, m])``.
    """
    r, h = np.nonzero((ids[:, :width] >= start) & (ids[:, :width] < stop))
    cell = ids[r, h] - start
    hit = h < card[start + cell]
    r, h, cell = r[hit], h[hit], cell[hit]
    if r.size == 0:
        return
    steps = vals[r, 1 : width + 1] - vals[r, :width]
    after = np.arange(width)[None, :] >= h[:, None]
    sims[r, cell] += (weights[cell] * steps * after).sum(axis=1)
