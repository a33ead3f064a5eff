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


def _goal_data(goal: Goal, **changes: object) -> dict[str, object]:
    data = {"pillar": goal.pillar_id, "statement": goal.statement, "owner": goal.owner_id,
            "indicator": goal.indicator_id, "baseline_value": goal.baseline_value or "",
            "baseline_year": goal.baseline_year, "horizon_year": goal.horizon_year,
            "target_kind": goal.target_kind, "target_value": goal.target_value or "",
            "benchmark": goal.benchmark, "benchmark_year": goal.benchmark_year or "",
            "milestones": "\n".join(f"{m.year} {m.value}" for m in goal.milestones.all()),
            "version": goal.version}
    return data | changes


def test_goal_edit_saves_audits_and_refuses_a_stale_version(demo, login):
    from wijkregie.core.models import AuditAction, AuditEvent

    goal = _plan().goals.first()
    client = login("regisseur")
    url = f"/regie/goals/{goal.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="version"' in page and goal.statement in page
    response = client.post(url, _goal_data(goal, statement="Bewerkt doel"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.statement == "Bewerkt doel" and goal.version == 2
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="regie.goal",
                                     object_id=str(goal.pk)).exists()
    stale = client.post(url, _goal_data(goal, statement="Tweede schrijver", version=1))
    assert stale.status_code == 409
    goal.refresh_from_db()
    assert goal.statement == "Bewerkt doel"


def test_goal_edit_refuses_a_milestone_after_the_horizon_naming_the_field(demo, login):
    goal = _plan().goals.first()
    before = list(goal.milestones.values_list("year", "value"))
    response = login("regisseur").post(f"/regie/goals/{goal.pk}/edit/", _goal_data(
        goal, statement="Half opgeslagen?", milestones=f"{goal.horizon_year + 2} 1"))
    assert response.status_code == 200
    assert "horizon" in str(response.context["form"].errors["milestones"])
    goal.refresh_from_db()
    assert goal.statement != "Half opgeslagen?" and goal.version == 1
    assert list(goal.milestones.values_list("year", "value")) == before


def test_measure_edit_refuses_end_before_start_and_saves_a_good_one(demo, login):
    measure = _plan().measures.first()
    client = login("regisseur")
    url = f"/regie/measures/{measure.pk}/edit/"
    data = {"title": measure.title, "kind": measure.kind,
            "lead_organisation": measure.lead_organisation_id,
            "contributing_organisations": list(
                measure.contributing_organisations.values_list("pk", flat=True)),
            "budget": str(measure.budget), "funding_stream": measure.funding_stream,
            "start": measure.start.isoformat(), "end": "2000-01-01",
            "deliverables": measure.deliverables, "status": measure.status,
            "goals": list(measure.goals.values_list("pk", flat=True)),
            "version": measure.version}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["end"]
    measure.refresh_from_db()
    assert measure.version == 1 and measure.end.isoformat() != "2000-01-01"
    data["end"] = (measure.end.replace(year=measure.end.year + 1)).isoformat()
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.version == 2 and measure.end.isoformat() == data["end"]


def test_analyst_may_not_open_the_edit_forms(demo, login):
    plan = _plan()
    client = login("analist")
    assert client.get(f"/regie/goals/{plan.goals.first().pk}/edit/").status_code == 403
    assert client.get(f"/regie/measures/{plan.measures.first().pk}/edit/").status_code == 403
