"""The one audit service: append-only, hash-chained events.

Every capability records reads of personal data, writes, exports and denials through
:func:`record`. Each event's hash covers its content and the previous event's hash in
its lane, so editing or deleting a row breaks that lane's chain at that point
(:func:`verify_chain`). Lanes (ADR 0024) are independent chains with their own head
rows, so concurrent writers rarely wait for each other; ``settings.AUDIT_LANES`` sets
how many are written to.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from wijkregie.core.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
    User,
)

GENESIS_HASH = "0" * 64
# The chain of ADR 0003 continues as lane 1; its events are hashed as they always were.
LEGACY_LANE = 1
_HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_username", "organisation_id", "municipality_id",
    "action", "object_type", "object_id", "subject_ref", "purpose", "outcome",
    "client_address", "detail",
)
_LANE_FIELDS = ("lane", "lane_seq")


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 of the event's canonical JSON form followed by the previous hash.

    Outside lane 1 the form includes the lane and the position in it. In lane 1 it
    leaves them out, so that events from before lanes verify unchanged; there the
    position is still bound by the ``prev_hash`` links and ``seq``.
    """
    payload: dict[str, Any] = {}
    names = _HASHED_FIELDS if event.lane == LEGACY_LANE else _HASHED_FIELDS + _LANE_FIELDS
    for name in names:
        value = getattr(event, name)
        if name == "created_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        payload[name] = value
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((canonical + prev_hash).encode()).hexdigest()


def _object_label(obj: models.Model | None, object_type: str, object_id: Any) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, "" if object_id is None else str(object_id)


def _next_seq() -> int:
    """A new event number, higher than any before, without a lock held to commit.

    PostgreSQL draws it from a sequence (a number is skipped when its transaction rolls
    back). SQLite admits one writer at a time (transactions begin IMMEDIATE), so the
    highest number so far plus one is safe there.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('core_auditevent_seq')")
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM core_auditevent")
        return int(cursor.fetchone()[0])


def _pick_lane() -> int:
    """A lane at random: N concurrent writers seldom want the same head row."""
    return random.randint(1, settings.AUDIT_LANES)


# (outermost atomic block, lane) of the transaction this thread is in, if it recorded.
_held = threading.local()


def _forget_lane() -> None:
    _held.lane = None


def _lane_for_transaction() -> int:
    """The lane this transaction already appends to, else one at random.

    A transaction that records several events (retention, imports) keeps to one lane,
    so it locks one head row: two such transactions cannot deadlock on each other's
    heads, and a long one holds up one lane, not all. Must run inside ``atomic``.
    """
    outermost = transaction.get_connection().atomic_blocks[0]
    held = getattr(_held, "lane", None)
    if held is not None and held[0] is outermost:
        return held[1]
    lane = _pick_lane()
    _held.lane = (outermost, lane)
    transaction.on_commit(_forget_lane)  # a new transaction picks afresh
    return lane


def record(
    action: AuditAction | str,
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = None,
    subject_ref: str = "",
    purpose: str = "",
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to a lane's chain and return it.

    ``request`` supplies the actor and client address when given, and the request's
    ``audit_context`` (e.g. the partner token it came with) joins the detail of every
    event it writes; ``username`` records who was named in a failed login, where there
    is no authenticated actor.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    context = getattr(request, "audit_context", None) if request is not None else None
    if context:
        detail = {**context, **(detail or {})}
    obj_type, obj_id = _object_label(obj, object_type, object_id)
    client_address = getattr(request, "client_address", None) if request else None
    # No savepoint inside a caller's transaction: if the append fails, the caller's
    # work must fail with it (a read without its audit event is not allowed), and a
    # savepoint costs two round trips on the busiest path.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=_lane_for_transaction())
        event = AuditEvent(
            seq=_next_seq(),
            lane=head.id,
            lane_seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else username,
            organisation_id=actor.organisation_id if actor else None,
            municipality_id=actor.municipality_id if actor else None,
            action=str(action),
            object_type=obj_type,
            object_id=obj_id,
            subject_ref=subject_ref,
            purpose=purpose,
            outcome=str(outcome),
            client_address=client_address,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event, head.last_hash)
        event.save(force_insert=True)
        head.last_seq, head.last_hash = event.lane_seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    """Where a lane's chain breaks: ``position`` is the ``lane_seq`` concerned and
    ``seq`` the event's number when the event is there (not for a missing one)."""

    lane: int
    position: int
    reason: str
    seq: int | None = None


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None
    lanes: dict[int, tuple[int, str]]  # intact lane -> (events, last hash), to anchor

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _lane_events(lane: int, batch_size: int = 5000) -> Iterator[AuditEvent]:
    return (AuditEvent.objects.filter(lane=lane).order_by("lane_seq")
            .iterator(chunk_size=batch_size))


