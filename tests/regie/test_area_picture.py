"""The area picture (gebiedsbeeld): every section on the demo, scoping, roles, and the
signal part's disclosure rule (nothing below the minimum count)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.core.models import AuditEvent, User
from wijkregie.regie import area_picture
from wijkregie.regie.models import Plan
from wijkregie.regie.models_intervention import CLOSED, Escalation
from wijkregie.signals import feeds
from wijkregie.signals.models import Category, Signal


@pytest.fixture
def director(demo) -> User:
    return User.objects.get(username="regisseur")


@pytest.fixture
def area(director) -> ProgrammeArea:
    return (ProgrammeArea.objects.filter(municipality=director.municipality,
                                         regie_plan__isnull=False).order_by("pk").first())


def _url(area: ProgrammeArea) -> str:
    return f"/regie/picture/programmes/{area.municipality.code}/{area.slug}/"


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start:end if end > 0 else len(page)]


def test_every_section_shows_the_demo_with_links_to_its_source(area, login):
    page = login("regisseur").get(_url(area)).content.decode()
    plan = Plan.objects.get(programme_area=area)
    composite = _section(page, "pic-composite")
    assert f"/leerkring/areas/{area.municipality.code}/{area.slug}/" in composite
    assert re.search(r"\d,\d", composite)  # Dutch decimal comma
    behind = _section(page, "pic-behind")
    assert "/figures/indicators/" in behind and "/figures/programmes/" in behind
    hotspots = _section(page, "pic-hotspots")
    assert "/hotspots/analyses/" in hotspots
    signals = _section(page, "pic-signals")
    assert 'id="signal-table"' in signals and "/signals/" in signals
    goals = _section(page, "pic-goals")
    for goal in plan.goals.all():
        assert f"/regie/goals/{goal.pk}/" in goals
    assert "traffic-light" in goals
    overdue = _section(page, "pic-overdue")
    assert "Cameratoezicht en extra surveillance" in overdue
    assert "Jongerenwerk in de avonduren" not in overdue  # running, end in the future
    escalations = _section(page, "pic-escalations")
    open_ones = Escalation.objects.filter(programme_area=area).exclude(state=CLOSED)
    assert open_ones.exists()
    for escalation in open_ones:
        assert f"/regie/escalations/{escalation.pk}/" in escalations
    mkba = _section(page, "pic-mkba")
    assert "/impact/" in mkba


def test_the_plan_and_area_pages_link_to_the_picture(area, login):
    client = login("regisseur")
    plan = Plan.objects.get(programme_area=area)
    assert _url(area) in client.get(f"/regie/plans/{plan.pk}/").content.decode()
    assert _url(area) in client.get("/regie/").content.decode()
    assert _url(area) in client.get(
        f"/programmes/{area.municipality.code}/{area.slug}/").content.decode()


def test_the_wijk_picture_opens_with_its_plans(area, login):
    wijk = Area.objects.filter(level="wijk", children__programme_areas=area).first()
    page = login("regisseur").get(f"/regie/picture/wijken/{wijk.code}/").content.decode()
    assert wijk.name in page
    assert f"/regie/plans/{area.regie_plan.pk}/" in _section(page, "pic-goals")
    assert 'id="signal-table"' in _section(page, "pic-signals")


def test_another_municipalitys_director_gets_404(area, login):
    client = login("regisseur2")
    assert client.get(_url(area)).status_code == 404
    wijk = Area.objects.filter(level="wijk", municipality=area.municipality).first()
    assert client.get(f"/regie/picture/wijken/{wijk.code}/").status_code == 404


def test_a_partner_role_without_the_permission_is_refused(area, login):
    # The safety adviser works in the same municipality but has no plan permission.
    assert login("adviseur").get(_url(area)).status_code == 403


def test_the_other_municipalitys_escalations_and_plans_stay_out(area, director):
    other = User.objects.get(username="regisseur2")
    picture = area_picture.build(other, area_picture.programme_area_place(area))
    assert picture.plans == [] and picture.escalations == [] and picture.mkba == []
    assert picture.hotspots == []


def _isolated_buurt_with_few_signals(area: ProgrammeArea, n: int) -> tuple[str, str, str]:
    """Move every demo signal out of one of the area's buurten and put ``n`` signals of
    one category in it this month: a cell below the minimum count when n is small."""
    buurt = area.buurten.order_by("code").first()
    Signal.objects.filter(area=buurt).update(area=None)
    area.buurten.set([buurt])
    category = Category.objects.filter(signals__municipality=area.municipality).first()
    template = Signal.objects.filter(municipality=area.municipality, category=category).first()
    today = timezone.localdate()
    for _ in range(n):
        Signal.objects.create(
            municipality=area.municipality, category=category, pillar=template.pillar,
            observed_on=today, description="test", reliability=template.reliability,
            area=buurt, organisation=template.organisation)
    return buurt.code, category.key, template.pillar


def test_the_signal_part_shows_nothing_below_the_minimum_count(area, director, login):
    n = feeds.DEFAULT_MIN_COUNT - 1
    _code, _key, _pillar = _isolated_buurt_with_few_signals(area, n)
    table = area_picture.signal_table(director, area_picture.programme_area_place(area))
    assert table is not None and table.rows == []
    page = login("regisseur").get(_url(area)).content.decode()
    signals = _section(page, "pic-signals")
    assert 'id="signal-table"' not in signals and 'id="signal-table-empty"' in signals


def test_the_signal_part_shows_a_published_count(area, director):
    n = feeds.DEFAULT_MIN_COUNT
    _code, _key, pillar = _isolated_buurt_with_few_signals(area, n)
    table = area_picture.signal_table(director, area_picture.programme_area_place(area))
    keys = [key for key, _name in table.categories]
    assert keys == [pillar]
    assert [counts for _label, counts in table.rows] == [[n]]


def test_the_picture_read_leaves_no_personal_data_audit(area, login):
    before = AuditEvent.objects.count()
    assert login("regisseur").get(_url(area)).status_code == 200
    assert not AuditEvent.objects.filter(pk__gt=before, object_type__startswith="signals.") \
        .exists()


def test_the_counts_of_some_buurten_are_those_cells_of_the_whole_municipality(area, director):
    codes = set(area.buurten.values_list("code", flat=True))
    whole = feeds.monthly_counts(municipality=area.municipality, viewer=director)
    part = feeds.monthly_counts(municipality=area.municipality, viewer=director,
                                area_codes=codes)
    assert part and part == [c for c in whole if c.area_code in codes]
