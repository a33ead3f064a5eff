"""How many audit events per second do the chain heads take? (ADR 0003/0024)

    .venv/bin/python benchmarks/signals/bench_audit_chain.py [--lanes 1 8] \
        [--threads 1 4 8 16] [--seconds 5]

Appends events with ``core.audit.record`` from N threads, each with its own PostgreSQL
connection, for a fixed time against ``wr_signals_bench`` (made by run.py), once per
number of lanes (``AUDIT_LANES``; 1 is the single chain head), then verifies the chains.
Prints events/s and the per-append latency percentiles.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wr_signals_bench")
os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.signals.bench_settings"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lanes", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from wijkregie.core import audit
    from wijkregie.core.models import User

    actor = User.objects.get(username="agent")
    print("| lanes | threads | events/s | p50 ms | p99 ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for lanes, n in itertools.product(args.lanes, args.threads):
        settings.AUDIT_LANES = lanes
        latencies: list[list[float]] = [[] for _ in range(n)]
        stop = time.perf_counter() + args.seconds

        def work(slot: int, stop: float, latencies: list[list[float]]) -> None:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                audit.record("view", actor=actor, object_type="signals.signal",
                             object_id=slot, purpose="benchmark")
                latencies[slot].append(time.perf_counter() - started)
            connection.close()

        threads = [threading.Thread(target=work, args=(i, stop, latencies)) for i in range(n)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        flat = np.array([x for slot in latencies for x in slot]) * 1000
        print(f"| {lanes} | {n} | {flat.size / elapsed:.0f} | {np.percentile(flat, 50):.1f} | "
              f"{np.percentile(flat, 99):.1f} |")
    report = audit.verify_chain()
    print(f"\nchain verified: {report.ok} ({report.checked} events in "
          f"{len(report.lanes)} lanes)")


if __name__ == "__main__":
    main()
