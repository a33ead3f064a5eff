"""From points to a stored hot spot result: the one pipeline the page and the CLI share.

:func:`run_analysis` takes projected points, dates and :class:`AnalysisParams` and
returns a plain-JSON result (grid, periods, analysed cells with counts, statistics and
class, legend). The page stores it in ``HotspotAnalysis.result``; ``wijkregie
hotspots`` writes it to GeoJSON/CSV, so both give the same numbers for the same
input. No Django here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from wijkregie.hotspots import engine
from wijkregie.hotspots._grid import grid_for_points

Method = Literal["gistar", "emerging", "kde", "forecast"]
METHODS: tuple[Method, ...] = ("emerging", "gistar", "kde", "forecast")
Progress = Callable[[float, str], None]

# Colours: a diverging red/blue scheme for hot/cold, ColorBrewer-like, dark enough to
# stand out against the light page. Codes are the engine's CATEGORY_CODES.
EMERGING_COLOURS = {
    1: "#fdae61", 2: "#f46d43", 3: "#a50026", 4: "#d73027", 5: "#fee090", 6: "#e08214",
    7: "#b35806", 8: "#8c510a", 0: "#ffffff",
    -1: "#abd9e9", -2: "#74add1", -3: "#313695", -4: "#4575b4", -5: "#e0f3f8",
    -6: "#8073ac", -7: "#542788", -8: "#2d004b",
}
BIN_COLOURS = {3: "#d73027", 2: "#fc8d59", 1: "#fee090", 0: "#ffffff",
               -1: "#e0f3f8", -2: "#91bfdb", -3: "#4575b4"}
BIN_NAMES = {3: "hot spot, 99% confidence", 2: "hot spot, 95% confidence",
             1: "hot spot, 90% confidence", 0: "not significant",
             -1: "cold spot, 90% confidence", -2: "cold spot, 95% confidence",
             -3: "cold spot, 99% confidence"}
# Per-period classes of the emerging analysis: significant or not after FDR, by sign.
SIGN_COLOURS = {1: "#d73027", 0: "#ffffff", -1: "#4575b4"}
SIGN_NAMES = {1: "significant hot spot in this period", 0: "not significant",
              -1: "significant cold spot in this period"}
RANK_COLOURS = {3: "#bd0026", 2: "#f03b20", 1: "#feb24c", 0: "#ffffff"}
RANK_NAMES = {3: "top 1% of cells", 2: "top 5% of cells", 1: "top 10% of cells",
              0: "below the top 10%"}
# Share of grid cells per rank class (top 1/5/10 %), for KDE and forecast.
RANK_SHARES = ((3, 0.01), (2, 0.05), (1, 0.10))
# The two-sided significance levels of the Gi* bins 1/2/3 (90/95/99 % confidence).
BIN_LEVELS = (0.10, 0.05, 0.01)
# Permutation counts the page offers: enough for FDR-corrected bins on real data
# (the smallest two-sided pseudo p is 2 / (P + 1): 0.002 and 0.0002).
OFFERED_PERMUTATIONS = (999, 9999)
# With FDR (Benjamini-Hochberg) at level a over m tests, the smallest attainable p
# p_min passes only if at least p_min * m / a tests share it: a share p_min / a of
# all cells. Beyond this share a run is refused as hopeless before it starts.
MAX_FLOOR_SHARE = 0.10

# Grid bounds. A grid is refused beyond these sizes (a clear message instead of
# gigabytes of memory); points far outside the data's dense extent are left out first.
MAX_GRID_CELLS = 1_000_000
MAX_GRID_CELL_PERIODS = 20_000_000
# The dense extent: the 1st-99th percentile box of x and of y, grown on every side by
# half its larger side (at least 2 km). Points outside it are reported and left out.
DENSE_QUANTILE = 0.01
DENSE_MARGIN_SHARE = 0.5
DENSE_MIN_MARGIN = 2000.0


@dataclass(frozen=True)
class AnalysisParams:
    method: Method = "emerging"
    cell_size: float = 250.0
    period: Literal["D", "W", "M", "Q", "Y"] = "M"
    contiguity: Literal["queen", "rook"] = "queen"
    alpha: float = 0.05
    fdr: bool = True
    permutations: int = 0
    seed: int = 1
    time_lag: int = 1
    bandwidth: float | None = None
    window: int = 6
    coverage: float = 0.05
    refine: int = 1  # KDE: bin on a grid this many times finer (1, 3 or 5)

    def __post_init__(self) -> None:
        problems = []
        if self.method not in METHODS:
            problems.append(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if not 10 <= self.cell_size <= 5000:
            problems.append("cell size must be between 10 and 5000 metres")
        if self.period not in ("D", "W", "M", "Q", "Y"):
            problems.append("period must be D, W, M, Q or Y")
        if not 0 < self.alpha < 1:
            problems.append("alpha must be between 0 and 1")
        if self.permutations < 0 or self.permutations > 9999:
            problems.append("permutations must be between 0 and 9999")
        elif self.permutations and self.fdr and 0 < self.alpha < 1:
            # The weakest level a class can reach: 90 % bins for Gi*, alpha otherwise.
            weakest = BIN_LEVELS[0] if self.method == "gistar" else self.alpha
            share = floor_share(self.permutations, weakest)
            if share > MAX_FLOOR_SHARE:
                problems.append(
                    f"with FDR correction {self.permutations} permutations cannot find "
                    f"significant cells: the smallest attainable p-value is "
                    f"{engine.smallest_permutation_p(self.permutations):.3g}, and it passes "
                    f"the FDR threshold only if {share:.0%} of all cells reach it; use "
                    f"{' or '.join(map(str, OFFERED_PERMUTATIONS))} permutations, analytic "
                    "p-values (0), or switch FDR off")
        if self.time_lag < 1:
            problems.append("time lag must be at least 1")
        if self.bandwidth is not None and self.bandwidth <= 0:
            problems.append("bandwidth must be positive")
        if self.window < 1:
            problems.append("window must be at least 1 period")
        if not 0 < self.coverage <= 1:
            problems.append("coverage must be in (0, 1]")
        if self.refine not in (1, 3, 5):
            problems.append("refine must be 1, 3 or 5")
        if problems:
            raise ValueError("; ".join(problems))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisParams:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def floor_share(permutations: int, alpha: float) -> float:
    """Share of cells that must reach the smallest attainable p for any to pass FDR at alpha."""
    return engine.smallest_permutation_p(permutations) / alpha


def _legend(method: str) -> list[dict[str, Any]]:
    if method == "emerging":
        order = [3, 1, 2, 4, 5, 6, 7, 8, 0, -1, -2, -3, -4, -5, -6, -7, -8]
        return [{"code": c, "name": engine.CATEGORY_NAMES[c].replace("_", " "),
                 "colour": EMERGING_COLOURS[c]} for c in order]
    if method == "emerging_period":
        return [{"code": c, "name": SIGN_NAMES[c], "colour": SIGN_COLOURS[c]} for c in (1, 0, -1)]
    if method == "gistar":
        return [{"code": c, "name": BIN_NAMES[c], "colour": BIN_COLOURS[c]}
                for c in (3, 2, 1, 0, -1, -2, -3)]
    return [{"code": c, "name": RANK_NAMES[c], "colour": RANK_COLOURS[c]} for c in (3, 2, 1, 0)]


def _rank_classes(score: NDArray[np.float64]) -> NDArray[np.int64]:
    """3/2/1 for the cells in the top 1/5/10 % by score (ties by lower id), 0 below."""
    n = score.size
    order = np.argsort(-score, kind="stable")
    classes = np.zeros(n, dtype=np.int64)
    for code, share in reversed(RANK_SHARES):
        k = max(1, math.floor(share * n + 0.5))
        top = order[:k]
        classes[top[score[top] > 0]] = code
    return classes


def dense_extent(x: NDArray[np.float64], y: NDArray[np.float64]
                 ) -> tuple[float, float, float, float]:
    """``(min_x, min_y, max_x, max_y)`` of the data's dense extent (see DENSE_QUANTILE).

    Percentiles rather than the bounding box, so that a few geocoding errors hundreds
    of kilometres away neither stretch the grid nor pass unnoticed.
    """
    lo_x, hi_x = np.quantile(x, [DENSE_QUANTILE, 1 - DENSE_QUANTILE])
    lo_y, hi_y = np.quantile(y, [DENSE_QUANTILE, 1 - DENSE_QUANTILE])
    margin = max(DENSE_MARGIN_SHARE * max(hi_x - lo_x, hi_y - lo_y), DENSE_MIN_MARGIN)
    return (float(lo_x - margin), float(lo_y - margin), float(hi_x + margin),
            float(hi_y + margin))


def exclude_far_points(
    x: NDArray[np.float64], y: NDArray[np.float64], dates: NDArray[np.datetime64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.datetime64], dict[str, Any]]:
    """Leave out the points outside :func:`dense_extent`; say how many and where."""
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        raise ValueError("no incident has finite coordinates")
    box = dense_extent(x[finite], y[finite])
    keep = finite & (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
    n_out = int((~keep).sum())
    report: dict[str, Any] = {"n": n_out, "extent": [round(v, 1) for v in box]}
    if n_out:
        far = ~keep & finite
        if far.any():
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            report["max_distance_km"] = round(
                float(np.hypot(x[far] - cx, y[far] - cy).max()) / 1000, 1)
    return x[keep], y[keep], dates[keep], report


def check_grid_size(x: NDArray[np.float64], y: NDArray[np.float64],
                    dates: NDArray[np.datetime64], params: AnalysisParams) -> None:
    """Refuse, with the numbers and a way out, a grid too large to compute."""
    grid = grid_for_points(x, y, params.cell_size)
    ny, nx = grid.shape
    _, labels = engine.period_index(dates, params.period)
    cell_periods = ny * nx * max(len(labels), 1)
    cells = ny * nx
    if params.method == "kde" and params.refine > 1:
        cells *= params.refine ** 2  # the finer binning grid is what takes the memory
    if cells <= MAX_GRID_CELLS and cell_periods <= MAX_GRID_CELL_PERIODS:
        return
    width, height = nx * params.cell_size / 1000, ny * params.cell_size / 1000
    factor = max(math.sqrt(cells / MAX_GRID_CELLS),
                 math.sqrt(cell_periods / MAX_GRID_CELL_PERIODS))
    larger = math.ceil(params.cell_size * factor / 10) * 10
    raise ValueError(
        f"the grid would have {cells:,} cells ({nx:,} x {ny:,} cells of "
        f"{params.cell_size:g} m over {width:,.1f} x {height:,.1f} km) and "
        f"{cell_periods:,} cell-periods, more than the limit of {MAX_GRID_CELLS:,} cells "
        f"and {MAX_GRID_CELL_PERIODS:,} cell-periods; choose a cell size of at least "
        f"{larger:g} m, a longer period or a smaller area")


def significance_summary(p: NDArray[np.float64], *, permutations: int, fdr_on: bool,
                         levels: tuple[float, ...]) -> dict[str, Any]:
    """Which p-value the classes use, the thresholds applied, and what cannot be reached.

    With P permutations no two-sided pseudo p is below ``2 / (P + 1)``. When that
    floor lies above the (FDR-adjusted) threshold of a level, no cell can reach that
    level whatever the data: the summary then carries a warning.
    """
    p = np.asarray(p, dtype=np.float64)
    thresholds = {f"{a:g}": (engine.fdr(p, a) if fdr_on else a) for a in levels}
    p_min = engine.smallest_permutation_p(permutations) if permutations else None
    out: dict[str, Any] = {
        "p_value": ("conditional permutation pseudo p, two-sided (2 x one-sided)"
                    if permutations else "normal approximation, two-sided"),
        "permutations": permutations,
        "fdr": fdr_on,
        "thresholds": thresholds,
        "p_min": p_min,
        "warnings": [],
    }
    blocked = [a for a in levels if p_min is not None and p_min > thresholds[f"{a:g}"]]
    if blocked:
        out["warnings"].append({
            "code": "permutations_unreachable", "permutations": permutations,
            "p_min": round(p_min, 6), "levels": blocked,
            "thresholds": {f"{a:g}": thresholds[f"{a:g}"] for a in blocked},
            "all_levels": len(blocked) == len(levels),
            "suggest": [n for n in OFFERED_PERMUTATIONS if n > permutations]})
    return out


def warning_text(warning: dict[str, Any]) -> str:
    """The English text of a result warning (the page shows a translated one)."""
    code = warning["code"]
    if code == "permutations_unreachable":
        levels = ", ".join(f"{1 - a:.0%}" for a in warning["levels"])
        worst = min(warning["thresholds"].values())
        scope = "no cell can be significant" if warning["all_levels"] else \
            f"no cell can reach {levels} confidence"
        return (f"with {warning['permutations']} permutations the smallest attainable "
                f"p-value is {warning['p_min']:g}, above the "
                f"{'FDR ' if warning['thresholds'] else ''}threshold ({worst:.2g}): {scope}. "
                f"Use {' or '.join(map(str, warning['suggest'])) or 'more'} permutations "
                "or analytic p-values")
    if code == "periods_unreachable":
        return (f"in {warning['periods']} of {warning['of']} periods the smallest attainable "
                f"p-value with {warning['permutations']} permutations "
                f"({warning['p_min']:g}) is above the FDR threshold: no cell can be "
                "significant in those periods")
    if code == "far_points_excluded":
        extent = warning["extent"]
        return (f"{warning['n']} points lie far outside the data's dense extent (x "
                f"{extent[0]:.0f}–{extent[2]:.0f}, y {extent[1]:.0f}–{extent[3]:.0f}; the "
                f"farthest {warning.get('max_distance_km', '?')} km from its centre) "
                "and were left out")
    return code


def crs_name(crs: str) -> str:
    """``EPSG:32630`` -> ``WGS 84 / UTM zone 30N`` (the name pyproj gives)."""
    try:
        return CRS.from_user_input(crs).name
    except CRSError:
        return ""


def _round(values: NDArray[np.float64], digits: int = 4) -> list[float | None]:
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


def cell_polygons_wgs84(grid: engine.Grid, ids: NDArray[np.int64], crs: str
                        ) -> NDArray[np.float64]:
    """Rings of the given cells, (n, 5, 2) lon/lat, reprojected corner by corner."""
    rings = grid.cell_polygons()[ids]
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(rings[..., 0].ravel(), rings[..., 1].ravel())
    return np.stack([np.asarray(lon), np.asarray(lat)], axis=-1).reshape(rings.shape)


def run_analysis(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    dates: NDArray[np.datetime64],
    params: AnalysisParams,
    *,
    crs: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Grid the points, run the method, and describe every analysed cell.

    Analysed cells are those with at least one incident (as ArcGIS does, so that
    empty land does not make every inhabited cell look hot); for KDE and forecasts
    also the cells in the top classes. Classes per method: emerging categories,
    Gi* confidence bins (-3..3, FDR-corrected when asked), or rank classes (top
    1/5/10 % of all grid cells) for KDE density and forecast risk.
    """
    def step(fraction: float, message: str) -> None:
        if progress:
            progress(fraction, message)

    if x.size == 0:
        raise ValueError("no incidents match the chosen area, category and period")
    x, y, dates, outliers = exclude_far_points(x, y, dates)
    check_grid_size(x, y, dates, params)
    step(0.05, "counting incidents per cell and period")
    gc = engine.grid_counts(x, y, dates, cell_size=params.cell_size, period=params.period)
    counts = gc.counts
    n_cells, n_periods = counts.shape
    total = counts.sum(axis=1)
    occupied = total > 0
    w = engine.grid_weights(gc.shape, params.contiguity)
    per_cell: dict[str, Any] = {}
    per_period: NDArray[np.int64] | None = None  # (cells, periods) classes for the slider
    extra: dict[str, Any] = {}
    warnings: list[dict[str, Any]] = []
    if outliers["n"]:
        warnings.append({"code": "far_points_excluded", **outliers})
    if params.method == "emerging":
        if n_periods < 3:
            raise ValueError("emerging hot spot analysis needs at least 3 periods; "
                             "choose a longer range or a shorter period")
        step(0.2, f"space-time Gi* over {int(occupied.sum())} cells x {n_periods} periods")
        res = engine.emerging_hotspots(counts, w, time_lag=params.time_lag, alpha=params.alpha,
                                       permutations=params.permutations, seed=params.seed,
                                       fdr_correct=params.fdr)
        classes = res.code
        significant = np.nan_to_num(res.gi_p, nan=1.0) <= res.p_threshold
        per_period = (np.sign(np.nan_to_num(res.gi_z)) * significant).astype(np.int64)
        per_cell = {"trend_tau": res.mk_tau, "trend_p": res.mk_p, "z": res.gi_z[:, -1]}
        extra = {"p_threshold": res.p_threshold}
        sig = significance_summary(res.gi_p[res.analysed], permutations=params.permutations,
                                   fdr_on=params.fdr, levels=(params.alpha,))
        extra["significance"] = sig
        warnings += sig.pop("warnings")
        analysed = res.analysed
    elif params.method == "gistar":
        step(0.2, f"Gi* over {int(occupied.sum())} cells")
        idx = np.flatnonzero(occupied)
        sub_w = w[idx][:, idx]
        overall = engine.gi_star(total[idx], sub_w, permutations=params.permutations,
                                 seed=params.seed, fdr_correct=params.fdr)
        classes = np.zeros(n_cells, dtype=np.int64)
        classes[idx] = overall.bins
        z = np.full(n_cells, np.nan)
        z[idx] = overall.z
        p = np.full(n_cells, np.nan)
        p[idx] = overall.p  # two-sided, normal or permutation: the p the bins use
        sig = significance_summary(overall.p, permutations=params.permutations,
                                   fdr_on=params.fdr, levels=BIN_LEVELS)
        per_period = np.zeros((n_cells, n_periods), dtype=np.int64)
        blocked_periods = 0
        for t in range(n_periods):
            step(0.3 + 0.6 * t / n_periods, f"Gi* for period {t + 1} of {n_periods}")
            res_t = engine.gi_star(counts[idx, t], sub_w, permutations=params.permutations,
                                   seed=params.seed, fdr_correct=params.fdr)
            per_period[idx, t] = res_t.bins
            period_sig = significance_summary(res_t.p, permutations=params.permutations,
                                              fdr_on=params.fdr, levels=(BIN_LEVELS[0],))
            blocked_periods += bool(period_sig["warnings"])
        if blocked_periods and not sig["warnings"]:
            warnings.append({"code": "periods_unreachable", "periods": blocked_periods,
                             "of": n_periods, "permutations": params.permutations,
                             "p_min": sig["p_min"]})
        warnings += sig.pop("warnings")
        extra["significance"] = sig
        per_cell = {"z": z, "p": p}
        analysed = occupied
    elif params.method == "kde":
        step(0.2, "kernel density")
        kde = engine.kde_grid(x, y, params.cell_size, params.bandwidth, origin=gc.origin,
                              shape=gc.shape, refine=params.refine)
        expected = kde.density.ravel() * gc.grid.cell_area
        classes = _rank_classes(expected)
        per_cell = {"density_per_km2": kde.density.ravel() * 1e6}
        extra = {"bandwidth": kde.bandwidth}
        analysed = occupied | (classes > 0)
    else:  # forecast
        window = min(params.window, n_periods)
        bandwidth = params.bandwidth or max(400.0, 2 * params.cell_size)
        step(0.2, "prospective forecast for the next period")
        risk = engine.prospective_forecast(counts, gc.shape, gc.cell_size, bandwidth=bandwidth,
                                           window=window)
        classes = _rank_classes(risk)
        per_cell = {"risk": risk}
        analysed = occupied | (classes > 0)
        if n_periods > window:
            step(0.5, "backtest on earlier periods")
            evaluations = engine.backtest(
                counts, lambda h: engine.prospective_forecast(
                    h, gc.shape, gc.cell_size, bandwidth=bandwidth, window=window),
                window=window, coverage=params.coverage)
            extra["backtest"] = _backtest_summary(evaluations, gc.periods)
        extra["bandwidth"] = bandwidth
        extra["window"] = window
    step(0.9, "describing cells")
    idx = np.flatnonzero(analysed)
    rows, cols = np.divmod(idx, gc.shape[1])
    trend = _count_trend(counts[idx])
    cells = []
    stats = {k: _round(np.asarray(v, float)[idx], 6) for k, v in per_cell.items()}
    for n, cell in enumerate(idx):
        entry: dict[str, Any] = {
            "id": int(cell), "row": int(rows[n]), "col": int(cols[n]),
            "total": int(total[cell]), "counts": counts[cell].tolist(),
            "trend": trend[n], "class": int(classes[cell]),
        }
        for key, values in stats.items():
            entry[key] = values[n]
        if per_period is not None:
            entry["period_classes"] = per_period[cell].tolist()
        cells.append(entry)
    return {
        "method": params.method,
        "params": params.as_dict(),
        "crs": crs,
        "crs_name": crs_name(crs),
        "warnings": warnings,
        "n_excluded_far": outliers["n"],
        "grid": {"origin": list(gc.origin), "cell_size": gc.cell_size,
                 "shape": list(gc.shape)},
        "periods": [str(p) for p in gc.periods],
        "n_incidents": int(x.size),
        "n_analysed_cells": int(idx.size),
        "legend": _legend(params.method),
        "period_legend": ([] if per_period is None else _legend(
            "emerging_period" if params.method == "emerging" else "gistar")),
        "class_counts": {str(c): int(n) for c, n in
                         zip(*np.unique(classes[idx], return_counts=True), strict=True)},
        "cells": cells,
        **extra,
    }


