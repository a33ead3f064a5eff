"""The programme document: disclosed figures only, no personal data, a valid schema.

The probe walks every published field and compares it with the database: each shown
figure is the disclosed value of its cell, each withheld cell carries no value, every
bounded/suppressed cell of a programme area is withheld (never shown), and no
identity, user name or signal text of the demo appears anywhere in the document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wijkregie.core.models import Municipality, User
from wijkregie.figures.models import Observation
from wijkregie.learning import hooks
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.schema import SCHEMA_PATH, schema_errors
from wijkregie.signals import crypto
from wijkregie.signals.models import Signal, Subject

REPO = Path(__file__).resolve().parents[2]
SECRET_VALUE = 37.777  # delivered, hidden by disclosure control
SECRET_TEXTS = ("37.777", "37,777", "37.78", "37,78", "37.8", "37,8")


def _walk(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}/{index}")
    else:
        yield path, value


def test_docs_schema_is_the_packaged_schema():
    docs = REPO / "docs" / "federation" / "programme-document.schema.json"
    assert json.loads(docs.read_text()) == json.loads(SCHEMA_PATH.read_text())


@pytest.mark.django_db
def test_document_is_valid_and_carries_only_disclosed_figures(demo):
    municipality = Municipality.objects.filter(programme_areas__isnull=False).first()
    # The demo's programme areas are large enough to show every figure: hide two
    # cells as the disclosure pipeline would (the delivered value stays in `value`).
    hidden = list(Observation.objects.filter(programme_area__municipality=municipality,
                                             month=0, status="value").order_by("pk")[:2])
    Observation.objects.filter(pk=hidden[0].pk).update(
        shown_status="suppressed", shown_value=None, shown_text="x")
    Observation.objects.filter(pk=hidden[1].pk).update(
        shown_status="bounded", shown_value=None, shown_text="< 5")
    document = build_document(municipality)
    assert schema_errors(document) == []
    assert document["municipality"]["code"] == municipality.code
    areas = {a.slug: a for a in municipality.programme_areas.all()}
    assert {area["slug"] for area in document["programme_areas"]} == set(areas)

    cells = {(o.indicator.key, o.programme_area.slug, o.year): o
             for o in Observation.objects.filter(programme_area__municipality=municipality,
                                                 month=0).select_related(
                 "indicator", "programme_area")}
    withheld_cells = {k for k, o in cells.items() if o.shown_status in ("bounded",
                                                                       "suppressed")}
    assert len(withheld_cells) == 2
    seen_withheld = set()
    for area in document["programme_areas"]:
        for figure in area["figures"]:
            cell = cells[(figure["indicator"], area["slug"], figure["year"])]
            if figure["status"] == "shown":
                assert cell.shown_status == "shown"
                assert figure["value"] == cell.shown_value
                assert figure["text"] == cell.shown_text
            else:
                assert "value" not in figure
                assert figure["reason"] == cell.shown_status
                assert figure["text"] == cell.shown_text
                seen_withheld.add((figure["indicator"], area["slug"], figure["year"]))
    assert seen_withheld == withheld_cells
    # A delivered value that disclosure hid never appears at its cell.
    for key in withheld_cells:
        assert cells[key].shown_value is None


@pytest.mark.django_db
def test_probe_no_suppressed_value_in_any_published_field(demo):
    """Every field of the document, not only the figures: a delivered value that
    disclosure hides appears nowhere, as a number or as text; a practice linked to the
    hidden cells' indicators and to a measure is published with their keys only."""
    from wijkregie.learning.models import LocalPractice

    municipality = Municipality.objects.filter(local_practices__isnull=False).first()
    hidden = list(Observation.objects.filter(programme_area__municipality=municipality,
                                             month=0, status="value").order_by("pk")[:2])
    for observation, (status, text) in zip(hidden, (("suppressed", "x"), ("bounded", "< 5")),
                                           strict=True):
        Observation.objects.filter(pk=observation.pk).update(
            value=SECRET_VALUE, shown_status=status, shown_value=None, shown_text=text)
    practice = LocalPractice.objects.filter(municipality=municipality,
                                            regie_measure__isnull=False).first()
    practice.indicators.set([o.indicator for o in hidden])
    document = build_document(municipality)
    assert schema_errors(document) == []
    # Several practices may share a measure and an area: the intervention tells them apart.
    published = [p for p in document["practices"] if p["measure_id"] == practice.regie_measure_id
                 and p["programme_area"] == practice.programme_area.slug
                 and p["intervention"]["slug"] == practice.intervention.slug
                 and p["start_year"] == practice.start_year]
    assert published and published[0]["indicators"] == sorted({o.indicator.key for o in hidden})
    fields = list(_walk(document))
    assert len(fields) > 50
    for path, value in fields:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            assert value != pytest.approx(SECRET_VALUE, abs=0.05), path
        else:
            for leak in SECRET_TEXTS:
                assert leak not in str(value), (path, leak)


