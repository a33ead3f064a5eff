"""Writes of signals, persons, groups and cases: validated, atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import shapely
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core import administration, audit
from wijkregie.core.models import AuditAction, Municipality, Organisation, User
from wijkregie.core.roles import PARTNER_WORKER
from wijkregie.signals import crypto, selectors
from wijkregie.signals.models import (
    AccessRequestStatus,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    PartnerToken,
    Pillar,
    Reliability,
    Sensitivity,
    Signal,
    Subject,
    SubjectAccessRequest,
    SubjectGroup,
)
from wijkregie.signals.workflow import REASON_REQUIRED, allowed_transitions

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf": b"%PDF", "image/png": b"\x89PNG",
                    "image/jpeg": b"\xff\xd8\xff"}

ADDRESS_MAX_LENGTH = 200  # the form's limit; the column is encrypted text


@dataclass(frozen=True)
class PersonInput:
    name: str
    date_of_birth: date | None = None
    address: str = ""
    bsn: str = ""


@dataclass
class SignalInput:
    category: str
    pillar: str
    observed_on: date | None
    description: str
    reliability: str
    sensitivity: str = Sensitivity.NORMAL
    area_code: str = ""
    address: str = ""
    x_rd: float | None = None
    y_rd: float | None = None
    persons: list[PersonInput] = field(default_factory=list)
    group_names: list[str] = field(default_factory=list)


class Locator:
    """Finds the buurt of an RD New point within one municipality."""

    def __init__(self, municipality: Municipality) -> None:
        buurten = list(Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT)
                       .order_by("-year", "code"))
        newest = buurten[0].year if buurten else None
        self.buurten = [b for b in buurten if b.year == newest and b.geometry]
        self.shapes = [to_rd(from_geojson(b.geometry)) for b in self.buurten]
        self.tree = shapely.STRtree(self.shapes) if self.shapes else None

    def area_at(self, x: float, y: float) -> Area | None:
        if self.tree is None:
            return None
        point = shapely.Point(x, y)
        for index in self.tree.query(point, predicate="within"):
            return self.buurten[int(index)]
        return None


def _category(municipality: Municipality, key: str) -> Category | None:
    return (Category.objects.filter(key=key)
            .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
            .order_by("municipality_id").first())


def validate_signal(user: User, data: SignalInput, *, locator: Locator | None = None,
                    today: date | None = None) -> tuple[Category, Area | None,
                                                         list[SubjectGroup]]:
    """Check one signal; raise ValidationError naming every wrong field."""
    municipality = user.municipality
    errors: dict[str, str] = {}
    category = _category(municipality, data.category) if data.category else None
    if category is None:
        errors["category"] = _("unknown category '%(key)s'") % {"key": data.category}
    elif category.pk not in selectors.covenant_purposes(user):
        errors["category"] = _("the covenant does not share category '%(key)s' with your "
                               "organisation") % {"key": data.category}
    if data.pillar not in Pillar.values:
        errors["pillar"] = _("pillar must be one of %(values)s") % {
            "values": ", ".join(Pillar.values)}
    if data.reliability not in Reliability.values:
        errors["reliability"] = _("reliability must be one of %(values)s") % {
            "values": ", ".join(Reliability.values)}
    if data.sensitivity not in Sensitivity.values:
        errors["sensitivity"] = _("sensitivity must be one of %(values)s") % {
            "values": ", ".join(Sensitivity.values)}
    today = today or timezone.localdate()
    if data.observed_on is None:
        errors["observed_on"] = _("date observed is required (YYYY-MM-DD)")
    elif data.observed_on > today:
        errors["observed_on"] = _("date observed %(date)s lies in the future") % {
            "date": data.observed_on.isoformat()}
    if not data.description.strip():
        errors["description"] = _("a description is required")
    if len(data.address.strip()) > ADDRESS_MAX_LENGTH:
        errors["address"] = _("the address is longer than %(max)s characters") % {
            "max": ADDRESS_MAX_LENGTH}
    area = None
    if data.area_code:
        area = (Area.objects.filter(code=data.area_code, municipality=municipality)
                .order_by("-year").first())
        if area is None:
            errors["area_code"] = _("unknown area '%(code)s' in %(municipality)s") % {
                "code": data.area_code, "municipality": municipality.name}
    if (data.x_rd is None) != (data.y_rd is None):
        errors["location"] = _("give both x and y (RD New metres) or neither")
    elif data.x_rd is not None:
        locator = locator or Locator(municipality)
        found = locator.area_at(float(data.x_rd), float(data.y_rd))  # type: ignore[arg-type]
        if found is None:
            errors["location"] = _("the point lies outside the municipality's neighbourhoods")
        elif area is None:
            area = found
    for index, person in enumerate(data.persons, start=1):
        if not person.name.strip():
            errors[f"person {index} name"] = _("a person needs a name")
        if person.bsn and not crypto.valid_bsn(person.bsn):
            errors[f"person {index} bsn"] = _("malformed BSN (nine digits, elfproef)")
        if person.date_of_birth and person.date_of_birth > today:
            errors[f"person {index} date_of_birth"] = _("date of birth lies in the future")
    # Names are stored only encrypted: the look-up goes by their keyed hash.
    groups = list(SubjectGroup.objects.filter(
        municipality=municipality,
        name_hash__in={crypto.group_name_hash(n) for n in data.group_names}))
    missing = {n.strip() for n in data.group_names} - {g.name.strip() for g in groups}
    if missing:
        errors["groups"] = _("unknown group(s): %(names)s") % {
            "names": ", ".join(sorted(missing))}
    if not (area or data.address.strip() or data.persons or groups):
        errors["location"] = errors.get(
            "location", _("give a location (area, address or point), a person or a group"))
    if errors:
        raise ValidationError(errors)
    return category, area, groups  # type: ignore[return-value]


def validate_attachment(upload: UploadedFile) -> str:
    """The attachment's content type, checked by size and by its first bytes."""
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("%(file)s: larger than %(size)s MB") % {
            "file": upload.name, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}})
    head = upload.read(8)
    upload.seek(0)
    for content_type, magic in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    raise ValidationError({"attachment": _("%(file)s: only PDF, PNG or JPEG files") % {
        "file": upload.name}})


