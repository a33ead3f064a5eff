from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import translation
from django.utils.formats import localize
from django.utils.translation import gettext

from wijkregie.core.models import AuditEvent, Municipality, User
from wijkregie.hotspots.analysis import top_cells
from wijkregie.hotspots.labels import class_label, warning_label
from wijkregie.hotspots.models import HotspotAnalysis, IncidentDataSet, NamedLocation

pytestmark = pytest.mark.django_db


def _area_analysis() -> HotspotAnalysis:
    return HotspotAnalysis.objects.filter(municipality__code="GM9001",
                                          programme_area__isnull=False).get()


def test_demo_programme_area_page_shows_emerging_classes(login):
    analysis = _area_analysis()
    area = analysis.programme_area
    response = login("analist").get(f"/hotspots/area/{area.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert analysis.result["method"] == "emerging"
    shown = {int(code) for code, n in analysis.result["class_counts"].items() if n}
    assert shown - {0}, "the demo must have emerging hot spot classes"
    with translation.override("nl"):
        for item in analysis.result["legend"]:
            if item["code"] in shown:
                assert class_label(item["name"]) in page
                assert class_label(item["name"]) != item["name"]  # translated
    assert 'id="period-slider"' in page and 'id="hotspot-data"' in page
    assert 'id="top-cells"' in page
    # per period: space-time Gi* significance by sign, as the slider shows it
    assert [item["code"] for item in analysis.result["period_legend"]] == [1, 0, -1]
    values = {v for c in analysis.result["cells"] for v in c["period_classes"]}
    assert values <= {-1, 0, 1} and 1 in values


def test_nav_and_index_for_roles(login):
    assert "/hotspots/" in login("regisseur").get("/?overview=1").content.decode()
    assert login("agent").get("/hotspots/").status_code == 403
    assert login("analist").get("/hotspots/").status_code == 200


def test_run_gistar_inline_then_revisit(login):
    client = login("analist")
    data_set = IncidentDataSet.objects.get(municipality__code="GM9001")
    response = client.post("/hotspots/run/", {
        "source": f"dataset:{data_set.pk}", "category": "", "method": "gistar",
        "period": "Q", "cell_size": 300, "permutations": 0})
    assert response.status_code == 302
    analysis = HotspotAnalysis.objects.filter(method="gistar").get()
    assert response["Location"] == f"/hotspots/analyses/{analysis.pk}/"
    assert analysis.status == "done" and analysis.programme_area is None
    assert analysis.result["n_incidents"] == data_set.n_incidents
    assert len(analysis.result["periods"]) == 12  # 36 months in quarters
    page = client.get(response["Location"]).content.decode()
    with translation.override("nl"):
        assert class_label("hot spot, 99% confidence") in page


def test_run_with_category_and_period_filters(login):
    client = login("analist")
    data_set = IncidentDataSet.objects.get(municipality__code="GM9001")
    client.post("/hotspots/run/", {
        "source": f"dataset:{data_set.pk}", "category": "fietsdiefstal", "method": "kde",
        "period": "M", "cell_size": 250, "permutations": 0, "start": "2023-01-01",
        "end": "2023-06-30"})
    analysis = HotspotAnalysis.objects.get(method="kde")
    expected = data_set.incidents.filter(category="fietsdiefstal", date__gte="2023-01-01",
                                         date__lte="2023-06-30").count()
    assert analysis.result["n_incidents"] == expected > 0
    assert analysis.result["periods"][0] == "2023-01-01"


def test_large_or_permutation_analyses_run_as_a_job(login):
    client = login("analist")
    data_set = IncidentDataSet.objects.get(municipality__code="GM9001")
    area = _area_analysis().programme_area
    client.post("/hotspots/run/", {
        "source": f"dataset:{data_set.pk}", "method": "emerging", "period": "M",
        "cell_size": 200, "permutations": 999, "programme_area": area.slug})
    analysis = HotspotAnalysis.objects.filter(job__isnull=False).get()
    assert analysis.status == "done" and analysis.job.status == "done"
    assert analysis.params["permutations"] == 999


def test_bad_parameters_are_refused_on_the_form(login):
    client = login("analist")
    data_set = IncidentDataSet.objects.get(municipality__code="GM9001")
    response = client.post("/hotspots/run/", {
        "source": f"dataset:{data_set.pk}", "method": "emerging", "period": "M",
        "cell_size": 5, "permutations": 0, "start": "2024-01-01", "end": "2023-01-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert not HotspotAnalysis.objects.filter(method="emerging", programme_area=None).exists()


def test_exports_contain_what_the_page_shows(login):
    client = login("analist")
    analysis = _area_analysis()
    page = client.get(f"/hotspots/analyses/{analysis.pk}/").content.decode()
    start = page.index('<script id="hotspot-data" type="application/json">') + len(
        '<script id="hotspot-data" type="application/json">')
    shown = json.loads(page[start:page.index("</script>", start)])
    geo = client.get(f"/hotspots/analyses/{analysis.pk}/export.geojson")
    assert geo["Content-Disposition"].endswith('.geojson"')
    exported = geo.json()
    assert [f["id"] for f in exported["features"]] == [f["id"] for f in shown["features"]]
    with translation.override("nl"):  # exports keep the English names, pages translate
        assert [class_label(f["properties"]["class_name"]) for f in exported["features"]] == [
            f["properties"]["class_name"] for f in shown["features"]]
    assert exported["metadata"]["params"]["cell_size"] == 200.0
    assert exported["metadata"]["legend"] == analysis.result["legend"]
    text = client.get(f"/hotspots/analyses/{analysis.pk}/export.csv").content.decode()
    lines = text.splitlines()
    assert "# method: emerging" in lines and "# parameter cell_size: 200.0" in lines
    assert "# class 3: intensifying hot spot" in lines
    rows = list(csv.DictReader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    by_id = {int(r["id"]): r for r in rows}
    assert len(rows) == analysis.result["n_analysed_cells"]
    for cell in analysis.result["cells"][:50]:
        row = by_id[cell["id"]]
        assert int(row["total"]) == cell["total"] and int(row["class"]) == cell["class"]
        periods = analysis.result["periods"]
        assert [int(row[f"count_{p}"]) for p in periods] == cell["counts"]
    # the top table on the page lists the first cells of the CSV's classes and totals
    top = top_cells(analysis.result, 1)[0]
    assert page.index(f'data-cell="{top["id"]}"') < page.index("</tbody>")
    assert int(by_id[top["id"]]["total"]) == top["total"]
    assert AuditEvent.objects.filter(action="export", object_id=str(analysis.pk)).count() == 2


def test_save_a_cluster_as_a_named_location(login):
    client = login("analist")
    analysis = _area_analysis()
    hot = [c for c in analysis.result["cells"] if c["class"] > 0]
    cell = max(hot, key=lambda c: c["total"])
    response = client.post(f"/hotspots/analyses/{analysis.pk}/save-location/",
                           {"cell": cell["id"], "name": "Stationsplein", "cluster": "on"})
    location = NamedLocation.objects.get(name="Stationsplein")
    assert response["Location"] == f"/hotspots/locations/{location.pk}/"
    assert cell["id"] in location.cell_ids
    same_class = {c["id"] for c in analysis.result["cells"] if c["class"] == cell["class"]}
    assert set(location.cell_ids) <= same_class
    assert location.geometry["type"] in ("Polygon", "MultiPolygon")
    size = analysis.result["grid"]["cell_size"]
    assert (location.max_x - location.min_x) >= size and location.crs == "EPSG:28992"
    assert location.hotspot_class == next(item["name"] for item in analysis.result["legend"]
                                          if item["code"] == cell["class"])
    assert location.params["method"] == "emerging" and location.params["cell_size"] == size
    page = client.get(response["Location"]).content.decode()
    assert "Stationsplein" in page
    with translation.override("nl"):
        assert location.hotspot_class_label in page
        assert location.hotspot_class_label != location.hotspot_class
    # the same name twice is refused, nothing added
    client.post(f"/hotspots/analyses/{analysis.pk}/save-location/",
                {"cell": cell["id"], "name": "Stationsplein"})
    assert NamedLocation.objects.filter(name="Stationsplein").count() == 1


def test_single_cell_location(login):
    analysis = _area_analysis()
    cell = analysis.result["cells"][0]
    login("analist").post(f"/hotspots/analyses/{analysis.pk}/save-location/",
                          {"cell": cell["id"], "name": "Eén cel"})
    location = NamedLocation.objects.get(name="Eén cel")
    assert location.cell_ids == [cell["id"]]
    size = analysis.result["grid"]["cell_size"]
    assert location.max_x - location.min_x == pytest.approx(size)


def test_other_municipality_gets_404_everywhere(login):
    analysis = _area_analysis()
    data_set = analysis.data_set
    location = NamedLocation.objects.create(
        municipality=analysis.municipality, name="Plein", geometry={}, min_x=0, min_y=0,
        max_x=1, max_y=1, hotspot_class="x")
    other = login("regisseur2")
    for url in (f"/hotspots/analyses/{analysis.pk}/",
                f"/hotspots/analyses/{analysis.pk}/export.csv",
                f"/hotspots/analyses/{analysis.pk}/export.geojson",
                f"/hotspots/locations/{location.pk}/",
                f"/hotspots/area/{analysis.programme_area.slug}/"):
        assert other.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="permission_denied",
                                     object_type="hotspots.hotspotanalysis").exists()
    # an analyst of the other municipality cannot read or use the data set either
    analyst2 = User.objects.get(username="analist")
    analyst2.municipality = other_municipality = Municipality.objects.get(
        code="GM9002")
    analyst2.save()
    client = Client()
    client.force_login(analyst2)
    assert client.get(f"/hotspots/datasets/{data_set.pk}/").status_code == 404
    response = client.post("/hotspots/run/", {"source": f"dataset:{data_set.pk}",
                                              "method": "kde", "period": "M",
                                              "cell_size": 250, "permutations": 0})
    assert response.status_code == 200  # the form refuses an unknown source
    assert not HotspotAnalysis.objects.filter(municipality=other_municipality,
                                              data_set=data_set).exists()


def test_page_offers_only_permutation_counts_that_can_pass_fdr(login):
    client = login("analist")
    page = client.get("/hotspots/").content.decode()
    assert 'value="999"' in page and 'value="9999"' in page and 'value="99"' not in page
    data_set = IncidentDataSet.objects.get(municipality__code="GM9001")
    before = HotspotAnalysis.objects.count()
    response = client.post("/hotspots/run/", {"source": f"dataset:{data_set.pk}",
                                              "method": "gistar", "period": "M",
                                              "cell_size": 250, "permutations": 99})
    page = response.content.decode()
    # The refused choice is an error of its field (NL Design System field markup).
    assert response.status_code == 200 and "utrecht-form-field-error-message" in page
    assert re.search(r'name="permutations"[^>]*aria-invalid="true"|aria-invalid="true"'
                     r'[^>]*name="permutations"', page)
    assert HotspotAnalysis.objects.count() == before


def test_top_cells_show_the_trend_the_class_is_based_on(login):
    analysis = _area_analysis()
    page = login("analist").get(f"/hotspots/analyses/{analysis.pk}/").content.decode()
    with translation.override("nl"):  # the page speaks Dutch
        assert gettext("Trend of the Gi* z-scores (Mann-Kendall tau, p; the basis of the "
                       "class)") in page
        assert gettext("Trend of the counts (Kendall's tau)") in page
    table = page[page.index('id="top-cells"'):]
    first = top_cells(analysis.result)[0]
    row = table[table.index(f'data-cell="{first["id"]}"'):]
    row = row[:row.index("</tr>")]
    with translation.override("nl"):  # Dutch decimal commas, as the page shows them
        tau, p = floatformat(first["trend_tau"], 3), floatformat(first["trend_p"], 3)
        count_trend = "–" if first["trend"] is None else localize(first["trend"])
    assert f'<td class="class-trend">{tau} (p {p})</td>' in row
    assert f'<td class="count-trend">{count_trend}</td>' in row


def test_a_permutation_run_that_cannot_reach_fdr_says_so(login, tmp_path):
    import numpy as np
    from django.core.management import call_command

    from tests.hotspots.helpers import CENTRE, write_csv

    rng = np.random.default_rng(8)  # no cluster at all: BH's threshold falls to alpha/m
    rows = [(CENTRE[0] + rng.uniform(-1500, 1500), CENTRE[1] + rng.uniform(-1500, 1500),
             f"2023-{1 + i % 12:02d}-10", "vernieling") for i in range(1500)]
    call_command("import_incidents", str(write_csv(tmp_path / "flat.csv", rows)),
                 "--municipality", "GM9001", verbosity=0)
    data_set = IncidentDataSet.objects.get(source_file="flat.csv")
    client = login("analist")
    response = client.post("/hotspots/run/", {"source": f"dataset:{data_set.pk}",
                                              "method": "gistar", "period": "Q",
                                              "cell_size": 250, "permutations": 999})
    page = client.get(response["Location"]).content.decode()
    assert 'id="analysis-warnings"' in page
    record = HotspotAnalysis.objects.get(data_set=data_set)
    warning = next(w for w in record.result["warnings"]
                   if w["code"] == "permutations_unreachable")
    assert warning["p_min"] == 0.002 and warning["all_levels"]
    with translation.override("nl"):
        assert warning_label(warning) in page
    assert "0.002" in warning_label(warning)
    assert 'id="p-value-kind"' in page
