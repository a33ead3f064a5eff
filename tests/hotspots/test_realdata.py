"""Real public incident data (skipped when ../shared/data is absent)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.conftest import shared_data
from wijkregie.hotspots.incident_files import read_incidents
from wijkregie.hotspots.labels import class_label
from wijkregie.hotspots.models import HotspotAnalysis, IncidentDataSet

pytestmark = pytest.mark.django_db


def test_manchester_burglary_import_and_emerging_page(login):
    path = shared_data("manchester-burglary", "gmp_bur.csv")
    call_command("import_incidents", str(path), "--municipality", "GM9001", "--crs",
                 "EPSG:27700", "--name", "GMP burglary", verbosity=0)
    data_set = IncidentDataSet.objects.get(name="GMP burglary")
    assert data_set.n_incidents == 92666 and data_set.n_without_location == 0
    assert data_set.report["first_date"] == "2016-02-01"
    assert data_set.report["last_date"] == "2019-01-01"
    client = login("analist")
    response = client.post("/hotspots/run/", {"source": f"dataset:{data_set.pk}",
                                              "method": "emerging", "period": "M",
                                              "cell_size": 500, "permutations": 0})
    analysis = HotspotAnalysis.objects.get(data_set=data_set)
    assert analysis.job is not None  # too large to run inside the request
    assert analysis.status == "done" and len(analysis.result["periods"]) == 36
    counts = analysis.result["class_counts"]
    assert int(counts.get("3", 0)) > 0 and int(counts.get("4", 0)) > 0  # intensifying, persistent
    page = client.get(response["Location"]).content.decode()
    with translation.override("nl"):
        for name in ("intensifying hot spot", "persistent hot spot"):
            assert class_label(name) in page


def test_houston_rows_without_location_are_reported():
    table = read_incidents(shared_data("houston-crime-2010", "crime.csv.gz"))
    assert len(table) == 86309
    assert table.rows_without_location == [17824, 61841, 64512, 78949, 85085]
    assert table.report()["categories"]["theft"] == 46552
