"""The programme viewer compares two programme areas, opens a practice applied in one
of them and follows it to the measure of the plan of approach and its indicator trend
(the demo, in Dutch, in Debian's chromium)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

DUTCH_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^(x|< 5|\.)$")


def test_programme_viewer_compares_areas_and_follows_a_practice_to_its_measure(
        page_as, app_server):
    page = page_as("programma")
    page.locator("nav.site-nav").get_by_role("link", name="Leerkring").click()
    page.get_by_role("heading", name="Programmagebieden vergeleken").wait_for()

    # The map of the programme municipalities, with the same municipalities in a table.
    assert page.locator("svg.municipality-map path").count() >= 2
    municipalities = page.locator("#municipality-table tbody tr")
    assert municipalities.count() == page.locator("svg.municipality-map path").count()

    # Two programme areas side by side: each row its latest figures, in Dutch notation.
    rows = page.locator("#programme-table tbody tr")
    assert rows.count() >= 2
    compared = []
    for index in range(2):
        row = rows.nth(index)
        name = row.locator("th a").inner_text().strip()
        figures = [cell.inner_text().split("\n")[0].split(" ")[0]
                   for cell in row.locator("td.num").all()]
        assert figures and all(DUTCH_NUMBER.match(f) for f in figures[:-1]), figures
        compared.append(name)
    assert compared[0] != compared[1]

    # Each area against its city and all programme areas; find one with practices.
    links = [rows.nth(i).locator("th a").get_attribute("href") for i in range(rows.count())]
    with_practices = None
    for href in links:
        page.goto(app_server.url + href)
        assert page.locator("svg.line-chart").count() >= 1
        if page.get_by_role("heading", name="Hier toegepaste praktijken").count():
            with_practices = href
            break
    assert with_practices, "no demo programme area has a practice applied"
    area_name = page.locator("h1").inner_text()

    # Open a practice applied here.
    practice_link = page.locator("h2:has-text('Hier toegepaste praktijken') + ul a").first
    practice_name = practice_link.inner_text().strip()
    practice_link.click()
    page.get_by_role("heading", name=practice_name, exact=True).wait_for()
    assert page.get_by_role("note").filter(has_text="geen causaal bewijs").count() == 1

    # Follow it to the measure of the plan of approach.
    measure_link = page.locator("section.application a[href^='/leerkring/measures/']").first
    measure_title = measure_link.inner_text().strip()
    measure_link.click()
    page.wait_for_url(re.compile(r".*/leerkring/measures/\d+/$"))
    heading = page.locator("h1").inner_text()
    assert heading.startswith(measure_title)
    assert page.locator("dl").get_by_text("Plan van aanpak", exact=True).count() == 1

    # Its indicator trend: years before the application and since, against the city
    # and all programme areas, with the caveat.
    page.get_by_role("heading", name=re.compile("Verloop van de indicatoren")).wait_for()
    assert page.get_by_role("note").filter(has_text="geen causaal bewijs").count() == 1
    applied = page.locator("section.application")
    assert applied.count() >= 1
    assert applied.locator("svg.line-chart").count() >= 1
    phases = {cell.inner_text() for cell in applied.locator("table.data tbody td:nth-child(2)")
              .all()}
    assert phases & {"voor", "toegepast", "na"}
    # The area it belongs to leads back into the programme view.
    back = page.locator("dl a[href^='/leerkring/areas/']")
    assert back.inner_text() in area_name or area_name.startswith(back.inner_text())