def _count_trend(counts: NDArray[np.int64]) -> list[float | None]:
    """Mann-Kendall tau of each cell's counts: +1 always rising, -1 always falling."""
    if counts.shape[1] < 3:
        return [None] * counts.shape[0]
    return _round(engine.mann_kendall(counts).tau, 3)


def _backtest_summary(evaluations: list[engine.Evaluation], periods: NDArray[np.datetime64]
                      ) -> dict[str, Any]:
    def mean(values: list[float]) -> float | None:
        finite = [v for v in values if math.isfinite(v)]
        return round(sum(finite) / len(finite), 4) if finite else None

    return {
        "periods": len(evaluations),
        "coverage": evaluations[0].coverage if evaluations else None,
        "mean_hit_rate": mean([e.hit_rate for e in evaluations]),
        "mean_pai": mean([e.pai for e in evaluations]),
        "mean_pei": mean([e.pei for e in evaluations]),
        "rows": [{"period": str(periods[e.period]) if e.period is not None else None,
                  "hit_rate": _round(np.array([e.hit_rate]))[0],
                  "pai": _round(np.array([e.pai]))[0],
                  "pei": _round(np.array([e.pei]))[0]} for e in evaluations],
    }


def class_name(result: dict[str, Any], code: int, *, per_period: bool = False) -> str:
    legend = result["period_legend"] if per_period else result["legend"]
    return next((item["name"] for item in legend if item["code"] == code), str(code))


