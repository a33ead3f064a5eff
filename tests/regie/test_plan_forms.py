"""The area director's goal and measure forms: bad input named, nothing saved."""

from __future__ import annotations

from wijkregie.core.models import User
from wijkregie.figures.models import Indicator
from wijkregie.regie.models import Goal, Measure, Plan


def _plan() -> Plan:
    director = User.objects.get(username="regisseur")
    return Plan.objects.filter(programme_area__municipality=director.municipality).first()


def test_measure_form_refuses_end_before_start_then_saves(demo, login):
    plan = _plan()
    client = login("regisseur")
    url = f"/regie/plans/{plan.pk}/measures/new/"
    assert client.get(url).status_code == 200
    lead = plan.measures.first().lead_organisation
    data = {"title": "Nieuwe maatregel", "kind": "preventive", "lead_organisation": lead.pk,
            "start": "2027-05-01", "end": "2027-01-01", "status": "planned"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert not Measure.objects.filter(title="Nieuwe maatregel").exists()
    data["end"] = "2027-12-31"
    assert client.post(url, data).status_code == 302
    assert Measure.objects.get(title="Nieuwe maatregel").plan == plan


def test_goal_form_refuses_a_milestone_after_the_horizon(demo, login):
    plan = _plan()
    client = login("regisseur")
    url = f"/regie/plans/{plan.pk}/goals/new/"
    indicator = Indicator.objects.get(key="werkloos_pct", municipality__isnull=True)
    data = {"pillar": plan.programme_area.municipality.regie_pillars.get(key="work").pk,
            "statement": "Formulierdoel", "owner": plan.goals.first().owner_id,
            "indicator": indicator.pk, "baseline_value": "10", "baseline_year": 2020,
            "horizon_year": 2028, "target_kind": "absolute", "target_value": "6",
            "milestones": "2024 8,5\n2030 7"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "horizon" in str(response.context["form"].errors["milestones"])
    assert not Goal.objects.filter(statement="Formulierdoel").exists()
    data["milestones"] = "2024 8,5"
    assert client.post(url, data).status_code == 302
    goal = Goal.objects.get(statement="Formulierdoel")
    assert list(goal.milestones.values_list("year", "value")) == [(2024, 8.5)]


def test_analyst_may_not_open_the_forms(demo, login):
    plan = _plan()
    assert login("analist").get(f"/regie/plans/{plan.pk}/goals/new/").status_code == 403
