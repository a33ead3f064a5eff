"""An analyst opens an area profile, switches the map's indicator and downloads a CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.e2e


def test_profile_map_switch_and_csv_download(page_as, app_server):
    page = page_as("analist")
    page.get_by_role("link", name="Cijfers", exact=True).click()
    page.get_by_role("link", name="Profiel van de hele gemeente").click()
    page.wait_for_selector("h2:has-text('Veiligheid')")
    assert page.locator(".bench").count() > 20  # benchmark colours on the profile
    # Definition and source are one click away.
    summary = page.locator("summary:has-text('Werkloze beroepsbevolking')")
    summary.click()
    details = summary.locator("xpath=..")
    assert details.locator("dd:has-text('Synthetische demodata')").is_visible()
    details.locator("a:has-text('kaart van deze indicator')").click()
    page.wait_for_selector(".leaflet-interactive")
    page.select_option("#level-select", "wijk")
    page.click("#indicator-form button[type=submit]")
    page.wait_for_url("**level=wijk**")
    # Switch the map's indicator: the page follows the select.
    page.select_option("#indicator-select", "woninginbraak_rate")
    page.wait_for_url("**/figures/indicators/woninginbraak_rate/**")
    page.wait_for_selector(".leaflet-interactive")
    assert "Woninginbraken per 1.000 inwoners" in page.locator("h1").inner_text()
    assert page.locator(".leaflet-interactive").count() == 6  # the wijken of the demo town
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    meta = {r[0]: r[1] for r in rows if r[0].startswith("#")}
    assert meta["# woninginbraak_rate: unit"] == "per 1.000 inwoners"
    header = next(r for r in rows if not r[0].startswith("#"))
    data = rows[rows.index(header) + 1:]
    assert header[:2] == ["code", "name"] and len(data) == 6
    assert all(r[0].startswith("WK9001") and r[2] == "wijk" for r in data)
    table = page.locator("#ranking tbody tr")
    assert table.count() == 6
