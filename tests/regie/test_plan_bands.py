"""The plan's traffic-light bands: set on a page by the plan's director, validated,
version-checked and audited; they decide every goal's light and are stated where the
lights are shown."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.regie.test_plan_progress import _goal, _set_figures
from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import AuditAction, AuditEvent, User
from wijkregie.regie import services
from wijkregie.regie.models import Plan


@pytest.fixture
def plan(demo) -> Plan:
    director = User.objects.get(username="regisseur")
    return Plan.objects.filter(programme_area__municipality=director.municipality).first()


def _data(plan: Plan, **changes: object) -> dict[str, object]:
    return {"title": plan.title, "green_from": "90", "amber_from": "50",
            "version": plan.version} | changes


def test_changing_the_bands_on_the_page_changes_the_light_and_is_audited(plan, login):
    director = User.objects.get(username="regisseur")
    goal = _goal(plan, director)
    _set_figures(plan, goal.indicator, {2024: 8.4})  # 80 % of the planned progress
    client = login("regisseur")
    goal_page = f"/regie/goals/{goal.pk}/"
    assert "light-amber" in client.get(goal_page).content.decode()
    response = client.post(f"/regie/plans/{plan.pk}/edit/",
                           _data(plan, green_from="75", amber_from="40"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.green_from, plan.amber_from, plan.version) == (0.75, 0.40, 2)
    assert "light-green" in client.get(goal_page).content.decode()
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="regie.plan",
                                   object_id=str(plan.pk))
    assert event.detail["before"] == {"green_from": 0.9, "amber_from": 0.5}
    assert event.detail["after"] == {"green_from": 0.75, "amber_from": 0.4}
    page = client.get(f"/regie/plans/{plan.pk}/").content.decode()
    assert "75 %" in page and "40 %" in page


@pytest.mark.parametrize(("changes", "field"), [
    ({"green_from": "90", "amber_from": "90"}, "amber_from"),
    ({"green_from": "60", "amber_from": "70"}, "amber_from"),
    ({"green_from": "120"}, "green_from"),
    ({"amber_from": "-5"}, "amber_from"),
    ({"title": "  "}, "title"),
])
def test_bad_bands_are_refused_on_their_field_and_nothing_is_saved(plan, login, changes,
                                                                   field):
    response = login("regisseur").post(f"/regie/plans/{plan.pk}/edit/",
                                       _data(plan, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    fresh = Plan.objects.get(pk=plan.pk)
    assert (fresh.title, fresh.green_from, fresh.amber_from, fresh.version) == (
        plan.title, plan.green_from, plan.amber_from, plan.version)


def test_the_service_refuses_bands_the_form_would_not_send(plan):
    director = User.objects.get(username="regisseur")
    with pytest.raises(services.ValidationError) as refused:
        services.edit_plan(user=director, plan=plan, version=plan.version, title="x",
                           green_from=0.4, amber_from=0.6)
    assert "amber_from" in refused.value.error_dict
    assert Plan.objects.get(pk=plan.pk).amber_from == plan.amber_from


def test_a_stale_version_gets_409_and_keeps_the_first_writers_bands(plan, login):
    client = login("regisseur")
    url = f"/regie/plans/{plan.pk}/edit/"
    assert client.post(url, _data(plan, green_from="80")).status_code == 302
    stale = client.post(url, _data(plan, green_from="95"))  # still version 1
    assert stale.status_code == 409
    assert Plan.objects.get(pk=plan.pk).green_from == 0.8


def test_only_the_plans_director_may_change_the_bands(plan, login):
    url = f"/regie/plans/{plan.pk}/edit/"
    assert login("analist").get(url).status_code == 403
    assert login("regisseur2").get(url).status_code == 404  # another municipality
    assert login("regisseur2").post(url, _data(plan, green_from="10",
                                                amber_from="5")).status_code == 404
    assert Plan.objects.get(pk=plan.pk).green_from == plan.green_from


def test_the_report_states_the_bands(plan, login):
    plan.green_from, plan.amber_from = 0.825, 0.3
    plan.save()
    pdf = login("regisseur").get(f"/regie/plans/{plan.pk}/report.pdf").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "82,5 %" in text and "30 %" in text


def test_a_new_plan_takes_the_bands_the_municipality_set_last(plan):
    director = User.objects.get(username="regisseur")
    services.edit_plan(user=director, plan=plan, version=plan.version, title=plan.title,
                       green_from=0.8, amber_from=0.6)
    area = ProgrammeArea.objects.create(municipality=director.municipality,
                                        name="Nieuw gebied", slug="nieuw-gebied")
    new = services.create_plan(user=director, programme_area=area, title="Nieuw plan")
    assert (new.green_from, new.amber_from) == (0.8, 0.6)
