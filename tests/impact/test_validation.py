"""Every validation problem is reported with its field path, all at once."""

import copy

import pytest

from wijkregie.impact.scenario import ScenarioError
from wijkregie.impact.scenario_file import load_scenario, scenario_from_dict

VALID = {
    "base_year": 2025,
    "horizon_years": 5,
    "prices": {"base_level": 2025},
    "parameters": {"p": {"value": 1.0}},
    "alternatives": [
        {"name": "A", "measures": []},
        {"name": "B", "measures": [{
            "name": "M",
            "costs": [{"name": "c", "kind": "investment", "stakeholder": "municipality",
                       "amounts": [10]}],
            "effects": [
                {"name": "e0", "quantity": [1], "stakeholder": "residents",
                 "unit_value": {"value": 1, "price_level": 2025}},
                {"name": "e1", "pm": "?", "stakeholder": "residents"},
                {"name": "e2", "quantity": [1], "stakeholder": "residents",
                 "unit_value": {"value": 1, "price_level": 2025}},
            ],
        }]},
    ],
}
EFFECT = ("alternatives", 1, "measures", 0, "effects", 2)


def problems(doc):
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(doc)
    return {str(p) for p in info.value.problems}


def changed(path, key, value):
    doc = copy.deepcopy(VALID)
    node = doc
    for part in path:
        node = node[part]
    if value is None:
        del node[key]
    else:
        node[key] = value
    return doc


def test_valid_document_passes():
    assert len(scenario_from_dict(VALID).alternatives) == 2


def test_missing_unit_value_names_the_field_path():
    assert problems(changed(EFFECT, "unit_value", None)) == {
        "alternatives[1].measures[0].effects[2].unit_value: missing"}


def test_negative_horizon():
    found = problems(changed((), "horizon_years", -1))
    assert any(p.startswith("horizon_years: must be a positive") for p in found)


def test_unknown_stakeholder_in_cost_and_effect_share():
    doc = changed(("alternatives", 1, "measures", 0, "costs", 0), "stakeholder", "mayor")
    effect = doc["alternatives"][1]["measures"][0]["effects"][0]
    del effect["stakeholder"]
    effect["stakeholders"] = {"residents": 0.5, "landlords": 0.5}
    found = problems(doc)
    assert any(p.startswith("alternatives[1].measures[0].costs[0].stakeholder: unknown "
                            "stakeholder 'mayor'") for p in found)
    assert any(p.startswith("alternatives[1].measures[0].effects[0].stakeholders.landlords: "
                            "unknown stakeholder") for p in found)


def test_shares_must_sum_to_one():
    doc = changed(EFFECT, "stakeholders", {"residents": 0.5, "municipality": 0.4})
    del doc["alternatives"][1]["measures"][0]["effects"][2]["stakeholder"]
    assert "alternatives[1].measures[0].effects[2].stakeholders: shares sum to 0.9, not 1" in (
        problems(doc))


def test_mixed_price_levels_without_index():
    doc = changed(EFFECT, "unit_value", {"value": 1, "price_level": 2019})
    found = problems(doc)
    assert any(p.startswith("alternatives[1].measures[0].effects[2].unit_value.price_level: "
                            "price level 2019 differs") for p in found)
    doc["prices"]["index"] = {2019: 100, 2025: 110}
    assert scenario_from_dict(doc)  # with an index the same document is valid


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [
        ({"kind": "triangular", "min": 5, "mode": 3, "max": 9},
         "parameters.p.distribution.mode: min (5.0) is above mode (3.0)"),
        ({"kind": "triangular", "min": 1, "mode": 10, "max": 9},
         "parameters.p.distribution.mode: mode (10.0) is above max (9.0)"),
        ({"kind": "normal", "mean": 1, "sd": -0.5},
         "parameters.p.distribution.sd: must be >= 0, got -0.5"),
        ({"kind": "pert", "min": 4, "mode": 4, "max": 4},
         "parameters.p.distribution.min: min (4.0) must be below max (4.0)"),
        ({"kind": "uniform", "min": 2, "max": 1},
         "parameters.p.distribution.min: min (2.0) must be below max (1.0)"),
        ({"kind": "lognormal", "mean": 0, "sd": 1},
         "parameters.p.distribution.mean: lognormal mean must be > 0, got 0.0"),
        ({"kind": "beta"},
         "parameters.p.distribution.kind: unknown kind 'beta' "
         "(one of uniform, triangular, pert, normal, lognormal)"),
        ({"kind": "normal", "mean": 1},
         "parameters.p.distribution.sd: missing"),
    ],
)
def test_impossible_distributions(distribution, expected):
    doc = changed(("parameters", "p"), "distribution", distribution)
    assert expected in problems(doc)


