from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wijkregie.safety_advice.rating import propose_recommendations, rate
from wijkregie.safety_advice.templates import PRESETS, validate_definition

EXAMPLE = {"themes": [
    {"key": "A", "label": "A", "weight": 60, "items": [
        {"key": "a1", "label": "a1", "scale": "1-5", "weight": 50},
        {"key": "a2", "label": "a2", "scale": "yes_no", "weight": 50}]},
    {"key": "B", "label": "B", "weight": 40, "items": [
        {"key": "b1", "label": "b1", "scale": "crow", "weight": 70},
        {"key": "b2", "label": "b2", "scale": "lux", "weight": 30, "min_lux": 1,
         "good_lux": 10}]},
]}
DAY = {"a1": {"value": "2"}, "a2": {"value": "no"}, "b1": {"value": "B"},
       "b2": {"value": "4"}}


def test_documented_example_by_hand():
    rating = rate(EXAMPLE, [DAY])
    assert rating.themes == {"A": Decimal("87.5"), "B": Decimal("55.0")}
    assert rating.overall == Decimal("74.5")
    assert rating.band == "high"


def test_worst_round_counts():
    night = {"b2": {"value": "2.5"}}
    rating = rate(EXAMPLE, [DAY, night])
    assert rating.themes["B"] == Decimal("60.0")
    assert rating.overall == Decimal("76.5")
    assert rating.band == "very_high"


def test_same_scores_same_rating():
    assert rate(EXAMPLE, [DAY]) == rate(EXAMPLE, [dict(reversed(list(DAY.items())))])


def test_not_applicable_leaves_out_its_weight():
    rating = rate(EXAMPLE, [DAY | {"a2": {"na": True}}])
    assert rating.themes["A"] == Decimal("75.0")


def test_value_off_scale_refused():
    with pytest.raises(ValidationError) as exc:
        rate(EXAMPLE, [DAY | {"b1": {"value": "E"}}])
    assert "b1" in exc.value.message_dict


def test_recommendations_worst_first_with_quick_wins():
    proposals = propose_recommendations(rate(EXAMPLE, [DAY]))
    assert [p["item"] for p in proposals] == ["a2", "a1", "b1", "b2"]
    assert proposals[0]["priority"] == "high"
    assert proposals[2]["priority"] == "medium"
    assert not any(p["quick_win"] for p in proposals)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p["key"])
def test_presets_valid(preset):
    validate_definition(preset["definition"])


def test_presets_cover_the_named_checklists():
    by_key = {p["key"]: p["definition"] for p in PRESETS}
    assert [t["key"] for t in by_key["cpted"]["themes"]] == [
        "natural_surveillance", "access_control", "territoriality", "maintenance",
        "activity_support"]
    assert [t["key"] for t in by_key["zeta"]["themes"]] == [
        "zichtbaarheid", "eenduidigheid", "toegankelijkheid", "aantrekkelijkheid"]
    walk = [i["key"] for i in by_key["walk_audit"]["themes"][0]["items"]]
    assert len(walk) == 9 and "wa_gender_usage" in walk


def _bad(**change):
    import copy
    definition = copy.deepcopy(EXAMPLE)
    for path, value in change.items():
        target = definition
        *parents, last = path.split("__")
        for part in parents:
            target = target["themes"][int(part[1:])] if part.startswith("t") else \
                target["items"][int(part[1:])]
        target[last] = value
    return definition


def test_weights_not_adding_up_refused():
    with pytest.raises(ValidationError) as exc:
        validate_definition(_bad(t0__weight=50))
    assert "themes.weight" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        validate_definition(_bad(t1__i0__weight=60))
    assert "themes[1].items" in exc.value.message_dict


def test_unknown_scale_refused():
    with pytest.raises(ValidationError) as exc:
        validate_definition(_bad(t0__i1__scale="stars"))
    assert "themes[0].items[1].scale" in exc.value.message_dict


def test_duplicate_item_refused():
    with pytest.raises(ValidationError) as exc:
        validate_definition(_bad(t1__i0__key="a1"))
    assert "themes[1].items[0].key" in exc.value.message_dict
