"""The hub's side: register members, receive a signed document, refuse or store it.

Checks, in order, each refusing with a code and a message and storing nothing:
``malformed`` (not a JSON envelope), ``unknown_municipality`` (no active member with
the document's code), ``bad_signature``, ``suppressed_value``
(:mod:`.disclosure_check`), ``personal_data`` (:mod:`.personal_data`),
``schema_error``, ``future_document`` (dated more than :data:`CLOCK_SKEW` after the
hub's clock), ``stale`` (not newer than the member's
last document: a replayed old document cannot pass as the latest). The store is one
row written in a transaction holding the member's row lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome, municipality_code_validator
from wijkregie.learning.federation import signing
from wijkregie.learning.federation.disclosure_check import suppressed_values
from wijkregie.learning.federation.models import HubMember, PublishedDocument
from wijkregie.learning.federation.personal_data import personal_data
from wijkregie.learning.federation.schema import schema_errors

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: How far a sender's clock may run ahead of the hub's: a document dated later than
#: this would pass as the member's latest for ever and lock its real documents out.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Refused(Exception):
    code: str
    message: str
    status: int = 400
    details: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details}


def register_member(code: str, name: str, public_key: str) -> HubMember:
    """Register (or re-key) a municipality; the key is checked to be an Ed25519 key."""
    municipality_code_validator(code)  # ValidationError names the bad code
    signing.load_public_key(public_key)
    with transaction.atomic():
        member, created = HubMember.objects.update_or_create(
            code=code, defaults={"name": name, "public_key": public_key.strip(),
                                 "active": True})
        audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, obj=member,
                     detail={"code": code, "public_key": public_key.strip()})
    return member


def _parse(body: bytes) -> tuple[dict[str, Any], str]:
    if len(body) > MAX_DOCUMENT_BYTES:
        raise Refused("malformed", _("The document is too large."), 413)
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused("malformed", _("The body is not UTF-8 JSON.")) from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("document"), dict) \
            or not isinstance(envelope.get("signature"), str):
        raise Refused("malformed", _("Expected an object with a document and a signature."))
    if envelope.get("algorithm") != signing.ALGORITHM:
        raise Refused("malformed", _("Only Ed25519 signatures are accepted."))
    return envelope["document"], envelope["signature"]


def _member_code(document: dict[str, Any]) -> str:
    municipality = document.get("municipality")
    code = municipality.get("code") if isinstance(municipality, dict) else None
    if not isinstance(code, str):
        raise Refused("schema_error", _("The document names no municipality code."),
                      details=["municipality/code: required"])
    return code


def receive(body: bytes, request: HttpRequest | None = None) -> PublishedDocument:
    """Verify and store one published document, or raise :class:`Refused` (audited as
    denied, outside the rolled-back transaction)."""
    code = ""
    try:
        document, signature = _parse(body)
        code = _member_code(document)
        return _store(document, signature, code, request)
    except Refused as refused:
        audit.record(AuditAction.CREATE, request=request, outcome=AuditOutcome.DENIED,
                     object_type="learning.publisheddocument",
                     detail={"code": code[:10], "error": refused.code})
        raise


def _store(document: dict[str, Any], signature: str, code: str,
           request: HttpRequest | None) -> PublishedDocument:
    with transaction.atomic():
        member = HubMember.objects.select_for_update().filter(code=code, active=True).first()
        if member is None:
            raise Refused("unknown_municipality",
                          _("Municipality %(code)s is not a registered member of this hub.")
                          % {"code": code[:10]}, 403)
        if not signing.verify(document, signature, signing.load_public_key(member.public_key)):
            raise Refused("bad_signature",
                          _("The signature does not match the key registered for %(code)s.")
                          % {"code": code}, 403)
        if problems := suppressed_values(document):
            raise Refused("suppressed_value",
                          _("The document carries a value that disclosure control hides."),
                          422, problems[:10])
        if problems := personal_data(document):
            raise Refused("personal_data",
                          _("The document's practices carry personal data (an e-mail "
                            "address or phone number)."), 422, problems[:10])
        if errors := schema_errors(document):
            raise Refused("schema_error", _("The document does not match the schema."),
                          422, errors)
        generated_at = datetime.fromisoformat(document["generated_at"].replace("Z", "+00:00"))
        if generated_at.tzinfo is None:
            generated_at = generated_at.replace(tzinfo=UTC)
        if generated_at > datetime.now(UTC) + CLOCK_SKEW:
            raise Refused("future_document",
                          _("The document is dated in the future (%(generated_at)s); check "
                            "the sender's clock.") % {"generated_at": document["generated_at"]},
                          422, [f"generated_at: more than {int(CLOCK_SKEW.total_seconds() // 60)}"
                                " minutes after the hub's time"])
        latest = member.documents.aggregate(latest=Max("generated_at"))["latest"]
        if latest is not None and generated_at <= latest:
            raise Refused("stale", _("The hub has a document of this municipality generated "
                                     "at the same time or later."), 409)
        stored = PublishedDocument.objects.create(
            member=member, version=document["schema_version"], generated_at=generated_at,
            payload=document, signature=signature)
        audit.record(AuditAction.CREATE, request=request, obj=stored,
                     detail={"code": code, "version": stored.version})
    return stored


@dataclass(frozen=True)
class MemberStatus:
    member: HubMember
    last_received_at: datetime | None
    last_generated_at: datetime | None
    documents: int


def member_statuses() -> list[MemberStatus]:
    """Per member when it last published (for the hub page)."""
    members: QuerySet[HubMember] = HubMember.objects.order_by("name")
    result = []
    for member in members:
        last = member.documents.order_by("-received_at").only(
            "received_at", "generated_at").first()
        result.append(MemberStatus(member, last.received_at if last else None,
                                   last.generated_at if last else None,
                                   member.documents.count()))
    return result
