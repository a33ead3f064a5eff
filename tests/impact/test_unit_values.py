from pathlib import Path

import pytest
import yaml

from wijkregie.impact.engine import evaluate
from wijkregie.impact.scenario import ScenarioError
from wijkregie.impact.scenario_file import scenario_from_dict
from wijkregie.impact.unit_values import DEFAULT_LIBRARY_PATH, load_library, parse_library

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysts" / "mkba-in-wijkregie.md"
ENTRY_FIELDS = {"value", "unit", "price_level", "year", "description", "source"}
SOURCE_FIELDS = {"title", "publisher", "year", "locator", "url"}

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


def _packaged_entries() -> dict:
    with DEFAULT_LIBRARY_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["values"]


def test_packaged_library_entries_are_complete_and_cited():
    """Every shipped value has every field, filled in the file itself (no loader default)."""
    raw = _packaged_entries()
    library = load_library()
    assert raw and set(library) == set(raw)
    for key, entry in raw.items():
        assert set(entry) == ENTRY_FIELDS, key
        assert set(entry["source"]) == SOURCE_FIELDS, key
        assert all(str(entry["source"][f]).strip() for f in SOURCE_FIELDS), key
        assert entry["source"]["url"].startswith("https://"), key
        assert entry["unit"].strip() and entry["description"].strip(), key
        value = library[key]
        assert value.value > 0, key
        assert 2000 <= value.price_level <= value.citation.year + 1, key
        assert 2000 <= value.year <= value.citation.year + 1, key


def test_docs_show_the_evidence_for_every_packaged_value():
    """The analyst docs list each shipped key with the passage it was read in."""
    text = DOCS.read_text(encoding="utf-8")
    for key, entry in _packaged_entries().items():
        row = next((line for line in text.splitlines() if f"`{key}`" in line), None)
        assert row is not None, f"{key} has no evidence row in {DOCS.name}"
        assert entry["source"]["url"] in row, key


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
