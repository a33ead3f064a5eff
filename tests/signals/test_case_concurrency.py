"""Lost updates of the case workflow (issue 13, point 2): a status change is made under a
row lock against the status its writer saw, so the second of two concurrent changes is
refused and told, never silently lost."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from wijkregie.core.models import Municipality, Organisation, User
from wijkregie.core.roles import CASE_DIRECTOR, sync_roles
from wijkregie.signals import services
from wijkregie.signals.models import Case, CaseEvent, CaseStatus


def _case() -> Case:
    sync_roles()
    municipality = Municipality.objects.create(code="GM0997", name="Slotdorp")
    organisation = Organisation.objects.create(name="Gemeente Slotdorp", type="municipality")
    organisation.municipalities.add(municipality)
    director = User.objects.create(username="slot-regisseur", organisation=organisation,
                                   municipality=municipality)
    director.groups.add(Group.objects.get(name=CASE_DIRECTOR))
    case = Case.objects.create(municipality=municipality, title="Flat", purpose="aanpak",
                               lead_organisation=organisation, director=director)
    case.participants.add(organisation)
    return case


@pytest.mark.django_db
def test_a_change_from_a_status_no_longer_current_is_refused():
    case = _case()
    director = User.objects.get(pk=case.director_id)
    seen_by_first = Case.objects.get(pk=case.pk)
    seen_by_second = Case.objects.get(pk=case.pk)
    services.transition_case(user=director, case=seen_by_first, to_status=CaseStatus.ACTIVE)
    with pytest.raises(services.CaseChangedMeanwhile, match=r"meanwhile|ondertussen"):
        services.transition_case(user=director, case=seen_by_second,
                                 to_status=CaseStatus.CLOSED, reason="klaar")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert list(CaseEvent.objects.filter(case=case, kind="status").values_list(
        "from_status", "to_status")) == [("intake", "active")]


@pytest.mark.django_db
def test_case_page_tells_the_second_writer_with_409(demo, login):
    director = User.objects.get(username="casusregisseur")
    case = Case.objects.filter(director=director, status=CaseStatus.INTAKE).first()
    client = login("casusregisseur")
    client.post(f"/signals/cases/{case.pk}/transition/",
                {"to_status": "active", "from_status": "intake"})
    late = client.post(f"/signals/cases/{case.pk}/transition/",
                       {"to_status": "closed", "reason": "dubbel", "from_status": "intake"})
    assert late.status_code == 409
    assert "ondertussen" in late.content.decode() or "meanwhile" in late.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_two_status_changes_at_once_one_wins_and_the_other_is_told():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    case = _case()
    director = User.objects.get(pk=case.director_id)
    loaded = [Case.objects.get(pk=case.pk) for _ in range(2)]  # both see "intake"
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def change(seen: Case, to_status: str) -> None:
        try:
            start.wait()
            services.transition_case(user=director, case=seen, to_status=to_status,
                                     reason="tegelijk")
            outcomes.append("ok")
        except services.CaseChangedMeanwhile:
            outcomes.append("told")
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(loaded[0], CaseStatus.ACTIVE)),
               threading.Thread(target=change, args=(loaded[1], CaseStatus.CLOSED))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "told"]
    history = list(CaseEvent.objects.filter(case=case, kind="status").values_list(
        "from_status", flat=True))
    assert history == ["intake"]  # one change, not two from the same starting status