def _verify_lane(lane: int, events: Iterator[AuditEvent]) -> tuple[int, str, ChainBreak | None]:
    """Walk one lane from its first event: (events verified, last hash, first break)."""
    expected, prev_hash = 1, GENESIS_HASH
    for event in events:
        if event.lane_seq != expected:
            return expected - 1, prev_hash, ChainBreak(
                lane, expected, f"event {expected} of lane {lane} is missing "
                f"(next present is {event.lane_seq})")
        if event.prev_hash != prev_hash:
            return expected - 1, prev_hash, ChainBreak(
                lane, expected, "prev_hash does not match the previous event's hash", event.seq)
        if event_hash(event, prev_hash) != event.hash:
            return expected - 1, prev_hash, ChainBreak(
                lane, expected, "content does not match its hash (the row was edited)",
                event.seq)
        prev_hash, expected = event.hash, expected + 1
    return expected - 1, prev_hash, None


def _head_break(lane: int, head: AuditChainHead | None, count: int,
                last_hash: str) -> ChainBreak | None:
    if head is None:
        return ChainBreak(lane, count, f"lane {lane} has events but no chain head "
                          "(the head row was removed)")
    if head.last_seq != count or head.last_hash != last_hash:
        return ChainBreak(lane, count + 1, f"chain head of lane {lane} records "
                          f"{head.last_seq} events, found {count} "
                          "(the newest events were removed)")
    return None


# Checks of tables that index audit events (such as the person index of signals), run
# by verify_chain once the lanes verify. Each returns the first break it finds or None.
IndexCheck = Callable[[], "ChainBreak | None"]
_index_checks: list[IndexCheck] = []


def register_index_check(check: IndexCheck) -> None:
    """Have ``verify_chain`` (and ``wijkregie audit verify``) also check an index whose
    rows are fixed by the hashed events, so that deleting or editing one is detected."""
    if check not in _index_checks:
        _index_checks.append(check)


def verify_chain() -> ChainReport:
    """Walk every lane from its first event and report the first broken link.

    Detects an edited row (its hash no longer matches), a removed row (a gap in the
    lane's positions or a ``prev_hash`` that does not match its predecessor) and
    removal of a lane's newest rows (its chain head records more than is there, also
    when the whole lane is gone). Lanes are walked in order, including lanes no longer
    written to after ``AUDIT_LANES`` was lowered; the report names the first break of
    the lowest broken lane. Then the registered index checks run.
    """
    heads = {head.id: head for head in AuditChainHead.objects.all()}
    lanes = sorted(set(heads) | set(AuditEvent.objects.values_list("lane", flat=True)
                                    .order_by().distinct()))
    checked, intact = 0, {}
    for lane in lanes:
        count, last_hash, brk = _verify_lane(lane, _lane_events(lane))
        checked += count
        brk = brk or _head_break(lane, heads.get(lane), count, last_hash)
        if brk is not None:
            return ChainReport(checked, brk, intact)
        intact[lane] = (count, last_hash)
    for check in _index_checks:
        brk = check()
        if brk is not None:
            return ChainReport(checked, brk, intact)
    return ChainReport(checked, None, intact)
