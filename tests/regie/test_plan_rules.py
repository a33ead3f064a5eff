"""The plan's escalation rules on a frozen date: a measure past its end and a goal red
for K periods each fire once; a withheld figure does not count as a period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.regie.test_plan_progress import _goal, _set_figures
from wijkregie.core.models import User
from wijkregie.learning import hooks
from wijkregie.regie import services as plan_services
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models import Measure, MeasureStatus, Plan
from wijkregie.regie.models_intervention import Escalation, EscalationRule, RuleKind

TODAY = date(2026, 3, 10)


@pytest.fixture
def world(demo):
    director = User.objects.get(username="regisseur")
    EscalationRule.objects.filter(municipality=director.municipality).delete()
    Escalation.objects.all().delete()
    plan = Plan.objects.filter(programme_area__municipality=director.municipality).first()
    return director, plan


def test_measure_past_its_end_fires_once_and_again_after_a_new_end(world) -> None:
    director, plan = world
    Measure.objects.filter(plan__programme_area__municipality=director.municipality).update(
        status=MeasureStatus.DONE)
    measure = Measure.objects.filter(plan=plan).first()
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.RUNNING,
                                                 end=TODAY - timedelta(days=8))
    services.create_rule(user=None, municipality=director.municipality, name="m",
                         kind=RuleKind.MEASURE_OVERDUE, params={"days": 7})
    first = services.evaluate(municipality=director.municipality, today=TODAY).raised
    assert [e.evidence["numbers"]["days_overdue"] for e in first] == [8]
    assert f"/regie/measures/{measure.pk}/" in str(first[0].evidence["links"])
    assert services.evaluate(municipality=director.municipality, today=TODAY).raised == []
    # A new end date that is missed again is a new situation.
    Measure.objects.filter(pk=measure.pk).update(end=TODAY - timedelta(days=1))
    later = services.evaluate(municipality=director.municipality,
                              today=TODAY + timedelta(days=10)).raised
    assert len(later) == 1 and later[0].pk != first[0].pk
    # Done measures never fire.
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.DONE)
    assert services.evaluate(municipality=director.municipality,
                             today=TODAY + timedelta(days=90)).raised == []


def test_goal_red_for_two_periods_fires_once(world) -> None:
    director, plan = world
    goal = _goal(plan, director)
    services.create_rule(user=None, municipality=director.municipality, name="g",
                         kind=RuleKind.GOAL_OFF_PATH,
                         params={"periods": 2, "indicator": goal.indicator.key})
    # 2023 red, 2024 withheld, 2025 red: two shown red periods in a row.
    _set_figures(plan, goal.indicator, {2020: 10.0, 2023: 9.9, 2024: None, 2025: 9.8})
    raised = [e for e in services.evaluate(municipality=director.municipality,
                                           today=TODAY).raised
              if e.evidence["numbers"].get("years")]
    mine = [e for e in raised if f"/regie/goals/{goal.pk}/" in str(e.evidence["links"])]
    assert len(mine) == 1
    assert mine[0].evidence["numbers"]["years"] == [2023, 2025]
    assert services.evaluate(municipality=director.municipality, today=TODAY).raised == []


def test_goal_red_only_in_the_latest_period_does_not_fire(world) -> None:
    director, plan = world
    goal = _goal(plan, director)
    services.create_rule(user=None, municipality=director.municipality, name="g",
                         kind=RuleKind.GOAL_OFF_PATH,
                         params={"periods": 2, "indicator": goal.indicator.key})
    # 2023 on its path (green against 2024's 8,0 milestone), 2025 red.
    _set_figures(plan, goal.indicator, {2020: 10.0, 2023: 8.0, 2025: 9.8})
    assert plan_services.goal_progress(None, goal, upto_year=2023).light == plan_services.GREEN
    raised = services.evaluate(municipality=director.municipality, today=TODAY).raised
    assert not [e for e in raised if f"/regie/goals/{goal.pk}/" in str(e.evidence["links"])]


def test_learning_circle_reads_goal_status_from_the_plan(world) -> None:
    director, plan = world
    goal = _goal(plan, director)
    _set_figures(plan, goal.indicator, {2020: 10.0, 2024: 9.5})
    statuses = {s.goal: s.status for s in hooks.goal_status(plan.programme_area)}
    assert hooks.goal_status_connected()
    assert statuses[goal.statement] == "far behind"
