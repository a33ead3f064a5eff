"""Spatial and space-time neighbour matrices as CSR without a diagonal (no Django)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.spatial import cKDTree


def _csr_without_diagonal(w: sparse.spmatrix | sparse.sparray) -> sparse.csr_matrix:
    w = sparse.csr_matrix(w, dtype=np.float64)
    w.setdiag(0)
    w.eliminate_zeros()
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
    return _csr_without_diagonal(sparse.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n)))


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
    return _csr_without_diagonal(sparse.csr_matrix((np.ones(i.size), (i, j)), shape=(n, n)))


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
    s = sparse.csr_matrix((spatial != 0).astype(np.float64))
    n = s.shape[0]
    with_self = s + sparse.identity(n, format="csr")
    blocks = sparse.kron(sparse.identity(n_periods, format="csr"), s, format="csr")
    for lag in range(1, time_lag + 1):
        # shift[t, t - lag] = 1: period t looks back at period t - lag.
        shift = sparse.eye(n_periods, k=-lag, format="csr")
        blocks = blocks + sparse.kron(shift, with_self, format="csr")
    return _csr_without_diagonal(blocks)
