from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from wijkregie.areas.models import Area
from wijkregie.core.models import AuditEvent
from wijkregie.figures.models import Indicator, Observation

pytestmark = pytest.mark.django_db


def _wijk(code: str = "GM9001") -> Area:
    return Area.objects.filter(municipality__code=code, level="wijk").order_by("code").first()


def test_area_profile_shows_every_theme_with_metadata_and_benchmarks(demo, login):
    wijk = _wijk()
    page = login("regisseur").get(f"/figures/areas/{wijk.code}/").content.decode()
    for theme in ("Onderwijs", "Werk en inkomen", "Veiligheid", "Wonen"):
        assert f">{theme}<" in page or theme.lower() in page.lower()
    indicator = Indicator.objects.get(key="werkloos_pct")
    assert indicator.name_nl in page and indicator.source in page  # source one click away
    assert "bench-" in page and "(afgeleid)" in page  # colours; wijk figures are derived
    assert page.count("<svg class=\"sparkline\"") >= 50


def test_profile_figures_equal_the_disclosed_observations(demo, login):
    wijk = _wijk()
    rows = list(csv.reader(io.StringIO(login("regisseur").get(
        f"/figures/areas/{wijk.code}/export.csv").content.decode("utf-8-sig"))))
    header = next(r for r in rows if r[0] == "area code")
    data = [dict(zip(header, r, strict=True)) for r in rows[rows.index(header) + 1:]]
    unemployment = next(r for r in data if r["key"] == "werkloos_pct")
    # Issue 11 ("Also"): every row of a profile export names its area.
    assert (unemployment["area code"], unemployment["area name"]) == (wijk.code, wijk.name)
    expected = Observation.objects.get(area=wijk, indicator__key="werkloos_pct", year=2024)
    assert float(unemployment["value"]) == expected.shown_value
    assert unemployment["derived"] == "True"


def test_indicator_view_period_switch_changes_figures(demo, login):
    client = login("regisseur")
    first = client.get("/figures/indicators/woz_amount/?level=wijk&year=2015").content.decode()
    last = client.get("/figures/indicators/woz_amount/?level=wijk&year=2024").content.decode()

    def values(page: str) -> list[str]:
        data = json.loads(page.split('id="map-data" type="application/json">')[1]
                          .split("</script>")[0])
        return [f["properties"]["text"] for f in data["features"]]

    assert len(values(first)) == 4 and values(first) != values(last)
    assert 'id="ranking"' in last and "<svg class=\"histogram\"" in last


def test_indicator_view_levels_and_no_js_switch(demo, login):
    client = login("regisseur")
    programme = client.get("/figures/indicators/werkloos_pct/?level=programme").content.decode()
    assert demo.programme_areas[0].name in programme
    response = client.get("/figures/indicators/werkloos_pct/?indicator=vsv_pct&year=2020")
    assert response.status_code == 302 and response.url.startswith("/figures/indicators/vsv_pct/")


def test_exports_carry_metadata_and_are_audited(demo, login):
    client = login("analist")
    response = client.get("/figures/indicators/werkloos_pct/export.xlsx?level=buurt&year=2020")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["figures"].max_row == 25  # header + 24 buurten
    meta = {r[0].value: r[1].value for r in workbook["metadata"].iter_rows()}
    assert meta["werkloos_pct: source"].startswith("Synthetische demodata")
    geo = json.loads(client.get("/figures/indicators/werkloos_pct/export.geojson").content)
    assert len(geo["features"]) == 24 and geo["features"][0]["geometry"]["type"] == "Polygon"
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_compare_two_areas_side_by_side(demo, login):
    a, b = Area.objects.filter(municipality__code="GM9001", level="wijk").order_by("code")[:2]
    page = login("regisseur").get(f"/figures/compare/?area={a.code}&area={b.code}")
    html = page.content.decode()
    assert a.name in html and b.name in html and "line-chart" in html


def test_composite_index_is_100_on_average_in_the_base_year(demo, login):
    page = login("regisseur").get("/figures/index/?level=buurt&year=2015").content.decode()
    table = page.split('id="composite"')[1].split("</table>")[0]
    totals = [int(cell.split("<strong>")[1].split("<")[0]) for cell in table.split("<tr>")[2:]
              if "<strong>" in cell and "<strong>." not in cell]
    assert len(totals) >= 12
    assert 95 <= sum(totals) / len(totals) <= 105


def test_tenancy_other_municipality_area_profile_is_404(demo, login):
    other = _wijk("GM9002")
    assert login("regisseur").get(f"/figures/areas/{other.code}/").status_code == 404
    assert login("regisseur2").get(f"/figures/areas/{other.code}/").status_code == 200


def test_programme_viewer_sees_figures_of_every_municipality_but_no_programme_area(demo, login):
    client = login("programma")
    assert client.get("/figures/?municipality=GM9002").status_code == 200
    assert client.get(f"/figures/areas/{_wijk('GM9002').code}/").status_code == 200
    pa = demo.programme_areas[0]
    response = client.get(f"/figures/programmes/{pa.municipality.code}/{pa.slug}/")
    assert response.status_code in (403, 404)


def test_compare_and_composite_tables_export(demo, login):
    a, b = Area.objects.filter(municipality__code="GM9001", level="wijk").order_by("code")[:2]
    client = login("regisseur")
    compare = client.get(f"/figures/compare/export.csv?area={a.code}&area={b.code}")
    rows = list(csv.reader(io.StringIO(compare.content.decode("utf-8-sig"))))
    header = next(r for r in rows if r and r[0] == "indicator")
    assert header[-2:] == [a.code, b.code]
    index = client.get("/figures/index/export.csv?level=wijk&year=2024")
    lines = [r for r in csv.reader(io.StringIO(index.content.decode("utf-8-sig")))
             if r and not r[0].startswith("#")]
    assert lines[0] == ["code", "name", "year", "safety", "social", "physical", "index"]
    assert len(lines) == 5  # four wijken
