"""Figures at national scale: server time of the area profile and the indicator map with
ranking, and the time of a CBS import, on SQLite or PostgreSQL.

    python benchmarks/figures/bench_figures.py                     # SQLite (a fresh file)
    python benchmarks/figures/bench_figures.py --postgres          # PostgreSQL (wr_bench)

Builds the national demo (150 towns × 100 buurten = 15,000 buurten, 150 indicators,
10 years), then times requests in-process with Django's test client (server time:
middleware, queries, templates; no network), median of repeated runs after a warm-up.
The CBS import uses the real 2024 data in ../shared/data when present.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"


def _setup(postgres: bool, var_dir: str | None) -> bool:
    """Configure Django; True when an earlier run's database is reused (--var-dir)."""
    reuse = var_dir is not None
    var_dir = var_dir or tempfile.mkdtemp(prefix="wr-bench-figures-")
    os.environ["WIJKREGIE_VAR_DIR"] = var_dir
    os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")
    os.environ["WIJKREGIE_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkregie.settings"
    if postgres and not reuse:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS wr_bench")
            conn.execute("CREATE DATABASE wr_bench")
    if postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/wr_bench"
    else:
        os.environ.pop("DATABASE_URL", None)
    print(f"var dir: {var_dir}", flush=True)
    import django

    django.setup()
    return reuse


def _timed(label: str, func, results: dict) -> object:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = func()
    results[label] = round(time.perf_counter() - started, 2)
    print(f"{label}: {results[label]} s", flush=True)
    return value


def _requests(client, url: str, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    for _ in range(3):  # warm-up: connection, template and translation caches
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
            "min_ms": round(min(times), 1), "runs": repeat}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--towns", type=int, default=150,
                        help="towns of 100 buurten (150 = national scale)")
    parser.add_argument("--var-dir", help="reuse the database an earlier run built there")
    args = parser.parse_args()
    reuse = _setup(args.postgres, args.var_dir)
    from wijkregie.demo import loader

    # Same buurten per town, wijken and catalogue as the national scale; fewer towns
    # load faster while every per-area and per-municipality query keeps its size.
    loader.SCALES["national"] = (args.towns, 100, 12)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wijkregie.areas.models import Area
    from wijkregie.core.models import User
    from wijkregie.demo.loader import load_demo
    from wijkregie.figures.models import Indicator, Observation

    results: dict[str, object] = {"database": connection.vendor, "towns": args.towns}
    if not reuse:
        call_command("migrate", verbosity=0)
        _timed("demo_load_national_s", lambda: load_demo(seed=1, scale="national"), results)
    results["observations"] = Observation.objects.count()
    results["buurten"] = Area.objects.filter(level="buurt").count()
    results["indicators"] = Indicator.objects.count()
    user = User.objects.get(username="regisseur")
    client = Client()
    client.force_login(user)
    buurt = Area.objects.filter(municipality=user.municipality, level="buurt").order_by(
        "code").first()
    results["area_profile"] = _requests(client, f"/figures/areas/{buurt.code}/", args.repeat)
    print("area profile", results["area_profile"], flush=True)
    results["indicator_view"] = _requests(
        client, "/figures/indicators/werkloos_pct/?level=buurt&year=2024", args.repeat)
    print("indicator view", results["indicator_view"], flush=True)
    if (SHARED / "cbs-kwb-2024").exists():
        from wijkregie.areas.services import import_area_files
        from wijkregie.figures.services import import_cbs

        folder = SHARED / "cbs-wijken-2024"
        _timed("cbs_boundaries_import_s", lambda: import_area_files(
            [folder / "gemeente_2024.topojson", folder / "wijk_2024.geojson"]), results)
        kwb = SHARED / "cbs-kwb-2024"
        _timed("cbs_import_s", lambda: import_cbs(
            properties=kwb / "DataProperties.json",
            data=kwb / "stripped_filtered_data_2024.json", data_format="stripped",
            year=2024), results)
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    target = out / f"figures-{connection.vendor}-{args.towns}.json"
    target.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
