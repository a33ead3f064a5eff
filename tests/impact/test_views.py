"""Impact pages: tenancy, roles, the numbers shown and downloaded, and CLI parity."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from wijkregie.core.models import AuditEvent, User
from wijkregie.figures.selectors import observed_series
from wijkregie.impact.charts import euro
from wijkregie.impact.demo_data import DEMO_SCENARIO
from wijkregie.impact.engine import analyse
from wijkregie.impact.models import Analysis, AnalysisVersion, UnitValue
from wijkregie.impact.report_text import analysis_to_dict
from wijkregie.impact.scenario_file import scenario_from_dict

from .forms_html import form_data

pytestmark = pytest.mark.django_db


def _own() -> Analysis:
    return Analysis.objects.filter(municipality__code="GM9001").order_by("pk").first()


def _other() -> Analysis:
    return Analysis.objects.filter(municipality__code="GM9002").order_by("pk").first()


def _cli(path: Path) -> dict:
    out = io.StringIO()
    call_command("mkba", "run", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_every_demo_programme_area_has_an_analysis_with_results(demo):
    for area in demo.programme_areas:
        analysis = Analysis.objects.get(programme_area=area)
        assert analysis.results["analysis"]["monte_carlo"]["draws"] == 10000
        assert "demo" in analysis.scenario["name"]
    npvs = {a.results["analysis"]["alternatives"][0]["npv"] for a in Analysis.objects.all()}
    assert len(npvs) == len(demo.programme_areas)  # scaled per area, not copies


def test_other_municipality_analysis_is_404_and_audited(login):
    client, other = login("analist"), _other()
    for url in (f"/impact/{other.pk}/", f"/impact/{other.pk}/edit/",
                f"/impact/{other.pk}/download/yaml/", f"/impact/{other.pk}/download/pdf/",
                f"/impact/{other.pk}/history/", f"/impact/{other.pk}/report/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/impact/{other.pk}/edit/", {"action": "save"}).status_code == 404
    assert AuditEvent.objects.filter(action="permission_denied", object_type="impact.analysis",
                                     object_id=str(other.pk)).count() >= 7
    listed = client.get("/impact/").content.decode()
    assert _own().title in listed and other.title not in listed


def test_roles(login):
    own = _own()
    regisseur = login("regisseur")
    assert regisseur.get(f"/impact/{own.pk}/").status_code == 200
    assert regisseur.get(f"/impact/{own.pk}/download/xlsx/").status_code == 200
    assert regisseur.get(f"/impact/{own.pk}/edit/").status_code == 403
    assert regisseur.post(f"/impact/{own.pk}/edit/", {"action": "save"}).status_code == 403
    assert regisseur.get("/impact/library/new/").status_code == 403
    assert login("adviseur").get(f"/impact/{own.pk}/").status_code == 200
    agent = login("agent")
    assert agent.get("/impact/").status_code == 403
    assert agent.get(f"/impact/{own.pk}/").status_code == 403
    programma = login("programma")
    assert programma.get(f"/impact/{own.pk}/").status_code == 403
    assert programma.get("/impact/").status_code == 302
    analist = login("analist")
    assert analist.get(f"/impact/{own.pk}/edit/").status_code == 200


def test_programme_viewer_compares_results_across_municipalities(login):
    page = login("programma").get("/impact/compare/").content.decode()
    for analysis in Analysis.objects.all():
        assert analysis.programme_area.name in page
        best = max(analysis.results["analysis"]["alternatives"], key=lambda a: a["npv"])
        assert euro(best["npv"]) in page
    assert "/impact/" + str(_own().pk) + "/" not in page  # no way into the analyses
    own_page = login("analist").get("/impact/compare/").content.decode()
    assert _own().programme_area.name in own_page
    assert _other().programme_area.name not in own_page


def _cells(html: str) -> dict[tuple[str, str], str]:
    table = html[html.index('id="summary-table"'):]
    table = table[:table.index("</table>")]
    cells = {}
    for row in re.finditer(r'<tr data-alternative="([^"]+)">(.*?)</tr>', table, re.S):
        for field, value in re.findall(r'data-field="(\w+)">([^<]*)<', row.group(2)):
            cells[(row.group(1), field)] = value
    return cells


def test_results_table_shows_the_engines_numbers(login):
    analysis = _own()
    html = login("analist").get(f"/impact/{analysis.pk}/").content.decode()
    engine = analysis_to_dict(analyse(scenario_from_dict(analysis.scenario)))
    cells = _cells(html)
    for alt in engine["alternatives"]:
        assert cells[(alt["name"], "pv_costs")] == euro(alt["pv_costs"])
        assert cells[(alt["name"], "pv_benefits")] == euro(alt["pv_benefits"])
        assert cells[(alt["name"], "npv")] == euro(alt["npv"])
        assert cells[(alt["name"], "bcr")] == f"{alt['bcr']:.2f}".replace(".", ",")
        for x in alt["stakeholders"].values():
            if x["pv_costs"] or x["pv_benefits"]:
                assert euro(x["npv"]) in html
        assert euro(engine["monte_carlo"]["alternatives"][alt["name"]]["percentiles"]["95"]) \
            in html
    assert html.count("<svg") >= 5  # comparison, tornado and histogram per alternative
    assert "Minder stress en betere gezondheid" in html  # PM item


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_downloaded_scenario_gives_identical_numbers_on_the_command_line(login, tmp_path, fmt):
    client, analysis = login("analist"), _own()
    download = client.get(f"/impact/{analysis.pk}/download/{fmt}/")
    assert download.status_code == 200
    assert f".{fmt}" in download["Content-Disposition"]
    path = tmp_path / f"scenario.{fmt}"
    path.write_bytes(download.content)
    cli = _cli(path)
    page_results = json.loads(client.get(f"/impact/{analysis.pk}/download/results/").content)
    assert cli == page_results == json.loads(json.dumps(analysis.results["analysis"]))
    cells = _cells(client.get(f"/impact/{analysis.pk}/").content.decode())
    for alt in cli["alternatives"]:
        assert cells[(alt["name"], "npv")] == euro(alt["npv"])


def test_library_values_travel_with_the_scenario_file(login, tmp_path):
    client, analysis = login("analist"), _own()
    response = client.post("/impact/library/new/", {
        "key": "energy_mwh", "value": "150", "unit": "euro per MWh", "price_level": "2025",
        "year": "2025", "source_title": "Test tariff", "source_publisher": "Test publisher",
        "source_year": "2025", "source_locator": "table 1", "source_url": ""})
    assert response.status_code == 302
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    effect = "alternatives[0].measures[2].effects[0].unit_value"
    assert data[f"{effect}.value"] == "150"
    data |= {f"{effect}.kind": "library", f"{effect}.library": "energy_mwh", "action": "save"}
    assert client.post(f"/impact/{analysis.pk}/edit/", data).status_code == 302
    analysis.refresh_from_db()
    assert analysis.scenario["alternatives"][0]["measures"][2]["effects"][0]["unit_value"] == \
        {"library": "energy_mwh"}
    path = tmp_path / "scenario.yaml"
    path.write_bytes(client.get(f"/impact/{analysis.pk}/download/yaml/").content)
    assert "Test tariff" in path.read_text()
    assert _cli(path) == json.loads(json.dumps(analysis.results["analysis"]))
    # a value in use cannot be removed
    value = UnitValue.objects.get(key="energy_mwh")
    client.post(f"/impact/library/{value.pk}/delete/")
    assert UnitValue.objects.filter(pk=value.pk).exists()
    assert "Test tariff" in client.get(f"/impact/{analysis.pk}/").content.decode()


def test_other_municipality_library_value_is_unknown(login):
    UnitValue.objects.create(municipality=_other().municipality, key="elsewhere", value=1,
                             unit="u", price_level=2025, year=2025, source_title="t",
                             source_publisher="p", source_year=2025)
    client, analysis = login("analist"), _own()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    effect = "alternatives[0].measures[2].effects[0].unit_value"
    data |= {f"{effect}.kind": "library", f"{effect}.library": "elsewhere", "action": "save"}
    response = client.post(f"/impact/{analysis.pk}/edit/", data)
    assert response.status_code == 400
    assert "unknown unit value &#x27;elsewhere&#x27;" in response.content.decode()
    value = UnitValue.objects.get(key="elsewhere")
    assert client.get(f"/impact/library/{value.pk}/").status_code == 404


def test_xlsx_contains_results_sensitivity_monte_carlo_and_sources(login):
    analysis = _own()
    response = login("regisseur").get(f"/impact/{analysis.pk}/download/xlsx/")
    book = load_workbook(io.BytesIO(response.content))
    # the interface (and so the workbook) is Dutch by default
    assert book.sheetnames == ["Samenvatting", "Belanghebbenden", "Effecten", "Gevoeligheid",
                               "Monte Carlo", "Aannames en bronnen"]
    results = analysis.results["analysis"]
    summary = {row[0]: row for row in book["Samenvatting"].iter_rows(min_row=2, values_only=True)}
    for alt in results["alternatives"]:
        # openpyxl writes 16 significant digits: equal up to the last bit of a double
        assert summary[alt["name"]][1:4] == pytest.approx(
            (alt["pv_costs"], alt["pv_benefits"], alt["npv"]), rel=1e-15)
    mc = {row[0]: row for row in book["Monte Carlo"].iter_rows(min_row=2, values_only=True)}
    for name, s in results["monte_carlo"]["alternatives"].items():
        assert mc[name][2] == pytest.approx(s["mean"], rel=1e-15)
        assert mc[name][10] == pytest.approx(s["percentiles"]["95"], rel=1e-15)
    sens = list(book["Gevoeligheid"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in sens} >= {"burglary_unit_cost", "assistance_saving"}
    assumptions = [r for r in book["Aannames en bronnen"].iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "burglary_unit_cost" and r[4] == "demo assumption" for r in assumptions)
    assert AuditEvent.objects.filter(action="export", object_id=str(analysis.pk),
                                     purpose="results workbook").exists()


def test_pdf_report_is_a_pdf_with_the_key_numbers(login):
    analysis = _own()
    response = login("regisseur").get(f"/impact/{analysis.pk}/download/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert analysis.title in text
    assert analysis.question[:40] in text
    for alt in analysis.results["analysis"]["alternatives"]:
        assert euro(alt["npv"]) in text, alt["name"]
        assert euro(alt["pv_costs"]) in text
    assert "demo assumption" in text
    printable = login("regisseur").get(f"/impact/{analysis.pk}/report/").content.decode()
    assert euro(analysis.results["analysis"]["alternatives"][0]["npv"]) in printable


def test_pdf_report_has_the_page_charts_as_vector_graphics_with_their_tables(login):
    from django.utils import translation
    from django.utils.translation import gettext

    from wijkregie.impact.exports import scenario_of
    from wijkregie.impact.presentation import results_view

    analysis = _own()
    content = login("regisseur").get(f"/impact/{analysis.pk}/download/pdf/").content
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    view = results_view(analysis.results, scenario_of(analysis))
    assert len(view.alternatives) >= 2 and all(a.tornado and a.histogram
                                               for a in view.alternatives)
    with translation.override("nl"):  # the report speaks the interface language
        assert gettext("NPV per alternative, with the range from percentile 5 to 95 of the "
                       "Monte Carlo draws") in text
        for alt in view.alternatives:
            assert gettext("Tornado chart of %(name)s") % {"name": alt.name} in text
            assert gettext("Distribution of the NPV of %(name)s") % {"name": alt.name} in text
            # the histogram's table: every bin with its number of draws
            for lo, hi, n in alt.histogram_rows:
                assert f"{euro(lo)} {euro(hi)} {n}" in text, (alt.name, lo, hi, n)
            # the tornado's labels, and the comparison table's P5 and P95
            for bar in alt.tornado:
                assert str(bar["parameter"]) in text
        for c in view.comparison:
            assert f"{c['name']} {euro(c['npv'])} {euro(c['p5'])} {euro(c['p95'])}" in text
    # Vector bars: filled rectangles in the chart colours, not images.
    ops = b"".join(page.get_contents().get_data() for page in reader.pages)
    for colour in (b".168627 .360784 .541176 rg",   # tornado low  (#2b5c8a)
                   b".815686 .545098 .172549 rg",   # tornado high (#d08b2c)
                   b".121569 .435294 .262745 rg"):  # positive NPV (#1f6f43)
        assert colour in ops, colour
    for page in reader.pages:  # and no raster images
        xobjects = page["/Resources"].get("/XObject") or {}
        assert all(xobjects[k].get_object().get("/Subtype") != "/Image" for k in xobjects)


def test_import_scenario_file_creates_a_version(login, tmp_path):
    client, analysis = login("analist"), _own()
    doc = yaml.safe_load(client.get(f"/impact/{analysis.pk}/download/yaml/").content)
    doc["discounting"] = {"preset": "nl-2016", "tail": "none", "perpetuity_growth": 0.0}
    upload = io.BytesIO(yaml.safe_dump(doc).encode())
    upload.name = "changed.yaml"
    response = client.post(f"/impact/{analysis.pk}/import/", {"file": upload, "note": ""})
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.version == 2 and analysis.results["analysis"]["discount_rate"] == 0.03
    assert AnalysisVersion.objects.get(analysis=analysis, number=2).note == \
        "changed.yaml geïmporteerd"


def test_import_of_an_invalid_file_names_the_problems_and_saves_nothing(login):
    client, analysis = login("analist"), _own()
    bad = io.BytesIO(b"base_year: 2025\nhorizon_years: 0\nlibrary: /etc/passwd\n")
    bad.name = "bad.yaml"
    response = client.post(f"/impact/{analysis.pk}/import/", {"file": bad})
    assert response.status_code == 400
    assert "bad.yaml: library" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.version == 1
    bad = io.BytesIO(b"horizon_years: 0\n")
    bad.name = "bad2.yaml"
    html = client.post(f"/impact/{analysis.pk}/import/", {"file": bad}).content.decode()
    assert "bad2.yaml: horizon_years" in html and "bad2.yaml: alternatives" in html


def test_new_analysis_for_an_own_programme_area_only(login):
    client = login("analist")
    own_area, other_area = _own().programme_area, _other().programme_area
    response = client.post("/impact/new/", {"programme_area": other_area.pk, "title": "x"})
    assert response.status_code == 302
    assert not Analysis.objects.filter(title="x").exists()
    response = client.post("/impact/new/", {"programme_area": own_area.pk, "title": "Nieuw"})
    created = Analysis.objects.get(title="Nieuw")
    assert response["Location"] == f"/impact/{created.pk}/edit/"
    assert created.municipality == own_area.municipality and created.results is not None


def test_history_lists_who_changed_what(login):
    client, analysis = login("analist"), _own()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    client.post(f"/impact/{analysis.pk}/edit/", {**data, "note": "tweede versie",
                                                 "action": "save"})
    html = client.get(f"/impact/{analysis.pk}/history/").content.decode()
    assert "tweede versie" in html and "demo data" in html


def test_ex_post_sets_the_assumed_path_beside_the_observed_figures(login):
    analysis = _own()
    effect = analysis.scenario["alternatives"][0]["measures"][0]["effects"][0]
    indicator = effect["indicator"]
    assert indicator["key"] == "woninginbraak_rate"
    observed = {p.year: p for p in observed_series(
        User.objects.get(username="analist"), indicator_key="woninginbraak_rate",
        programme_area=analysis.programme_area)}
    base = analysis.scenario["base_year"]
    assert indicator["baseline"] == observed[base].value  # the demo's baseline is observed
    html = login("analist").get(f"/impact/{analysis.pk}/").content.decode()
    section = html[html.index('class="ex-post"'):]
    section = section[:section.index("</section>")]
    assert "<svg" in section
    for year in range(base, max(observed) + 1):
        row = re.search(rf'<th scope="row">{year}</th>(.*?)</tr>', section, re.S).group(1)
        assumed = indicator["baseline"] + indicator["change_per_year"] * (year - base)
        # Both in Dutch notation on the Dutch page (the assumed path used to read 5.6
        # beside an observed 5,6).
        dutch = f"{float(f'{assumed:.4g}'):,}".translate(str.maketrans(",.", ".,"))
        assert f'<td class="num">{dutch.removesuffix(",0")}</td>' in row
        assert observed[year].text in row


def test_no_ex_post_section_without_indicator_links(login):
    client, analysis = login("analist"), _own()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    for name in [n for n in data if ".indicator." in n]:
        data[name] = ""
    assert client.post(f"/impact/{analysis.pk}/edit/", {**data, "action": "save"}).status_code \
        == 302
    assert 'class="ex-post"' not in client.get(f"/impact/{analysis.pk}/").content.decode()


def test_parameter_order_survives_storage(demo):
    """The order of the parameters decides the order of the Monte Carlo draws; the
    stored document keeps it on every database (jsonb would sort the keys)."""
    packaged = yaml.safe_load(DEMO_SCENARIO.read_text(encoding="utf-8"))
    stored = Analysis.objects.get(pk=_own().pk).scenario
    assert list(stored["parameters"]) == list(packaged["parameters"])
    assert list(stored["parameters"]) != sorted(stored["parameters"], key=len)
