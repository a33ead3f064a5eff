"""Linkage domains of persons (ADR 0025): which organisation's registrations a
pseudonym links.

``assign_domains`` gives persons without a domain the organisation that registered all
of their signals, where that is unambiguous. It takes the model classes as arguments so
that the migration (historical models) and the demo generator share it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def assign_domains(subject_model: Any, signal_model: Any) -> int:
    """Give each person without a domain the organisation of its signals when they all
    came from one organisation; return how many were assigned.

    Left without a domain (never matched by a new registration): persons with signals
    of several organisations (their pseudonym is already shared, splitting it would
    rewrite the access history), persons without signals, and persons who would be a
    second row for the same keyed hash in one domain (which of the two continues is not
    ours to guess; both stay readable as before).
    """
    links = signal_model.subjects.through.objects.filter(
        subject__domain__isnull=True).values_list("subject_id", "signal__organisation_id")
    organisations: dict[int, set[int]] = defaultdict(set)
    for subject_id, organisation_id in links.iterator(chunk_size=5000):
        organisations[subject_id].add(organisation_id)
    candidates: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    rows = subject_model.objects.filter(domain__isnull=True).values_list(
        "pk", "municipality_id", "match_hash", "bsn_hash")
    for pk, municipality_id, match_hash, bsn_hash in rows.iterator(chunk_size=5000):
        orgs = organisations.get(pk, set())
        if len(orgs) != 1:
            continue
        key = ("bsn", bsn_hash) if bsn_hash else ("identity", match_hash)
        candidates[(municipality_id, next(iter(orgs)), *key)].append(pk)
    taken = _taken_keys(subject_model)
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for (municipality_id, organisation_id, *key), pks in candidates.items():
        if len(pks) == 1 and (municipality_id, organisation_id, *key) not in taken:
            by_organisation[organisation_id].append(pks[0])
    assigned = 0
    for organisation_id, pks in by_organisation.items():
        for start in range(0, len(pks), 1000):
            assigned += subject_model.objects.filter(pk__in=pks[start:start + 1000]).update(
                domain_id=organisation_id)
    return assigned


def _taken_keys(subject_model: Any) -> set[tuple[Any, ...]]:
    """Keys already held by a person with a domain (a second run, or a partly migrated
    database): assigning another row the same key would break the constraint."""
    taken = set()
    rows = subject_model.objects.filter(domain__isnull=False).values_list(
        "municipality_id", "domain_id", "match_hash", "bsn_hash")
    for municipality_id, domain_id, match_hash, bsn_hash in rows.iterator(chunk_size=5000):
        key = ("bsn", bsn_hash) if bsn_hash else ("identity", match_hash)
        taken.add((municipality_id, domain_id, *key))
    return taken