def top_cells(result: dict[str, Any], limit: int = 25) -> list[dict[str, Any]]:
    """The cells to list first: highest class, then most incidents."""
    hot_first = sorted(result["cells"], key=lambda c: (_class_rank(result, c["class"]),
                                                         -(c["total"] or 0), c["id"]))
    return hot_first[:limit]


def _class_rank(result: dict[str, Any], code: int) -> int:
    codes = [item["code"] for item in result["legend"]]
    return codes.index(code) if code in codes else len(codes)


# Per-cell statistics that are functions of the counts: together with the published
# totals they can be solved for a suppressed count (ADR 0027), so results with a
# minimum count do not publish them; the class (a binned outcome) and the count trend
# (a rank statistic) stay.
COUNT_STATISTICS = ("z", "p", "density_per_km2", "risk")


def disclose(result: dict[str, Any], suppress_below: int) -> dict[str, Any]:
    """The result as it may be shown when counts below ``suppress_below`` are secret
    (signal-based analyses): totals below the minimum become None, per-period counts and
    count statistics are withheld (a cell's total minus its shown periods would reveal
    the small ones), the number of incidents is that of the shown totals (the full
    number minus them would reveal the suppressed cells' sum), and the backtest, whose
    hit rates are fractions of counts, is left out. Without a minimum: unchanged."""
    if not suppress_below:
        return result
    cells = []
    for cell in result["cells"]:
        shown = {k: v for k, v in cell.items() if k not in COUNT_STATISTICS}
        shown["total"] = cell["total"] if cell["total"] >= suppress_below else None
        shown["counts"] = None
        cells.append(shown)
    disclosed = {k: v for k, v in result.items() if k != "backtest"}
    disclosed["cells"] = cells
    disclosed["n_incidents"] = sum(c["total"] for c in cells if c["total"] is not None)
    disclosed["n_incidents_shown_cells_only"] = True
    return disclosed


