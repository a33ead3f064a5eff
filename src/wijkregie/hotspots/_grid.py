"""Square analysis grids and space-time counts (no Django).

Cells are numbered row-major from the lower-left corner: cell ``id = row * nx + col``
with ``row`` growing northwards (increasing y) and ``col`` eastwards (increasing x).
All coordinates are metres in a projected CRS (RD New, EPSG:28992, for Dutch data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

RD_NEW = "EPSG:28992"

Period = Literal["D", "W", "M", "Q", "Y"]


def project_lonlat(
    lon: ArrayLike, lat: ArrayLike, crs: str = RD_NEW
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project WGS84 longitude/latitude (degrees) to metres in ``crs``.

    Defaults to RD New (EPSG:28992), the Dutch national grid. For data elsewhere pass a
    local metric CRS (e.g. ``"EPSG:27700"`` for Great Britain): cell sizes and
    bandwidths are only meaningful in a conformal projection with metre units.
    ``always_xy`` is set so the argument order is (lon, lat) whatever the CRS axis
    order says.
    """
    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = transformer.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


@dataclass(frozen=True)
class Grid:
    """A regular grid of square cells.

    ``origin`` is the lower-left corner ``(x0, y0)`` of cell 0; ``shape`` is
    ``(ny, nx)`` (rows, columns), so a 2-D array ``a[row, col]`` reshapes to cell
    ids with ``a.ravel()``.
    """

    origin: tuple[float, float]
    cell_size: float
    shape: tuple[int, int]

    @property
    def n_cells(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def cell_area(self) -> float:
        return self.cell_size * self.cell_size

    def cell_index(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.int64]:
        """Cell id of each point, ``-1`` for points outside the grid or non-finite.

        Cells are half-open ``[x0 + c*s, x0 + (c+1)*s)``, so a point on a shared edge
        belongs to the cell to its north/east.
        """
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        ny, nx = self.shape
        with np.errstate(invalid="ignore"):
            col = np.floor((x - self.origin[0]) / self.cell_size)
            row = np.floor((y - self.origin[1]) / self.cell_size)
        inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)  # NaN compares False
        ids = np.full(x.shape, -1, dtype=np.int64)
        ids[inside] = row[inside].astype(np.int64) * nx + col[inside].astype(np.int64)
        return ids

    def cell_centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """x and y coordinates of all cell centres, in cell-id order."""
        ny, nx = self.shape
        xc = self.origin[0] + (np.arange(nx) + 0.5) * self.cell_size
        yc = self.origin[1] + (np.arange(ny) + 0.5) * self.cell_size
        xx, yy = np.meshgrid(xc, yc)
        return xx.ravel(), yy.ravel()

    def cell_polygons(self) -> NDArray[np.float64]:
        """Closed rings of all cells, shape ``(n_cells, 5, 2)``, counter-clockwise.

        Ready for ``shapely.polygons`` or GeoJSON without importing either here.
        """
        xc, yc = self.cell_centres()
        h = self.cell_size / 2
        dx = np.array([-h, h, h, -h, -h])
        dy = np.array([-h, -h, h, h, -h])
        return np.stack([xc[:, None] + dx, yc[:, None] + dy], axis=-1)


@dataclass(frozen=True)
class GridCounts:
    """Event counts per cell and period.

    ``counts[cell, period]``; ``periods[k]`` is the start of period ``k``
    (``datetime64``). ``n_outside`` counts points dropped because they fell outside
    the grid or had non-finite coordinates or times.
    """

    grid: Grid
    counts: NDArray[np.int64]
    periods: NDArray[np.datetime64]
    n_outside: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape

    @property
    def origin(self) -> tuple[float, float]:
        return self.grid.origin

    @property
    def cell_size(self) -> float:
        return self.grid.cell_size

    def cell_centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return self.grid.cell_centres()

    def cell_polygons(self) -> NDArray[np.float64]:
        return self.grid.cell_polygons()


