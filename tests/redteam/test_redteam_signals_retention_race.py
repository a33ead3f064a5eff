"""Red team (issue 10, retention): retention must not delete a signal that belongs to
an open case; it reports it and the case director decides.

``retention.purge`` reads which expired signals are free of open cases and later
deletes them by id, in one transaction but without locking the signals or their case
links. A case director who bundles an expired signal into an open case in between
(an ordinary request committing while the purge runs) loses it: the purge deletes the
signal together with its new case link (the report lists it both as deleted and
as held for the director)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.utils import timezone

from wijkregie.core.models import Municipality, Organisation, User
from wijkregie.core.roles import CASE_DIRECTOR
from wijkregie.signals import retention
from wijkregie.signals.models import (
    Case,
    CaseStatus,
    Category,
    Covenant,
    CovenantRule,
    Signal,
)
from wijkregie.signals.services import bundle_signals


@pytest.mark.django_db(transaction=True)
def test_a_signal_bundled_into_an_open_case_during_a_purge_is_not_deleted(monkeypatch):
    """BREAK: on PostgreSQL the purge deletes a signal that an open case took in while
    the purge ran; afterwards the open case has lost the signal without a report."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a concurrent writer (DATABASE_URL=postgres://...)")
    municipality = Municipality.objects.create(code="GM8812", name="Bewaardorp")
    organisation = Organisation.objects.create(name="Gemeente Bewaardorp", type="municipality")
    director = User.objects.create(username="regie-bewaar", municipality=municipality,
                                   organisation=organisation)
    director.groups.add(Group.objects.get(name=CASE_DIRECTOR))
    category = Category.objects.create(key="kort", name="Kort bewaard", retention_days=30)
    old = Signal.objects.create(
        municipality=municipality, category=category, pillar="safety",
        observed_on=date.today() - timedelta(days=90), description="oud signaal",
        reliability="own", organisation=organisation, created_by=director)
    case = Case.objects.create(municipality=municipality, title="Lopende aanpak",
                               purpose="integrale aanpak", lead_organisation=organisation,
                               director=director, status=CaseStatus.ACTIVE)
    case.participants.add(organisation)
    covenant = Covenant.objects.create(municipality=municipality, name="Convenant")
    covenant.participants.add(organisation)
    CovenantRule.objects.create(covenant=covenant, category=category,
                                organisation=organisation, purpose="integrale aanpak")
    errors: list[BaseException] = []

    original = retention._held_rows

    def held_rows_while_a_director_bundles(now):  # type: ignore[no-untyped-def]
        def bundle() -> None:
            try:
                user = User.objects.get(pk=director.pk)
                bundle_signals(user=user, case=Case.objects.get(pk=case.pk),
                               signal_ids=[old.pk])
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()
        # The director's request commits while the purge is between read and delete.
        worker = threading.Thread(target=bundle)
        worker.start()
        worker.join()
        return original(now)

    monkeypatch.setattr(retention, "_held_rows", held_rows_while_a_director_bundles)
    report = retention.purge(apply=True, now=timezone.now())
    assert errors == []
    assert Case.objects.get(pk=case.pk).history.filter(kind="signals_added").exists(), \
        "the director's bundle did not happen"
    assert Signal.objects.filter(pk=old.pk).exists(), (
        f"retention deleted signal {old.pk} of open case {case.pk} "
        f"(reported as deleted: {[s['id'] for s in report.signals]}, held: {report.held})")
