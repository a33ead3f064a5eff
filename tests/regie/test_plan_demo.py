"""The demo plans: a plan per demo programme area, every measure and update state."""

from __future__ import annotations

from wijkregie.regie.models import MeasureStatus, MeasureUpdate, Plan, UpdateStatus


def test_demo_has_a_plan_per_programme_area_with_every_state(demo):
    assert Plan.objects.count() == len([a for a in demo.programme_areas
                                        if f"gemeente:{a.municipality.code}"
                                        in demo.organisations])
    plan = Plan.objects.first()
    assert plan.goals.count() >= 3
    assert set(plan.measures.values_list("status", flat=True)) == set(MeasureStatus.values)
    states = set(MeasureUpdate.objects.filter(measure__plan=plan)
                 .values_list("status", flat=True))
    assert states == set(UpdateStatus.values)
