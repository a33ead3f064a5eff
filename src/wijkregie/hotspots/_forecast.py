"""Next-period hot spot forecasts and their accuracy metrics (no Django).

Forecasters take the recent history of a count grid, ``history[cell, period]``
(oldest period first, cells in :class:`Grid` row-major order), and return a risk
score per cell; only the ranking of the scores matters to :func:`evaluate`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.signal import fftconvolve

from ._kde import Kernel, smooth_grid

Forecaster = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def prospective_forecast(
    history: ArrayLike,
    shape: tuple[int, int],
    cell_size: float,
    *,
    bandwidth: float = 400.0,
    window: int = 8,
) -> NDArray[np.float64]:
    """Prospective hot spotting (Bowers, Johnson & Pease 2004).

    Each event of the last ``window`` periods adds to every cell within
    ``bandwidth`` metres of its cell::

        risk(c) = sum_events 1 / (1 + d_cells) * 1 / (1 + age)

    with ``d_cells`` the centre-to-centre distance between the event's cell and c in
    cell widths, and ``age`` the number of whole periods since the event (0 for the
    most recent period). With weekly periods these are the published defaults: 400 m
    and 8 weeks. Because the weights factorise into time and space, the history is
    first collapsed with the time weights and then convolved once with the spatial
    stencil.
    """
    h = np.asarray(history, dtype=np.float64)
    recent = h[:, -window:]
    age = np.arange(recent.shape[1])[::-1]  # last column is age 0
    weighted = recent @ (1.0 / (1.0 + age))
    reach = math.floor(bandwidth / cell_size)
    offsets = np.arange(-reach, reach + 1)
    d_cells = np.hypot(offsets[:, None], offsets[None, :])
    stencil = np.where(d_cells * cell_size <= bandwidth, 1.0 / (1.0 + d_cells), 0.0)
    risk = fftconvolve(weighted.reshape(shape), stencil, mode="same")
    # FFT round-off can leave tiny negatives where the risk is 0.
    return np.maximum(risk, 0.0).ravel()


def kde_forecast(
    history: ArrayLike,
    shape: tuple[int, int],
    cell_size: float,
    *,
    bandwidth: float = 300.0,
    window: int = 8,
    kernel: Kernel = "gaussian",
) -> NDArray[np.float64]:
    """Kernel density (events per m^2) of all events in the last ``window`` periods.

    The classic "retrospective hot spot map used as a forecast"
    (Chainey, Tompson & Uhlig 2008): the counts of the recent periods are summed per
    cell and smoothed with :func:`smooth_grid`.
    """
    h = np.asarray(history, dtype=np.float64)
    total = h[:, -window:].sum(axis=1).reshape(shape)
    return smooth_grid(total, cell_size, bandwidth, kernel).ravel()


@dataclass(frozen=True)
class Evaluation:
    """Accuracy of one forecast at one coverage.

    ``area_share`` is the share of cells actually selected (``n_selected / n``),
    which can differ slightly from the requested ``coverage`` by rounding.
    """

    coverage: float
    area_share: float
    n_selected: int
    hits: float
    total: float
    hit_rate: float
    pai: float
    pei: float
    rri: float
    period: int | None = None


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def evaluate(
    forecast: ArrayLike,
    observed: ArrayLike,
    coverage: float = 0.05,
    *,
    training: ArrayLike | None = None,
    period: int | None = None,
) -> Evaluation:
    """Hit rate, PAI, PEI and RRI of a forecast on the cells it ranks highest.

    The ``k = round(coverage * n)`` (at least 1) cells with the highest forecast are
    the forecast area, ties broken by the lower cell id. With ``n_in`` observed
    events in it out of ``N``:

    - hit rate ``H = n_in / N``;
    - PAI (Chainey, Tompson & Uhlig 2008) ``= H / (k / n)``;
    - PEI (Hunt 2016) ``= PAI / PAI* = n_in / n*`` where ``n*`` is the number of
      events in the k cells with the most observed events (the best any forecast
      could do with k cells), so 1 is perfect;
    - RRI, Levine's recapture rate index (CrimeStat; Levine 2008)
      ``= (n_in / N) / (n_in,train / N_train)``: the forecast area's share of the
      events in the observed period divided by its share in the ``training``
      counts the forecast was made from. Above 1 the area recaptured relatively
      more events than it held when it was chosen. NaN without ``training``.

    Metrics whose denominator is zero are NaN.
    """
    f = np.asarray(forecast, dtype=np.float64).ravel()
    obs = np.asarray(observed, dtype=np.float64).ravel()
    n = f.size
    if obs.size != n:
        raise ValueError("forecast and observed must have one value per cell")
    if not 0 < coverage <= 1:
        raise ValueError("coverage must be in (0, 1]")
    k = max(1, min(n, math.floor(coverage * n + 0.5)))
    # Stable sort on -f keeps the lower cell id first among equal scores.
    chosen = np.argsort(-f, kind="stable")[:k]
    hits = float(obs[chosen].sum())
    total = float(obs.sum())
    best = float(np.sort(obs)[::-1][:k].sum())
    area = k / n
    hit_rate = _ratio(hits, total)
    rri = math.nan
    if training is not None:
        train = np.asarray(training, dtype=np.float64).ravel()
        rri = _ratio(hit_rate, _ratio(float(train[chosen].sum()), float(train.sum())))
    return Evaluation(
        coverage=coverage,
        area_share=area,
        n_selected=k,
        hits=hits,
        total=total,
        hit_rate=hit_rate,
        pai=hit_rate / area,
        pei=_ratio(hits, best),
        rri=rri,
        period=period,
    )


def backtest(
    counts: ArrayLike,
    forecaster: Forecaster,
    *,
    window: int,
    coverage: float = 0.05,
    start: int | None = None,
) -> list[Evaluation]:
    """Rolling-origin backtest: forecast every period from the ``window`` before it.

    For each period t from ``start`` (default ``window``) to the last, the
    forecaster gets ``counts[:, t - window : t]`` and is scored on ``counts[:, t]``
    with :func:`evaluate`, the RRI training counts being the sum over that same
    window. Returns one :class:`Evaluation` per period (``period`` = t), a table
    that turns into a DataFrame with ``pandas.DataFrame(map(dataclasses.asdict, ...))``.
    """
    c = np.asarray(counts, dtype=np.float64)
    first = window if start is None else start
    if first < window:
        raise ValueError("start must leave a full window of history")
    rows = []
    for t in range(first, c.shape[1]):
        history = c[:, t - window : t]
        rows.append(
            evaluate(forecaster(history), c[:, t], coverage, training=history.sum(axis=1),
                     period=t)
        )
    return rows
