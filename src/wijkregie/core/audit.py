"""The one audit service: append-only, hash-chained events.

Every capability records reads of personal data, writes, exports and denials through
:func:`record`. Each event's hash covers its content and the previous event's hash, so
editing or deleting a row breaks the chain at that point (:func:`verify_chain`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction
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
_HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_username", "organisation_id", "municipality_id",
    "action", "object_type", "object_id", "subject_ref", "purpose", "outcome",
    "client_address", "detail",
)


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 of the event's canonical JSON form followed by the previous hash."""
    payload: dict[str, Any] = {}
    for name in _HASHED_FIELDS:
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
    """Append one event to the chain and return it.

    ``request`` supplies the actor and client address when given; ``username`` records
    who was named in a failed login, where there is no authenticated actor.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    obj_type, obj_id = _object_label(obj, object_type, object_id)
    client_address = getattr(request, "client_address", None) if request else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
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
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _events_in_order(batch_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)


def verify_chain() -> ChainReport:
    """Walk the chain from the first event and report the first broken link.

    Detects an edited row (its hash no longer matches), a removed row (a gap in the
    sequence or a ``prev_hash`` that does not match its predecessor) and removal of the
    newest rows (the chain head records more than is there).
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return ChainReport(checked, ChainBreak(
                expected_seq, f"event {expected_seq} is missing (next present is {event.seq})"))
        if event.prev_hash != prev_hash:
            return ChainReport(checked, ChainBreak(
                event.seq, "prev_hash does not match the previous event's hash"))
        if event_hash(event, prev_hash) != event.hash:
            return ChainReport(checked, ChainBreak(
                event.seq, "content does not match its hash (the row was edited)"))
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return ChainReport(checked, ChainBreak(
            checked + 1, f"chain head records {head.last_seq} events, found {checked} "
            "(the newest events were removed)"))
    return ChainReport(checked, None)
