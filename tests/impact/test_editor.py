"""The browser scenario editor: what it posts is the scenario, errors land at their field."""

from __future__ import annotations

import json

import pytest

from wijkregie.impact import editor
from wijkregie.impact.engine import analyse
from wijkregie.impact.models import Analysis, AnalysisVersion
from wijkregie.impact.report_text import analysis_to_dict
from wijkregie.impact.scenario_file import scenario_from_dict

from .forms_html import form_data

pytestmark = pytest.mark.django_db


def _analysis() -> Analysis:
    return Analysis.objects.filter(municipality__code="GM9001").first()


def _json(x):
    return json.loads(json.dumps(x))


def _numbers(results: dict) -> dict:
    """Results with the stakeholders of PM items sorted: the form lists stakeholders in
    a fixed order, the file in the order written; only that order may differ."""
    out = json.loads(json.dumps(results))
    for alt in out["alternatives"]:
        for item in alt["pm_items"]:
            item["stakeholders"] = sorted(item["stakeholders"])
    return out


def test_saving_the_unchanged_form_keeps_every_number(login):
    client, analysis = login("analist"), _analysis()
    before = analysis.results
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    assert data["alternatives[0].measures[0].costs[0].amounts[2021]"]
    data["action"] = "save"
    response = client.post(f"/impact/{analysis.pk}/edit/", data)
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.version == 2
    assert _numbers(analysis.results["analysis"]) == _numbers(before["analysis"])
    # and the stored document is a valid scenario file with the same results
    again = analysis_to_dict(analyse(scenario_from_dict(analysis.scenario)))
    assert _json(again) == analysis.results["analysis"]


def test_editing_a_cost_changes_the_results_and_records_the_version(login):
    client, analysis = login("analist"), _analysis()
    npv_before = analysis.results["analysis"]["alternatives"][0]["npv"]
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    name = "alternatives[0].measures[1].costs[0].amounts[2022]"  # the coach in 2022
    data[name] = str(float(data[name]) + 100000)
    data |= {"action": "save", "note": "coach costs more in 2022"}
    assert client.post(f"/impact/{analysis.pk}/edit/", data).status_code == 302
    analysis.refresh_from_db()
    npv_after = analysis.results["analysis"]["alternatives"][0]["npv"]
    assert npv_after < npv_before - 50000
    version = AnalysisVersion.objects.get(analysis=analysis, number=2)
    assert version.note == "coach costs more in 2022"
    assert version.created_by.username == "analist"


def test_invalid_input_names_the_field_and_saves_nothing(login):
    client, analysis = login("analist"), _analysis()
    before = (analysis.version, analysis.scenario, analysis.results)
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    data["alternatives[0].measures[0].costs[0].amounts[2021]"] = "veel"
    data["parameters[0].distribution.min"] = "9000"  # above the mode
    data["action"] = "save"
    response = client.post(f"/impact/{analysis.pk}/edit/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "alternatives[0].measures[0].costs[0].amounts[2021]" in html
    assert "parameters[0].distribution.min" in html
    # the message sits beside the input: the input is marked invalid and described
    assert 'name="alternatives[0].measures[0].costs[0].amounts[2021]" value="veel" ' \
           'inputmode="decimal" size="8" aria-invalid="true"' in html
    assert 'id="f-parameters-0-distribution-min-err"' in html
    analysis.refresh_from_db()
    assert (analysis.version, analysis.scenario, analysis.results) == before
    assert AnalysisVersion.objects.filter(analysis=analysis).count() == 1


def test_add_and_remove_rows_keep_what_was_typed(login):
    client, analysis = login("analist"), _analysis()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    data["alternatives[0].name"] = "Nieuwe naam"
    response = client.post(f"/impact/{analysis.pk}/edit/",
                           {**data, "action": "add:alternatives[0].measures[0].effects"})
    assert response.status_code == 200
    after_add = form_data(response.content.decode())
    assert after_add["alternatives[0].name"] == "Nieuwe naam"
    assert "alternatives[0].measures[0].effects[1].name" in after_add
    response = client.post(f"/impact/{analysis.pk}/edit/",
                           {**after_add, "action": "remove:alternatives[1]"})
    after_remove = form_data(response.content.decode())
    assert "alternatives[1].name" not in after_remove
    analysis.refresh_from_db()
    assert analysis.version == 1  # nothing saved by row actions


def test_new_effect_without_unit_value_is_reported_at_its_path(login):
    client, analysis = login("analist"), _analysis()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    data = form_data(client.post(f"/impact/{analysis.pk}/edit/", {
        **data, "action": "add:alternatives[1].measures[0].effects"}).content.decode())
    data["alternatives[1].measures[0].effects[1].name"] = "Extra effect"
    data["alternatives[1].measures[0].effects[1].stakeholders.residents"] = "1"
    data["alternatives[1].measures[0].effects[1].quantity[2022]"] = "3"
    response = client.post(f"/impact/{analysis.pk}/edit/", {**data, "action": "save"})
    assert response.status_code == 400
    assert "alternatives[1].measures[0].effects[1].unit_value.value" in response.content.decode()


def test_parameter_problems_map_to_their_row():
    tree = {"parameters": [{"name": "a"}, {"name": "b"}]}
    assert editor.parameter_path("parameters.b.distribution.min", tree) == \
        "parameters[1].distribution.min"


def test_form_names_outside_the_scenario_are_ignored():
    tree = editor.tree_from_form({"name": "x", "__proto__": "y", "a..b": "z", "c[1x]": "w"})
    assert tree == {"name": "x"}


def test_a_long_scenario_fits_in_one_post(login):
    """30 years and many lines post thousands of fields; all of them arrive."""
    client, analysis = login("analist"), _analysis()
    data = form_data(client.get(f"/impact/{analysis.pk}/edit/").content.decode())
    data["horizon_years"] = "30"
    for _ in range(12):
        data = form_data(client.post(f"/impact/{analysis.pk}/edit/", {
            **data, "action": "add:alternatives[0].measures[0].costs"}).content.decode())
    assert len(data) > 1000
    last = "alternatives[0].measures[0].costs[13]"
    data |= {f"{last}.name": "Laatste post", f"{last}.amounts[2050]": "1000",
             "action": "save"}
    for k in range(2, 13):
        data[f"alternatives[0].measures[0].costs[{k}].name"] = f"Post {k}"
        data[f"alternatives[0].measures[0].costs[{k}].amounts[{2020 + k}]"] = "10"
    response = client.post(f"/impact/{analysis.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 302, html[html.find("role=\"alert\""):][:1500]
    analysis.refresh_from_db()
    costs = analysis.scenario["alternatives"][0]["measures"][0]["costs"]
    assert costs[13]["amounts"] == {"2050": 1000.0}
