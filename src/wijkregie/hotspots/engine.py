"""Hot spot engine: plain functions on numpy arrays and scipy sparse matrices.

The public API of the hot spot analyses (issue 5). Nothing here imports Django, so
the engine can be tested, benchmarked and reused on its own; the Django app wraps
it. Method documentation for analysts: docs/analysts/hotspot-methods.md.

Typical flow::

    x, y = project_lonlat(lon, lat)                     # metres, RD New
    gc = grid_counts(x, y, t, cell_size=125, period="M")
    w = grid_weights(gc.shape, "queen")
    hot = gi_star(gc.counts.sum(axis=1), w, permutations=999, seed=1)
    ehs = emerging_hotspots(gc.counts, w, time_lag=1)
    risk = prospective_forecast(gc.counts, gc.shape, gc.cell_size)
"""

from ._emerging import (
    CATEGORY_CODES,
    CATEGORY_NAMES,
    EmergingResult,
    MannKendall,
    classify_emerging,
    emerging_hotspots,
    mann_kendall,
)
from ._forecast import (
    Evaluation,
    Forecaster,
    backtest,
    evaluate,
    kde_forecast,
    prospective_forecast,
)
from ._gistar import (
    GiStarResult,
    confidence_bins,
    fdr,
    gi_star,
    permutation_p,
    smallest_permutation_p,
    star_weights,
    two_sided,
)
from ._grid import RD_NEW, Grid, GridCounts, grid_counts, period_index, project_lonlat
from ._kde import KDEResult, default_bandwidth, kde_grid, kernel_value, smooth_grid
from ._weights import distance_band_weights, grid_weights, spacetime_weights

__all__ = [
    "CATEGORY_CODES",
    "CATEGORY_NAMES",
    "RD_NEW",
    "EmergingResult",
    "Evaluation",
    "Forecaster",
    "GiStarResult",
    "Grid",
    "GridCounts",
    "KDEResult",
    "MannKendall",
    "backtest",
    "classify_emerging",
    "confidence_bins",
    "default_bandwidth",
    "distance_band_weights",
    "emerging_hotspots",
    "evaluate",
    "fdr",
    "gi_star",
    "grid_counts",
    "grid_weights",
    "kde_forecast",
    "kde_grid",
    "kernel_value",
    "mann_kendall",
    "period_index",
    "permutation_p",
    "project_lonlat",
    "prospective_forecast",
    "smallest_permutation_p",
    "smooth_grid",
    "spacetime_weights",
    "star_weights",
    "two_sided",
]
