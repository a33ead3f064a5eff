"""The safety adviser's whole path in a real browser: intake with a drawn polygon, a scan
round entered while the connection drops (kept in the browser, sent when it returns),
a photo with EXIF, the advice, the second adviser's sign-off and the PDF."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import translation
from pypdf import PdfReader

from tests.e2e.test_accessibility import AXE, FAILING_IMPACTS, run_axe
from tests.safety_advice.test_services import _jpeg_with_exif

pytestmark = pytest.mark.e2e
SECTIONS = ("Reason and trigger", "Intent of the plan", "Analysis", "Risk rating per theme",
            "Alternatives and measures", "Verdict and conditions",
            "Implementation and management", "Annex: full checklist")


def _draw_square(page) -> None:  # type: ignore[no-untyped-def]
    """Four taps around the middle of the map: inside the municipality."""
    page.locator("#draw-map path.leaflet-interactive").first.wait_for()
    page.locator("#draw-map").scroll_into_view_if_needed()
    box = page.locator("#draw-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-12, -12), (12, -12), (12, 12), (-12, 12)):
        page.mouse.click(cx + dx, cy + dy)
    assert page.locator("#draw-status").inner_text().startswith("4")


def test_intake_scan_offline_photo_advice_sign_off_pdf(app_server, page_as, tmp_path):
    page = page_as("adviseur")
    base = app_server.url
    page.goto(f"{base}/veiligheidsadvies/")
    page.locator("main a[href='/veiligheidsadvies/nieuw/']").click()
    page.wait_for_url(re.compile(r".*/veiligheidsadvies/nieuw/$"))
    assert page.locator(".mandatory-rule").inner_text()  # the municipality's rule is shown

    # Intake: the plan area drawn on the map; the coordinates field gets the GeoJSON.
    page.fill("#id_title", "Speelplein Oost (e2e)")
    page.select_option("#id_trigger", "masterplan")
    page.fill("#id_requester", "Team Openbare Ruimte")
    page.select_option("#id_plan_phase", "sketch")
    page.fill("#id_due_date", (date.today() + timedelta(days=30)).isoformat())
    page.select_option("#id_template", label="CROW maintenance levels (A+–D)")
    _draw_square(page)
    assert '"Polygon"' in page.locator("#id_geometry").input_value()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/veiligheidsadvies/\d+/$"))
    detail = page.url

    # Scan: the connection drops at saving; the round is kept and sent when it returns.
    page.locator("main a[href$='/scan/']").click()
    page.wait_for_url(re.compile(r".*/scan/$"))
    page.check("input[name=time_of_day][value=night]")
    page.fill("#id_weather", "motregen")
    page.fill("#id_walked_on", date.today().isoformat())
    for key, value in (("crow_paving", "A"), ("crow_greenery", "B"), ("crow_litter", "C"),
                       ("crow_graffiti", "D"), ("crow_furniture", "B")):
        page.check(f"input[name='item-{key}-value'][value='{value}']")
    page.fill("#item-crow_graffiti-note", "tags op de tunnelwand")
    page.context.set_offline(True)
    page.locator("main form.scan-form button[type=submit]").click()
    status = page.locator("#scan-status")
    page.wait_for_function("() => document.getElementById('scan-status').textContent !== ''")
    kept = page.evaluate("() => JSON.parse(localStorage.getItem("
                         "document.querySelector('form[data-offline-key]').dataset.offlineKey))")
    assert kept["pending"] and ["item-crow_graffiti-value", "D"] in kept["fields"]
    assert status.inner_text()
    page.context.set_offline(False)  # the browser says "online": the kept round goes out
    page.wait_for_url(re.compile(r".*/veiligheidsadvies/ronde/\d+/fotos/$"))
    assert page.evaluate("() => Object.keys(localStorage).filter("
                         "k => k.startsWith('wijkregie-scan-')).length") == 0

    # A photo of the graffiti with EXIF: location and time kept, the rest stripped.
    photo = tmp_path / "graffiti.jpg"
    photo.write_bytes(_jpeg_with_exif())
    page.select_option("#id_item", "crow_graffiti")
    page.set_input_files("#id_image", str(photo))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/fotos/$"))
    row = page.locator("tbody tr", has_text="Graffiti")
    assert "30-11-2026 21:15" in row.inner_text() and "52,09" in row.inner_text()
    # Its thumbnail is served (not public media), named for who cannot see it, and the
    # page with it passes axe as the crawl requires.
    thumb = row.locator("img.photo-thumb__image")
    thumb.scroll_into_view_if_needed()  # it loads lazily, and on a busy machine late
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=thumb.element_handle())
    assert thumb.get_attribute("alt").startswith("Foto van Graffiti")
    full = page.request.get(base + row.locator("a:has(img)").get_attribute("href"))
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    if AXE.exists():
        violations = run_axe(page, AXE.read_text())
        serious = [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations
                   if v["impact"] in FAILING_IMPACTS]
        assert serious == []

    # The advice: a condition, proposed recommendations, a verdict, submitted.
    page.goto(detail)
    assert page.locator("main").inner_text().count("motregen") == 1  # sent once
    with page.expect_navigation():
        page.locator("main a[href$='/bewerken/']").click()
    page.fill("#id_text", "Graffiti verwijderen en anti-graffitilaag aanbrengen")
    page.fill("#id_owner", "Stadsbeheer")
    page.fill("#id_deadline", (date.today() + timedelta(days=60)).isoformat())
    with page.expect_navigation():
        page.click("button[name=add_condition]")
    with page.expect_navigation():
        page.click("button[name=propose]")
    assert page.locator("#rec-0-text").input_value()
    page.select_option("#id_verdict", "conditional")
    page.fill("#id_implementation", "Opnemen in het beheerplan")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert re.search(r"/veiligheidsadvies/\d+/$", page.url), page.url
    assert page.locator("form[action$='/aftekenen/']").count() == 0  # not by the author

    # The second adviser signs off; the advice is final and its PDF has every section.
    second = re.search(r"(adviseur-2-\S+)", app_server.demo_output).group(1)
    reviewer = page_as(second)
    reviewer.goto(detail)
    reviewer.locator("form[action$='/aftekenen/'] button").click()
    reviewer.wait_for_url(re.compile(r".*/veiligheidsadvies/\d+/$"))
    assert reviewer.locator("form[action$='/aftekenen/']").count() == 0
    with reviewer.expect_download() as info:
        reviewer.locator("main a[href$='/pdf/']").click()
    pdf = tmp_path / "advies.pdf"
    info.value.save_as(pdf)
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    with translation.override("nl"):
        headings = [f"{n}. {translation.gettext(s)}" for n, s in enumerate(SECTIONS, 1)]
    for heading in headings:
        assert heading in text, heading
    assert "Speelplein Oost (e2e)" in text and "Graffiti verwijderen" in text
    assert "52.09000, 5.12000" in text  # the photo's kept location
    # The map of the drawn plan area, with its legend and caption, in section 3.
    analysis = text[text.index(headings[2]):text.index(headings[3])]
    with translation.override("nl"):
        for entry in ("Legend", "Buurt boundary", "Plan area"):
            assert translation.gettext(entry) in analysis, entry
    assert "Kaart van het plangebied" in analysis
