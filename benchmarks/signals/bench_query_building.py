"""CPU per call of the fixed-shape statements every personal-data request runs: the
same query built through the ORM and as the plain SQL the selectors use (ADR 0008).

    .venv/bin/python benchmarks/signals/bench_query_building.py [--calls 1000]

Runs against ``wr_signals_bench`` (made by run.py) as the demo's police worker. CPU is
this process's time only (building, sending and reading); the database's time is not in it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wr_signals_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.signals.bench_settings")
os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")


def _cpu_ms(func: Callable[[], object], calls: int) -> float:
    for _ in range(50):  # warm-up: connection, prepared statements
        func()
    started = time.process_time()
    for _ in range(calls):
        func()
    return (time.process_time() - started) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    from wijkregie.core import auth_backend
    from wijkregie.core.models import User
    from wijkregie.signals import selectors
    from wijkregie.signals.models import CovenantRule

    user = User.objects.get(username="agent")

    def covenant_orm() -> object:
        return dict(CovenantRule.objects.filter(
            covenant__municipality_id=user.municipality_id,
            organisation_id=user.organisation_id,
            covenant__participants=user.organisation_id).values_list("category_id", "purpose"))

    def covenant_sql() -> object:
        user.__dict__.pop("_signal_purposes", None)  # the per-request cache
        return selectors.covenant_purposes(user)

    assert covenant_orm() == covenant_sql()
    cases = [
        ("covenant rules (ORM)", covenant_orm),
        ("covenant rules (plain SQL, selectors.covenant_purposes)", covenant_sql),
        ("role names (ORM)", lambda: list(user.groups.values_list("name", flat=True))),
        ("role names (plain SQL, auth_backend._roles)", lambda: auth_backend._roles(user)),
    ]
    print("| statement | app CPU ms per call |\n| --- | ---: |")
    for name, func in cases:
        print(f"| {name} | {_cpu_ms(func, args.calls):.3f} |")


if __name__ == "__main__":
    main()
