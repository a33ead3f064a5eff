"""``wijkregie hotspots METHOD FILE``: the page's hot spot analyses on a file, no database.

Reads the file exactly as ``import-incidents`` does and runs the same pipeline as the
page (wijkregie.hotspots.analysis), so the same file and parameters give the same cells,
counts and classes.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.progress import command_progress
from wijkregie.hotspots import analysis as pipeline
from wijkregie.hotspots import engine
from wijkregie.hotspots.incident_files import IncidentFileError, IncidentTable, read_incidents

ACTIONS = {
    "emerging": "emerging hot spot classes (space-time Gi* + Mann-Kendall)",
    "gistar": "Getis-Ord Gi* hot spots of the whole period, and per period",
    "kde": "kernel density, cells ranked into top 1/5/10 %%",
    "forecast": "prospective hot spot forecast for the next period",
    "backtest": "rolling-origin evaluation of forecasts (hit rate, PAI, PEI, RRI)",
}


class Command(BaseCommand):
    help = "Hot spot analyses on an incident file: " + ", ".join(ACTIONS) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser),
                                    metavar="{" + ",".join(ACTIONS) + "}")
        for action, text in ACTIONS.items():
            p = sub.add_parser(action, help=text, called_from_command_line=getattr(
                parser, "called_from_command_line", None))
            p.add_argument("file", type=Path, help="incident CSV (as for import-incidents)")
            p.add_argument("--crs", help="projection of x/y, or to compute x/y in "
                                         "(e.g. EPSG:27700)")
            p.add_argument("--cell", type=float, default=250.0, help="cell size in metres")
            p.add_argument("--period", default="M", choices=["D", "W", "M", "Q", "Y"])
            p.add_argument("--category", action="append", default=[],
                           help="only this category (repeatable)")
            p.add_argument("--start", type=date.fromisoformat, help="first date, YYYY-MM-DD")
            p.add_argument("--end", type=date.fromisoformat, help="last date, YYYY-MM-DD")
            p.add_argument("--column", action="append", default=[], metavar="ROLE=NAME")
            p.add_argument("--permutations", type=int, default=0,
                           help="conditional permutations for pseudo p-values (0: analytic "
                                "normal p). The smallest two-sided pseudo p is 2/(N+1); "
                                "with FDR use 999 or 9999")
            p.add_argument("--seed", type=int, default=1)
            p.add_argument("--no-fdr", action="store_true", help="no FDR correction")
            p.add_argument("--bandwidth", type=float, help="KDE/forecast bandwidth (m)")
            p.add_argument("--window", type=int, default=6, help="forecast window (periods)")
            p.add_argument("--refine", type=int, default=1, choices=[1, 3, 5],
                           help="KDE: bin on a grid 3 or 5 times finer, about 10 or 25 times "
                                "more exact (docs/analysts/hotspot-methods.md)")
            p.add_argument("--coverage", type=float, default=0.05,
                           help="backtest: share of cells selected")
            p.add_argument("--out", type=Path, help="write .geojson, .csv or .json")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        columns = dict(item.partition("=")[::2] for item in options["column"])
        with command_progress(self, options["verbosity"]) as progress:
            try:
                table = read_incidents(options["file"], crs=options["crs"],
                                       columns=columns or None,
                                       progress=lambda f, m: progress(0.3 * f / 0.8, m))
                x, y, dates = select(table, options["category"], options["start"],
                                     options["end"])
                params = pipeline.AnalysisParams(
                    method="forecast" if action == "backtest" else action,
                    cell_size=options["cell"], period=options["period"],
                    permutations=options["permutations"], seed=options["seed"],
                    fdr=not options["no_fdr"], bandwidth=options["bandwidth"],
                    window=options["window"], coverage=options["coverage"],
                    refine=options["refine"])
                if action == "backtest":
                    self._backtest(x, y, dates, params, options["out"])
                    progress(1.0, "backtest done")
                    return
                result = pipeline.run_analysis(
                    x, y, dates, params, crs=table.crs,
                    progress=lambda f, m: progress(0.3 + 0.7 * f, m))
            except (IncidentFileError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            progress(1.0, "done")
        for note in table.notes:
            self.stdout.write(f"note: {note}")
        for warning in result["warnings"]:
            self.stderr.write(f"warning: {pipeline.warning_text(warning)}")
        self._summary(result)
        if options["out"]:
            write_result(result, options["out"])
            self.stdout.write(f"written: {options['out']}")

    def _summary(self, result: dict[str, Any]) -> None:
        self.stdout.write(f"{result['method']}: {result['n_incidents']} incidents, "
                          f"{result['n_analysed_cells']} cells analysed, periods "
                          f"{result['periods'][0]} – {result['periods'][-1]} "
                          f"({len(result['periods'])}), projection {result['crs']}"
                          + (f" ({result['crs_name']})" if result.get("crs_name") else ""))
        sig = result.get("significance")
        if sig:
            thresholds = ", ".join(f"{k}: {v:.3g}" for k, v in sig["thresholds"].items())
            self.stdout.write(f"p-values: {sig['p_value']}; "
                              f"{'FDR-corrected ' if sig['fdr'] else ''}thresholds "
                              f"{thresholds}"
                              + (f"; smallest attainable p {sig['p_min']:.3g}"
                                 if sig["p_min"] else ""))
        for item in result["legend"]:
            n = result["class_counts"].get(str(item["code"]), 0)
            if n:
                self.stdout.write(f"  {item['name']:<28} {n:>7}")
        emerging = result["method"] == "emerging"
        self.stdout.write("top cells (id, class, incidents, count trend [Kendall's tau of "
                          "the counts]"
                          + (", class trend [Mann-Kendall tau and p of the Gi* z-scores, "
                             "the basis of the class]" if emerging else "") + "):")
        for cell in pipeline.top_cells(result, 10):
            line = (f"  {cell['id']:>8}  {pipeline.class_name(result, cell['class']):<28}"
                    f" {cell['total']:>6}  {cell['trend']}")
            if emerging:
                line += f"  {cell['trend_tau']} (p {cell['trend_p']})"
            self.stdout.write(line)

    def _backtest(self, x: np.ndarray, y: np.ndarray, dates: np.ndarray,
                  params: pipeline.AnalysisParams, out: Path | None) -> None:
        gc = engine.grid_counts(x, y, dates, cell_size=params.cell_size, period=params.period)
        window = params.window
        if gc.counts.shape[1] <= window:
            raise ValueError(f"backtest needs more than --window {window} periods")
        bandwidth = params.bandwidth or max(400.0, 2 * params.cell_size)
        forecasters = {
            "prospective": lambda h: engine.prospective_forecast(
                h, gc.shape, gc.cell_size, bandwidth=bandwidth, window=window),
            "kde": lambda h: engine.kde_forecast(h, gc.shape, gc.cell_size,
                                                 bandwidth=bandwidth, window=window),
            "last period": lambda h: h[:, -1] + 1e-9 * h.sum(axis=1),
        }
        rows = []
        for name, forecaster in forecasters.items():
            for e in engine.backtest(gc.counts, forecaster, window=window,
                                     coverage=params.coverage):
                rows.append({"forecaster": name, "period": str(gc.periods[e.period]),
                             "hit_rate": e.hit_rate, "pai": e.pai, "pei": e.pei,
                             "rri": e.rri})
        self.stdout.write(f"backtest: {gc.counts.shape[0]} cells of {params.cell_size:g} m, "
                          f"window {window}, coverage {params.coverage:.0%}")
        self.stdout.write(f"  {'forecaster':<12} {'hit rate':>9} {'PAI':>7} {'PEI':>7} {'RRI':>7}")
        for name in forecasters:
            mine = [r for r in rows if r["forecaster"] == name]
            means = [np.nanmean([r[k] for r in mine]) for k in ("hit_rate", "pai", "pei", "rri")]
            self.stdout.write(f"  {name:<12} {means[0]:>9.3f} {means[1]:>7.2f} {means[2]:>7.3f}"
                              f" {means[3]:>7.2f}")
        if out:
            with out.open("w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
            self.stdout.write(f"written: {out}")


def select(table: IncidentTable, categories: list[str], start: date | None,
           end: date | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keep = np.ones(len(table), dtype=bool)
    if categories:
        keep &= np.isin(table.categories, categories)
    if start:
        keep &= table.dates >= np.datetime64(start, "D")
    if end:
        keep &= table.dates <= np.datetime64(end, "D")
    return table.x[keep], table.y[keep], table.dates[keep]


def write_result(result: dict[str, Any], out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".geojson":
        out.write_text(json.dumps(pipeline.to_geojson(result)))
    elif suffix == ".csv":
        out.write_text(pipeline.to_csv_text(result))
    elif suffix == ".json":
        out.write_text(json.dumps(result))
    else:
        raise CommandError(f"--out {out}: use .geojson, .csv or .json")
