"""A year of monthly own figures in one import: time and number of recomputations.

    python benchmarks/figures/bench_monthly_import.py             # SQLite (a fresh file)
    python benchmarks/figures/bench_monthly_import.py --postgres  # PostgreSQL (wr_bench_monthly)

Builds one municipality (1 gemeente, 10 wijken, 100 buurten, a programme area of 20
buurten) and 26 summed indicators, writes a CSV of 100 buurten × 26 indicators × 12
months = 31,200 rows and imports it with ``import_own_figures``, counting how often the
municipality's derived and disclosed figures are recomputed (issue 11, point 7).
To time the code before a change, run this file with PYTHONPATH pointing at that
revision's ``src`` (``git archive REV src | tar -x -C /tmp/rev``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BUURTEN_PER_WIJK, WIJKEN, INDICATORS, MONTHS = 10, 10, 26, 12


def _setup(postgres: bool) -> None:
    var_dir = tempfile.mkdtemp(prefix="wr-bench-monthly-")
    os.environ["WIJKREGIE_VAR_DIR"] = var_dir
    os.environ.setdefault("WIJKREGIE_SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wijkregie.settings"
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS wr_bench_monthly")
            conn.execute("CREATE DATABASE wr_bench_monthly")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/wr_bench_monthly"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(folder: Path) -> tuple[object, Path]:
    from shapely.geometry import box, mapping

    from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
    from wijkregie.core.models import Municipality
    from wijkregie.figures.models import Aggregation, Indicator, Theme

    municipality = Municipality.objects.create(code="GM0999", name="Bankstad")
    geometry = mapping(box(5, 52, 5.01, 52.01))
    gemeente = Area.objects.create(code="GM0999", year=2024, level=AreaLevel.GEMEENTE,
                                   name="Bankstad", municipality=municipality,
                                   geometry=geometry)
    buurten = []
    for w in range(WIJKEN):
        wijk = Area.objects.create(code=f"WK0999{w:02d}", year=2024, level=AreaLevel.WIJK,
                                   name=f"Wijk {w}", parent=gemeente,
                                   municipality=municipality, geometry=geometry)
        buurten += [Area.objects.create(code=f"BU0999{w:02d}{b:02d}", year=2024,
                                        level=AreaLevel.BUURT, name=f"Buurt {w}.{b}",
                                        parent=wijk, municipality=municipality,
                                        geometry=geometry)
                    for b in range(BUURTEN_PER_WIJK)]
    programme = ProgrammeArea.objects.create(municipality=municipality, name="Focus",
                                             slug="focus")
    programme.buurten.set(buurten[:20])
    keys = [f"meldingen_{i}" for i in range(INDICATORS)]
    for key in keys:
        Indicator.objects.create(key=key, name_nl=key, theme=Theme.VEILIGHEID,
                                 aggregation=Aggregation.SUM)
    path = folder / "maandcijfers.csv"
    with path.open("w") as out:
        out.write("gebiedscode,periode,indicator,waarde\n")
        for month in range(1, MONTHS + 1):
            for key in keys:
                for index, buurt in enumerate(buurten):
                    out.write(f"{buurt.code},2024-{month:02d},{key},{(index * month) % 37 + 5}\n")
    return municipality, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    _setup(args.postgres)
    from wijkregie.figures import services

    municipality, path = _build(Path(tempfile.mkdtemp(prefix="wr-bench-monthly-csv-")))
    calls = 0
    refresh = services.refresh_municipality

    def counting(*a, **kw):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return refresh(*a, **kw)

    services.refresh_municipality = counting
    started = time.perf_counter()
    report = services.import_own_figures(path, municipality=municipality)
    elapsed = time.perf_counter() - started
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{database}: imported {report.observations} rows in {elapsed:.1f} s "
          f"with {calls} recomputation(s) of the municipality", flush=True)


if __name__ == "__main__":
    sys.exit(main())
