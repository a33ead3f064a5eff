"""The area director opens the area picture, follows an open escalation to its
evidence and takes a ladder decision with a new deadline; the owner of the escalated
measure, a partner worker (the demo's police officer "agent"), logs in and sees the new
deadline. The picture itself passes axe-core like every crawled page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_accessibility import AXE, FAILING_IMPACTS, run_axe

pytestmark = pytest.mark.e2e

MEASURE = "Cameratoezicht en extra surveillance"


def test_director_decides_on_an_escalation_and_the_owner_sees_the_new_deadline(
        page_as, app_server):
    page = page_as("regisseur")
    page.goto(f"{app_server.url}/regie/")
    page.locator("a[href^='/regie/picture/programmes/']").first.click()
    page.wait_for_selector("#pic-escalations")
    assert page.locator("h1").inner_text().startswith("Gebiedsbeeld")
    if AXE.exists():
        violations = run_axe(page, AXE.read_text())
        serious = [v["id"] for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not serious, serious
    # the escalation on the police measure, among the open escalations of the area
    escalations = page.locator("section:has(#pic-escalations) tbody tr")
    row = escalations.filter(has_text=MEASURE)
    assert row.count() == 1
    row.locator("a[href^='/regie/escalations/']").first.click()
    page.wait_for_selector("#evidence-heading")
    escalation_url = page.url
    assert MEASURE in page.locator("dl.facts").inner_text()
    assert page.locator("#deadline").inner_text().strip() == "—"
    # the evidence: the rule's numbers and the link to the measure it is about
    assert "days_overdue" in page.locator("section:has(#evidence-heading)").inner_text()
    page.locator("section:has(#evidence-heading) a[href^='/regie/measures/']").click()
    assert page.locator("h1").inner_text().strip() == MEASURE
    page.goto(escalation_url)

    deadline = timezone.localdate() + timedelta(days=30)
    page.select_option("#id_action", "escalate")
    page.fill("#id_decision", "Extra inzet politie afgesproken in de stuurgroep (e2e)")
    page.fill("#id_new_deadline", deadline.isoformat())
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_selector("#deadline")
    shown = deadline.strftime("%d-%m-%Y")
    assert page.locator("#deadline").inner_text().strip() == shown
    assert "Extra inzet politie" in page.locator("section:has(#steps-heading)").inner_text()

    owner = page_as("agent")
    owner.goto(f"{app_server.url}/regie/attention/")
    row = owner.locator("section:has(#open-heading) tbody tr").filter(has_text=MEASURE)
    assert row.count() == 1
    assert shown in row.inner_text()
    notifications = owner.locator("section:has(#notif-heading)").inner_text()
    assert shown in notifications
