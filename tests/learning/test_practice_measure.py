"""A local practice linked to a measure of its area's plan of approach: the form, the
service's refusal, the links on the practice page, the programme view of the measure
with its indicator trend, the demo, and the data-preserving migration 0003."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import User
from wijkregie.learning import services
from wijkregie.learning.models import Intervention, LocalPractice
from wijkregie.regie.models import Measure, MeasureKind, Plan

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _own(username: str = "regisseur") -> tuple[User, LocalPractice]:
    user = User.objects.get(username=username)
    practice = (LocalPractice.objects.filter(municipality_id=user.municipality_id,
                                             regie_measure__isnull=False,
                                             indicators__isnull=False)
                .select_related("regie_measure", "programme_area").first())
    return user, practice


def _second_area_measure(area: ProgrammeArea) -> Measure:
    """A measure of another programme area of the same municipality."""
    other = ProgrammeArea.objects.create(municipality=area.municipality, name="Tweede gebied",
                                         slug="tweede-gebied")
    plan = Plan.objects.create(programme_area=other, title="Plan van aanpak Tweede gebied")
    template = Measure.objects.filter(plan__programme_area=area).first()
    return Measure.objects.create(plan=plan, kind=MeasureKind.PREVENTIVE,
                                  title="Maatregel elders", start=datetime.date(2024, 1, 1),
                                  end=datetime.date(2025, 1, 1),
                                  lead_organisation=template.lead_organisation)


def test_demo_practices_link_measures_of_their_own_area(demo):
    practices = list(LocalPractice.objects.select_related("regie_measure__plan"))
    assert len({p.intervention_id for p in practices}) == 20
    assert practices and all(p.regie_measure is not None for p in practices)
    assert all(p.regie_measure.plan.programme_area_id == p.programme_area_id
               for p in practices)
    jongerenwerk = LocalPractice.objects.filter(
        intervention__name="Jongerenwerk op straat").first()
    assert jongerenwerk.regie_measure.title == "Jongerenwerk in de avonduren"


def test_form_attaches_a_measure_of_the_areas_plan(demo, login):
    user, practice = _own()
    area, measure = practice.programme_area, practice.regie_measure
    shared = Intervention.objects.filter(municipality__isnull=True).exclude(
        pk=practice.intervention_id).first()
    client = login("regisseur")
    form_page = _text(client.get(f"/leerkring/practices/{shared.slug}/apply/"))
    assert f"{area.name}: {measure.title}" in form_page
    foreign = Measure.objects.exclude(
        plan__programme_area__municipality_id=user.municipality_id).first()
    assert f"{foreign.plan.programme_area.name}: {foreign.title}" not in form_page
    response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
        "programme_area": area.pk, "regie_measure": measure.pk, "start_year": 2021})
    assert response.status_code == 302
    saved = LocalPractice.objects.latest("pk")
    assert saved.intervention == shared and saved.regie_measure == measure


def test_form_refuses_a_measure_of_another_area_or_municipality(demo, login):
    user, practice = _own()
    area = practice.programme_area
    shared = Intervention.objects.filter(municipality__isnull=True).first()
    elsewhere = _second_area_measure(area)
    foreign = Measure.objects.exclude(
        plan__programme_area__municipality_id=user.municipality_id).first()
    client = login("regisseur")
    before = LocalPractice.objects.count()
    for measure in (elsewhere, foreign):
        response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
            "programme_area": area.pk, "regie_measure": measure.pk, "start_year": 2021})
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["regie_measure"], errors
        assert LocalPractice.objects.count() == before
    response = client.post(f"/leerkring/practices/{shared.slug}/apply/", {
        "programme_area": area.pk, "regie_measure": elsewhere.pk, "start_year": 2021})
    assert area.name in str(response.context["form"].errors["regie_measure"])


def test_service_refuses_a_measure_of_another_area_and_saves_nothing(demo):
    user, practice = _own()
    elsewhere = _second_area_measure(practice.programme_area)
    original = practice.regie_measure_id
    practice.regie_measure = elsewhere
    with pytest.raises(ValidationError) as refused:
        services.save_local_practice(practice, [], user=user)
    assert "regie_measure" in refused.value.error_dict
    practice.refresh_from_db()
    assert practice.regie_measure_id == original
    assert practice.indicators.exists()  # the indicators were not cleared either


def test_practice_page_links_the_measure_for_each_reader(demo, login):
    _user, practice = _own()
    slug, measure = practice.intervention.slug, practice.regie_measure
    # The area director of the municipality opens the plan of approach's own page.
    assert f'href="/regie/measures/{measure.pk}/"' in _text(
        login("regisseur").get(f"/leerkring/practices/{slug}/"))
    # The programme viewer has no plan of approach: the programme view of the measure.
    text = _text(login("programma").get(f"/leerkring/practices/{slug}/"))
    assert f'href="/leerkring/measures/{measure.pk}/"' in text
    assert f'href="/regie/measures/{measure.pk}/"' not in text
    # A director of another municipality neither.
    assert f'href="/leerkring/measures/{measure.pk}/"' in _text(
        login("regisseur2").get(f"/leerkring/practices/{slug}/"))


def test_programme_view_of_the_measure_shows_the_indicator_trend(demo, login):
    _user, practice = _own()
    measure = practice.regie_measure
    indicator = practice.indicators.first()
    response = login("programma").get(f"/leerkring/measures/{measure.pk}/")
    assert response.status_code == 200
    text = _text(response)
    assert measure.title in text and practice.intervention.name in text
    assert indicator.name_nl in text and 'class="line-chart"' in text
    assert "not causal evidence" in text or "geen causaal bewijs" in text
    # Years before the application and since are told apart.
    assert ("before" in text or "voor" in text) and str(practice.start_year) in text
    # Nothing of the plan's workflow: no updates, no people.
    assert "Progress updates" not in text and "Voortgangsrapportages" not in text
    for update in measure.updates.exclude(submitted_by=None).select_related("submitted_by"):
        assert update.submitted_by.get_full_name() not in text


def test_programme_view_of_the_measure_is_scoped(demo, login):
    _user, practice = _own()
    measure = practice.regie_measure
    # A director of another municipality sees where it was applied, not its plan.
    assert login("regisseur2").get(f"/leerkring/measures/{measure.pk}/").status_code == 404
    assert login("regisseur").get(f"/leerkring/measures/{measure.pk}/").status_code == 200
    assert login("agent").get(f"/leerkring/measures/{measure.pk}/").status_code == 403


def _nodes_without(executor, app: str, node: tuple[str, str]) -> list[tuple[str, str]]:
    graph = executor.loader.graph
    return [leaf for leaf in graph.leaf_nodes() if leaf[0] != app] + [node]


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_ids_of_existing_measures_and_empties_others():
    """0002 → 0003: an integer naming an existing measure becomes the foreign key; one
    naming no measure becomes empty (on SQLite and PostgreSQL alike). Rows are made
    with the historical models (no audit events, which the flush could not remove)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = _nodes_without(executor, "learning", ("learning", "0002_federation"))
    after = _nodes_without(executor, "learning", ("learning", "0003_localpractice_regie_measure"))
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        municipality = apps.get_model("core", "Municipality").objects.create(
            code="GM0998", name="Migratiestad")
        area = apps.get_model("areas", "ProgrammeArea").objects.create(
            municipality=municipality, name="Kern", slug="kern")
        organisation = apps.get_model("core", "Organisation").objects.create(
            name="Migratiegemeente", type="municipality")
        plan = apps.get_model("regie", "Plan").objects.create(programme_area=area,
                                                               title="Plan")
        measure = apps.get_model("regie", "Measure").objects.create(
            plan=plan, kind="preventive", title="Maatregel", lead_organisation=organisation,
            start=datetime.date(2024, 1, 1), end=datetime.date(2025, 1, 1))
        intervention = apps.get_model("learning", "Intervention").objects.create(
            name="Praktijk", slug="praktijk-migratie", goal="g", target_group_end="t",
            approach="a", pillar="social", problem="p")
        old_practice = apps.get_model("learning", "LocalPractice").objects
        kept, dangling, empty = (old_practice.create(
            intervention=intervention, municipality=municipality, programme_area=area,
            start_year=2020, regie_measure_id=value)
            for value in (measure.pk, measure.pk + 1000, None))
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        values = dict(LocalPractice.objects.filter(pk__in=[kept.pk, dangling.pk, empty.pk])
                      .values_list("pk", "regie_measure_id"))
        assert values == {kept.pk: measure.pk, dangling.pk: None, empty.pk: None}
        # And back: the integer column holds the kept id again.
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        with connection.cursor() as cursor:
            cursor.execute("SELECT regie_measure_id FROM learning_localpractice WHERE id = %s",
                           [kept.pk])
            assert cursor.fetchone()[0] == measure.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
