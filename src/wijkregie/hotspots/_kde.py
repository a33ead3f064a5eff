"""Binned kernel density estimation on a square grid via FFT convolution (no Django).

Density is in points per square metre: multiply by a cell's area for the expected
number of points in it. Over a grid that contains the kernel mass of all points the
cell densities times the cell area sum to the number (or total weight) of points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.signal import fftconvolve

from ._grid import Grid, grid_for_points

Kernel = Literal["gaussian", "quartic"]

# The Gaussian kernel is cut at 5 bandwidths: the 2-D mass beyond is exp(-12.5) < 4e-6.
_GAUSSIAN_RADIUS = 5.0


@dataclass(frozen=True)
class KDEResult:
    """Density per cell centre, ``density[row, col]`` in points per m^2."""

    grid: Grid
    density: NDArray[np.float64]
    bandwidth: float
    kernel: Kernel


def kernel_radius(bandwidth: float, kernel: Kernel) -> float:
    """Distance beyond which the kernel is zero (quartic) or negligible (gaussian)."""
    return bandwidth * (_GAUSSIAN_RADIUS if kernel == "gaussian" else 1.0)


def kernel_value(d: NDArray[np.float64], bandwidth: float, kernel: Kernel) -> NDArray[np.float64]:
    """2-D radial kernel at distance ``d``, normalised to integrate to 1 over the plane.

    gaussian: ``K(d) = exp(-d^2 / 2h^2) / (2 pi h^2)`` (h is the standard deviation);
    quartic (biweight, as ArcGIS Kernel Density and CrimeStat use it):
    ``K(d) = 3 / (pi h^2) * (1 - d^2/h^2)^2`` for ``d < h``, else 0 (h is the radius).
    """
    h2 = bandwidth * bandwidth
    if kernel == "gaussian":
        return np.exp(-0.5 * d * d / h2) / (2.0 * math.pi * h2)
    if kernel == "quartic":
        u = np.clip(1.0 - d * d / h2, 0.0, None)
        return 3.0 / (math.pi * h2) * u * u
    raise ValueError(f"kernel must be 'gaussian' or 'quartic', not {kernel!r}")


def default_bandwidth(
    x: NDArray[np.float64], y: NDArray[np.float64], weights: NDArray[np.float64] | None = None
) -> float:
    """Spatial variant of Silverman's rule of thumb, as ArcGIS Pro's Kernel Density uses.

    ``h = 0.9 * min(SD, sqrt(1 / ln 2) * Dm) * n^(-0.2)`` with ``SD`` the standard
    distance of the points around their (weighted) mean centre, ``Dm`` the
    (weighted) median distance to that centre and ``n`` the number of points (sum
    of weights). Taking the minimum with the median term keeps a few far outliers
    from inflating the bandwidth (Silverman 1986, eq. 3.31, made spatial).
    """
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    total = w.sum()
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    d2 = (x - mx) ** 2 + (y - my) ** 2
    sd = math.sqrt((w * d2).sum() / total)
    order = np.argsort(d2)
    cum = np.cumsum(w[order])
    median = math.sqrt(d2[order][np.searchsorted(cum, total / 2)])
    h = 0.9 * min(sd, math.sqrt(1.0 / math.log(2.0)) * median) * total ** (-0.2)
    if not h > 0:
        raise ValueError("cannot derive a bandwidth from coincident points; pass one")
    return h


def _kernel_stencil(cell_size: float, bandwidth: float, kernel: Kernel) -> NDArray[np.float64]:
    """The kernel sampled at whole-cell offsets, rescaled so it sums to ``1 / cell_area``.

    The rescaling makes the discrete convolution conserve mass exactly, which
    matters when the bandwidth is only a few cells wide.
    """
    reach = math.ceil(kernel_radius(bandwidth, kernel) / cell_size)
    offsets = np.arange(-reach, reach + 1) * cell_size
    d = np.hypot(offsets[:, None], offsets[None, :])
    stencil = kernel_value(d, bandwidth, kernel)
    return stencil / (stencil.sum() * cell_size * cell_size)


def _linear_binning(
    grid: Grid, pad: int, x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Share each point's weight over the 4 surrounding cell centres (bilinearly).

    Linear binning is what keeps the binned KDE accurate to second order in the
    cell size (Wand 1994), rather than first order for nearest-cell binning. The
    target array extends ``pad`` cells beyond the grid on every side, so points
    outside the grid still add their tails to cells inside it.
    """
    ny, nx = grid.shape[0] + 2 * pad, grid.shape[1] + 2 * pad
    u = (x - grid.origin[0]) / grid.cell_size - 0.5 + pad
    v = (y - grid.origin[1]) / grid.cell_size - 0.5 + pad
    i0, j0 = np.floor(v), np.floor(u)
    fv, fu = v - i0, u - j0
    out = np.zeros(ny * nx)
    for di, wi in ((0, 1.0 - fv), (1, fv)):
        for dj, wj in ((0, 1.0 - fu), (1, fu)):
            ii, jj = i0 + di, j0 + dj
            ok = (ii >= 0) & (ii < ny) & (jj >= 0) & (jj < nx)
            flat = ii[ok].astype(np.int64) * nx + jj[ok].astype(np.int64)
            out += np.bincount(flat, weights=(w * wi * wj)[ok], minlength=ny * nx)
    return out.reshape(ny, nx)


