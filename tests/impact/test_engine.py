"""Deterministic engine results, checked against hand computations."""

from pathlib import Path

import numpy as np
import pytest

from wijkregie.impact.engine import analyse, build_model, evaluate, scenario_from_dict
from wijkregie.impact.scenario_file import dump_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[2] / "examples" / "mkba" / "demo-scenario.yaml"


def scenario(**overrides):
    """Two-year project: invest 100 in year 0, effect 10 units x 6 euro in year 1."""
    doc = {
        "name": "hand",
        "base_year": 2025,
        "horizon_years": 2,
        "discounting": {"preset": "custom", "rate": 0.1},
        "prices": {"base_level": 2025},
        "alternatives": [{
            "name": "P",
            "measures": [{
                "name": "M",
                "costs": [{"name": "invest", "kind": "investment",
                           "stakeholder": "municipality", "amounts": [100]}],
                "effects": [{
                    "name": "fewer burglaries",
                    "quantity": {2026: 10},
                    "unit_value": {"value": 6.0, "price_level": 2025, "source": "test"},
                    "stakeholders": {"residents": 0.75, "police_justice": 0.25},
                }],
            }],
        }],
    }
    doc.update(overrides)
    return scenario_from_dict(doc)


def test_totals_by_hand():
    r = evaluate(scenario(), scenario().alternatives[0])
    assert r.pv_costs == pytest.approx(100)
    assert r.pv_benefits == pytest.approx(60 / 1.1)
    assert r.npv == pytest.approx(60 / 1.1 - 100)
    assert r.bcr == pytest.approx(0.6 / 1.1)
    assert r.irr == pytest.approx(-0.4)  # 60 back for 100: a negative IRR
    assert r.payback_year is None
    assert r.net_flows == pytest.approx((-100, 60))


def test_irr_and_payback_when_project_pays_back():
    s = scenario(horizon_years=3, alternatives=[{
        "name": "P", "measures": [{
            "name": "M",
            "costs": [{"name": "c", "kind": "investment", "stakeholder": "municipality",
                       "amounts": [100]}],
            "effects": [{"name": "e", "quantity": [0, 60, 60], "stakeholder": "residents",
                         "unit_value": {"value": 1, "price_level": 2025}}],
        }],
    }])
    r = evaluate(s, s.alternatives[0])
    # 100 = 60 x + 60 x^2 with x = 1 / (1 + r)
    x = (-60 + np.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert r.irr == pytest.approx(1 / x - 1, rel=1e-12)
    assert r.payback_year == 2027


def test_stakeholder_split_by_hand():
    r = evaluate(scenario(), scenario().alternatives[0])
    pv = 60 / 1.1
    assert r.stakeholders["municipality"].pv_costs == pytest.approx(100)
    assert r.stakeholders["municipality"].pv_benefits == 0
    assert r.stakeholders["residents"].pv_benefits == pytest.approx(0.75 * pv)
    assert r.stakeholders["police_justice"].npv == pytest.approx(0.25 * pv)
    assert sum(x.npv for x in r.stakeholders.values()) == pytest.approx(r.npv)


def test_results_are_relative_to_zero_alternative():
    zero = {"name": "Z", "measures": [{
        "name": "existing",
        "costs": [{"name": "subsidy", "kind": "operating", "stakeholder": "municipality",
                   "amounts": [30, 30]}],
        "effects": [{"name": "autonomous", "quantity": [0, 2], "stakeholder": "residents",
                     "unit_value": {"value": 6.0, "price_level": 2025}},
                    {"name": "cohesion", "pm": "+", "stakeholder": "residents"}],
    }]}
    s = scenario(zero_alternative=zero)
    r = evaluate(s, s.alternatives[0])
    assert r.pv_costs == pytest.approx(100 - 30 - 30 / 1.1)
    assert r.pv_benefits == pytest.approx((60 - 12) / 1.1)
    assert r.stakeholders["municipality"].pv_costs == pytest.approx(100 - 30 - 30 / 1.1)
    assert [(p.name, p.direction, p.from_zero_alternative) for p in r.pm_items] == [
        ("cohesion", "-", True)]


def test_price_levels_are_converted_with_index():
    s = scenario(prices={"base_level": 2025, "index": {2020: 100, 2025: 125}},
                 alternatives=[{"name": "P", "measures": [{
                     "name": "M",
                     "costs": [{"name": "c", "kind": "investment", "stakeholder": "municipality",
                                "amounts": [100], "price_level": 2020}],
                 }]}])
    assert evaluate(s, s.alternatives[0]).pv_costs == pytest.approx(125)


def test_perpetuity_tail():
    s = scenario(discounting={"preset": "custom", "rate": 0.1, "tail": "perpetuity"})
    r = evaluate(s, s.alternatives[0])
    # the year-1 flow of 60 continues forever: 60/1.1 * (1 + 1/0.1)
    assert r.pv_benefits == pytest.approx(60 / 1.1 * 11)
    assert r.perpetuity_value == pytest.approx(60 / 1.1 * 10)


def test_residual_value_in_last_year_only_in_residual_mode():
    alt = [{"name": "P", "measures": [{"name": "M", "costs": [{
        "name": "c", "kind": "investment", "stakeholder": "municipality",
        "amounts": [100], "residual_value": 22}]}]}]
    with_rv = scenario(alternatives=alt,
                       discounting={"preset": "custom", "rate": 0.1, "tail": "residual_value"})
    without = scenario(alternatives=alt)
    assert evaluate(with_rv, with_rv.alternatives[0]).pv_costs == pytest.approx(80)
    assert evaluate(without, without.alternatives[0]).pv_costs == pytest.approx(100)


def test_parameters_scale_lines_and_act_as_unit_value():
    s = scenario(
        parameters={"uv": {"value": 6.0}, "share": {"value": 0.5}},
        alternatives=[{"name": "P", "measures": [{"name": "M", "effects": [{
            "name": "e", "quantity": {2026: 10}, "stakeholder": "residents",
            "unit_value": {"parameter": "uv"}, "scale_by": ["share"]}]}]}],
    )
    model = build_model(s, s.alternatives[0])
    assert model.npv(np.array([[6.0, 0.5], [12.0, 1.0]])) == pytest.approx(
        [30 / 1.1, 120 / 1.1])
    assert evaluate(s, s.alternatives[0]).pv_benefits == pytest.approx(30 / 1.1)


def test_indicators_are_kept_as_plain_data():
    s = load_scenario(DEMO)
    r = evaluate(s, s.alternatives[0])
    keys = {ind.key for _, ind in r.indicators}
    assert keys == {"burglaries_per_1000_homes", "households_on_social_assistance"}


def test_demo_scenario_runs():
    analysis = analyse(load_scenario(DEMO), draws=500)
    assert [r.name for r in analysis.results] == ["Integrale wijkaanpak",
                                                  "Alleen fysieke maatregelen"]
    for r in analysis.results:
        assert r.npv == pytest.approx(r.pv_benefits - r.pv_costs)
        assert sum(x.npv for x in r.stakeholders.values()) == pytest.approx(r.npv)
    assert analysis.monte_carlo is not None


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_dump_and_load_round_trip(tmp_path, suffix):
    original = load_scenario(DEMO)
    target = tmp_path / f"copy{suffix}"
    dump_scenario(original, target)
    assert load_scenario(target) == original
