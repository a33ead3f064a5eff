"""`wijkregie hotspots` gives the same numbers as the page for the same file and parameters."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.hotspots.helpers import clustered_rows, write_csv
from wijkregie.hotspots.models import HotspotAnalysis, IncidentDataSet

pytestmark = pytest.mark.django_db


def _cells(result: dict) -> list[tuple]:
    return [(c["id"], c["total"], c["counts"], c["class"], c.get("period_classes"))
            for c in result["cells"]]


@pytest.mark.parametrize(("method", "period"), [("emerging", "M"), ("gistar", "Q"),
                                                ("kde", "M"), ("forecast", "M")])
def test_cli_matches_the_page(login, tmp_path, method, period):
    path = write_csv(tmp_path / "same.csv", clustered_rows(months=24))
    call_command("import_incidents", str(path), "--municipality", "GM9001", verbosity=0)
    data_set = IncidentDataSet.objects.get(source_file="same.csv")
    client = login("analist")
    client.post("/hotspots/run/", {"source": f"dataset:{data_set.pk}", "method": method,
                                   "period": period, "cell_size": 150, "permutations": 0})
    page_result = HotspotAnalysis.objects.get(data_set=data_set).result
    out = tmp_path / "cli.json"
    call_command("hotspots", method, str(path), "--cell", "150", "--period", period,
                 "--out", str(out), verbosity=0)
    cli_result = json.loads(out.read_text())
    assert _cells(cli_result) == _cells(page_result)
    assert cli_result["grid"] == page_result["grid"]
    assert cli_result["periods"] == page_result["periods"]
    assert any(c["class"] != 0 for c in cli_result["cells"])


def test_cli_outputs_geojson_and_csv(tmp_path):
    path = write_csv(tmp_path / "f.csv", clustered_rows(months=24))
    call_command("hotspots", "emerging", str(path), "--cell", "150",
                 "--out", str(tmp_path / "r.geojson"), verbosity=0)
    geo = json.loads((tmp_path / "r.geojson").read_text())
    assert geo["type"] == "FeatureCollection" and geo["metadata"]["method"] == "emerging"
    lon, lat = geo["features"][0]["geometry"]["coordinates"][0][0]
    assert 3 < lon < 7.5 and 50.5 < lat < 53.7
    call_command("hotspots", "gistar", str(path), "--cell", "150",
                 "--category", "woninginbraak", "--out", str(tmp_path / "r.csv"), verbosity=0)
    text = (tmp_path / "r.csv").read_text()
    assert "# method: gistar" in text and "# incidents: 324" in text


def test_cli_backtest_table(tmp_path, capsys):
    path = write_csv(tmp_path / "b.csv", clustered_rows(months=24))
    call_command("hotspots", "backtest", str(path), "--cell", "150", "--window", "6",
                 "--out", str(tmp_path / "bt.csv"), verbosity=0)
    out = capsys.readouterr().out
    assert "prospective" in out and "PAI" in out
    lines = (tmp_path / "bt.csv").read_text().splitlines()
    assert lines[0] == "forecaster,period,hit_rate,pai,pei,rri"
    assert len(lines) == 1 + 3 * 18  # three forecasters, periods 7..24


def test_cli_reports_bad_input(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [(1, 2, "nooit", "a")])
    with pytest.raises(CommandError, match=r"bad\.csv, row 2, field 'date'"):
        call_command("hotspots", "kde", str(path), verbosity=0)
    good = write_csv(tmp_path / "short.csv", clustered_rows(months=2))
    with pytest.raises(CommandError, match="at least 3 periods"):
        call_command("hotspots", "emerging", str(good), verbosity=0)


def test_cli_names_the_projection_it_chose_and_reports_far_points(tmp_path):
    import io

    import numpy as np

    rng = np.random.default_rng(3)  # Manchester-like lon/lat, plus two points far away
    rows = [(-2.24 + rng.normal(0, 0.01), 53.48 + rng.normal(0, 0.01),
             f"2020-{1 + i % 6:02d}", "Burglary") for i in range(400)]
    rows += [(-6.3, 53.35, "2020-03", "Burglary"), (4.9, 52.37, "2020-04", "Burglary")]
    path = write_csv(tmp_path / "lonlat.csv", rows, header="Longitude,Latitude,Month,Crime type")
    out, err = io.StringIO(), io.StringIO()
    call_command("hotspots", "kde", str(path), "--cell", "200", "--bandwidth", "400",
                 stdout=out, stderr=err, verbosity=0)
    text = out.getvalue()
    assert "note: outside the Netherlands: x/y computed in EPSG:32630 (UTM)" in text
    assert "projection EPSG:32630 (WGS 84 / UTM zone 30N)" in text
    assert "warning: 2 points lie far outside the data's dense extent" in err.getvalue()
    assert "kde: 400 incidents" in text