def to_geojson(result: dict[str, Any], *, suppress_below: int = 0) -> dict[str, Any]:
    """Cells as GeoJSON polygons in WGS84 with counts, statistics and class names
    (disclosed as :func:`disclose` says when there is a minimum count)."""
    result = disclose(result, suppress_below)
    g = result["grid"]
    grid = engine.Grid(origin=tuple(g["origin"]), cell_size=g["cell_size"],
                       shape=tuple(g["shape"]))
    ids = np.array([c["id"] for c in result["cells"]], dtype=np.int64)
    rings = cell_polygons_wgs84(grid, ids, result["crs"]) if ids.size else np.zeros((0, 5, 2))
    features = []
    for cell, ring in zip(result["cells"], rings, strict=True):
        props = {k: v for k, v in cell.items() if k not in ("counts", "period_classes")}
        props["class_name"] = class_name(result, cell["class"])
        props["counts"] = cell["counts"]
        if "period_classes" in cell:
            props["period_classes"] = cell["period_classes"]
        features.append({
            "type": "Feature", "id": cell["id"],
            "geometry": {"type": "Polygon", "coordinates": [np.round(ring, 7).tolist()]},
            "properties": props,
        })
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": {k: result.get(k) for k in ("method", "params", "crs", "grid", "periods",
                                                "n_incidents", "legend", "period_legend",
                                                "p_threshold", "bandwidth", "backtest")
                     if k in result},
    }


