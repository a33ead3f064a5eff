"""Benchmark the hot spot engine against esda, scikit-learn and scipy, side by side.

Run in the reference venv (esda, libpysal and scikit-learn are not project
dependencies)::

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -e . esda libpysal scikit-learn
    .venv-bench/bin/python benchmarks/hotspots/bench_engine.py

Timings are medians of repeated runs after one warm-up call (the warm-up time is
reported separately as "first call"). Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version

import numpy as np
from scipy.stats import gaussian_kde

from wijkregie.hotspots.engine import emerging_hotspots, gi_star, grid_weights, kde_grid


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """(first call seconds, median of ``repeats`` further calls, last result)."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs) if runs else first, result


def bench_gi_star(side: int, permutations: int) -> list[str]:
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    rng = np.random.default_rng(0)
    w = grid_weights((side, side), "queen")
    # Continuous values: no ties, so esda's and our tie rules coincide.
    x = rng.gamma(2.0, 1.0, size=side * side)
    w_esda = WSP(w).to_W(silence_warnings=True)
    n = side * side

    first, ours, ours_res = timed(lambda: gi_star(x, w), repeats=7)
    _, theirs, esda_res = timed(
        lambda: G_Local(x, w_esda, transform="B", star=True, permutations=0), repeats=3)
    zdiff = float(np.abs(ours_res.z - esda_res.Zs).max())
    out = [
        f"| Gi* analytic, {n:,} cells (queen) | {ours:.4f} s (first {first:.4f}) "
        f"| esda G_Local star: {theirs:.3f} s | {theirs / ours:.0f}x "
        f"| max abs z difference {zdiff:.1e} |"
    ]
    p_first, ours_p, res_p = timed(
        lambda: gi_star(x, w, permutations=permutations, seed=1), repeats=3)
    t0 = time.perf_counter()
    esda_p = G_Local(x, w_esda, transform="B", star=True, permutations=permutations, seed=1,
                     keep_simulations=False)
    esda_time = time.perf_counter() - t0
    diff = np.abs(res_p.p_sim - esda_p.p_sim)
    se = np.sqrt(esda_p.p_sim * (1 - esda_p.p_sim) * 2 / permutations)
    within = float(np.mean(diff <= 3 * se + 1 / (permutations + 1)))
    out.append(
        f"| Gi* {permutations} permutations, {n:,} cells | {ours_p:.3f} s (first {p_first:.3f}) "
        f"| esda G_Local star (1 run): {esda_time:.2f} s | {esda_time / ours_p:.0f}x "
        f"| p_sim: mean abs diff {diff.mean():.4f}, {within:.1%} of cells within 3 Monte "
        f"Carlo SE |"
    )
    return out


