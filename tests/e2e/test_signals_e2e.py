"""The signals demo in a real browser: a partner worker registers a signal, the case
director bundles signals into a case, the police cannot see care signals, the case's
access log, and the subject access export."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def _register(page, url: str, *, category: str, pillar: str, description: str,  # type: ignore[no-untyped-def]
              person: str = "", born: str = "") -> int:
    page.goto(f"{url}/signals/register/")
    page.select_option("#id_category", category)
    page.select_option("#id_pillar", pillar)
    page.fill("#id_observed_on", YESTERDAY)
    page.fill("#id_description", description)
    page.select_option("#id_reliability", "own")
    page.fill("#id_address", "Teststraat 1")
    if person:
        page.fill("#id_person_name", person)
        page.fill("#id_person_date_of_birth", born)
    page.click("main form button[name=register]")
    page.wait_for_url(re.compile(r".*/signals/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def test_signals_demo_flow(app_server, page_as):
    url = app_server.url
    # 1. A police partner worker registers a signal.
    agent = page_as("agent")
    police_signal = _register(agent, url, category="overlast-personen", pillar="safety",
                              description="E2E overlast portiek")
    assert f"S-{police_signal}" in agent.inner_text("h1")

    # A social worker registers a care signal about a (fictional) person.
    worker = page_as("hulpverlener")
    care_signal = _register(worker, url, category="zorgsignaal", pillar="social",
                            description="E2E-ZORG verward", person="Testa Fictief",
                            born="1960-05-05")
    assert "Testa Fictief" in worker.inner_text("main")

    # 2. The case director bundles signals into a new case.
    director = page_as("casusregisseur")
    director.goto(f"{url}/signals/cases/new/?signals=S-{police_signal}")
    director.fill("#id_title", "E2E casus portiek")
    director.fill("#id_purpose", "aanpak overlast in de wijk")
    director.check("label:has-text('Politie') input[type=checkbox]")
    director.click("main form button[type=submit]")
    director.wait_for_url(re.compile(r".*/signals/cases/\d+/$"))
    case_url = director.url
    other = director.locator("table.data tbody a[href^='/signals/']").count()
    assert other == 1
    director.goto(f"{url}/signals/list/?category=overlast-personen")
    numbers = [int(t.removeprefix("S-"))
               for t in director.locator("table.data tbody a").all_inner_texts()]
    second = next(n for n in numbers if n != police_signal)
    director.goto(case_url)
    director.fill("#id_signal_ids", f"S-{second}")
    director.click("form[action$='/bundle/'] button[type=submit]")
    director.wait_for_url(case_url)
    assert director.locator("table.data").first.locator("tbody tr").count() == 2

    # 3. The police cannot see the care signal, by list or by address.
    response = agent.goto(f"{url}/signals/{care_signal}/")
    assert response.status == 404
    agent.goto(f"{url}/signals/list/?text=E2E-ZORG")
    assert agent.locator("table.data tbody a").count() == 0
    worker.goto(f"{url}/signals/list/?text=E2E-ZORG")
    assert worker.locator("table.data tbody a").count() == 1

    # 4. The police takes part in the case and looks at it; the director sees that.
    agent.goto(case_url)
    assert "E2E casus portiek" in agent.inner_text("h1")
    director.goto(f"{case_url}access-log/")
    log = director.inner_text("table.data")
    assert "agent" in log

    # 5. The administrator registers the person's access request, reviews everything
    #    and releases the answer (nothing withheld here).
    admin = page_as("beheerder")
    admin.goto(f"{url}/signals/subjects/")
    admin.fill("#id_name", "Testa Fictief")
    admin.fill("#id_date_of_birth", "1960-05-05")
    admin.click("main form[method=get] button[type=submit]")
    admin.fill("#id_requester", "Testa Fictief zelf, identiteitskaart gezien")
    admin.fill("#id_reason", "inzageverzoek (AVG art. 15)")
    admin.click("main form[method=post] button[type=submit]")
    admin.wait_for_url(re.compile(r".*/signals/subjects/requests/\d+/$"))
    request_url = admin.url
    assert "E2E-ZORG verward" in admin.inner_text("main")  # the review shows everything
    admin.click("main form[method=post] button[type=submit]")
    admin.wait_for_url(request_url)
    admin.click("a[href$='export.html']")
    document = admin.inner_text("main")
    assert "Testa Fictief" in document and "E2E-ZORG verward" in document
    assert "hulpverlener" in document  # the worker's view is in the access log
    admin.goto(request_url)
    with admin.expect_download() as download_info:
        admin.click("a[href$='export.json']")
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert exported["persons"][0]["identity"]["name"] == "Testa Fictief"
    assert any(e["actor_username"] == "hulpverlener" for e in exported["access_log"])
