"""``wijkregie mkba run`` (needs Django settings)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DEMO = Path(__file__).resolve().parents[2] / "examples" / "mkba" / "demo-scenario.yaml"


def test_run_prints_tables():
    out = StringIO()
    call_command("mkba", "run", str(DEMO), "--draws", "300", stdout=out)
    assert "== Integrale wijkaanpak ==" in out.getvalue()
    assert "NPV" in out.getvalue()


def test_run_json():
    out = StringIO()
    call_command("mkba", "run", str(DEMO), "--json", "--draws", "300", "--seed", "1", stdout=out)
    data = json.loads(out.getvalue())
    assert data["monte_carlo"]["seed"] == 1
    assert [a["name"] for a in data["alternatives"]] == ["Integrale wijkaanpak",
                                                        "Alleen fysieke maatregelen"]


def test_invalid_scenario_is_a_command_error_naming_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "base_year: 2025\nhorizon_years: 2\nalternatives:\n"
        "  - name: A\n    measures:\n      - name: M\n        effects:\n"
        "          - {name: e, quantity: [1], stakeholder: residents}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"alternatives\[0\]\.measures\[0\]\.effects\[0\]"
                                           r"\.unit_value: missing"):
        call_command("mkba", "run", str(bad))
