"""Red team (issue 13 point 1): one person must stay one pseudonym within one
organisation's domain, whatever the concurrency.

The two unique constraints are partial: one per BSN hash (BSN given) and one per
name-and-birth-date hash *among persons without BSN*. A registration by name and date
of birth only and a registration of the same name and date of birth *with* a BSN do
not collide on either constraint. Run one after the other they give one row (the second
matches the first: ``_match_in_domain`` attaches the BSN, or matches the single person
with a BSN). Run at the same time, each looks up before the other has inserted, both
insert, and the database accepts both: two pseudonyms for one person, for good (later
registrations without BSN match the one row, those with the BSN the other).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals import services
from wijkregie.signals.models import Subject
from wijkregie.signals.services import PersonInput, find_or_create_subjects

BSN = "111222333"
NAME, BORN = "Gelijktijdig Persoon", date(1979, 3, 4)


def _world() -> tuple[Municipality, Organisation]:
    municipality = Municipality.objects.create(code="GM8811", name="Racedorp")
    police = Organisation.objects.create(name="Politie Racedorp", type="police")
    return municipality, police


@pytest.mark.django_db
def test_sequential_registrations_with_and_without_bsn_make_one_pseudonym():
    """The reference behaviour (holds): one after the other, one row."""
    municipality, police = _world()
    for person in (PersonInput(name=NAME, date_of_birth=BORN),
                   PersonInput(name=NAME, date_of_birth=BORN, bsn=BSN)):
        find_or_create_subjects(municipality=municipality, organisation=police,
                                persons=[person])
    assert Subject.objects.filter(domain=police).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_and_without_bsn_make_two_pseudonyms(monkeypatch):
    """BREAK: two partner clients of one organisation register the same person at the
    same moment, one by name and date of birth, the other with the BSN too. The
    barrier only makes both look-ups happen before either insert (the interleaving any
    two concurrent requests can have); no code of the application is changed. Two rows
    for one person in one domain result."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (DATABASE_URL=postgres://...)")
    municipality, police = _world()
    both_looked = threading.Barrier(2, timeout=10)
    original = services._match_in_domain
    first_lookup = threading.local()

    def match_then_wait(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = original(*args, **kwargs)
        if not getattr(first_lookup, "done", False):
            first_lookup.done = True
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "_match_in_domain", match_then_wait)
    errors: list[BaseException] = []

    def client(person: PersonInput) -> None:
        try:
            with transaction.atomic():
                find_or_create_subjects(municipality=municipality, organisation=police,
                                        persons=[person])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(person,)) for person in (
        PersonInput(name=NAME, date_of_birth=BORN),
        PersonInput(name=NAME, date_of_birth=BORN, bsn=BSN))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(Subject.objects.filter(domain=police).values_list("ref", "bsn_hash"))
    assert len(rows) == 1, f"one person, {len(rows)} pseudonyms in one domain: {rows}"
