"""The person index of audit events (``SubjectAccess``), checked against the chain.

Every read event written by ``selectors.audit_read`` lists the pseudonyms it showed in
its hashed ``detail["subject_index"]``; the index rows (one per person, for the subject
access export's access log) must be exactly that list. The audit chain fixes the list,
so a deleted, edited or added index row shows up here, and ``wijkregie audit verify``
fails on it (registered in ``apps.SignalsConfig.ready``).

Index rows of events written before the list was hashed cannot be checked. Where such
rows existed when this check came in, migration 0007 wrote one chained event
(``BOUNDARY_KEY``) naming the last event of that time; only rows of events up to it
that list no persons are left alone. Without that event (every installation that
never had unlisted rows) every row is checked: a row whose event lists no such person
is a break (docs/adr/0026).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from django.db import connection, transaction

from wijkregie.core.audit import ChainBreak
from wijkregie.core.models import AuditEvent
from wijkregie.signals.models import SubjectAccess

INDEX_KEY = "subject_index"
BOUNDARY_KEY = "unlisted_index_until_seq"
BOUNDARY_OBJECT = "signals.subjectaccess"


def legacy_boundary() -> int:
    """The seq up to which unlisted index rows are legacy, as fixed in the chain (the
    first boundary event counts; the chain check catches one inserted or edited)."""
    detail = (AuditEvent.objects.filter(object_type=BOUNDARY_OBJECT,
                                        detail__has_key=BOUNDARY_KEY)
              .order_by("seq").values_list("detail", flat=True).first())
    return int(detail[BOUNDARY_KEY]) if detail else 0


def _indexed_events() -> Iterator[tuple[int, int, int, list[str]]]:
    rows = (AuditEvent.objects.filter(detail__has_key=INDEX_KEY).order_by("seq")
            .values_list("seq", "lane", "lane_seq", "detail").iterator(chunk_size=5000))
    for seq, lane, lane_seq, detail in rows:
        yield seq, lane, lane_seq, sorted(detail.get(INDEX_KEY) or [])


def _index_rows() -> Iterator[tuple[int, list[str]]]:
    rows = (SubjectAccess.objects.order_by("event_seq", "subject_ref")
            .values_list("event_seq", "subject_ref").iterator(chunk_size=5000))
    for seq, group in groupby(rows, key=lambda row: row[0]):
        yield seq, [ref for _seq, ref in group]


def verify_subject_index() -> ChainBreak | None:
    """The first event whose index rows differ from the persons its hashed content
    lists, or an index row that names an event showing no such persons.

    An event and its rows commit together, so both are read from one snapshot: on
    PostgreSQL in a REPEATABLE READ transaction of its own (when not called inside one
    already), else reads running beside new appends could see rows of an event that
    the first read did not yet see."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return _first_break()
    return _first_break()


def _first_break() -> ChainBreak | None:
    boundary = legacy_boundary()
    events, rows = _indexed_events(), _index_rows()
    event, row = next(events, None), next(rows, None)
    while event is not None or row is not None:
        if row is not None and (event is None or row[0] < event[0]):
            if row[0] > boundary or not _exists(row[0]):
                return _row_break(row[0])
            row = next(rows, None)  # an event from before the list was hashed
            continue
        assert event is not None
        seq, lane, lane_seq, expected = event
        found = row[1] if row is not None and row[0] == seq else []
        if found != expected:
            missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
            return ChainBreak(lane, lane_seq, "person index does not match the event's hashed "
                              f"content (rows missing: {', '.join(missing) or 'none'}; "
                              f"rows not in the event: {', '.join(extra) or 'none'})", seq)
        if row is not None and row[0] == seq:
            row = next(rows, None)
        event = next(events, None)
    return None


def _exists(seq: int) -> bool:
    return AuditEvent.objects.filter(seq=seq).exists()


def _row_break(seq: int) -> ChainBreak:
    event = AuditEvent.objects.filter(seq=seq).values_list("lane", "lane_seq").first()
    lane, position = event if event else (0, 0)
    return ChainBreak(lane, position, f"person index rows for event {seq}, which lists no "
                      "persons (the rows were added or the event is missing)", seq)
