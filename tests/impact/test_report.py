import json
from pathlib import Path

from wijkregie.impact.engine import analyse
from wijkregie.impact.report_text import analysis_to_dict, render_text
from wijkregie.impact.scenario_file import load_scenario

DEMO = Path(__file__).resolve().parents[2] / "examples" / "mkba" / "demo-scenario.yaml"


def test_text_report_has_all_sections():
    text = render_text(analyse(load_scenario(DEMO), draws=200))
    for heading in ("== Integrale wijkaanpak ==", "-- Sensitivity: Integrale wijkaanpak --",
                    "-- Monte Carlo: 200 draws", "PM + ", "housing_corporation"):
        assert heading in text


def test_json_report_is_serialisable_and_consistent():
    analysis = analyse(load_scenario(DEMO), draws=200)
    data = json.loads(json.dumps(analysis_to_dict(analysis)))
    first = data["alternatives"][0]
    assert first["npv"] == analysis.results[0].npv
    assert set(first["stakeholders"]) >= {"municipality", "residents"}
    assert data["monte_carlo"]["draws"] == 200
    assert data["sensitivity"][0]["tornado"][0]["swing"] >= data["sensitivity"][0]["tornado"][-1][
        "swing"]


def test_format_reference_example_is_valid(tmp_path):
    doc = (DEMO.parents[2] / "docs" / "analysts" / "mkba-scenario-format.md").read_text(
        encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    analysis = analyse(load_scenario(path), draws=100)
    assert analysis.results[0].pv_costs > 0
