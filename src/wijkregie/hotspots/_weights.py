"""Spatial and space-time neighbour matrices as CSR without a diagonal (no Django)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.spatial import cKDTree


def drop_diagonal(w: sparse.spmatrix | sparse.sparray, *, copy: bool = False
                  ) -> sparse.csr_matrix:
    """Square CSR without stored diagonal entries or explicit zeros, indices sorted.

    Masks the stored entries instead of ``setdiag(0)``: on a large matrix whose
    diagonal is absent, ``setdiag`` first inserts every diagonal entry (a structure
    change that copies the whole matrix), which took seconds for space-time cubes.
    """
    w = sparse.csr_matrix(w, dtype=np.float64, copy=copy)
    w.sum_duplicates()
    rows = np.repeat(np.arange(w.shape[0]), np.diff(w.indptr))
    keep = (w.indices != rows) & (w.data != 0)
    if not keep.all():
        w = sparse.csr_matrix((w.data[keep], (rows[keep], w.indices[keep])), shape=w.shape)
    w.sort_indices()
    return w


def grid_weights(
    shape: tuple[int, int], contiguity: Literal["queen", "rook"] = "queen"
) -> sparse.csr_matrix:
    """Binary contiguity of a regular ``(ny, nx)`` grid in cell-id (row-major) order.

    Rook: cells sharing an edge (up to 4 neighbours); queen: sharing an edge or a
    corner (up to 8). Built from index offsets rather than geometry, so a 1,000 x
    1,000 grid takes milliseconds.
    """
    ny, nx = shape
    if contiguity == "rook":
        offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    elif contiguity == "queen":
        offsets = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
    else:
        raise ValueError(f"contiguity must be 'queen' or 'rook', not {contiguity!r}")
    rows, cols = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    src, dst = [], []
    for dr, dc in offsets:
        r2, c2 = rows + dr, cols + dc
        ok = (r2 >= 0) & (r2 < ny) & (c2 >= 0) & (c2 < nx)
        src.append(rows[ok] * nx + cols[ok])
        dst.append(r2[ok] * nx + c2[ok])
    i, j = np.concatenate(src), np.concatenate(dst)
    n = ny * nx
    return drop_diagonal(sparse.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n)))


def distance_band_weights(coords: ArrayLike, threshold: float) -> sparse.csr_matrix:
    """Binary weights: 1 for pairs of points at most ``threshold`` apart (inclusive).

    ``coords`` is ``(n, 2)`` in metres. Uses ``cKDTree.query_pairs`` so only pairs
    within the band are ever formed. ``sparse_distance_matrix`` would drop
    coincident points (a stored distance of 0 is indistinguishable from "no
    entry"), and coincident points are common in snapped police data.
    """
    pts = np.asarray(coords, float)
    tree = cKDTree(pts)
    pairs = tree.query_pairs(threshold, output_type="ndarray")
    n = len(pts)
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return drop_diagonal(sparse.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n)))


def spacetime_weights(
    spatial: sparse.spmatrix | sparse.sparray, n_periods: int, time_lag: int = 1
) -> sparse.csr_matrix:
    """Space-time neighbours of a cube of ``n_cells x n_periods`` bins.

    Bin order is period-major: bin ``t * n_cells + i`` is cell ``i`` in period ``t``.
    A bin's neighbours are, as in ArcGIS's space-time cube, (a) the cell's spatial
    neighbours in the same period and (b) the cell itself *and* its spatial
    neighbours in each of the ``time_lag`` previous periods. The focal bin itself is
    left out (Gi* adds it). Early periods simply have fewer neighbours.
    """
    s = drop_diagonal((spatial != 0).astype(np.float64))
    n = s.shape[0]
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(s.indptr))
    dst = s.indices.astype(np.int64)
    # (a) spatial neighbours in the same period: block (t, t) for every t.
    offsets = np.arange(n_periods, dtype=np.int64) * n
    rows = [(offsets[:, None] + src).ravel()]
    cols = [(offsets[:, None] + dst).ravel()]
    # (b) the cell itself and its neighbours, ``lag`` periods back: block (t, t - lag).
    self_src = np.concatenate([src, np.arange(n, dtype=np.int64)])
    self_dst = np.concatenate([dst, np.arange(n, dtype=np.int64)])
    for lag in range(1, min(time_lag, n_periods - 1) + 1):
        later = offsets[lag:, None]
        rows.append((later + self_src).ravel())
        cols.append((later - lag * n + self_dst).ravel())
    # Index arithmetic instead of kron sums: the blocks never overlap, so every entry is
    # 1 and the COO -> CSR conversion is one O(nnz) pass.
    i, j = np.concatenate(rows), np.concatenate(cols)
    size = n * n_periods
    w = sparse.csr_matrix((np.ones(i.size), (i, j)), shape=(size, size))
    w.sort_indices()
    return w
