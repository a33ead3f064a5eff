"""An analyst uses the demo programme area's hot spot page in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_emerging_map_slider_export_and_save_location(page_as, tmp_path):
    page = page_as("analist")
    page.goto(page.url.rstrip("/") + "/hotspots/")
    page.locator("nav ul.inline a[href*='/hotspots/area/']").first.click()
    page.wait_for_url(re.compile(r".*/hotspots/area/[^/]+/$"))

    # the emerging-class map with its legend
    cells = page.locator("#hotspot-map path.leaflet-interactive")
    cells.first.wait_for()
    assert cells.count() > 100
    legend = page.locator("#legend-overall li")
    names = legend.all_inner_texts()
    assert len(names) >= 2  # no pattern plus at least one emerging class
    hot_fills = page.eval_on_selector_all(
        "#hotspot-map path.leaflet-interactive",
        "paths => paths.filter(p => p.getAttribute('fill') !== '#ffffff').length")
    assert hot_fills > 0

    # the period slider switches to one period's Gi* classes
    slider = page.locator("#period-slider")
    periods = slider.get_attribute("data-periods").split(",")
    slider.fill("30")
    assert page.locator("#period-label").inner_text() == periods[29]
    assert page.locator("#legend-period").is_visible()
    assert not page.locator("#legend-overall").is_visible()
    per_period = page.locator("#top-cells tbody tr").first
    expected = per_period.get_attribute("data-period-classes").split(",")[29]
    shown = per_period.locator(".period-class").inner_text()
    assert shown != "–"
    assert (expected == "0") == (shown == page.locator(
        "#legend-period li[data-code='0']").inner_text().strip())

    # export the CSV and check it against the table
    with page.expect_download() as info:
        page.click("#export-csv")
    path = Path(tmp_path / "export.csv")
    info.value.save_as(path)
    text = path.read_text()
    assert "# method: emerging" in text
    first_id = per_period.get_attribute("data-cell")
    assert any(line.startswith(f"{first_id},") for line in text.splitlines())

    # save the top cell's cluster as a named location
    page.fill("#id_name", "Hotspot Marktplein")
    page.locator("#save-location-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/hotspots/locations/\d+/$"))
    assert page.locator("h1").inner_text() == "Hotspot Marktplein"
    page.locator("#map path.leaflet-interactive").first.wait_for()
