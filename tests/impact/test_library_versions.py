"""The municipality's unit-value library: versions, retiring a value, what a scenario used."""

from __future__ import annotations

import copy

import pytest

from wijkregie.core.models import AuditEvent, Municipality, User
from wijkregie.impact import services
from wijkregie.impact.models import Analysis, AnalysisVersion, UnitValue
from wijkregie.impact.scenario import ScenarioError

pytestmark = pytest.mark.django_db

CITED = {"key": "energy_mwh", "value": 95.0, "unit": "euro per MWh", "price_level": 2024,
         "year": 2024, "description": "test value", "source_title": "A test publication",
         "source_publisher": "Test publisher", "source_year": 2024,
         "source_locator": "table 1, p. 2", "source_url": ""}


def _setup():  # type: ignore[no-untyped-def]
    analysis = Analysis.objects.filter(municipality__code="GM9001").order_by("pk").first()
    actor = User.objects.get(username="analist")
    return analysis, actor, analysis.municipality


def _using(scenario: dict, key: str) -> dict:
    doc = copy.deepcopy(scenario)
    effect = next(e for alt in doc["alternatives"] for m in alt.get("measures", [])
                  for e in m.get("effects", []) if "unit_value" in e)
    effect["unit_value"] = {"library": key}
    return doc


def test_each_library_change_raises_the_version_and_a_scenario_records_it(demo):
    analysis, actor, municipality = _setup()
    start = services.library_version(municipality)
    value = services.save_unit_value(actor=actor, municipality=municipality, values=CITED)
    assert services.library_version(municipality) == start + 1
    updated = services.update_analysis(actor=actor, analysis=analysis, title=analysis.title,
                                       question=analysis.question,
                                       scenario=_using(analysis.scenario, "energy_mwh"))
    version = AnalysisVersion.objects.get(analysis=updated, number=updated.version)
    assert version.library_version == start + 1
    record = updated.results["library"]
    assert record["version"] == start + 1
    assert record["values"]["energy_mwh"] == {
        "value": 95.0, "unit": "euro per MWh", "price_level": 2024, "year": 2024,
        "source": "A test publication, Test publisher, 2024, table 1, p. 2", "retired": False}
    services.save_unit_value(actor=actor, municipality=municipality,
                             values=CITED | {"value": 99.0}, unit_value=value)
    assert services.library_version(municipality) == start + 2
    # Another municipality's library has its own version.
    other = Municipality.objects.exclude(pk=municipality.pk).first()
    assert services.library_version(other) == 0


def test_a_retired_value_is_not_offered_but_keeps_its_scenarios_computing(demo):
    analysis, actor, municipality = _setup()
    value = services.save_unit_value(actor=actor, municipality=municipality, values=CITED)
    analysis = services.update_analysis(actor=actor, analysis=analysis, title=analysis.title,
                                        question="", scenario=_using(analysis.scenario,
                                                                     "energy_mwh"))
    with pytest.raises(ScenarioError, match="say why"):
        services.retire_unit_value(actor=actor, unit_value=value, reason=" ")
    before = services.library_version(municipality)
    services.retire_unit_value(actor=actor, unit_value=value, reason="superseded by 2025 study")
    assert services.library_version(municipality) == before + 1
    assert "energy_mwh" not in services.offered_library_keys(municipality)
    assert AuditEvent.objects.filter(object_id=str(value.pk), action="update",
                                     detail__retired="superseded by 2025 study").exists()
    again = services.update_analysis(actor=actor, analysis=analysis, title=analysis.title,
                                     question="", scenario=analysis.scenario)
    assert again.results["library"]["values"]["energy_mwh"]["retired"] is True
    with pytest.raises(ScenarioError, match="already retired"):
        services.retire_unit_value(actor=actor, unit_value=value, reason="twice")


def test_library_page_retires_a_value_and_lists_it_apart(login):
    client = login("analist")
    client.post("/impact/library/new/", CITED)
    value = UnitValue.objects.get(key="energy_mwh")
    page = client.get("/impact/library/").content.decode()
    assert f'/impact/library/{value.pk}/retire/' in page and 'id="library-version"' in page
    client.post(f"/impact/library/{value.pk}/retire/", {"reason": "outdated"})
    value.refresh_from_db()
    assert value.retired_at is not None and value.retired_reason == "outdated"
    page = client.get("/impact/library/").content.decode()
    retired = page[page.index('id="retired-values"'):]
    assert "energy_mwh" in retired and "outdated" in retired
