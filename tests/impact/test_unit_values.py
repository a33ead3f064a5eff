import pytest

from wijkregie.impact.engine import evaluate
from wijkregie.impact.scenario import ScenarioError
from wijkregie.impact.scenario_file import scenario_from_dict
from wijkregie.impact.unit_values import load_library, parse_library

ENTRY = """
values:
  test_burglary:
    value: 1000
    unit: euro per burglary
    price_level: 2020
    year: 2019
    description: test value, not a real figure
    source: {title: Test report, publisher: Test bureau, year: 2021, locator: table 1}
"""


def test_packaged_library_loads_and_every_value_is_cited():
    for entry in load_library().values():
        assert entry.citation.title and entry.citation.publisher and entry.citation.year
        assert entry.price_level and entry.unit


def test_custom_library_entry_is_used_with_its_price_level(tmp_path):
    (tmp_path / "lib.yaml").write_text(ENTRY, encoding="utf-8")
    library = load_library(tmp_path / "lib.yaml")
    assert str(library["test_burglary"].citation) == "Test report, Test bureau, 2021, table 1"
    doc = {
        "base_year": 2025, "horizon_years": 1, "library": "lib.yaml",
        "discounting": {"preset": "custom", "rate": 0.0},
        "prices": {"base_level": 2025, "index": {2020: 100, 2025: 120}},
        "alternatives": [{"name": "A", "measures": [{"name": "M", "effects": [{
            "name": "e", "quantity": [3], "stakeholder": "residents",
            "unit_value": {"library": "test_burglary"}}]}]}],
    }
    s = scenario_from_dict(doc, base_dir=tmp_path)
    uv = s.alternatives[0].measures[0].effects[0].unit_value
    assert uv.library_key == "test_burglary" and "Test report" in uv.source
    assert evaluate(s, s.alternatives[0]).pv_benefits == pytest.approx(3 * 1000 * 1.2)


def test_library_entry_without_citation_is_rejected():
    with pytest.raises(ScenarioError, match=r"values\.x: invalid entry"):
        parse_library({"values": {"x": {"value": 1, "unit": "u", "price_level": 2020,
                                        "year": 2020}}})
