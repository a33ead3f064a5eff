"""Goal progress computed from disclosed figures; goal validation naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wijkregie.core.models import User
from wijkregie.figures.models import Aggregation, Indicator, Observation, Polarity
from wijkregie.regie import services
from wijkregie.regie.models import Goal, Plan, TargetKind


@pytest.fixture
def plan_and_user(demo):
    director = User.objects.get(username="regisseur")
    plan = Plan.objects.filter(programme_area__municipality=director.municipality).first()
    return plan, director


def _indicator(user: User) -> Indicator:
    indicator = Indicator.objects.get(key="werkloos_pct", municipality__isnull=True)
    assert indicator.polarity == Polarity.HIGHER_IS_WORSE
    return indicator


def _set_figures(plan: Plan, indicator: Indicator, values: dict[int, float | None]) -> None:
    rows = Observation.objects.filter(indicator=indicator, programme_area=plan.programme_area,
                                      month=0)
    rows.delete()
    Observation.objects.bulk_create([
        Observation(indicator=indicator, programme_area=plan.programme_area, year=year,
                    value=value if value is not None else 3.0,
                    shown_value=value, shown_text="< 5" if value is None else str(value),
                    shown_status="suppressed" if value is None else "shown")
        for year, value in values.items()])


def _goal(plan: Plan, user: User, **extra) -> Goal:
    fields = {"pillar": plan.programme_area.municipality.regie_pillars.get(key="work"),
              "statement": "Minder werkloosheid", "owner": user.organisation,
              "horizon_year": 2028, "indicator": _indicator(user), "baseline_value": 10.0,
              "baseline_year": 2020, "target_kind": TargetKind.ABSOLUTE, "target_value": 6.0}
    fields.update(extra)
    return services.create_goal(user=user, plan=plan, milestones=[(2022, 9.0), (2024, 8.0)],
                                **fields)


@pytest.mark.parametrize(("latest", "light"), [(8.0, "green"), (8.4, "amber"),
                                               (9.5, "red"), (7.0, "green")])
def test_traffic_light_from_the_figure_against_the_milestone(plan_and_user, latest, light):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    _set_figures(plan, goal.indicator, {2020: 10.0, 2023: 9.0, 2024: latest})
    progress = services.goal_progress(user, goal)
    assert progress.latest_year == 2024 and progress.latest_value == latest
    assert progress.planned_year == 2024 and progress.planned_value == 8.0
    assert progress.target_value == 6.0
    assert progress.light == light
    assert progress.distance_to_planned == pytest.approx(8.0 - latest)


def test_bands_are_configurable_per_plan(plan_and_user):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    _set_figures(plan, goal.indicator, {2024: 8.4})  # 80 % of the planned progress
    assert services.goal_progress(user, goal).light == "amber"
    plan.green_from = 0.75
    plan.save()
    assert services.goal_progress(user, Goal.objects.get(pk=goal.pk)).light == "green"


def test_a_suppressed_latest_figure_is_not_used(plan_and_user):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    _set_figures(plan, goal.indicator, {2023: 9.5, 2024: None})
    progress = services.goal_progress(user, goal)
    assert progress.latest_year == 2023 and progress.latest_value == 9.5


def test_only_suppressed_figures_give_no_figure_yet(plan_and_user):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    _set_figures(plan, goal.indicator, {2023: None, 2024: None})
    progress = services.goal_progress(user, goal)
    assert not progress.has_figure and progress.light == "none"
    assert "no figure yet" in progress.reason


def test_missing_figures_give_no_figure_yet(plan_and_user, login):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    _set_figures(plan, goal.indicator, {})
    progress = services.goal_progress(user, goal)
    assert progress.latest_value is None and progress.light == "none"
    response = login("regisseur").get(f"/regie/goals/{goal.pk}/")
    assert response.status_code == 200
    assert "no figure yet" in response.content.decode() or "nog geen cijfer" in \
        response.content.decode()


def test_benchmark_target_follows_the_city_figure_without_rewriting_the_goal(plan_and_user):
    plan, user = plan_and_user
    goal = _goal(plan, user, target_kind=TargetKind.BENCHMARK, target_value=1.0,
                 benchmark="city", benchmark_year=2024)
    first = services.target_of(user, goal)
    city = services.benchmark_value(user, goal)
    assert city is not None and first == pytest.approx(city + 1.0)
    from wijkregie.figures.selectors import gemeente_area
    Observation.objects.filter(indicator=goal.indicator, area=gemeente_area(
        plan.programme_area.municipality), year=2024, month=0).update(shown_value=city + 2)
    assert services.target_of(user, goal) == pytest.approx(city + 3.0)
    goal.refresh_from_db()
    assert goal.target_value == 1.0


def test_milestone_after_horizon_is_refused(plan_and_user):
    plan, user = plan_and_user
    with pytest.raises(ValidationError) as error:
        services.create_goal(user=user, plan=plan, milestones=[(2030, 5.0)],
                             pillar=plan.programme_area.municipality.regie_pillars.first(),
                             statement="x", owner=user.organisation, horizon_year=2028,
                             indicator=_indicator(user), baseline_value=10.0,
                             baseline_year=2020, target_kind=TargetKind.DIRECTION)
    assert "milestones" in error.value.error_dict
    assert "horizon" in str(error.value)
    assert not Goal.objects.filter(statement="x").exists()


def test_indicator_that_does_not_aggregate_is_refused(plan_and_user):
    plan, user = plan_and_user
    indicator = _indicator(user)
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Aggregation.NONE)
    indicator.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _goal(plan, user, indicator=indicator)
    assert "indicator" in error.value.error_dict
    assert "does not aggregate" in str(error.value)


@pytest.mark.parametrize(("extra", "field"), [
    ({"target_value": None}, "target_value"),
    ({"target_kind": TargetKind.BENCHMARK, "benchmark": "city"}, "benchmark_year"),
    ({"horizon_year": 2019}, "horizon_year"),
    ({"statement": " "}, "statement"),
])
def test_bad_goal_input_names_the_field(plan_and_user, extra, field):
    plan, user = plan_and_user
    with pytest.raises(ValidationError) as error:
        _goal(plan, user, **extra)
    assert field in error.value.error_dict


def test_goal_edit_is_version_checked(plan_and_user):
    plan, user = plan_and_user
    goal = _goal(plan, user)
    edited = services.edit_goal(user=user, goal=goal, version=goal.version,
                                statement="Nieuwe formulering")
    assert edited.version == goal.version + 1
    with pytest.raises(services.ChangedMeanwhile):
        services.edit_goal(user=user, goal=goal, version=goal.version, statement="oud")
