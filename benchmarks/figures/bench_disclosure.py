"""Time of the disclosure step (primary rules, secondary suppression, linked indicators)
of the figures pipeline, on the demo's towns.

    python benchmarks/figures/bench_disclosure.py            # demo scale: 4 towns × 48 buurten
    python benchmarks/figures/bench_disclosure.py --scale national --towns 3

``--scale national`` builds towns of the national demo's size (100 buurten in 12 wijken,
the catalogue padded to 150 indicators, 10 years) — only ``--towns`` of them, since the
disclosure step runs per municipality: the national total is about 150 × the time per
town. Only the demo's area and figures steps run, on a fresh SQLite database. The time
is that of ``figures.pipeline._disclose`` alone (no derivation, no database writes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("small", "national"), default="small")
    parser.add_argument("--towns", type=int, default=None)
    args = parser.parse_args()
    os.environ["WIJKREGIE_VAR_DIR"] = tempfile.mkdtemp(prefix="wr-bench-disclosure-")
    os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkregie.settings"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    from wijkregie.demo import loader
    from wijkregie.figures import demo_data, pipeline

    call_command("migrate", verbosity=0)
    towns, buurten, wijken = loader.SCALES[args.scale]
    # Fewer towns of the same size: the step is per municipality.
    loader.SCALES[args.scale] = (args.towns or towns, buurten, wijken)
    timings: list[float] = []
    original = pipeline._disclose

    def timed(*a, **k):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        original(*a, **k)
        timings.append(time.perf_counter() - started)

    pipeline._disclose = timed
    context = loader.DemoContext(seed=1, scale=args.scale, rng=np.random.default_rng(1))
    loader.build_areas(context)
    demo_data.build_figures(context)
    from wijkregie.figures.models import Observation

    hidden = Observation.objects.exclude(shown_status__in=("shown", "missing")).count()
    print(f"scale {args.scale}: {len(timings)} towns of {buurten} buurten, "
          f"{Observation.objects.count():,} figures, {hidden:,} hidden")
    print(f"disclosure step per town: median {statistics.median(timings):.2f} s, "
          f"max {max(timings):.2f} s, total {sum(timings):.2f} s")


if __name__ == "__main__":
    main()
