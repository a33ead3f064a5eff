"""Practice library: search (both databases), filters, detail with indicator trends,
and the scoping of the edit views."""

from __future__ import annotations

import pytest
from django.db import connection

from wijkregie.core.models import User
from wijkregie.figures.models import Observation
from wijkregie.learning import selectors
from wijkregie.learning.models import EvidenceLevel, Intervention, LocalPractice, Pillar

pytestmark = pytest.mark.django_db


def _names(response) -> str:
    return response.content.decode()


def test_demo_has_twenty_practices_with_applications(demo):
    assert Intervention.objects.count() == 20
    assert LocalPractice.objects.count() >= 20
    assert LocalPractice.objects.filter(indicators__isnull=False).exists()


def test_search_finds_by_word(demo):
    everyone = Intervention.objects.all()
    found = list(selectors.search(everyone, "schulden"))
    assert any(i.name == "Vroegsignalering schulden" for i in found)
    assert all(i.name != "Speelplekken met bewoners" for i in found)
    assert list(selectors.search(everyone, "xyzzy-onbekend")) == []


def test_search_dutch_stemming_on_postgresql(demo):
    """A plain word is found on both databases; on PostgreSQL the Dutch configuration
    also finds another form of a word (stemming); SQLite ignores case."""
    found = [i.name for i in selectors.search(Intervention.objects.all(), "inbraken")]
    assert "Buurtpreventie met WhatsApp-groepen" in found
    if connection.vendor == "postgresql":
        # Stemming: "gesprekken" is no substring of the text ("een gesprek waarin"),
        # its Dutch stem is.
        stemmed = [i.name for i in selectors.search(Intervention.objects.all(),
                                                    "gesprekken")]
        assert "Buurtbemiddeling" in stemmed
    else:
        assert [i.name for i in selectors.search(Intervention.objects.all(),
                                                 "BEMIDDELING")] == ["Buurtbemiddeling"]


def test_filters(demo, login):
    client = login("programma")
    text = _names(client.get("/leerkring/practices/?pillar=physical"))
    assert "Energiecoaches" in text and "Buurtbemiddeling" not in text
    text = _names(client.get(f"/leerkring/practices/?evidence_level={EvidenceLevel.STRONG}"))
    assert "Voorschoolse educatie op maat" in text and "Taalcafé" not in text
    text = _names(client.get("/leerkring/practices/?target_group=ouderen"))
    assert "Huisbezoeken ouderen 75+" in text and "Jongerenwerk op straat" not in text
    text = _names(client.get("/leerkring/practices/?problem=jeugdoverlast"))
    assert "Jongerenwerk op straat" in text and "Taalcafé" not in text
    practice = LocalPractice.objects.first()
    code = practice.municipality.code
    applied = set(LocalPractice.objects.filter(municipality=practice.municipality)
                  .values_list("intervention__name", flat=True))
    text = _names(client.get(f"/leerkring/practices/?municipality={code}"))
    for name in applied:
        assert name in text
    text = _names(client.get("/leerkring/practices/?q=schulden&pillar=social"))
    assert "Vroegsignalering schulden" in text


def test_detail_shows_disclosed_trend_and_caveat(demo, login):
    practice = LocalPractice.objects.filter(indicators__isnull=False).first()
    indicator = practice.indicators.first()
    client = login("programma")
    text = _names(client.get(f"/leerkring/practices/{practice.intervention.slug}/"))
    assert "not causal evidence" in text or "geen causaal bewijs" in text
    assert indicator.name_nl in text
    assert practice.programme_area.name in text
    hidden = Observation.objects.filter(programme_area=practice.programme_area,
                                        indicator=indicator, month=0,
                                        shown_value__isnull=True).first()
    if hidden is not None and hidden.value is not None:
        assert f"{hidden.value:.3f}" not in text


def test_other_municipalitys_figures_not_shown_to_director(demo, login):
    director = User.objects.get(username="regisseur")
    foreign = (LocalPractice.objects.exclude(municipality_id=director.municipality_id)
               .filter(indicators__isnull=False).first())
    text = _names(login("regisseur").get(f"/leerkring/practices/{foreign.intervention.slug}/"))
    assert foreign.programme_area.name in text  # where it was applied is shared
    assert "not shown to you" in text or "niet zichtbaar" in text


def test_director_edits_only_own_municipality(demo, login):
    director = User.objects.get(username="regisseur")
    client = login("regisseur")
    own = LocalPractice.objects.filter(municipality_id=director.municipality_id).first()
    foreign = LocalPractice.objects.exclude(municipality_id=director.municipality_id).first()
    assert client.get(f"/leerkring/applications/{own.pk}/edit/").status_code == 200
    assert client.get(f"/leerkring/applications/{foreign.pk}/edit/").status_code == 404
    # Shared (programme) descriptions are not the director's to edit.
    shared = Intervention.objects.filter(municipality__isnull=True).first()
    assert client.get(f"/leerkring/practices/{shared.slug}/edit/").status_code == 404
    # The application form offers only the own municipality's programme areas.
    form_page = _names(client.get(f"/leerkring/practices/{shared.slug}/apply/"))
    assert own.programme_area.name in form_page
    assert foreign.programme_area.name not in form_page
    # Posting another municipality's programme area is refused by the form, nothing saved.
    before = LocalPractice.objects.count()
    response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
        "programme_area": foreign.programme_area_id, "start_year": 2022})
    assert response.status_code == 200 and LocalPractice.objects.count() == before
    response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
        "programme_area": own.programme_area_id, "start_year": 2022, "end_year": 2020})
    assert response.status_code == 200 and LocalPractice.objects.count() == before
    response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
        "programme_area": own.programme_area_id, "start_year": 2022, "costs_eur": 10000})
    assert response.status_code == 302 and LocalPractice.objects.count() == before + 1
    assert LocalPractice.objects.latest("pk").municipality_id == director.municipality_id


def test_director_creates_own_practice(demo, login):
    director = User.objects.get(username="regisseur")
    client = login("regisseur")
    response = client.post("/leerkring/practices/new/", {
        "name": "Buurtvaders", "pillar": Pillar.SAFETY, "problem": "jeugdoverlast",
        "goal": "Vaders lopen 's avonds rondes.", "target_group_end": "Jongeren",
        "approach": "Rondes op vaste avonden.", "evidence_level": EvidenceLevel.DESCRIBED})
    assert response.status_code == 302
    created = Intervention.objects.get(name="Buurtvaders")
    assert created.municipality_id == director.municipality_id
    assert client.get(f"/leerkring/practices/{created.slug}/edit/").status_code == 200
    assert login("regisseur2").get(
        f"/leerkring/practices/{created.slug}/edit/").status_code == 404
    missing = client.post("/leerkring/practices/new/", {"name": "Zonder doel"})
    assert missing.status_code == 200
    assert not Intervention.objects.filter(name="Zonder doel").exists()


def test_partner_worker_has_no_library(demo, login):
    assert login("agent").get("/leerkring/practices/").status_code == 403
