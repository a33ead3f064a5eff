"""A partner worker registers a signal on a tablet by tapping the map: the buurt under
the point is chosen, and the saved signal lies in it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.e2e.test_accessibility import AXE, FAILING_IMPACTS, run_axe

pytestmark = pytest.mark.e2e
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()

# The first point on a grid over the map that lies on a neighbourhood (an SVG path).
FIND_POINT = """(el) => {
  const box = el.getBoundingClientRect();
  for (let fy = 0.5; fy < 0.95; fy += 0.05) {
    for (let fx = 0.5; fx < 0.95; fx += 0.05) {
      for (const [px, py] of [[fx, fy], [1 - fx, 1 - fy]]) {
        const x = box.left + box.width * px, y = box.top + box.height * py;
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.matches("path.leaflet-interactive")) { return [x, y]; }
      }
    }
  }
  return null;
}"""


def test_register_a_signal_by_tapping_the_map_on_a_tablet(app_server, page_as):
    page = page_as("agent")
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{app_server.url}/signals/register/")
    # One column on a tablet: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    page.select_option("#id_category", "overlast-personen")
    page.select_option("#id_pillar", "safety")
    page.fill("#id_observed_on", YESTERDAY)
    page.fill("#id_description", "E2E tablet: overlast bij het winkelcentrum")
    page.select_option("#id_reliability", "own")
    pick = page.locator("#pick-map")
    pick.scroll_into_view_if_needed()
    page.wait_for_selector("#pick-map path.leaflet-interactive")
    point = pick.evaluate(FIND_POINT)
    assert point, "no neighbourhood drawn on the map"
    page.mouse.click(point[0], point[1])
    status = page.locator("#pick-status")
    code = status.get_attribute("data-code")
    assert code, status.inner_text()
    assert page.input_value("#id_area_code") == code
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    # The page with the chosen point (marker, status) passes axe as the crawl requires.
    if AXE.exists():
        violations = run_axe(page, AXE.read_text())
        serious = [v["id"] for v in violations if v["impact"] in FAILING_IMPACTS]
        assert serious == []
    # The submit button is a large touch target.
    register = page.locator("main form button[name=register]")
    assert register.bounding_box()["height"] >= 44
    register.click()
    page.wait_for_url(re.compile(r".*/signals/\d+/$"))
    main = page.inner_text("main")
    assert f"({code})" in main
    assert "E2E tablet" in main
