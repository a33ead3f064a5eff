"""The plan pages: scoping, roles, the update forms, the PDF report and XLSX export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from wijkregie.core.models import User
from wijkregie.regie.models import MeasureUpdate, Plan, UpdateStatus


@pytest.fixture
def plan(demo) -> Plan:
    director = User.objects.get(username="regisseur")
    return Plan.objects.filter(programme_area__municipality=director.municipality).first()


def _pages(plan: Plan) -> list[str]:
    goal = plan.goals.first()
    measure = plan.measures.first()
    return ["/regie/", f"/regie/plans/{plan.pk}/", f"/regie/plans/{plan.pk}/overview/",
            f"/regie/goals/{goal.pk}/", f"/regie/measures/{measure.pk}/"]


@pytest.mark.parametrize("username", ["regisseur", "analist", "agent"])
def test_the_pages_open_for_the_roles_of_the_plan(plan, login, username):
    client = login(username)
    for url in _pages(plan):
        response = client.get(url)
        assert response.status_code == 200, url
    assert plan.title in client.get("/regie/").content.decode()


def test_another_municipalitys_director_gets_404(plan, login):
    client = login("regisseur2")
    assert plan.title not in client.get("/regie/").content.decode()
    for url in _pages(plan)[1:]:
        assert client.get(url).status_code == 404, url
    update = MeasureUpdate.objects.filter(measure__plan=plan, status="submitted").first()
    response = client.post(f"/regie/updates/{update.pk}/",
                           {"action": "approved", "version": update.version})
    assert response.status_code == 404
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED


def test_a_role_without_the_permission_gets_403(plan, login):
    assert login("programma").get("/regie/").status_code == 403


def test_analyst_reads_but_sees_no_forms_and_may_not_approve(plan, login):
    client = login("analist")
    update = MeasureUpdate.objects.filter(measure__plan=plan, status="submitted").first()
    page = client.get(f"/regie/measures/{update.measure_id}/").content.decode()
    assert 'value="approved"' not in page
    response = client.post(f"/regie/updates/{update.pk}/",
                           {"action": "approved", "version": update.version})
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED


def test_director_approves_through_the_form_and_a_stale_form_gets_409(plan, login):
    client = login("regisseur")
    update = MeasureUpdate.objects.filter(measure__plan=plan, status="submitted").first()
    page = client.get(f"/regie/measures/{update.measure_id}/").content.decode()
    assert 'value="approved"' in page
    response = client.post(f"/regie/updates/{update.pk}/",
                           {"action": "approved", "version": update.version})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == UpdateStatus.APPROVED
    again = client.post(f"/regie/updates/{update.pk}/",
                        {"action": "returned", "version": update.version - 1, "note": "x"})
    assert again.status_code == 409


def test_partner_worker_creates_and_submits_an_update(plan, login):
    worker = User.objects.get(username="agent")
    measure = plan.measures.filter(contributing_organisations=worker.organisation,
                                   status="running").first()
    client = login("agent")
    year = measure.start.year
    taken = set(measure.updates.filter(year=year).values_list("quarter", flat=True))
    quarter = next(q for q in (1, 2, 3, 4) if q not in taken)
    response = client.post(f"/regie/measures/{measure.pk}/updates/new/", {
        "year": year, "quarter": quarter, "measure_status": "running",
        "spending": "1.250,50", "narrative": "Voortgang"})
    assert response.status_code == 302
    update = measure.updates.get(year=year, quarter=quarter)
    assert str(update.spending) == "1250.50"
    client.post(f"/regie/updates/{update.pk}/", {"action": "submitted",
                                                  "version": update.version})
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED and update.submitted_by == worker


def test_bad_spending_is_refused_with_the_field_named(plan, login):
    measure = plan.measures.filter(status="running").first()
    client = login("regisseur")
    response = client.post(f"/regie/measures/{measure.pk}/updates/new/", {
        "year": measure.start.year, "quarter": 4, "spending": "veel"}, follow=True)
    assert "spending" in response.content.decode()


def test_pdf_report_text(plan, login):
    response = login("regisseur").get(f"/regie/plans/{plan.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(response.content)).pages)
    assert plan.title in text
    for goal in plan.goals.all():
        assert goal.statement[:30] in text
    for measure in plan.measures.all():
        assert measure.title.split()[0] in text
    assert "Traffic light" in text or "Stoplicht" in text


def test_xlsx_export(plan, login):
    response = login("analist").get(f"/regie/plans/{plan.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    measures = book.worksheets[1]
    titles = {row[0] for row in measures.iter_rows(min_row=2, values_only=True)}
    assert titles == set(plan.measures.values_list("title", flat=True))
    assert book.worksheets[0].max_row == plan.goals.count() + 1