def test_all_problems_are_reported_together():
    doc = changed(EFFECT, "unit_value", None)
    doc["discounting"] = {"preset": "nl-1999"}
    doc["alternatives"][1]["measures"][0]["costs"][0]["amounts"] = {2040: 5}
    doc["alternatives"][1]["measures"][0]["effects"][0]["scale_by"] = ["nope"]
    found = problems(doc)
    assert found >= {
        "alternatives[1].measures[0].effects[2].unit_value: missing",
        "alternatives[1].measures[0].costs[0].amounts[2040]: year outside the horizon 2025-2029",
        "alternatives[1].measures[0].effects[0].scale_by[0]: unknown parameter 'nope'",
    }
    assert any(p.startswith("discounting.preset: unknown preset 'nl-1999'") for p in found)


def test_other_field_errors():
    doc = copy.deepcopy(VALID)
    doc["discounting"] = {"preset": "custom", "rate": 0.02, "tail": "perpetuity",
                          "perpetuity_growth": 0.03}
    doc["alternatives"][0]["name"] = "B"
    doc["alternatives"][1]["measures"][0]["effects"][0]["unit_value"] = {"library": "nope"}
    doc["alternatives"][1]["measures"][0]["effects"][1]["pm"] = "up"
    doc["parameters"]["p"].update(low=2, high=1)
    doc["monte_carlo"] = {"draws": 0}
    found = problems(doc)
    assert found >= {
        "discounting.perpetuity_growth: must be below the discount rate",
        "alternatives[1].measures[0].effects[0].unit_value.library: "
        "unknown unit value 'nope' in library",
        "alternatives[1].measures[0].effects[1].pm: unknown direction 'up' (one of +, -, ?)",
        "parameters.p.low: low (2.0) is above high (1.0)",
        "monte_carlo.draws: must be at least 1",
    }
    assert any(p.startswith("alternatives: alternative names must be unique") for p in found)


def test_error_message_lists_every_problem():
    doc = changed(EFFECT, "unit_value", None)
    doc["horizon_years"] = 0
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(doc)
    message = str(info.value)
    assert "horizon_years" in message and "effects[2].unit_value: missing" in message


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read file"):
        load_scenario(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML/JSON"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="scenario: must be a mapping"):
        scenario_from_dict([1, 2])


def test_pm_item_with_quantity_and_unit_value_is_refused_naming_the_fields():
    doc = copy.deepcopy(VALID)
    doc["alternatives"][1]["measures"][0]["effects"][1] |= {
        "quantity": [3], "unit_value": {"value": 100, "price_level": 2025}}
    found = problems(doc)
    where = "alternatives[1].measures[0].effects[1]"
    assert any(p.startswith(f"{where}.unit_value: a PM item (pm: '?') has no money value")
               for p in found), found
    assert any(p.startswith(f"{where}.quantity: a PM item") for p in found), found
    only_value = copy.deepcopy(VALID)
    only_value["alternatives"][1]["measures"][0]["effects"][1]["unit_value"] = {"value": 1}
    assert {p.split(":")[0] for p in problems(only_value)} == {f"{where}.unit_value"}