def new_ref() -> str:
    return "P-" + secrets.token_hex(5).upper()


# A registration retries its match after losing a race to store the same person.
MATCH_ATTEMPTS = 3


def find_or_create_subjects(*, municipality: Municipality, organisation: Organisation,
                            persons: list[PersonInput]) -> list[Subject]:
    """The persons of one registration, within the registering organisation's linkage
    domain (ADR 0025): a known person of that domain by keyed hash (BSN first), else a
    new pseudonymised one. Persons other partners recorded are never matched, so the
    registrant learns nothing it could not already see; those who may see both records
    find them linked by keyed hash (``selectors.linked_subjects``)."""
    # In one fixed order (by the person lock's key, then keyed hash): two registrations
    # naming the same persons then take the person locks and wait for each other's
    # inserts in the same order and cannot deadlock.
    order = sorted(range(len(persons)), key=lambda i: (
        _person_lock_key(municipality, organisation, persons[i]), _person_key(persons[i])))
    found: dict[int, Subject] = {}
    for index in order:
        found[index] = _subject_in_domain(municipality, organisation, persons[index])
    return [found[index] for index in range(len(persons))]


def _person_lock_key(municipality: Municipality, organisation: Organisation,
                     person: PersonInput) -> int:
    match_hash = crypto.person_match_hash(person.name, person.date_of_birth)
    digest = hashlib.sha256(f"subject:{municipality.pk}:{organisation.pk}:{match_hash}"
                            .encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_person(municipality: Municipality, organisation: Organisation,
                 person: PersonInput) -> bool:
    """Serialise the creation of one person (name and birth date) in one domain until
    the transaction ends: a PostgreSQL advisory lock on (municipality, domain,
    name-and-birth hash). The unique constraints cannot do it, since a registration
    without BSN and one with it do not collide on either (ADR 0025). Whether the BSN is
    given or not, both take this lock, so the later one looks again after the first
    committed. Elsewhere (SQLite) writers are serialised by the database."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)",
                       [_person_lock_key(municipality, organisation, person)])
    return True


def _person_key(person: PersonInput) -> tuple[str, str]:
    return crypto.bsn_hash(person.bsn), crypto.person_match_hash(person.name,
                                                                 person.date_of_birth)


def _subject_in_domain(municipality: Municipality, organisation: Organisation,
                       person: PersonInput) -> Subject:
    """Get or create, safe under concurrency: the database's unique constraints decide
    which of two simultaneous registrations stores the person; the other one's insert
    fails (in a savepoint, so its transaction goes on) and it links to the stored row."""
    match_hash = crypto.person_match_hash(person.name, person.date_of_birth)
    bsn_hash = crypto.bsn_hash(person.bsn)
    domain = Subject.objects.filter(municipality=municipality, domain=organisation)
    for attempt in range(1, MATCH_ATTEMPTS + 1):
        subject = _match_in_domain(domain, match_hash, bsn_hash,
                                   born=person.date_of_birth is not None)
        if subject is not None:
            return subject
        if attempt == 1 and _lock_person(municipality, organisation, person):
            # A miss: look again under the person lock, which a concurrent creator of
            # this person holds until it commits (the look-up then sees its row).
            subject = _match_in_domain(domain, match_hash, bsn_hash,
                                       born=person.date_of_birth is not None)
            if subject is not None:
                return subject
        try:
            with transaction.atomic():
                return Subject.objects.create(
                    municipality=municipality, domain=organisation, ref=new_ref(),
                    match_hash=match_hash, bsn_hash=bsn_hash,
                    identity=crypto.encrypt_identity({
                        "name": person.name.strip(),
                        "date_of_birth": person.date_of_birth.isoformat()
                        if person.date_of_birth else "",
                        "address": person.address.strip(),
                        "bsn": crypto.normalise_bsn(person.bsn),
                    }))
        except IntegrityError:
            if attempt == MATCH_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _match_in_domain(domain: QuerySet[Subject], match_hash: str, bsn_hash: str, *,
                     born: bool) -> Subject | None:
    """The domain's person for these keyed hashes, or None to create one.

    With a BSN: the person with that BSN, else (when a date of birth was given: a name
    alone does not identify anyone) one recorded by name and birth date without BSN,
    which then gets the BSN. Without a BSN: the person recorded without BSN under that
    name (and birth date), else, given a date of birth, the one person with a BSN under
    them; when several persons with different BSNs share them, the registration cannot
    tell which is meant and gets a person of its own.
    """
    if bsn_hash:
        subject = domain.filter(bsn_hash=bsn_hash).first()
        if subject is None and born:
            subject = domain.filter(match_hash=match_hash, bsn_hash="").first()
            if subject is not None and not _attach_bsn(domain, subject, bsn_hash):
                # Changed by a concurrent registration: store our own; if that one now
                # holds this BSN, the constraint sends us back to match it.
                return None
        return subject
    without_bsn = domain.filter(match_hash=match_hash, bsn_hash="").first()
    if without_bsn is not None:
        return without_bsn
    with_bsn = list(domain.filter(match_hash=match_hash)[:2]) if born else []
    return with_bsn[0] if len(with_bsn) == 1 else None


def _attach_bsn(domain: QuerySet[Subject], subject: Subject, bsn_hash: str) -> bool:
    """Give a person recorded without BSN the BSN, unless a concurrent registration
    did something to it or stored another person with this BSN first."""
    try:
        with transaction.atomic():
            updated = domain.filter(pk=subject.pk, bsn_hash="").update(bsn_hash=bsn_hash)
    except IntegrityError:
        return False
    if updated:
        subject.bsn_hash = bsn_hash
    return bool(updated)


def _save_signal(user: User, data: SignalInput, category: Category, area: Area | None,
                 groups: list[SubjectGroup], subjects: list[Subject] | None = None) -> Signal:
    signal = Signal.objects.create(
        municipality_id=user.municipality_id, category=category, pillar=data.pillar,
        observed_on=data.observed_on, description=data.description.strip(),
        reliability=data.reliability, sensitivity=data.sensitivity, area=area,
        address=data.address.strip(), x_rd=data.x_rd, y_rd=data.y_rd,
        organisation_id=user.organisation_id, created_by=user)
    if subjects is None:
        subjects = find_or_create_subjects(municipality=user.municipality,
                                           organisation=user.organisation,
                                           persons=data.persons)
    signal.subjects.set(subjects)
    signal.groups.set(groups)
    return signal


def register_signal(*, user: User, data: SignalInput,
                    attachments: list[UploadedFile] | None = None) -> Signal:
    """Register one signal of the user's organisation; nothing is saved on any error."""
    if not selectors.may_register_signals(user):
        raise ValidationError(_("you may not register signals"))
    category, area, groups = validate_signal(user, data)
    types = [validate_attachment(upload) for upload in attachments or []]
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            signal = _save_signal(user, data, category, area, groups)
            for upload, content_type in zip(attachments or [], types, strict=True):
                stored.append(_store_attachment(signal, upload, content_type))
            audit.record(AuditAction.CREATE, actor=user, obj=signal,
                         purpose=selectors.covenant_purposes(user)[category.pk],
                         detail={"subjects": [s.ref for s in signal.subjects.all()]})
    except BaseException:
        # The rows roll back; their files were already written to storage.
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return signal


def _store_attachment(signal: Signal, upload: UploadedFile, content_type: str) -> Attachment:
    """Only the encrypted content reaches the storage; the name there is random."""
    upload.seek(0)
    encrypted = ContentFile(crypto.encrypt_bytes(upload.read()), name="attachment")
    return Attachment.objects.create(signal=signal, file=encrypted, content_type=content_type,
                                     original_name=upload.name[:200], size=upload.size)


RowError = tuple[int, str, str]  # (row number in the file, field, message)


def register_signals_bulk(*, user: User, rows: list[SignalInput],
                          parse_errors: list[RowError] | None = None) -> list[Signal]:
    """All or nothing: validate every row first, then save in one transaction.

    ``parse_errors`` (from reading the file) join the report, one line per row and
    field; a field that could not be read is not reported a second time by validation.
    """
    locator = Locator(user.municipality)
    errors = list(parse_errors or [])
    reported = {(number, name) for number, name, _message in errors}
    checked = []
    for number, row in enumerate(rows, start=2):  # row 1 is the CSV header
        try:
            checked.append(validate_signal(user, row, locator=locator))
        except ValidationError as exc:
            errors.extend((number, name, "; ".join(messages))
                          for name, messages in exc.message_dict.items()
                          if (number, name) not in reported)
    if errors:
        raise ValidationError([
            _("row %(row)s, %(field)s: %(message)s") % {
                "row": number, "field": name, "message": message}
            for number, name, message in sorted(errors, key=lambda e: e[0])])
    with transaction.atomic():
        # All persons of the file at once, in the one order every registration uses.
        subjects = iter(find_or_create_subjects(
            municipality=user.municipality, organisation=user.organisation,
            persons=[person for row in rows for person in row.persons]))
        saved = [_save_signal(user, row, *parts,
                              subjects=[next(subjects) for _person in row.persons])
                 for row, parts in zip(rows, checked, strict=True)]
        audit.record(AuditAction.CREATE, actor=user, object_type="signals.signal",
                     purpose="bulk import",
                     detail={"signals": [s.pk for s in saved], "via": "csv import"})
    return saved


# --- groups --------------------------------------------------------------------------

def _visible_subjects(user: User, refs: list[str]) -> list[Subject]:
    """Persons by pseudonym, only among those the user may see; others are 'unknown'
    whether they exist elsewhere or not."""
    subjects = list(selectors.subjects_for(user).filter(ref__in=refs))
    missing = set(refs) - {s.ref for s in subjects}
    if missing:
        raise ValidationError({"members": _("unknown person(s): %(refs)s") % {
            "refs": ", ".join(sorted(missing))}})
    return subjects


def create_group(*, user: User, name: str, member_refs: list[str]) -> SubjectGroup:
    if not selectors.may_register_signals(user):
        raise ValidationError(_("you may not manage groups"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("a group needs a name")})
    if SubjectGroup.objects.filter(municipality_id=user.municipality_id,
                                   name_hash=crypto.group_name_hash(name)).exists():
        # Signals name their groups (form, API, CSV import), so names must be unique.
        raise ValidationError({"name": _("a group named '%(name)s' already exists") % {
            "name": name}})
    members = _visible_subjects(user, member_refs)
    with transaction.atomic():
        group = SubjectGroup.objects.create(municipality_id=user.municipality_id, name=name)
        group.members.set(members)
        audit.record(AuditAction.CREATE, actor=user, obj=group,
                     purpose=selectors.subjects_purpose(user, members)[:200],
                     detail={"members": sorted(s.ref for s in members)})
    return group


def change_group_members(*, user: User, group: SubjectGroup, add_refs: list[str],
                         remove_refs: list[str]) -> None:
    """Add and remove persons the user may see; other members stay as they are."""
    if not selectors.may_register_signals(user) or group.municipality_id != user.municipality_id:
        raise ValidationError(_("you may not manage groups"))
    added = _visible_subjects(user, add_refs)
    removed = _visible_subjects(user, remove_refs)
    if not (added or removed):
        raise ValidationError({"members": _("name persons to add or remove")})
    with transaction.atomic():
        group.members.add(*added)
        group.members.remove(*removed)
        audit.record(AuditAction.UPDATE, actor=user, obj=group,
                     purpose=selectors.subjects_purpose(user, added + removed)[:200],
                     detail={"added": sorted(s.ref for s in added),
                             "removed": sorted(s.ref for s in removed)})


# --- cases ---------------------------------------------------------------------------

def _case_event(case: Case, user: User, kind: str, **fields: object) -> None:
    CaseEvent.objects.create(case=case, at=timezone.now(), actor=user, kind=kind, **fields)


def create_case(*, user: User, title: str, purpose: str,
                participants: list[Organisation], signal_ids: list[int]) -> Case:
    if not (selectors.may_see_personal_data(user) and user.has_perm("signals.add_case")):
        raise ValidationError(_("you may not create cases"))
    if not title.strip() or not purpose.strip():
        raise ValidationError({"title": _("title and purpose are required")})
    signals = _visible_signals(user, signal_ids)
    with transaction.atomic():
        case = Case.objects.create(municipality_id=user.municipality_id, title=title.strip(),
                                   purpose=purpose.strip(),
                                   lead_organisation_id=user.organisation_id, director=user)
        case.participants.set({*participants, user.organisation})
        case.signals.set(signals)
        _case_event(case, user, "created", to_status=case.status,
                    detail={"signals": [s.pk for s in signals],
                            "participants": sorted(o.name for o in case.participants.all())})
        audit.record(AuditAction.CREATE, actor=user, obj=case, purpose=case.purpose)
    return case


def _visible_signals(user: User, signal_ids: list[int]) -> list[Signal]:
    signals = list(selectors.signals_for(user).filter(pk__in=signal_ids))
    missing = set(signal_ids) - {s.pk for s in signals}
    if missing:
        raise ValidationError({"signals": _("unknown signal(s): %(ids)s") % {
            "ids": ", ".join(f"S-{pk}" for pk in sorted(missing))}})
    return signals


def _directed_case(user: User, case: Case) -> None:
    if case.director_id != user.pk or not user.has_perm("signals.change_case"):
        raise ValidationError(_("only the case director changes this case"))


def bundle_signals(*, user: User, case: Case, signal_ids: list[int]) -> None:
    _directed_case(user, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("a closed case takes no new signals; reopen it first"))
    signals = _visible_signals(user, signal_ids)
    with transaction.atomic():
        case.signals.add(*signals)
        _case_event(case, user, "signals_added", detail={"signals": [s.pk for s in signals]})
        audit.record(AuditAction.UPDATE, actor=user, obj=case, purpose=case.purpose,
                     detail={"signals_added": [s.pk for s in signals]})


def _status_label(value: str) -> str:
    return str(CaseStatus(value).label) if value in CaseStatus.values else value


class CaseChangedMeanwhile(ValidationError):
    """Another writer changed the case's status after this writer saw it (a lost update
    prevented); the caller shows the current status and lets the user decide again."""


def transition_case(*, user: User, case: Case, to_status: str, reason: str = "",
                    expected_status: str | None = None) -> Case:
    """Change the status, for a writer who saw the case in ``expected_status`` (default:
    the status of ``case`` as loaded). The row is locked and the status compared under
    the lock, so of two changes sent at once the second is refused, not silently lost."""
    _directed_case(user, case)
    seen = expected_status or case.status
    with transaction.atomic():
        current = Case.objects.select_for_update().only("status").get(pk=case.pk)
        if current.status != seen:
            case.status = current.status
            raise CaseChangedMeanwhile(_(
                "someone else changed this case meanwhile: its status is now %(now)s "
                "(you saw %(seen)s); check it and try again") % {
                "now": _status_label(current.status), "seen": _status_label(seen)},
                code="conflict")
        if to_status not in allowed_transitions(current.status):
            raise ValidationError({"status": _("a case cannot go from %(from)s to %(to)s") % {
                "from": CaseStatus(current.status).label, "to": _status_label(to_status)}})
        if (current.status, to_status) in REASON_REQUIRED and not reason.strip():
            raise ValidationError({"reason": _("closing or reopening a case needs a reason")})
        previous = current.status
        case.status = to_status
        case.closed_at = timezone.now() if to_status == CaseStatus.CLOSED else None
        case.save(update_fields=["status", "closed_at"])
        _case_event(case, user, "status", from_status=previous, to_status=to_status,
                    reason=reason.strip())
        audit.record(AuditAction.UPDATE, actor=user, obj=case, purpose=case.purpose,
                     detail={"from": previous, "to": to_status})
    return case


# --- data subject access requests ----------------------------------------------------

def _may_answer_access_requests(user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm("signals.export_subject")
                and user.municipality_id)


def register_access_request(*, user: User, subject_refs: list[str], found_refs: list[str],
                            requester: str, reason: str,
                            received_on: date | None) -> SubjectAccessRequest:
    """Record an access request for the pseudonyms a look-up found (``found_refs``):
    who asked (kept encrypted), why, and when it came in. It starts in review; nothing
    is released. A pseudonym the look-up did not find is refused: the answer is about
    the person who asked, not whoever else is posted with it."""
    if not _may_answer_access_requests(user):
        raise ValidationError(_("you may not handle access requests"))
    errors = {}
    if not requester.strip():
        errors["requester"] = _("say who asked (and how their identity was checked)")
    if not reason.strip():
        errors["reason"] = _("give the reason of the request")
    if received_on is None or received_on > timezone.localdate():
        errors["received_on"] = _("give the date the request came in (not in the future)")
    refs = sorted(set(subject_refs))
    known = set(selectors.subjects_for_export(user).filter(ref__in=refs)
                .values_list("ref", flat=True))
    if not refs or known != set(refs):
        errors["subjects"] = _("unknown person(s): %(refs)s") % {
            "refs": ", ".join(sorted(set(refs) - known)) or "—"}
    elif set(refs) - set(found_refs):
        errors["subjects"] = _("person(s) not found by the look-up of this request: "
                               "%(refs)s") % {"refs": ", ".join(sorted(set(refs)
                                                                       - set(found_refs)))}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        access_request = SubjectAccessRequest.objects.create(
            municipality_id=user.municipality_id, subject_refs=refs,
            requester=crypto.encrypt_bytes(requester.strip().encode()),
            reason=reason.strip()[:300], received_on=received_on, registered_by=user)
        audit.record(AuditAction.CREATE, actor=user, obj=access_request,
                     purpose=selectors.SUBJECT_EXPORT_PURPOSE,
                     subject_ref=refs[0] if len(refs) == 1 else "",
                     detail={"subjects": refs})
    return access_request


def release_access_request(*, user: User, access_request: SubjectAccessRequest,
                           withheld: dict[str, str]) -> SubjectAccessRequest:
    """The review's outcome: release the answer, withholding the given items (signal,
    attachment or case of the document), each with its reason (e.g. a Wpg ground)."""
    if not _may_answer_access_requests(user) or \
            access_request.municipality_id != user.municipality_id:
        raise ValidationError(_("you may not handle access requests"))
    if access_request.status != AccessRequestStatus.IN_REVIEW:
        raise ValidationError(_("this request was already answered"))
    items = selectors.request_items(access_request)
    errors = [_("%(item)s is not part of this request's data") % {"item": item}
              for item in sorted(set(withheld) - items)]
    errors += [_("%(item)s: give the reason for withholding it") % {"item": item}
               for item, why in sorted(withheld.items()) if not why.strip()]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        access_request.withheld = [{"item": item, "reason": why.strip()[:300]}
                                   for item, why in sorted(withheld.items())]
        access_request.status = AccessRequestStatus.RELEASED
        access_request.reviewed_by = user
        access_request.answered_at = timezone.now()
        access_request.save(update_fields=["withheld", "status", "reviewed_by",
                                           "answered_at"])
        audit.record(AuditAction.UPDATE, actor=user, obj=access_request,
                     purpose=selectors.SUBJECT_EXPORT_PURPOSE,
                     detail={"status": AccessRequestStatus.RELEASED,
                             "withheld": access_request.withheld})
    return access_request


# --- partner API tokens --------------------------------------------------------------

def issue_partner_token(*, organisation: Organisation, municipality: Municipality,
                        issued_by: User | None = None, lifetime_days: int | None = None,
                        now: datetime | None = None) -> str:
    """A new token for a partner system; returns the secret once (only its hash is kept).

    The token acts as a service account of the organisation with the partner worker
    role, so the covenant scopes it exactly like a person of that organisation. It
    works for ``lifetime_days`` (default ``PARTNER_TOKEN_LIFETIME_DAYS``).
    """
    days = settings.PARTNER_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    if days < 1:
        raise ValidationError({"lifetime_days": _("a token works for at least one day")})
    raw = "wr_" + secrets.token_urlsafe(32)
    expires_at = (now or timezone.now()) + timedelta(days=days)
    with transaction.atomic():
        user = User.objects.create(
            username=f"api-{organisation.pk}-{municipality.code}-{secrets.token_hex(3)}",
            organisation=organisation, municipality=municipality, first_name="API",
            last_name=organisation.name[:140])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=PARTNER_WORKER))
        token = PartnerToken.objects.create(organisation=organisation, service_user=user,
                                            key_hash=hashlib.sha256(raw.encode()).hexdigest(),
                                            prefix=raw[3:9], expires_at=expires_at)
        audit.record(AuditAction.CREATE, actor=issued_by, obj=token,
                     detail={"organisation": organisation.pk, "municipality": municipality.code,
                             "service_user": user.pk, "expires_at": expires_at.isoformat()})
    return raw


