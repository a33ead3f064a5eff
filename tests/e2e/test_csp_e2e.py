"""Under the strict Content-Security-Policy the maps and the API docs still work in a real
browser, and the browser reports no violation (issue 13, point 7)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_maps_and_api_docs_work_without_csp_violations(page_as):
    page = page_as("analist")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = page.url.rstrip("/")

    page.goto(base + "/?overview=1")  # the analyst's home lists its work; the map is here
    page.locator(".leaflet-container path.leaflet-interactive").first.wait_for()

    page.goto(base + "/hotspots/")
    page.locator("nav ul.inline a[href*='/hotspots/area/']").first.click()
    page.wait_for_url(re.compile(r".*/hotspots/area/[^/]+/$"))
    page.locator("#hotspot-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#legend-overall svg.swatch rect").count() >= 2

    page.goto(base + "/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 5

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], \
        problems
