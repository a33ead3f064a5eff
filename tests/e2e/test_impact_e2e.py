"""An analyst builds the demo analysis of an area in the browser, reads the results and
their uncertainty, downloads report, workbook and scenario file, and gets the same
numbers from `wijkregie mkba run`."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from wijkregie.impact.charts import euro

pytestmark = pytest.mark.e2e


def _summary(page) -> dict[str, str]:
    cells = {}
    for row in page.locator("#summary-table tbody tr").all():
        name = row.get_attribute("data-alternative")
        cells[name] = row.locator('[data-field="npv"]').inner_text().strip()
    return cells


def test_analyst_builds_the_demo_analysis_and_downloads_everything(page_as, app_server,
                                                                    tmp_path):
    page = page_as("analist")
    page.get_by_role("link", name="Impactanalyse").first.click()
    page.locator("table.data a").first.click()
    before = _summary(page)
    page.get_by_role("link", name="Scenario bewerken").click()

    # add a cost line to the physical-only alternative and fill it in
    add = page.locator('button[value="add:alternatives[1].measures[0].costs"]')
    assert add.inner_text() == "Kostenpost toevoegen"
    add.click()
    cost = "alternatives[1].measures[0].costs[1]"
    page.fill(f'[name="{cost}.name"]', "Extra surveillance")
    page.select_option(f'[name="{cost}.stakeholder"]', "police_justice")
    page.fill(f'[name="{cost}.amounts[2021]"]', "abc")
    page.fill('[name="note"]', "extra surveillance")
    page.get_by_role("button", name="Opslaan en doorrekenen").first.click()
    # the mistake is named at its field and nothing is saved
    alert = page.get_by_role("alert")
    assert f"{cost}.amounts[2021]" in alert.inner_text()
    assert page.locator(f'[name="{cost}.amounts[2021]"]').get_attribute("aria-invalid") == "true"
    page.fill(f'[name="{cost}.amounts[2021]"]', "40000")
    page.fill(f'[name="{cost}.amounts[2022]"]', "40000")
    page.get_by_role("button", name="Opslaan en doorrekenen").first.click()

    # results and uncertainty
    page.wait_for_selector("#summary-table")
    after = _summary(page)
    assert after["Integrale wijkaanpak"] == before["Integrale wijkaanpak"]
    assert after["Alleen fysieke maatregelen"] != before["Alleen fysieke maatregelen"]
    assert page.get_by_role("heading", name="Onzekerheid (Monte Carlo)").count() == 2
    assert page.locator("svg[role=img]").count() >= 5
    assert page.locator("table.monte-carlo").first.is_visible()

    # the council report as PDF
    with page.expect_download() as info:
        page.get_by_role("link", name="Rapport downloaden (PDF)").click()
    pdf = PdfReader(info.value.path())
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Extra surveillance" in text and after["Alleen fysieke maatregelen"] in text

    # the workbook
    with page.expect_download() as info:
        page.get_by_role("link", name="Werkmap downloaden (XLSX)").click()
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    npv = {row[0]: row[3] for row in book["Samenvatting"].iter_rows(min_row=2, values_only=True)}
    assert {name: euro(v) for name, v in npv.items()} == after
    assert book["Monte Carlo"].cell(1, 11).value == "P95"
    assert book["Monte Carlo"].max_row == 3  # one row per alternative

    # the scenario file, run from the command line: the same numbers
    with page.expect_download() as info:
        page.get_by_role("link", name="Scenariobestand downloaden (YAML)").click()
    scenario = tmp_path / "scenario.yaml"
    info.value.save_as(scenario)
    cli = json.loads(app_server.command("mkba", "run", str(scenario), "--json"))
    assert {a["name"]: euro(a["npv"]) for a in cli["alternatives"]} == after
    with page.expect_download() as info:
        page.get_by_role("link", name="Resultaten downloaden (JSON, als mkba run --json)").click()
    assert json.loads(info.value.path().read_text()) == cli
