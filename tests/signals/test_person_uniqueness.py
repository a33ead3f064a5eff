"""One person is one pseudonym within a linkage domain, whatever the concurrency
(issue 13 point 1, ADR 0025): the database refuses a second row for the same keyed hash
in one domain, and get-or-create links a registration that lost the race to the row
that won it."""

from __future__ import annotations

import random
import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction

from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals import crypto
from wijkregie.signals.models import Subject
from wijkregie.signals.services import PersonInput, find_or_create_subjects, new_ref

CLIENTS, PERSONS = 16, 20


def _small_world() -> tuple[Municipality, Organisation, Organisation]:
    municipality = Municipality.objects.create(code="GM8801", name="Proefdorp")
    police = Organisation.objects.create(name="Politie Proefdorp", type="police")
    care = Organisation.objects.create(name="Zorg Proefdorp", type="social_work")
    return municipality, police, care


def _row(municipality: Municipality, domain: Organisation | None, *, match: str,
         bsn: str = "") -> Subject:
    return Subject.objects.create(municipality=municipality, domain=domain, ref=new_ref(),
                                  identity=crypto.encrypt_identity({"name": "x"}),
                                  match_hash=match, bsn_hash=bsn)


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_one_keyed_hash_in_a_domain():
    municipality, police, care = _small_world()
    _row(municipality, police, match="m1", bsn="b1")
    _row(municipality, police, match="m2")
    # Another domain may hold the same person under its own pseudonym.
    _row(municipality, care, match="m1", bsn="b1")
    _row(municipality, care, match="m2")
    # Same name and birth date with another BSN: another person (twins, namesakes).
    _row(municipality, police, match="m1", bsn="b9")
    for match, bsn in (("other", "b1"), ("m2", "")):
        with pytest.raises(IntegrityError), transaction.atomic():
            _row(municipality, police, match=match, bsn=bsn)
    # Persons from before linkage domains are not constrained (and never matched).
    _row(municipality, None, match="m2")
    _row(municipality, None, match="m2")


def _persons() -> list[PersonInput]:
    """Half with a BSN (valid elfproef numbers), half by name and date of birth."""
    bsns = [n for n in (f"{i:09d}" for i in range(100_000_000, 100_010_000))
            if crypto.valid_bsn(n)][:PERSONS // 2]
    with_bsn = [PersonInput(name=f"Gelijktijdig {i}", bsn=b) for i, b in enumerate(bsns)]
    by_name = [PersonInput(name=f"Tegelijk Persoon {i}", date_of_birth=date(1980, 1, 1 + i))
               for i in range(PERSONS - len(bsns))]
    return with_bsn + by_name


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_the_same_persons_make_one_pseudonym_each():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: SQLite admits one writer at a time, so "
                    "the race cannot happen there (run with DATABASE_URL=postgres://...)")
    municipality, police, _care = _small_world()
    persons = _persons()
    start = threading.Barrier(CLIENTS)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def client(seed: int) -> None:
        mine = persons[:]
        random.Random(seed).shuffle(mine)
        try:
            start.wait()
            with transaction.atomic():
                subjects = find_or_create_subjects(municipality=municipality,
                                                   organisation=police, persons=mine)
            results.append(sorted(s.ref for s in subjects))
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Subject.objects.filter(domain=police).count() == PERSONS
    # Every client got the same pseudonyms: the ones that were stored.
    stored = sorted(Subject.objects.filter(domain=police).values_list("ref", flat=True))
    assert len(results) == CLIENTS and all(refs == stored for refs in results)


@pytest.mark.django_db
def test_existing_persons_join_a_domain_only_when_unambiguous(demo):
    """As the migration does for existing data: a person whose signals all came from one
    organisation joins its domain; a person shared by several keeps none."""
    from wijkregie.signals.models import Signal

    assigned = Subject.objects.filter(domain__isnull=False)
    assert assigned.exists() and Subject.objects.filter(domain__isnull=True).exists()
    for subject in assigned.prefetch_related("signals"):
        assert {s.organisation_id for s in subject.signals.all()} == {subject.domain_id}
    shared = Subject.objects.filter(domain__isnull=True).exclude(signals=None)
    for subject in shared[:50]:
        organisations = set(Signal.objects.filter(subjects=subject).values_list(
            "organisation_id", flat=True))
        assert len(organisations) > 1
