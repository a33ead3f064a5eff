"""Creating, recomposing or deleting a programme area recomputes the disclosure of the
municipality's figures in the same transaction, and an ended composition stays in the
audit (ADR 0010)."""

from __future__ import annotations

import pytest

from tests.clients import client_for
from tests.figures.factories import OverlapTown
from wijkregie.areas import services
from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import User
from wijkregie.figures.models import (
    Aggregation,
    Indicator,
    Observation,
    RetiredComposition,
    Theme,
)
from wijkregie.figures.pipeline import refresh_municipality

pytestmark = pytest.mark.django_db


def _town_with_counts(values: list[float]) -> tuple[OverlapTown, Indicator]:
    town = OverlapTown()
    count = Indicator.objects.create(key="meldingen", name_nl="meldingen",
                                     theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM,
                                     disclosure={"small_count_threshold": 5})
    town.deliver(count, values)
    refresh_municipality(town.municipality)  # as the import does
    return town, count


def _shown(count: Indicator, **place: object) -> Observation:
    return Observation.objects.get(indicator=count, year=2024, month=0, **place)


def test_creating_a_programme_area_discloses_it_with_what_it_overlaps():
    town, count = _town_with_counts([2, 45, 52, 30, 20])
    assert _shown(count, area=town.wijken[0]).shown_text == "99"
    rest = services.create_programme_area(
        municipality=town.municipality, name="Rest", slug="rest",
        buurten=town.buurten[1:3], actor=town.user)
    # No import needed: the programme area has its figures, and W1 = 99 beside P = 97
    # no longer gives the buurt's "< 5" away.
    assert Observation.objects.filter(programme_area=rest).exists()
    wijk, programme = _shown(count, area=town.wijken[0]), _shown(count, programme_area=rest)
    assert wijk.shown_value is None or programme.shown_value is None
    assert town.findings(refresh=False) == []


def test_recomposing_keeps_the_ended_composition_in_the_audit():
    town, count = _town_with_counts([2, 45, 52, 30, 20])
    area = services.create_programme_area(
        municipality=town.municipality, name="Kern", slug="kern",
        buurten=town.buurten[0:2], actor=town.user)  # b1 + b2 = 47, shown
    before = _shown(count, programme_area=area)
    assert before.shown_text == "47"
    services.update_programme_area(programme_area=area, buurten=town.buurten[1:2],
                                   actor=town.user)  # now b2 alone
    # The 47 seen before and b2 now would give b1 = 47 - 45: b2 may not be shown, by the
    # programme area nor by the buurt itself.
    assert _remembered_attack(town, before.shown_value, [0, 1]) == []
    assert _shown(count, programme_area=area).shown_value is None
    assert _shown(count, area=town.buurten[1]).shown_value is None
    retired = RetiredComposition.objects.get(municipality=town.municipality)
    assert set(retired.buurten.values_list("id", flat=True)) == {
        town.buurten[0].pk, town.buurten[1].pk}


def test_deleting_keeps_the_ended_composition_in_the_audit():
    town = OverlapTown()
    count = Indicator.objects.create(key="meldingen", name_nl="meldingen",
                                     theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM,
                                     disclosure={"small_count_threshold": 5})
    # The area exists before the first figures: no buurt figure was shown before it
    # (one shown before would stay known and could not be hidden, ADR 0010).
    area = services.create_programme_area(
        municipality=town.municipality, name="Rand", slug="rand",
        buurten=town.buurten[1:4], actor=town.user)  # b2 + b3 + b4 = 127, across wijken
    town.deliver(count, [2, 45, 52, 30, 20])
    refresh_municipality(town.municipality)
    remembered = _shown(count, programme_area=area).shown_value
    assert remembered == 127  # b4 and b5 are hidden instead, to protect b1 and b2
    services.delete_programme_area(programme_area=area, actor=town.user)
    assert not ProgrammeArea.objects.filter(pk=area.pk).exists()
    # Without the programme area b4 and b5 would be shown again: 127 - 52 - 30 = 45 = b2,
    # and b1 = 47 - 45 = 2. The ended composition keeps them hidden.
    assert _remembered_attack(town, remembered, [1, 2, 3]) == []
    assert RetiredComposition.objects.filter(municipality=town.municipality).count() == 1


def _remembered_attack(town: OverlapTown, total: float, buurten: list[int]) -> list:
    """The attack with one more relation: a total the reader remembers."""
    from tests.figures import disclosure_attack as attack

    seen = attack.visible(town.user, town.municipality, 2024)
    count = next(i for i in seen if i.key == "meldingen")
    place = ("P", -1)
    seen[count][place] = attack.Seen(total, str(int(total)), "shown")
    structure = attack.relations(town.municipality)
    structure.append((place, [("A", town.buurten[i].pk) for i in buurten]))
    intervals = attack.attack(town.municipality, {count: seen[count]}, structure)
    return attack.findings(intervals, 2024)


def test_a_failing_refresh_rolls_the_change_back(monkeypatch):
    town, _count = _town_with_counts([2, 45, 52, 30, 20])

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("refresh failed")

    monkeypatch.setattr("wijkregie.figures.pipeline.refresh_municipality", fail)
    with pytest.raises(RuntimeError):
        services.create_programme_area(municipality=town.municipality, name="Rest",
                                       slug="rest", buurten=town.buurten[1:3])
    assert not ProgrammeArea.objects.filter(municipality=town.municipality).exists()


def test_the_admin_recomputes_and_retires_as_the_services_do(client):
    town, count = _town_with_counts([2, 45, 52, 30, 20])
    area = services.create_programme_area(
        municipality=town.municipality, name="Kern", slug="kern",
        buurten=town.buurten[0:2], actor=town.user)
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client = client_for(admin)  # the admin needs the second factor (ADR 0009)
    response = client.post(f"/admin/areas/programmearea/{area.pk}/change/", {
        "municipality": town.municipality.pk, "name": "Kern", "slug": "kern",
        "description": "", "buurten": f"{town.buurten[1].pk},{town.buurten[2].pk}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "/totp/" not in response["Location"], response["Location"]
    assert set(area.buurten.values_list("id", flat=True)) == {town.buurten[1].pk,
                                                              town.buurten[2].pk}
    assert _shown(count, programme_area=area).value == 97  # recomputed at once
    retired = RetiredComposition.objects.get(municipality=town.municipality)
    assert set(retired.buurten.values_list("id", flat=True)) == {town.buurten[0].pk,
                                                                 town.buurten[1].pk}
    client.post(f"/admin/areas/programmearea/{area.pk}/delete/", {"post": "yes"})
    assert not ProgrammeArea.objects.filter(pk=area.pk).exists()
    assert RetiredComposition.objects.filter(municipality=town.municipality).count() == 2
