"""Benchmark the hot spot product path: reading a real file, the page's pipeline, exports,
and the space-time weights build before and after it was rewritten.

Run from the repository root (needs ../shared/data for the real-data rows)::

    .venv/bin/python benchmarks/hotspots/bench_product.py

Timings are medians of repeated runs after one warm-up call; before/after pairs
alternate their runs so that load from other users affects both alike. Prints a Markdown report.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import numpy as np
from scipy import sparse

from wijkregie.hotspots import _emerging, _gistar, engine
from wijkregie.hotspots.analysis import AnalysisParams, run_analysis, to_csv_text, to_geojson
from wijkregie.hotspots.incident_files import read_incidents

SHARED = Path(os.environ.get("WIJKREGIE_SHARED_DATA",
                             Path(__file__).resolve().parents[2].parent / "shared" / "data"))


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs) if runs else first, result


def kron_spacetime_weights(spatial: sparse.csr_matrix, n_periods: int, time_lag: int
                           ) -> sparse.csr_matrix:
    """The previous implementation (sums of Kronecker products, then ``setdiag(0)``)."""
    s = sparse.csr_matrix((spatial != 0).astype(np.float64))
    n = s.shape[0]
    with_self = s + sparse.identity(n, format="csr")
    blocks = sparse.kron(sparse.identity(n_periods, format="csr"), s, format="csr")
    for lag in range(1, time_lag + 1):
        shift = sparse.eye(n_periods, k=-lag, format="csr")
        blocks = blocks + sparse.kron(shift, with_self, format="csr")
    blocks.setdiag(0)
    blocks.eliminate_zeros()
    blocks.sort_indices()
    return blocks


def setdiag_drop_diagonal(w: sparse.spmatrix, *, copy: bool = False) -> sparse.csr_matrix:
    """The previous diagonal removal used by Gi*'s ``star_weights``."""
    w = sparse.csr_matrix(w, dtype=np.float64, copy=copy)
    w.setdiag(0)
    w.eliminate_zeros()
    w.sort_indices()
    return w


def interleaved(old: Callable[[], object], new: Callable[[], object], rounds: int
                ) -> tuple[float, float]:
    """Medians of alternating runs, so load from other users hits both sides alike."""
    old_t, new_t = [], []
    for _ in range(rounds):
        for fn, out in ((old, old_t), (new, new_t)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(old_t), statistics.median(new_t)


def emerging_with_previous_weights(counts: np.ndarray, w: sparse.csr_matrix) -> object:
    with mock.patch.object(_emerging, "spacetime_weights", kron_spacetime_weights), \
            mock.patch.object(_gistar, "drop_diagonal", setdiag_drop_diagonal):
        return engine.emerging_hotspots(counts, w, time_lag=1)


def bench_weights() -> list[str]:
    rng = np.random.default_rng(1)
    w = engine.grid_weights((100, 200))
    a, b = kron_spacetime_weights(w, 36, 1), engine.spacetime_weights(w, 36, 1)
    same = (a != b).nnz == 0
    old, new = interleaved(lambda: kron_spacetime_weights(w, 36, 1),
                           lambda: engine.spacetime_weights(w, 36, 1), 5)
    counts = rng.poisson(2 + np.linspace(0, 1, 36)[None, :], (20_000, 36))
    before = emerging_with_previous_weights(counts, w)
    after = engine.emerging_hotspots(counts, w, time_lag=1)
    e_old, e_new = interleaved(lambda: emerging_with_previous_weights(counts, w),
                               lambda: engine.emerging_hotspots(counts, w, time_lag=1), 5)
    return [
        f"| Space-time weights, 20,000 cells x 36 periods ({a.nnz:,} links) | {new:.3f} s | "
        f"previous kron + setdiag: {old:.3f} s | {old / new:.1f}x | identical: {same} |",
        f"| Emerging hot spots, 20,000 cells x 36 periods (analytic, FDR) | {e_new:.2f} s | "
        f"with the previous weights build: {e_old:.2f} s | {e_old / e_new:.1f}x | same "
        f"categories: {bool((before.code == after.code).all())} |",
    ]


def bench_real() -> list[str]:
    path = SHARED / "manchester-burglary" / "gmp_bur.csv"
    if not path.exists():
        return [f"| (real data absent: {path}) | | | | |"]
    _, read, table = timed(lambda: read_incidents(path, crs="EPSG:27700"), 2)
    rows = [f"| Read + check + project gmp_bur.csv ({len(table):,} rows) | {read:.2f} s | | | |"]
    for method in ("emerging", "gistar", "kde", "forecast"):
        params = AnalysisParams(method=method, cell_size=500)
        _, t, result = timed(lambda p=params: run_analysis(table.x, table.y, table.dates, p,
                                                           crs=table.crs), 3)
        classes = {k: v for k, v in result["class_counts"].items() if k != "0"}
        rows.append(f"| Page pipeline `{method}`, 500 m, 36 months | {t:.2f} s | | | "
                    f"{result['n_analysed_cells']:,} cells; non-zero classes {classes} |")
    result = run_analysis(table.x, table.y, table.dates, AnalysisParams(cell_size=500),
                          crs=table.crs)
    _, geo, _ = timed(lambda: to_geojson(result), 3)
    _, csv_t, text = timed(lambda: to_csv_text(result), 3)
    rows.append(f"| GeoJSON export of the emerging result | {geo:.2f} s | | | |")
    rows.append(f"| CSV export of the emerging result | {csv_t:.2f} s | | | "
                f"{len(text) / 1e6:.1f} MB |")
    return rows


def main() -> None:
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; Python {platform.python_version()}, numpy "
          f"{version('numpy')}, scipy {version('scipy')}, pyproj {version('pyproj')}\n")
    print("| Task | Wijkregie | Reference | Speed-up | Notes |")
    print("|---|---|---|---|---|")
    for line in bench_weights() + bench_real():
        print(line)


if __name__ == "__main__":
    main()
