"""KDE accuracy on the real incident files in ../shared/data (a measurement, not a test).

For each data set, kernel and ``refine`` the binned FFT density (``kde_grid``) is
compared with the exact sum ``f(c) = sum_i K(|c - p_i|)`` at the 300 densest cells and
300 random cells with points nearby. The error is reported as the largest absolute
difference divided by the peak density of the grid, the measure the docs quote.

    .venv/bin/python benchmarks/hotspots/kde_accuracy_real_data.py --cell 100
    .venv/bin/python benchmarks/hotspots/kde_accuracy_real_data.py --cell 250

Points far outside the dense extent are left out first, as the page does.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from wijkregie.hotspots.analysis import exclude_far_points
from wijkregie.hotspots.engine import kde_grid, kernel_value
from wijkregie.hotspots.incident_files import read_incidents

SHARED = Path(os.environ.get("WIJKREGIE_SHARED_DATA",
                             Path(__file__).resolve().parents[3] / "shared" / "data"))
FILES = {
    "manchester-burglary": ("gmp_bur.csv", "EPSG:27700"),
    "merseyside-shoplifting": ("merseyside_shoplifting.csv", "EPSG:27700"),
    "houston-crime-2010": ("crime.csv.gz", "EPSG:32139"),
}


def exact_density(tree: cKDTree, pts: np.ndarray, centres: np.ndarray, bandwidth: float,
                  kernel: str) -> np.ndarray:
    radius = bandwidth * (5.0 if kernel == "gaussian" else 1.0)
    out = np.empty(len(centres))
    for n, near in enumerate(tree.query_ball_point(centres, radius)):
        d = np.hypot(*(pts[near] - centres[n]).T) if near else np.zeros(0)
        out[n] = kernel_value(d, bandwidth, kernel).sum()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", type=float, default=100.0)
    parser.add_argument("--cells-per-bandwidth", type=float, default=3.0)
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()
    bandwidth = args.cell * args.cells_per_bandwidth
    rng = np.random.default_rng(1)
    print(f"cell {args.cell:g} m, bandwidth {bandwidth:g} m")
    print(f"{'data set':<24} {'kernel':<9} {'refine':>6} {'max error / peak':>17}")
    for name, (file, crs) in FILES.items():
        path = SHARED / name / file
        if not path.exists():
            print(f"{name}: absent")
            continue
        table = read_incidents(path, crs=crs)
        x, y, _, _ = exclude_far_points(table.x, table.y, table.dates)
        pts = np.column_stack([x, y])
        tree = cKDTree(pts)
        for kernel in ("gaussian", "quartic"):
            for refine in (1, 3, 5):
                kde = kde_grid(x, y, args.cell, bandwidth, kernel, refine=refine)
                dens = kde.density.ravel()
                xc, yc = kde.grid.cell_centres()
                top = np.argsort(-dens)[: args.sample]
                busy = np.flatnonzero(dens > 0.01 * dens.max())
                rand = rng.choice(busy, size=min(args.sample, busy.size), replace=False)
                ids = np.unique(np.concatenate([top, rand]))
                exact = exact_density(tree, pts, np.column_stack([xc[ids], yc[ids]]),
                                      bandwidth, kernel)
                err = np.abs(dens[ids] - exact).max() / exact.max()
                print(f"{name:<24} {kernel:<9} {refine:>6} {err:>17.2e}")


if __name__ == "__main__":
    main()