def kde_grid(
    x: ArrayLike,
    y: ArrayLike,
    cell_size: float,
    bandwidth: float | None = None,
    kernel: Kernel = "gaussian",
    weights: ArrayLike | None = None,
    *,
    origin: tuple[float, float] | None = None,
    shape: tuple[int, int] | None = None,
    refine: int = 1,
) -> KDEResult:
    """Kernel density at every cell centre: ``f(c) = sum_i w_i K(|c - p_i|)``.

    Points (metres) are linearly binned to cell centres, then convolved with the
    sampled kernel by FFT (``scipy.signal.fftconvolve``): cost ``O(n + G log G)``
    for n points and G cells instead of ``O(n G)`` for direct evaluation.
    ``bandwidth`` is the Gaussian standard deviation or the quartic radius, in
    metres; ``None`` applies :func:`default_bandwidth`. By default the grid is the
    points' bounding box grown by the kernel radius (so the densities times the
    cell area sum to ~n); pass ``origin`` and ``shape`` to align with a count grid.
    Non-finite points are ignored.

    ``refine`` (odd, default 1) bins and convolves on a grid ``refine`` times finer
    and reads the density at the fine nodes that coincide with the cell centres. The
    binning error falls roughly with the square of the node spacing, at ``refine**2``
    times the memory and time (measured errors: docs/analysts/hotspot-methods.md).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(w)
    x, y, w = x[ok], y[ok], w[ok]
    if bandwidth is None:
        bandwidth = default_bandwidth(x, y, w)
    if bandwidth <= 0:
        raise ValueError("bandwidth must be positive")
    if origin is None and shape is None:
        r = kernel_radius(bandwidth, kernel)
        xs = np.array([x.min() - r, x.max() + r]) if x.size else np.array([0.0])
        ys = np.array([y.min() - r, y.max() + r]) if y.size else np.array([0.0])
        grid = grid_for_points(xs, ys, cell_size)
    else:
        grid = grid_for_points(x, y, cell_size, origin, shape)
    if refine != 1:
        if refine < 1 or refine % 2 == 0:
            raise ValueError(f"refine must be an odd number >= 1, not {refine}")
        fine = kde_grid(x, y, cell_size / refine, bandwidth, kernel, w, origin=grid.origin,
                        shape=(grid.shape[0] * refine, grid.shape[1] * refine))
        # Odd refine: the middle fine node of each cell lies exactly on its centre.
        mid = refine // 2
        return KDEResult(grid=grid, density=fine.density[mid::refine, mid::refine].copy(),
                         bandwidth=float(bandwidth), kernel=kernel)
    stencil = _kernel_stencil(cell_size, bandwidth, kernel)
    reach = stencil.shape[0] // 2
    # One extra cell of padding: a point's binning nodes lie within one cell of it.
    binned = _linear_binning(grid, reach + 1, x, y, w)
    density = fftconvolve(binned, stencil, mode="valid")[1:-1, 1:-1]
    return KDEResult(grid=grid, density=np.maximum(density, 0.0), bandwidth=float(bandwidth),
                     kernel=kernel)


def smooth_grid(
    values: NDArray[np.float64], cell_size: float, bandwidth: float, kernel: Kernel = "gaussian"
) -> NDArray[np.float64]:
    """Kernel density of counts that already sit at cell centres, ``values[row, col]``.

    Same kernel and units as :func:`kde_grid`; mass that the kernel carries beyond
    the grid edge is lost, which does not matter for ranking cells.
    """
    stencil = _kernel_stencil(cell_size, bandwidth, kernel)
    # FFT round-off can leave tiny negatives where the true density is 0.
    return np.maximum(fftconvolve(np.asarray(values, float), stencil, mode="same"), 0.0)
