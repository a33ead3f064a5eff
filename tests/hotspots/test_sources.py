"""The signals source: hot spots of aggregated signal points (signals.feeds.hotspot_points).

When signals land, the lead should also run an analysis on the real feed (see the
report of the hotspots-product branch); here a fake feed stands in for it.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from tests.hotspots.helpers import clustered_rows
from wijkregie.hotspots.models import HotspotAnalysis
from wijkregie.hotspots.sources import signals_feed
from wijkregie.signals import feeds

pytestmark = pytest.mark.django_db


def _fake_feed(calls: list[dict]):  # type: ignore[no-untyped-def]
    rows = clustered_rows(months=12)

    def hotspot_points(*, municipality, category_keys=None, start=None, end=None):
        calls.append({"municipality": municipality.code, "category_keys": category_keys,
                      "start": start, "end": end})
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows])
        dates = np.array([r[2] for r in rows], dtype="datetime64[D]")
        return x, y, dates
    return hotspot_points


def test_signals_source_runs_with_a_fake_feed_and_hides_small_counts(login, monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(feeds, "hotspot_points", _fake_feed(calls))
    client = login("analist")
    form_page = client.get("/hotspots/").content.decode()
    assert 'value="signals"' in form_page
    response = client.post("/hotspots/run/", {"source": "signals", "method": "gistar",
                                              "period": "M", "cell_size": 150,
                                              "permutations": 0, "start": "2023-02-01"})
    analysis = HotspotAnalysis.objects.get(source="signals")
    assert analysis.job is not None and analysis.status == "done"
    assert calls[-1]["municipality"] == "GM9001" and str(calls[-1]["start"]) == "2023-02-01"
    assert analysis.params["suppress_below"] == 5
    small = [c for c in analysis.result["cells"] if c["total"] < 5]
    assert small, "the fake feed has cells with fewer than 5 points"
    text = client.get(f"/hotspots/analyses/{analysis.pk}/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    by_id = {int(r["id"]): r for r in rows}
    for cell in small:
        assert by_id[cell["id"]]["total"] == "<5"
        assert all(by_id[cell["id"]][f"count_{p}"] == "" for p in analysis.result["periods"])
    geo = client.get(f"/hotspots/analyses/{analysis.pk}/export.geojson").json()
    hidden = {f["id"] for f in geo["features"] if f["properties"]["total"] is None}
    assert hidden == {c["id"] for c in small}
    page = client.get(response["Location"]).content.decode()
    assert "Counts below 5 are not shown." in page or "Aantallen onder 5" in page


def test_signals_source_with_the_real_signals_feed(login):
    """The real feed of the signals app: aggregated points only, small counts hidden."""
    assert signals_feed() is feeds.hotspot_points
    client = login("analist")
    assert 'value="signals"' in client.get("/hotspots/").content.decode()
    client.post("/hotspots/run/", {"source": "signals", "method": "gistar", "period": "M",
                                   "cell_size": 250, "permutations": 0})
    analysis = HotspotAnalysis.objects.get(source="signals")
    assert analysis.status == "done", analysis.params
    x, _y, _dates = feeds.hotspot_points(municipality=analysis.municipality)
    cells = analysis.result["cells"]
    assert len(x) > 100 and cells
    assert sum(c["total"] for c in cells) == len(x)  # every signal with a point counted
    text = client.get(f"/hotspots/analyses/{analysis.pk}/export.csv").content.decode()
    assert "<5" in text or all(c["total"] >= 5 for c in cells)


def test_sources_import_the_signals_feed_directly():
    """The path from a signal to a hot spot reads straight through: no importlib lookup."""
    import inspect

    from wijkregie.hotspots import sources

    assert sources.feeds is feeds
    assert "importlib" not in inspect.getsource(sources)