def grid_for_points(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    cell_size: float,
    origin: tuple[float, float] | None = None,
    shape: tuple[int, int] | None = None,
) -> Grid:
    """The grid covering the finite points, snapped to multiples of ``cell_size``.

    Snapping the default origin to a multiple of the cell size keeps cell ids stable
    between runs on different subsets of the same area (a cell is always the same
    square on the ground).
    """
    if cell_size <= 0:
        raise ValueError("cell_size must be positive")
    ok = np.isfinite(x) & np.isfinite(y)
    if origin is None:
        if not ok.any():
            raise ValueError("no finite coordinates to place a grid on")
        origin = (
            float(np.floor(x[ok].min() / cell_size) * cell_size),
            float(np.floor(y[ok].min() / cell_size) * cell_size),
        )
    if shape is None:
        if not ok.any():
            raise ValueError("give shape when there are no finite coordinates")
        # floor()+1 rather than ceil() so a point exactly on the max edge is inside.
        nx = int(np.floor((x[ok].max() - origin[0]) / cell_size)) + 1
        ny = int(np.floor((y[ok].max() - origin[1]) / cell_size)) + 1
        shape = (max(ny, 1), max(nx, 1))
    return Grid(origin=(float(origin[0]), float(origin[1])), cell_size=float(cell_size),
                shape=(int(shape[0]), int(shape[1])))


def period_index(
    t: ArrayLike, period: Period = "M"
) -> tuple[NDArray[np.int64], NDArray[np.datetime64]]:
    """Map timestamps to consecutive period numbers and period start labels.

    Periods run without gaps from the first to the last observed period, so a quiet
    month still gets a column of zeros (the time series must be evenly spaced for
    Mann-Kendall and for time lags). Weeks start on Monday (ISO 8601). ``NaT`` maps
    to ``-1``.
    """
    t = np.asarray(t, dtype="datetime64[s]")
    valid = ~np.isnat(t)
    if not valid.any():
        return np.full(t.shape, -1, dtype=np.int64), np.array([], dtype="datetime64[D]")
    days = t.astype("datetime64[D]")
    if period == "D":
        units = days.astype(np.int64)
    elif period == "W":
        # 1970-01-01 was a Thursday: shifting by 3 makes Monday day 0 of a week.
        units = (days.astype(np.int64) + 3) // 7
    elif period in ("M", "Q", "Y"):
        months = t.astype("datetime64[M]").astype(np.int64)
        units = {"M": months, "Q": months // 3, "Y": months // 12}[period]
    else:
        raise ValueError(f"unknown period {period!r}; use D, W, M, Q or Y")
    first, last = units[valid].min(), units[valid].max()
    steps = np.arange(first, last + 1)
    if period == "D":
        labels = steps.astype("datetime64[D]")
    elif period == "W":
        labels = (steps * 7 - 3).astype("datetime64[D]")
    else:
        per_unit = {"M": 1, "Q": 3, "Y": 12}[period]
        labels = (steps * per_unit).astype("datetime64[M]").astype("datetime64[D]")
    idx = np.where(valid, units - first, -1)
    return idx.astype(np.int64), labels


def grid_counts(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike | None,
    cell_size: float = 125.0,
    origin: tuple[float, float] | None = None,
    period: Period = "M",
    shape: tuple[int, int] | None = None,
) -> GridCounts:
    """Count points per square cell and period.

    ``x``, ``y`` are metres (RD New; see :func:`project_lonlat`), ``t`` timestamps
    (anything ``numpy.datetime64`` accepts) or ``None`` for a single period. The
    default grid is the bounding box of the points with the origin snapped to a
    multiple of ``cell_size`` (default 125 m); pass ``origin`` and ``shape`` to fix
    the extent, in which case points outside are dropped and counted in
    ``n_outside``.

    Returns counts of shape ``(n_cells, n_periods)`` where
    ``counts.sum() + n_outside == len(x)``.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    grid = grid_for_points(x, y, cell_size, origin, shape)
    cell = grid.cell_index(x, y)
    if t is None:
        pidx = np.zeros(x.shape, dtype=np.int64)
        labels = np.array([np.datetime64("NaT", "D")])
    else:
        pidx, labels = period_index(t, period)
    keep = (cell >= 0) & (pidx >= 0)
    n_periods = max(len(labels), 1)
    flat = cell[keep] * n_periods + pidx[keep]
    # One bincount over combined (cell, period) ids: O(n) and no Python loop.
    counts = np.bincount(flat, minlength=grid.n_cells * n_periods)
    return GridCounts(
        grid=grid,
        counts=counts.reshape(grid.n_cells, n_periods).astype(np.int64),
        periods=labels,
        n_outside=int((~keep).sum()),
    )
