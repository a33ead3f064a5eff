"""The engine on real open crime data from ../shared/data (skipped when absent)."""

import csv
import gzip
import os
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from wijkregie.hotspots.engine import (
    backtest,
    emerging_hotspots,
    grid_counts,
    grid_weights,
    project_lonlat,
    prospective_forecast,
)

pytestmark = pytest.mark.shared_data

# Same convention as tests/conftest.py, repeated here so these engine tests need
# nothing from the Django test setup.
SHARED_DATA = Path(os.environ.get("WIJKREGIE_SHARED_DATA",
                                  Path(__file__).resolve().parents[3] / "shared" / "data"))
BRITISH_NATIONAL_GRID = "EPSG:27700"
TEXAS_SOUTH_CENTRAL_M = "EPSG:32139"


def _data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (../shared/data is not part "
                    "of a clone)")
    return path


def test_manchester_burglary_emerging_hot_spots():
    with open(_data("manchester-burglary") / "gmp_bur.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    lon = np.array([float(r["Longitude"] or "nan") for r in rows])
    lat = np.array([float(r["Latitude"] or "nan") for r in rows])
    month = np.array([r["Month"] for r in rows], dtype="datetime64[M]")
    valid = int((np.isfinite(lon) & np.isfinite(lat)).sum())
    # Great Britain: metres in British National Grid, not RD New.
    x, y = project_lonlat(lon, lat, BRITISH_NATIONAL_GRID)
    gc = grid_counts(x, y, month, cell_size=500, period="M")
    assert gc.counts.shape[1] == 36
    assert gc.counts.sum() == valid
    result = emerging_hotspots(gc.counts, grid_weights(gc.shape), time_lag=1)
    found = Counter(result.category[result.analysed])
    hot_classes = {c for c in found if c.endswith("hot_spot")}
    assert len(hot_classes) >= 3, found
    assert found["no_pattern"] < result.analysed.sum()
    assert np.isfinite(result.mk_p[result.analysed]).all()


def test_houston_weekly_prospective_backtest():
    with gzip.open(_data("houston-crime-2010") / "crime.csv.gz", "rt", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["lon"] and r["lat"]]
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    t = np.array([r["time"].rstrip("Z") for r in rows], dtype="datetime64[s]")
    x, y = project_lonlat(lon, lat, TEXAS_SOUTH_CENTRAL_M)
    # Keep the city proper: a few geocodes land far outside Houston.
    core = (np.abs(x - np.median(x)) < 25_000) & (np.abs(y - np.median(y)) < 25_000)
    gc = grid_counts(x[core], y[core], t[core], cell_size=250, period="W")
    forecaster = partial(prospective_forecast, shape=gc.shape, cell_size=gc.cell_size,
                         bandwidth=400, window=8)
    table = backtest(gc.counts, forecaster, window=8, coverage=0.05)
    assert len(table) == gc.counts.shape[1] - 8
    pai = np.array([r.pai for r in table[:-1]])  # the last week is partial
    assert np.all(pai > 1), "prospective hot spots should beat a random 5 % of the area"