CSV_COLUMNS = ("id", "row", "col", "centre_x", "centre_y", "lon", "lat", "class", "class_name",
               "total", "trend")


def to_csv_text(result: dict[str, Any], *, suppress_below: int = 0) -> str:
    """The CSV export: ``#`` lines with parameters and legend, then one row per cell.

    The cell rows carry the cell centre (in the analysis projection and WGS84), the
    class, the total, the count trend, the method's statistics and the count per period.
    Read with ``pandas.read_csv(path, comment="#")``. With a minimum count the cells
    are disclosed as :func:`disclose` says: withheld values are empty, a suppressed
    total is ``<minimum``.
    """
    result = disclose(result, suppress_below)
    comments = [f"method: {result['method']}", f"projection: {result['crs']}",
                f"incidents: {result['n_incidents']}"]
    comments += [f"parameter {k}: {v}" for k, v in result["params"].items()]
    comments += [f"class {item['code']}: {item['name']}" for item in result["legend"]]
    comments += ["column trend: Kendall's tau of the cell's counts per period"]
    if result["method"] == "emerging":
        comments += ["columns trend_tau, trend_p: Mann-Kendall trend of the cell's Gi* "
                     "z-scores, the trend the emerging class is based on"]
    if result.get("significance"):
        comments += [f"column p: {result['significance']['p_value']}"]
    comments += [f"warning: {warning_text(w)}" for w in result.get("warnings", [])]
    lines: list[list[Any]] = []
    g = result["grid"]
    stat_keys = [k for k in ("z", "p", "trend_tau", "trend_p", "density_per_km2", "risk")
                 if result["cells"] and k in result["cells"][0]]
    lines.append([*CSV_COLUMNS, *stat_keys, *(f"count_{p}" for p in result["periods"])])
    cells = result["cells"]
    cx = np.array([g["origin"][0] + (c["col"] + 0.5) * g["cell_size"] for c in cells])
    cy = np.array([g["origin"][1] + (c["row"] + 0.5) * g["cell_size"] for c in cells])
    lon, lat = Transformer.from_crs(result["crs"], "EPSG:4326", always_xy=True).transform(cx, cy)
    for n, cell in enumerate(cells):
        hidden = cell["total"] is None
        counts = [""] * len(result["periods"]) if cell["counts"] is None else cell["counts"]
        lines.append([cell["id"], cell["row"], cell["col"], round(float(cx[n]), 2),
                      round(float(cy[n]), 2), round(float(np.atleast_1d(lon)[n]), 7),
                      round(float(np.atleast_1d(lat)[n]), 7), cell["class"],
                      class_name(result, cell["class"]),
                      f"<{suppress_below}" if hidden else cell["total"],
                      "" if cell["trend"] is None else cell["trend"],
                      *("" if cell[k] is None else cell[k] for k in stat_keys), *counts])
    buffer = io.StringIO()
    # Comment lines are written as they are: a CSV writer would quote those with commas.
    buffer.writelines(f"# {' '.join(line.split())}\n" for line in comments)
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    return buffer.getvalue()
