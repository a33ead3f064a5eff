"""The area picture (gebiedsbeeld) at national scale: server time of the page of one
programme area and of one wijk for the area director, on SQLite or PostgreSQL.

    python benchmarks/regie/bench_area_picture.py                        # SQLite (a fresh file)
    python benchmarks/regie/bench_area_picture.py --postgres --db h_regie_area
    python benchmarks/regie/bench_area_picture.py --var-dir DIR [--postgres]   # time again

Builds the demo at ``--scale national`` (towns of 100 buurten in 12 wijken, the padded
catalogue, 10 years; ``--towns`` sets how many) with the helpers of
``benchmarks/figures/bench_figures.py``, then times requests in-process with Django's test
client (server time: middleware, queries, templates; no network): median of repeated
runs after a warm-up, with the number of queries of one request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks" / "figures"))

import bench_figures  # noqa: E402  (the national-scale setup and the request timing)


def _setup(postgres: bool, var_dir: str | None, database: str) -> bool:
    """Configure Django as bench_figures does, on the given PostgreSQL database; True when
    an earlier run's database in ``var_dir`` is reused (it leaves a ``.built`` marker)."""
    var_dir = var_dir or tempfile.mkdtemp(prefix="wr-bench-regie-")
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    reused = Path(var_dir, ".built").exists()
    if postgres and not reused:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
    if postgres:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["WIJKREGIE_VAR_DIR"] = var_dir
    os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")
    os.environ["WIJKREGIE_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkregie.settings"
    print(f"var dir: {var_dir}", flush=True)
    import django

    django.setup()
    return reused


def _query_count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--db", default="wr_bench_regie", help="PostgreSQL database name")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--towns", type=int, default=150,
                        help="towns of 100 buurten (150 = national scale)")
    parser.add_argument("--var-dir", help="reuse the database an earlier run built there")
    args = parser.parse_args()
    reused = _setup(args.postgres, args.var_dir, args.db)
    from wijkregie.demo import loader

    # Same buurten per town, wijken and catalogue as the national scale (bench_figures).
    loader.SCALES["national"] = (args.towns, 100, 12)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wijkregie.areas.models import Area, ProgrammeArea
    from wijkregie.core.models import User
    from wijkregie.demo.loader import load_demo
    from wijkregie.figures.models import Observation
    from wijkregie.signals.models import Signal

    results: dict[str, object] = {"database": connection.vendor, "towns": args.towns}
    if not reused:
        call_command("migrate", verbosity=0)
        bench_figures._timed("demo_load_national_s",
                             lambda: load_demo(seed=1, scale="national"), results)
        Path(os.environ["WIJKREGIE_VAR_DIR"], ".built").touch()
    results["observations"] = Observation.objects.count()
    results["signals"] = Signal.objects.count()
    user = User.objects.get(username="regisseur")
    client = Client()
    client.force_login(user)
    area = ProgrammeArea.objects.filter(municipality=user.municipality).order_by("pk").first()
    wijk = Area.objects.filter(municipality=user.municipality, level="wijk").order_by(
        "code").first()
    municipality = area.municipality.code
    for label, url in (
            ("programme_area", f"/regie/picture/programmes/{municipality}/{area.slug}/"),
            ("wijk", f"/regie/picture/wijken/{wijk.code}/")):
        timing = bench_figures._requests(client, url, args.repeat)
        timing["queries"] = _query_count(client, url)
        results[f"area_picture_{label}"] = timing
        print(label, url, timing, flush=True)
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    target = out / f"regie-area-picture-{connection.vendor}-{args.towns}.json"
    target.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