def _isotropic_points(n: int, extent: float, rng: np.random.Generator) -> np.ndarray:
    """Clustered points whose sample covariance is exactly isotropic.

    scipy's gaussian_kde scales its kernel by the data covariance; whitening the
    cloud to a scalar covariance lets it use the same isotropic kernel as ours.
    """
    centres = rng.uniform(0.2 * extent, 0.8 * extent, size=(40, 2))
    which = rng.integers(0, 40, size=n)
    pts = centres[which] + rng.normal(0, extent * 0.03, size=(n, 2))
    pts = np.vstack([pts[: n * 4 // 5], rng.uniform(0.1 * extent, 0.9 * extent,
                                                     size=(n - n * 4 // 5, 2))])
    mean = pts.mean(axis=0)
    cov = np.cov(pts.T, bias=False)
    vals, vecs = np.linalg.eigh(cov)
    sigma = float(np.sqrt(vals.mean()))
    whiten = vecs @ np.diag(sigma / np.sqrt(vals)) @ vecs.T
    return (pts - mean) @ whiten + mean, sigma


def _exact_density(pts: np.ndarray, at: np.ndarray, h: float) -> np.ndarray:
    out = np.empty(len(at))
    for k, (ex, ey) in enumerate(at):
        d2 = (pts[:, 0] - ex) ** 2 + (pts[:, 1] - ey) ** 2
        out[k] = np.exp(-0.5 * d2 / (h * h)).sum() / (2 * np.pi * h * h)
    return out


def bench_kde(n_points: int, cells: int, n_eval: int) -> list[str]:
    from sklearn.neighbors import KernelDensity

    rng = np.random.default_rng(1)
    cell, h = 100.0, 300.0
    extent = cells * cell
    pts, sigma = _isotropic_points(n_points, extent, rng)
    args = dict(origin=(0.0, 0.0), shape=(cells, cells))
    first, ours, res = timed(
        lambda: kde_grid(pts[:, 0], pts[:, 1], cell, h, "gaussian", **args), repeats=5)
    xc, yc = res.grid.cell_centres()
    sample = rng.choice(xc.size, n_eval, replace=False)
    at = np.column_stack([xc[sample], yc[sample]])
    exact = _exact_density(pts, at, h)
    scale = exact.max()
    our_err = float(np.abs(res.density.ravel()[sample] - exact).max() / scale)
    grid_cells = cells * cells
    out = [
        f"| KDE gaussian, {n_points:,} points, {cells}x{cells} grid, h={h:.0f} m "
        f"| {ours:.3f} s (first {first:.3f}) | — | — "
        f"| max error vs exact on {n_eval} cells: {our_err:.1e} of the peak density |"
    ]
    for rtol in (our_err, 0.0):
        kd = KernelDensity(bandwidth=h, kernel="gaussian", rtol=rtol).fit(pts)
        t0 = time.perf_counter()
        sk = np.exp(kd.score_samples(at)) * n_points
        per_point = (time.perf_counter() - t0) / n_eval
        sk_err = float(np.abs(sk - exact).max() / scale)
        est = per_point * grid_cells
        out.append(
            f"| | | scikit-learn KernelDensity rtol={rtol:.1e}: {est:.0f} s extrapolated "
            f"from {n_eval} cells | {est / ours:,.0f}x | its max error {sk_err:.1e} |"
        )
    sub = at[: max(n_eval // 5, 20)]
    kde = gaussian_kde(pts.T, bw_method=h / sigma)
    t0 = time.perf_counter()
    sp = kde(sub.T) * n_points
    est = (time.perf_counter() - t0) / len(sub) * grid_cells
    sp_err = float(np.abs(sp - exact[: len(sub)]).max() / scale)
    out.append(
        f"| | | scipy gaussian_kde: {est:.0f} s extrapolated from {len(sub)} cells "
        f"| {est / ours:,.0f}x | its max error {sp_err:.1e} |"
    )
    return out


def bench_emerging(rows: int, cols: int, periods: int) -> list[str]:
    rng = np.random.default_rng(2)
    n = rows * cols
    rate = rng.gamma(1.0, 1.0, size=n)[:, None] * (1 + 0.02 * np.arange(periods))[None, :]
    counts = rng.poisson(rate)
    w = grid_weights((rows, cols), "queen")
    first, med, res = timed(lambda: emerging_hotspots(counts, w, time_lag=1), repeats=3)
    classes = len(set(res.category[res.analysed]))
    _, p_med, _ = timed(
        lambda: emerging_hotspots(counts, w, time_lag=1, permutations=99, seed=1), repeats=1)
    return [
        f"| Emerging hot spots, {n:,} cells x {periods} periods (analytic, FDR) "
        f"| {med:.2f} s (first {first:.2f}) | — | — | {classes} categories found |",
        f"| Emerging hot spots, same, 99 permutations | {p_med:.2f} s | — | — | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", type=int, default=316, help="Gi* grid side (316 -> ~100k)")
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--kde-cells", type=int, default=500)
    parser.add_argument("--kde-eval", type=int, default=500)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"Machine: {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {version('scipy')}, esda {version('esda')}, "
          f"libpysal {version('libpysal')}, scikit-learn {version('scikit-learn')}\n")
    print("| Task | Wijkregie engine | Reference | Speed-up | Accuracy |")
    print("|---|---|---|---|---|")
    for line in (
        bench_gi_star(args.side, args.permutations)
        + bench_kde(args.points, args.kde_cells, args.kde_eval)
        + bench_emerging(100, 200, 36)
    ):
        print(line, flush=True)


if __name__ == "__main__":
    main()
