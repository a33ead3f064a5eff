"""The programme view: all programme areas side by side, disclosed figures only."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.figures.factories import build_town, deliver, indicator
from wijkregie.core.models import Organisation, OrganisationType, User
from wijkregie.core.roles import PROGRAMME_VIEWER
from wijkregie.figures.models import Aggregation, Observation
from wijkregie.learning import hooks

pytestmark = pytest.mark.django_db

SECRET_SHARE = 37.777  # a share in a place too small to publish it


def test_programme_viewer_sees_all_programme_areas(demo, login):
    client = login("programma")
    response = client.get("/leerkring/")
    assert response.status_code == 200
    text = response.content.decode()
    for programme_area in demo.programme_areas:
        assert programme_area.name in text
    assert "<svg" in text  # small multiples
    assert 'id="programme-table"' in text


def test_area_director_sees_only_own_municipality(demo, login):
    client = login("regisseur")
    text = client.get("/leerkring/").content.decode()
    own = [pa for pa in demo.programme_areas
           if pa.municipality_id == User.objects.get(username="regisseur").municipality_id]
    other = [pa for pa in demo.programme_areas if pa not in own]
    assert own and other
    assert own[0].name in text
    assert other[0].name not in text
    response = client.get(f"/leerkring/areas/{other[0].municipality.code}/{other[0].slug}/")
    assert response.status_code == 404


def test_area_detail_against_city_and_programme(demo, login):
    client = login("programma")
    pa = demo.programme_areas[1]
    response = client.get(f"/leerkring/areas/{pa.municipality.code}/{pa.slug}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "All programme areas" in text or "Alle programmagebieden" in text
    assert text.count("<svg class=\"line-chart\"") >= 5


def test_export_matches_disclosed_figures(demo, login):
    client = login("programma")
    response = client.get("/leerkring/export.xlsx?indicator=werkloos_pct")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "municipality code")
    data = rows[rows.index(header) + 1:]
    assert data
    pa = demo.programme_areas[0]
    shown = {o.year: o for o in Observation.objects.filter(
        programme_area=pa, indicator__key="werkloos_pct", month=0)}
    mine = [r for r in data if r[2] == pa.name]
    assert mine
    for row in mine:
        observation = shown[int(row[6])]
        if observation.shown_value is None:
            assert row[7] == observation.shown_text
        else:
            assert float(row[7]) == pytest.approx(observation.shown_value)


def test_goal_status_hook(demo, login):
    pa = demo.programme_areas[0]
    previous = hooks._provider  # the regie app's, restored afterwards
    hooks.register_goal_status_provider(
        lambda area: [hooks.GoalStatus("Minder inbraken", "op koers")] if area == pa else [])
    try:
        text = login("programma").get(
            f"/leerkring/areas/{pa.municipality.code}/{pa.slug}/").content.decode()
        assert "Minder inbraken" in text and "op koers" in text
    finally:
        hooks.register_goal_status_provider(previous)
    text = login("programma").get(
        f"/leerkring/areas/{pa.municipality.code}/{pa.slug}/").content.decode()
    assert "Minder inbraken" not in text


@pytest.fixture
def secret_town():
    from django.contrib.auth.models import Group

    town = build_town()
    people = indicator("inwoners")
    # Buurt 1 (30 inhabitants) lies in the programme area (buurten 1 and 2).
    deliver(town, people, [1500, 30, 900, 1200])
    share = indicator("aandeel", Aggregation.WEIGHTED_MEAN, denominator=people,
                      disclosure={"min_denominator": 5000, "decimals": 1}, in_composite=True)
    deliver(town, share, [12.0, SECRET_SHARE, 20.0, 25.0])
    count = indicator("meldingen", disclosure={"small_count_threshold": 5})
    deliver(town, count, [40, 3, 1, 31])
    org = Organisation.objects.create(name="Programma", type=OrganisationType.PROGRAMME)
    user = User.objects.create(username="prog", organisation=org, municipality=None)
    user.groups.add(Group.objects.get(name=PROGRAMME_VIEWER))
    return town, share, count, user


def _practice_with_measure(town, indicators):
    """A practice applied in the town's programme area through a measure of its plan,
    linked to the given indicators."""
    import datetime

    from wijkregie.learning.models import Intervention, LocalPractice
    from wijkregie.regie.models import Measure, MeasureKind, Plan

    plan = Plan.objects.create(programme_area=town.programme_area, title="Plan Kern")
    lead = Organisation.objects.create(name="Gemeente Kern", type=OrganisationType.MUNICIPALITY)
    measure = Measure.objects.create(plan=plan, kind=MeasureKind.PREVENTIVE, title="Wijkaanpak",
                                     lead_organisation=lead, start=datetime.date(2023, 1, 1),
                                     end=datetime.date(2025, 12, 31))
    intervention = Intervention.objects.create(
        name="Buurtaanpak", slug="buurtaanpak", goal="g", target_group_end="t", approach="a",
        pillar="social", problem="p")
    practice = LocalPractice.objects.create(
        intervention=intervention, municipality=town.municipality,
        programme_area=town.programme_area, regie_measure=measure, start_year=2023)
    practice.indicators.set(indicators)
    return measure, practice


def _texts(content: bytes) -> str:
    if content[:2] == b"PK":
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows()
                         for cell in row)
    return content.decode("utf-8-sig")


def test_no_suppressed_value_shown_or_exported(secret_town):
    from tests.clients import client_for

    town, share, count, user = secret_town
    hidden = Observation.objects.get(indicator=share, programme_area=town.programme_area,
                                     year=2024, month=0)
    assert hidden.shown_value is None  # the rule hides the programme area's share
    small = Observation.objects.get(indicator=count, programme_area=town.programme_area,
                                    year=2024, month=0)
    assert small.shown_value is None and small.shown_text == "< 5"
    measure, practice = _practice_with_measure(town, [share, count])
    client = client_for(user)
    base = "/leerkring/"
    query = "?indicator=aandeel&indicator=meldingen"
    urls = [base + query, base + query + "&trend=meldingen",
            f"{base}areas/{town.municipality.code}/kern/",
            f"{base}export.csv{query}", f"{base}export.xlsx{query}",
            # The practice's trend and the programme view of its measure.
            f"{base}practices/{practice.intervention.slug}/", f"{base}measures/{measure.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _texts(response.content)
        for leak in ("37.777", "37,777", "37.8", "37,8", "37.78", "37,78"):
            assert leak not in text, (url, leak)
    # The measure's page does show the trend: the small count as its text, not a number.
    measure_page = client.get(f"{base}measures/{measure.pk}/").content.decode()
    assert share.name_nl in measure_page and count.name_nl in measure_page
    trend = measure_page.split('id="trend"')[1]
    assert "&lt; 5" in trend, trend
    csv_text = _texts(client.get(f"{base}export.csv{query}").content)
    kern = [line for line in csv_text.splitlines() if ",Kern,meldingen," in line]
    assert kern and all(",4," not in line for line in kern)  # 3 + 1 never shown
    assert any("< 5" in line for line in kern)


def test_one_areas_composite_trend_equals_its_trend_computed_with_all_areas(demo):
    """The area picture asks for one programme area; its scores must still stand against
    every programme area of the base year, exactly as when all are computed together."""
    from wijkregie.areas.models import ProgrammeArea
    from wijkregie.learning.programme import composite_series

    areas = list(ProgrammeArea.objects.order_by("pk"))
    assert len(areas) >= 2
    together, base_year, latest = composite_series(areas)
    assert base_year is not None
    assert any(value is not None for points in together.values() for _year, value in points)
    for area in areas:
        alone, alone_base, alone_latest = composite_series([area])
        assert (alone_base, alone_latest) == (base_year, latest)
        assert alone.get(area.pk) == together.get(area.pk), area.name
    scores = composite_series([areas[0]], latest_only=True)[0][areas[0].pk]
    assert scores == together[areas[0].pk][-1:]