@pytest.mark.django_db
def test_probe_no_personal_data_in_any_published_field(demo):
    secrets: set[str] = set()
    for subject in Subject.objects.all():
        identity = crypto.decrypt_identity(bytes(subject.identity))
        secrets |= {str(v) for v in identity.values() if v and len(str(v)) >= 4}
    for user in User.objects.all():
        # (Demo user names are role words such as "programma"; their people are not.)
        secrets |= {v for v in (user.email, user.get_full_name()) if v and len(v) >= 4}
    for signal in Signal.objects.all()[:200]:
        for field in ("description", "title"):
            text = getattr(signal, field, "")
            if isinstance(text, str) and len(text) >= 8:
                secrets.add(text)
    assert secrets, "the demo should have persons and users to look for"
    for municipality in Municipality.objects.all():
        document = build_document(municipality)
        for path, value in _walk(document):
            if isinstance(value, str):
                leaks = [s for s in secrets if s.lower() in value.lower()]
                assert not leaks, f"{path} carries personal data"


@pytest.mark.django_db
def test_goal_status_hook_adds_goals(demo):
    municipality = Municipality.objects.filter(programme_areas__isnull=False).first()

    def provider(area):
        return [hooks.GoalStatus(goal=f"Minder inbraken in {area.name}", status="op koers")]

    previous = hooks._provider  # the regie app's, restored afterwards
    hooks.register_goal_status_provider(provider)
    try:
        document = build_document(municipality)
    finally:
        hooks.register_goal_status_provider(previous)
    assert schema_errors(document) == []
    assert document["programme_areas"][0]["goals"] == [
        {"goal": f"Minder inbraken in {document['programme_areas'][0]['name']}",
         "status": "op koers"}]
    # With the regie app's provider back, the goals are the plan's own.
    from wijkregie.regie.models import Goal

    area_name = document["programme_areas"][0]["name"]
    published = build_document(municipality)["programme_areas"][0]["goals"]
    assert {g["goal"] for g in published} == set(Goal.objects.filter(
        plan__programme_area__name=area_name,
        plan__programme_area__municipality=municipality).values_list("statement", flat=True))


@pytest.mark.django_db
def test_practices_are_published_without_contact(demo):
    from wijkregie.learning.models import Intervention, LocalPractice

    municipality = Municipality.objects.filter(programme_areas__isnull=False).first()
    area = municipality.programme_areas.first()
    intervention = Intervention.objects.create(
        name="Buurtbemiddeling", slug="buurtbemiddeling-fed", goal="Burenruzies oplossen",
        target_group_end="Buren", approach="Vrijwillige bemiddelaars", pillar="social",
        problem="burenoverlast", contact="Jan Jansen, 06-12345678")
    practice = LocalPractice.objects.create(
        intervention=intervention, municipality=municipality, programme_area=area,
        description="Sinds 2019 in twee wijken", costs_eur=12000, start_year=2019)
    practice.indicators.set(list(Observation.objects.filter(programme_area=area)
                                 .values_list("indicator", flat=True)[:1]))
    document = build_document(municipality)
    assert schema_errors(document) == []
    published = [p for p in document["practices"]
                 if p["intervention"]["slug"] == "buurtbemiddeling-fed"]
    assert len(published) == 1
    assert published[0]["programme_area"] == area.slug
    assert published[0]["costs_eur"] == 12000.0 and published[0]["start_year"] == 2019
    assert len(published[0]["indicators"]) == 1
    assert "Jan Jansen" not in json.dumps(document)
    # Another municipality's document does not carry it.
    other = Municipality.objects.exclude(pk=municipality.pk).first()
    assert not [p for p in build_document(other)["practices"]
                if p["intervention"]["slug"] == "buurtbemiddeling-fed"]
