"""Benchmark: what one save in the scenario editor costs (why it is not a background job).

Run from the repository root:

    .venv/bin/python benchmarks/impact/bench_product.py

On the packaged demo scenario (2 alternatives, 4 parameters with distributions,
10 000 Monte Carlo draws) it times: building the editor form from the stored
document, turning the posted form back into a document, validation, and the full
recomputation (deterministic results, tornado, break-even, Monte Carlo, histograms).
Prints the median of 15 runs.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import django
import yaml

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkregie.settings")
django.setup()

from wijkregie.impact import editor  # noqa: E402
from wijkregie.impact.demo_data import DEMO_SCENARIO  # noqa: E402
from wijkregie.impact.scenario_file import scenario_from_dict  # noqa: E402
from wijkregie.impact.services import compute_results  # noqa: E402

RUNS = 15


def median_seconds(task: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    doc = yaml.safe_load(DEMO_SCENARIO.read_text(encoding="utf-8"))
    tree = editor.tree_from_doc(doc)
    scenario = scenario_from_dict(doc, library={})
    steps = {
        "editor form from the document": lambda: editor.build_form(tree, [], []),
        "posted form to document": lambda: editor.doc_from_tree(tree),
        "validation": lambda: scenario_from_dict(doc, library={}),
        "recompute results (10 000 draws)": lambda: compute_results(scenario),
    }
    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores; median of {RUNS} runs")
    for name, task in steps.items():
        print(f"{name:<36} {median_seconds(task) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