def revoke_partner_tokens(*, actor: User, tokens: list[PartnerToken],
                          request: HttpRequest | None = None) -> None:
    """Revoke tokens for good: the token is refused from now on and its service account
    is deactivated; one audited change each (nothing un-revokes a token)."""
    now = timezone.now()
    with transaction.atomic():
        for token in tokens:
            if token.revoked:
                continue
            token.revoked, token.revoked_at = True, now
            administration.save(actor=actor, obj=token, request=request,
                                purpose="partner token revoked")
            service_user = token.service_user
            service_user.is_active = False
            administration.save(actor=actor, obj=service_user, request=request,
                                purpose="partner token revoked", as_manager=True)


# Encrypted fields of personal-data records (fields.py): read decrypts with any key,
# saving encrypts with the newest.
ENCRYPTED_RECORD_FIELDS = ((Signal, ("description", "address", "x_rd", "y_rd")),
                           (CaseEvent, ("reason",)), (Case, ("title",)),
                           (SubjectGroup, ("name",)), (Attachment, ("original_name",)))


def rotate_identity_keys(batch_size: int = 500) -> int:
    """Re-encrypt every identity, TOTP secret, attachment, signal description, address
    and point, case reason and title, group name and attachment file name with the newest
    key (after adding one in front). Keyed hashes (``name_hash``, ``bsn_hash``) use the
    separate HMAC key and stay as they are."""
    from wijkregie.signals.models import TotpDevice

    count = 0
    with transaction.atomic():
        for model, field_names in ENCRYPTED_RECORD_FIELDS:
            batch = []
            for obj in model.objects.only("pk", *field_names).iterator(chunk_size=batch_size):
                batch.append(obj)
                if len(batch) == batch_size:
                    model.objects.bulk_update(batch, field_names)
                    count += len(batch)
                    batch = []
            model.objects.bulk_update(batch, field_names)
            count += len(batch)
        for model, field_name in ((Subject, "identity"), (TotpDevice, "secret")):
            for obj in model.objects.only("pk", field_name).iterator(chunk_size=batch_size):
                setattr(obj, field_name, crypto.rotate(getattr(obj, field_name)))
                obj.save(update_fields=[field_name])
                count += 1
        for attachment in Attachment.objects.select_related("signal").iterator(
                chunk_size=batch_size):
            with attachment.file.open("rb") as handle:
                token = handle.read()
            replace_attachment_file(attachment, crypto.rotate(token))
            count += 1
    return count


def replace_attachment_file(attachment: Attachment, content: bytes) -> None:
    """Store new content under a new name; the old file is removed only once the row
    points at the new one (after commit), so a rollback leaves a readable attachment."""
    old_name, storage = attachment.file.name, attachment.file.storage
    attachment.file.save("attachment", ContentFile(content), save=False)
    attachment.save(update_fields=["file"])
    transaction.on_commit(lambda: storage.delete(old_name))

