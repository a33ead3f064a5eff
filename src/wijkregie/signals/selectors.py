"""The one scoping layer of signals: every page, API endpoint, search, map and export
reads signals, persons and cases through these functions, which take the user.

Rules (docs/analysts/covenant.md):
- personal data only for roles holding ``signals.view_personal_signals``, within the
  user's own municipality, and only signals of categories the covenant shares with the
  user's organisation (which must take part in the covenant);
- a case is seen by its director and by users of its lead or participating organisations,
  while their organisation takes part in the covenant; inside a case the covenant still
  decides which signals are shown;
- everyone else sees aggregates only (``feeds.py``, minimum counts).

Every read that shows personal data writes exactly one audit event with its purpose.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditEvent, AuditOutcome, Municipality, User
from wijkregie.core.scoping import get_scoped_or_404, is_programme_viewer
from wijkregie.signals import crypto, feeds
from wijkregie.signals.access_index import INDEX_KEY
from wijkregie.signals.models import (
    AccessRequestStatus,
    Attachment,
    Case,
    CaseEvent,
    Covenant,
    CovenantRule,
    Signal,
    Subject,
    SubjectAccess,
    SubjectAccessRequest,
    SubjectGroup,
    sorted_groups,
)

PERSONAL = "signals.view_personal_signals"
SUBJECT_EXPORT_PURPOSE = "inzageverzoek betrokkene (AVG art. 15)"


# --- who may see what ------------------------------------------------------------------

def may_see_personal_data(user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERSONAL)
                and user.municipality_id and user.organisation_id)


def covenant_purposes(user: User) -> dict[int, str]:
    """Category id → purpose for which the covenant shares it with the user's organisation."""
    if not may_see_personal_data(user):
        return {}
    cached = getattr(user, "_signal_purposes", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_COVENANT_PURPOSES, [user.municipality_id, user.organisation_id,
                                                user.organisation_id])
            cached = dict(cursor.fetchall())
        user._signal_purposes = cached  # type: ignore[attr-defined]  # per request
    return cached


def _covenant_purposes_sql() -> str:
    """The rules of the municipality's covenant for one organisation, if it takes part.
    Plain SQL (names from the models): every personal-data request runs it, and building
    it through the ORM cost about six times the plain statement's CPU
    (benchmarks/signals/bench_query_building.py). The authorisation matrix tests every
    role and organisation against it."""
    participants = Covenant.participants.through._meta
    return (f"SELECT r.category_id, r.purpose FROM {CovenantRule._meta.db_table} r "  # nosec B608 # names from _meta, values bound
            f"JOIN {Covenant._meta.db_table} c ON c.id = r.covenant_id "
            f"JOIN {participants.db_table} p ON p.covenant_id = c.id "
            f"WHERE c.municipality_id = %s AND r.organisation_id = %s "
            f"AND p.organisation_id = %s")


_COVENANT_PURPOSES = _covenant_purposes_sql()


def signals_for(user: User) -> QuerySet[Signal]:
    """Signals (with personal data) the user may see."""
    purposes = covenant_purposes(user)
    if not purposes:
        return Signal.objects.none()
    return Signal.objects.filter(municipality_id=user.municipality_id,
                                 category_id__in=list(purposes))


def takes_part_in_covenant(user: User) -> bool:
    """Whether the user's organisation takes part in its municipality's covenant now.

    Taking part in a case rests on it: an organisation that leaves the covenant no
    longer opens the cases it took part in or led (title, purpose, history)."""
    if not may_see_personal_data(user):
        return False
    cached = getattr(user, "_in_covenant", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_TAKES_PART, [user.municipality_id, user.organisation_id])
            cached = cursor.fetchone() is not None
        user._in_covenant = cached  # type: ignore[attr-defined]  # per request
    return cached


def _takes_part_sql() -> str:
    participants = Covenant.participants.through._meta
    return (f"SELECT 1 FROM {participants.db_table} p "  # nosec B608 # names from _meta, values bound
            f"JOIN {Covenant._meta.db_table} c ON c.id = p.covenant_id "
            f"WHERE c.municipality_id = %s AND p.organisation_id = %s")


_TAKES_PART = _takes_part_sql()


def cases_for(user: User) -> QuerySet[Case]:
    if not (may_see_personal_data(user) and user.has_perm("signals.view_case")
            and takes_part_in_covenant(user)):
        return Case.objects.none()
    return Case.objects.filter(municipality_id=user.municipality_id).filter(
        Q(director=user) | Q(lead_organisation_id=user.organisation_id)
        | Q(participants=user.organisation_id)).distinct()


def may_register_signals(user: User) -> bool:
    """Registering signals and keeping groups: both record personal data."""
    return may_see_personal_data(user) and user.has_perm("signals.add_signal")


def groups_for(user: User) -> QuerySet[SubjectGroup]:
    if not may_see_personal_data(user):
        return SubjectGroup.objects.none()
    return SubjectGroup.objects.filter(municipality_id=user.municipality_id)


def subjects_for(user: User) -> QuerySet[Subject]:
    """Persons the user may see: those of signals the covenant shows the user."""
    return Subject.objects.filter(
        municipality_id=user.municipality_id,
        pk__in=Signal.subjects.through.objects.filter(
            signal__in=signals_for(user)).values("subject_id"))


def aggregate_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities whose aggregated signal counts the user may see."""
    if not (user.is_authenticated and user.has_perm("signals.view_signal")):
        return Municipality.objects.none()
    if is_programme_viewer(user):
        return Municipality.objects.all()
    return Municipality.objects.filter(pk=user.municipality_id)


# --- audit of reads ------------------------------------------------------------------

def _subject_refs(signals: Iterable[Signal]) -> list[str]:
    refs: list[str] = []
    for signal in signals:
        refs.extend(s.ref for s in signal.subjects.all())
    return sorted(set(refs))


def audit_read(action: str, *, user: User, request: HttpRequest | None, purpose: str,
               object_type: str = "", object_id: Any = None, subject_refs: list[str],
               detail: dict[str, Any] | None = None) -> AuditEvent:
    """One audit event for one read of personal data, and its person index rows.

    The event's hashed content lists the persons (``detail["subject_index"]``), so the
    chain covers the index: ``audit verify`` fails when a row is deleted, edited or
    added (``access_index.verify_subject_index``)."""
    subject_refs = sorted(set(subject_refs))
    with transaction.atomic():
        event = audit.record(action, actor=user, request=request, object_type=object_type,
                             object_id=object_id, purpose=purpose[:200],
                             subject_ref=subject_refs[0] if len(subject_refs) == 1 else "",
                             detail=(detail or {}) | {INDEX_KEY: subject_refs})
        _index_subjects(event.seq, subject_refs)
    return event


def _index_subjects(event_seq: int, subject_refs: list[str]) -> None:
    """The person index rows of one read, as one multi-row INSERT: model instances and
    bulk_create were a third of the CPU of auditing an API list in a profile."""
    if not subject_refs:
        return
    values = ", ".join(["(%s, %s)"] * len(subject_refs))
    params = [item for ref in subject_refs for item in (event_seq, ref)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SubjectAccess._meta.db_table} (event_seq, subject_ref) "  # nosec B608 # names from _meta, values bound
                       f"VALUES {values}", params)


def deny(user: User, request: HttpRequest | None, what: str, purpose: str = "") -> None:
    """Record a refused access and raise 403."""
    audit.record(AuditAction.PERMISSION_DENIED, actor=user, request=request,
                 object_type=what, purpose=purpose, outcome=AuditOutcome.DENIED)
    raise PermissionDenied(what)


def require_personal(user: User, request: HttpRequest | None, what: str,
                     perm: str = PERSONAL) -> None:
    if not (user.is_authenticated and user.municipality_id and user.organisation_id
            and user.has_perm(perm)):
        deny(user, request, what)


def _all_purposes(user: User) -> str:
    """The user's covenant purposes: for a read that showed no signal (a miss, a list
    of cases or groups), which is still done under the covenant."""
    return "; ".join(sorted(set(covenant_purposes(user).values())))


def _purpose_of(user: User, signals: Iterable[Signal]) -> str:
    purposes = covenant_purposes(user)
    return "; ".join(sorted({purposes.get(s.category_id, "") for s in signals} - {""}))


# --- signals -----------------------------------------------------------------------

@dataclass(frozen=True)
class SignalFilters:
    category_keys: tuple[str, ...] = ()
    area_code: str = ""
    start: date | None = None
    end: date | None = None
    text: str = ""


def _filtered(queryset: QuerySet[Signal], filters: SignalFilters) -> QuerySet[Signal]:
    if filters.category_keys:
        queryset = queryset.filter(category__key__in=filters.category_keys)
    if filters.area_code:
        queryset = queryset.filter(Q(area__code=filters.area_code)
                                   | Q(area__parent__code=filters.area_code))
    if filters.start:
        queryset = queryset.filter(observed_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(observed_on__lte=filters.end)
    if filters.text:
        queryset = queryset.filter(pk__in=_text_matches(queryset, filters.text))
    return queryset


def _text_matches(queryset: QuerySet[Signal], text: str) -> list[int]:
    """Ids of the signals whose description or address contains ``text`` (any case).
    Both are encrypted (ADR 0028), so the rows already chosen by the other filters and
    the scoping are decrypted and searched here, not in the database."""
    needle = text.casefold()
    return [pk for pk, description, address in
            queryset.values_list("pk", "description", "address")
            if needle in description.casefold() or needle in address.casefold()]


def _with_relations(queryset: QuerySet[Signal]) -> QuerySet[Signal]:
    # The area's boundary is large JSON that no signal page or API response needs.
    return (queryset.select_related("category", "area", "organisation")
            .defer("area__geometry").prefetch_related("subjects", "groups"))


def list_signals(user: User, *, request: HttpRequest | None = None,
                 filters: SignalFilters | None = None, offset: int = 0, limit: int = 50,
                 action: str = AuditAction.LIST, via: str = "list") -> tuple[list[Signal], int]:
    """One page of visible signals and the total; one audit event when any are shown."""
    require_personal(user, request, "signals.signal")
    queryset = _filtered(signals_for(user), filters or SignalFilters())
    total = queryset.count()
    page = list(_with_relations(queryset)[offset:offset + limit])
    if page:
        audit_read(action, user=user, request=request, purpose=_purpose_of(user, page),
                   object_type="signals.signal", subject_refs=_subject_refs(page),
                   detail={"via": via, "signals": [s.pk for s in page]})
    return page, total


# Columns of the API list: read as plain rows, no model instances (the hot path).
ROW_COLUMNS = ("id", "category__key", "category_id", "pillar", "observed_on", "description",
               "reliability", "sensitivity", "area__code", "address", "x_rd", "y_rd",
               "organisation__name")


def signal_rows(queryset: QuerySet[Signal], *, offset: int, limit: int
                ) -> tuple[list[dict[str, Any]], int]:
    """One page of ``queryset`` (already scoped by the caller) as plain rows with the
    persons' pseudonyms and group names, and the total. No audit: callers audit."""
    rows = list(queryset.values(*ROW_COLUMNS)[offset:offset + limit])
    total = queryset.count() if len(rows) == limit or offset else len(rows)
    if not rows:
        return rows, total
    by_id = {row["id"]: row | {"persons": [], "groups": []} for row in rows}
    ids = ", ".join(["%s"] * len(by_id))
    with connection.cursor() as cursor:
        cursor.execute(_PERSONS_AND_GROUPS.format(ids=ids), [*by_id, *by_id])
        for signal_id, ref, token, kind in cursor.fetchall():
            # A group name is a Fernet token (ADR 0028), a pseudonym plain: two columns,
            # since PostgreSQL does not unite text with bytea.
            by_id[signal_id][kind].append(ref if token is None else crypto.decrypt_text(token))
    for row in by_id.values():
        row["persons"].sort()
        row["groups"].sort(key=str.casefold)
    return list(by_id.values()), total


def _persons_and_groups_sql() -> str:
    """Pseudonyms and group names of a page of signals in one round trip. Plain SQL
    (names from the models) because building this as two ORM querysets was a fifth
    of the API list's CPU; ``{ids}`` is filled with one placeholder per signal."""
    persons, groups = Signal.subjects, Signal.groups
    return (
        f"SELECT l.signal_id, p.ref, NULL, 'persons' FROM {persons.through._meta.db_table} l "  # nosec B608 # names from _meta, values bound
        f"JOIN {Subject._meta.db_table} p ON p.id = l.subject_id WHERE l.signal_id IN ({{ids}}) "
        f"UNION ALL "
        f"SELECT l.signal_id, NULL, g.name, 'groups' FROM {groups.through._meta.db_table} l "
        f"JOIN {SubjectGroup._meta.db_table} g ON g.id = l.subjectgroup_id "
        f"WHERE l.signal_id IN ({{ids}})")


_PERSONS_AND_GROUPS = _persons_and_groups_sql()


def list_signal_rows(user: User, *, request: HttpRequest | None = None,
                     filters: SignalFilters | None = None, offset: int = 0, limit: int = 50,
                     via: str = "api") -> tuple[list[dict[str, Any]], int]:
    """As :func:`list_signals`, as plain rows with the persons' pseudonyms and group names."""
    require_personal(user, request, "signals.signal")
    rows, total = signal_rows(_filtered(signals_for(user), filters or SignalFilters()),
                              offset=offset, limit=limit)
    if not rows:
        return rows, total
    purposes = covenant_purposes(user)
    audit_read(AuditAction.LIST, user=user, request=request,
               purpose="; ".join(sorted({purposes[r["category_id"]] for r in rows})),
               object_type="signals.signal",
               subject_refs=sorted({ref for r in rows for ref in r["persons"]}),
               detail={"via": via, "signals": [r["id"] for r in rows]})
    return rows, total


def search_signals(user: User, *, request: HttpRequest | None = None, name: str = "",
                   date_of_birth: date | None = None, bsn: str = "",
                   filters: SignalFilters | None = None, limit: int = 50,
                   ) -> tuple[list[Signal], int]:
    """Search by person (keyed hash of the normalised identity, never decrypting) and text.

    Every hit is in the one search event; a search without hits shows nothing personal.
    """
    require_personal(user, request, "signals.signal")
    queryset = _filtered(signals_for(user), filters or SignalFilters())
    if bsn:
        queryset = queryset.filter(subjects__bsn_hash=crypto.bsn_hash(bsn))
    elif name:
        queryset = queryset.filter(subjects__match_hash=crypto.person_match_hash(
            name, date_of_birth))
    queryset = queryset.distinct()
    total = queryset.count()
    hits = list(_with_relations(queryset)[:limit])
    # A search by identity is itself a use of personal data: audited with or without
    # hits (how it searched, never the identity searched for).
    audit_read(AuditAction.SEARCH, user=user, request=request,
               purpose=_purpose_of(user, hits) or _all_purposes(user),
               object_type="signals.signal", subject_refs=_subject_refs(hits),
               detail={"signals": [s.pk for s in hits], "hits": total,
                       "by": "bsn" if bsn else "name" if name else "text"})
    return hits, total


def get_signal(user: User, pk: int, *, request: HttpRequest | None = None) -> Signal:
    """One visible signal; ``signal.linked`` maps each of its persons' pseudonyms to the
    pseudonyms of the same person in other linkage domains that the user may also see
    (ADR 0025). One view event covers the persons and their shown links."""
    require_personal(user, request, "signals.signal")
    signal = get_scoped_or_404(_with_relations(signals_for(user)), user=user, request=request,
                               pk=pk)
    signal.linked = linked_subjects(user, list(signal.subjects.all()))  # type: ignore[attr-defined]
    shown = set(_subject_refs([signal])) | {ref for refs in signal.linked.values()  # type: ignore[attr-defined]
                                            for ref in refs}
    audit_read(AuditAction.VIEW, user=user, request=request,
               purpose=_purpose_of(user, [signal]), object_type="signals.signal",
               object_id=signal.pk, subject_refs=sorted(shown))
    return signal


def linked_subjects(user: User, subjects: list[Subject]) -> dict[str, list[str]]:
    """Pseudonym → pseudonyms of the same person recorded in other linkage domains, only
    among persons the user may see anyway: the link is shown to a role that sees both
    sides and to nobody else (ADR 0025).

    Same person: the same BSN hash, or the same name-and-birth-date hash where a date of
    birth was recorded (a name alone is not enough to say two records are one person).
    """
    if not subjects:
        return {}
    bsn_hashes = {s.bsn_hash for s in subjects if s.bsn_hash}
    match_hashes = {s.match_hash for s in subjects}
    candidates = list(subjects_for(user).filter(Q(bsn_hash__in=bsn_hashes)
                                                | Q(match_hash__in=match_hashes))
                      .exclude(pk__in=[s.pk for s in subjects]))
    born = {s.pk: bool(crypto.decrypt_identity(s.identity).get("date_of_birth"))
            for s in [*subjects, *candidates]}
    linked: dict[str, list[str]] = {}
    for subject in subjects:
        refs = sorted(c.ref for c in candidates
                      if (subject.bsn_hash and c.bsn_hash == subject.bsn_hash)
                      or (c.match_hash == subject.match_hash and born[c.pk]
                          and born[subject.pk]))
        if refs:
            linked[subject.ref] = refs
    return linked


def read_attachment(user: User, signal_pk: int, pk: int, *,
                    request: HttpRequest | None = None) -> tuple[Attachment, bytes]:
    """An attachment's decrypted content for a user who may see its signal; one export
    event (the file leaves the application). Outside the user's scope: a denied event
    and 404, as for the signal itself, so neither's existence is revealed."""
    require_personal(user, request, "signals.attachment")
    visible = Attachment.objects.filter(signal__in=signals_for(user)).select_related("signal")
    attachment = get_scoped_or_404(visible, user=user, request=request, pk=pk,
                                   signal_id=signal_pk)
    signal = attachment.signal
    with attachment.file.open("rb") as handle:
        content = crypto.decrypt_bytes(handle.read())
    audit_read(AuditAction.EXPORT, user=user, request=request,
               purpose=_purpose_of(user, [signal]), object_type="signals.attachment",
               object_id=attachment.pk, subject_refs=_subject_refs([signal]),
               detail={"signal": signal.pk, "via": "download"})
    return attachment, content


def export_signals(user: User, *, request: HttpRequest | None = None,
                   filters: SignalFilters | None = None, limit: int = 10_000) -> list[Signal]:
    require_personal(user, request, "signals.signal")
    rows = list(_with_relations(_filtered(signals_for(user), filters or SignalFilters())
                                )[:limit])
    audit_read(AuditAction.EXPORT, user=user, request=request, purpose=_purpose_of(user, rows),
               object_type="signals.signal", subject_refs=_subject_refs(rows),
               detail={"signals": [s.pk for s in rows], "format": "csv"})
    return rows


MAP_MARKERS = 200


def map_markers(user: User, *, request: HttpRequest | None = None,
                filters: SignalFilters | None = None,
                limit: int = MAP_MARKERS) -> list[Signal]:
    """Person-level map markers: only visible signals with a point; audited as a list.
    The page shows every marker returned, so the event records exactly what is shown."""
    if not may_see_personal_data(user):
        return []
    queryset = _filtered(signals_for(user), filters or SignalFilters()).filter(
        x_rd__isnull=False)
    rows = list(_with_relations(queryset)[:limit])
    if rows:
        audit_read(AuditAction.LIST, user=user, request=request,
                   purpose=_purpose_of(user, rows), object_type="signals.signal",
                   subject_refs=_subject_refs(rows),
                   detail={"via": "map", "signals": [s.pk for s in rows]})
    return rows


def identities(subjects: Iterable[Subject]) -> dict[str, dict[str, str]]:
    """Decrypted identity per pseudonym, for subjects already obtained through a selector."""
    return {s.ref: crypto.decrypt_identity(s.identity) for s in subjects}


# --- groups ----------------------------------------------------------------------------

def list_groups(user: User, *, request: HttpRequest | None = None) -> list[SubjectGroup]:
    """Group names and sizes; one list event (the names describe groups of persons).
    Each group carries ``listed_members`` (members the user may see) and
    ``other_members`` (the rest, only from the minimum count up, else None): a total size
    minus the members shown on the group's page would reveal a small number of persons
    kept from the user (ADR 0027)."""
    require_personal(user, request, "signals.subjectgroup")
    visible = subjects_for(user).values("pk")
    groups = list(groups_for(user).annotate(
        member_count=Count("members", distinct=True),
        listed_members=Count("members", filter=Q(members__in=visible), distinct=True)))
    groups = sorted_groups(groups)
    for group in groups:
        group.other_members = feeds.hidden_remainder(  # type: ignore[attr-defined]
            group.member_count, group.listed_members)  # type: ignore[attr-defined]
        del group.member_count  # type: ignore[attr-defined]  # never shown as such
    audit_read(AuditAction.LIST, user=user, request=request, purpose=_all_purposes(user),
               object_type="signals.subjectgroup", subject_refs=[],
               detail={"groups": [g.pk for g in groups]})
    return groups


def record_group_choices_read(user: User, group_ids: list[int], *,
                              request: HttpRequest | None = None) -> None:
    """A form that offers the group names (the registration page) shows the same names
    as the groups page: one list event like ``list_groups``."""
    if not group_ids:
        return
    audit_read(AuditAction.LIST, user=user, request=request, purpose=_all_purposes(user),
               object_type="signals.subjectgroup", subject_refs=[],
               detail={"groups": sorted(group_ids), "via": "registration form"})


def subjects_purpose(user: User, subjects: Iterable[Subject]) -> str:
    """The covenant purposes under which the user sees these persons."""
    purposes = covenant_purposes(user)
    categories = signals_for(user).filter(subjects__in=list(subjects)).values_list(
        "category_id", flat=True).distinct()
    return "; ".join(sorted({purposes[c] for c in categories}))


def get_group(user: User, pk: int, *, request: HttpRequest | None = None,
              audited: bool = True) -> tuple[SubjectGroup, list[Subject], int | None]:
    """The group, its members the user may see, and how many others it has (only from
    the minimum count up, else None: ADR 0027); one view event when any member is
    shown."""
    require_personal(user, request, "signals.subjectgroup")
    group = get_scoped_or_404(groups_for(user), user=user, request=request, pk=pk)
    members = list(subjects_for(user).filter(groups=group))
    hidden = feeds.hidden_remainder(group.members.count(), len(members))
    if members and audited:
        audit_read(AuditAction.VIEW, user=user, request=request,
                   purpose=subjects_purpose(user, members), object_type="signals.subjectgroup",
                   object_id=group.pk, subject_refs=sorted(s.ref for s in members))
    return group, members, hidden


# --- cases ---------------------------------------------------------------------------

def list_cases(user: User, *, request: HttpRequest | None = None) -> list[Case]:
    """The cases the user takes part in; one list event with their ids and purposes."""
    require_personal(user, request, "signals.case", "signals.view_case")
    cases = list(cases_for(user).select_related("lead_organisation", "director"))
    audit_read(AuditAction.LIST, user=user, request=request,
               purpose="; ".join(sorted({c.purpose for c in cases})) or _all_purposes(user),
               object_type="signals.case", subject_refs=[],
               detail={"cases": [c.pk for c in cases]})
    return cases


def hidden_case_signals(case: Case, shown: list[Signal]) -> int | None:
    """How many signals of the case are kept from the user, as it may be told: only from
    the minimum count up, else None (ADR 0027)."""
    return feeds.hidden_remainder(case.signals.count(), len(shown))


def get_case(user: User, pk: int, *, request: HttpRequest | None = None,
             audited: bool = True) -> tuple[Case, list[Signal]]:
    """The case and the signals in it the user may see; one view event."""
    require_personal(user, request, "signals.case", "signals.view_case")
    case = get_scoped_or_404(cases_for(user).select_related("lead_organisation", "director"),
                             user=user, request=request, pk=pk)
    signals = list(_with_relations(signals_for(user).filter(cases=case)))
    if audited:
        audit_read(AuditAction.VIEW, user=user, request=request, purpose=case.purpose,
                   object_type="signals.case", object_id=case.pk,
                   subject_refs=_subject_refs(signals),
                   detail={"signals": [s.pk for s in signals]})
    return case, signals


def case_history(case: Case) -> QuerySet[CaseEvent]:
    return case.history.select_related("actor")


def case_viewers(user: User, case: Case) -> QuerySet[AuditEvent]:
    """Who looked at the case (and who was refused): for its director only."""
    if case.director_id != user.pk:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(object_type="signals.case", object_id=str(case.pk),
                                     action__in=[AuditAction.VIEW,
                                                 AuditAction.PERMISSION_DENIED]
                                     ).order_by("-seq")


# --- access log and subject access export -------------------------------------------

def subjects_for_export(user: User) -> QuerySet[Subject]:
    if not (user.is_authenticated and user.has_perm("signals.export_subject")
            and user.municipality_id):
        return Subject.objects.none()
    return Subject.objects.filter(municipality_id=user.municipality_id)


def find_subjects(user: User, *, request: HttpRequest | None, name: str,
                  date_of_birth: date | None, bsn: str = "") -> list[Subject]:
    """Find a person for an access request by keyed hash; no listing of all persons."""
    require_personal(user, request, "signals.subject", "signals.export_subject")
    queryset = subjects_for_export(user)
    if bsn:
        found = list(queryset.filter(bsn_hash=crypto.bsn_hash(bsn)))
    else:
        found = list(queryset.filter(match_hash=crypto.person_match_hash(name,
                                                                         date_of_birth)))
    # Audited with or without a hit: looking a person up is a use of personal data.
    audit_read(AuditAction.SEARCH, user=user, request=request,
               purpose=SUBJECT_EXPORT_PURPOSE, object_type="signals.subject",
               subject_refs=[s.ref for s in found],
               detail={"hits": len(found), "by": "bsn" if bsn else "name"})
    return found


def access_log(subject_refs: list[str]) -> QuerySet[AuditEvent]:
    """Every recorded access to these pseudonyms: the person index and the events
    naming one of them."""
    seqs = SubjectAccess.objects.filter(subject_ref__in=subject_refs).values("event_seq")
    return AuditEvent.objects.filter(Q(seq__in=seqs) | Q(subject_ref__in=subject_refs)
                                     ).order_by("seq")


def access_requests_for(user: User) -> QuerySet[SubjectAccessRequest]:
    if not (user.is_authenticated and user.has_perm("signals.export_subject")
            and user.municipality_id):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(municipality_id=user.municipality_id)


def get_access_request(user: User, pk: int, *,
                       request: HttpRequest | None = None) -> SubjectAccessRequest:
    require_personal(user, request, "signals.subjectaccessrequest", "signals.export_subject")
    return get_scoped_or_404(access_requests_for(user).select_related(
        "registered_by", "reviewed_by"), user=user, request=request, pk=pk,
        purpose=SUBJECT_EXPORT_PURPOSE)


def requester_of(access_request: SubjectAccessRequest) -> str:
    return crypto.decrypt_bytes(access_request.requester).decode()


def _subject_document(subjects: list[Subject], *, content: bool = True) -> dict[str, Any]:
    """Everything held about one person under its pseudonyms (all categories: the
    controller answers a legal right): identity, groups, signals with their attachments
    (content included), cases with their history, and every recorded access."""
    refs = [s.ref for s in subjects]
    signals = list(_with_relations(Signal.objects.filter(subjects__in=subjects).distinct())
                   .prefetch_related("attachments", "subjects"))
    cases = list(Case.objects.filter(signals__in=signals).distinct()
                 .select_related("lead_organisation")
                 .prefetch_related("history__actor__organisation"))
    log = list(access_log(refs).values(
        "seq", "created_at", "actor_username", "organisation__name", "action", "purpose",
        "outcome", "object_type", "object_id", "detail"))
    return {
        "persons": [{"pseudonym": s.ref, "identity": crypto.decrypt_identity(s.identity),
                     "groups": [{"id": g.pk, "name": g.name,
                                 "signals": sorted(x.pk for x in g.signals.all())}
                                for g in sorted_groups(s.groups.all())],
                     "signals": sorted(x.pk for x in signals
                                       if s.ref in {p.ref for p in x.subjects.all()})}
                    for s in subjects],
        "signals": [{
            "item": f"signal:{s.pk}", "id": s.pk, "category": s.category.name,
            "pillar": s.pillar, "observed_on": s.observed_on.isoformat(),
            "description": s.description, "reliability": s.reliability,
            "sensitivity": s.sensitivity, "area": s.area.code if s.area else "",
            "address": s.address, "registered_by": s.organisation.name,
            "persons": sorted(p.ref for p in s.subjects.all() if p.ref in refs),
            "attachments": [_attachment_entry(a, content) for a in s.attachments.all()],
        } for s in signals],
        "cases": [{
            "item": f"case:{c.pk}", "id": c.pk, "title": c.title, "purpose": c.purpose,
            "status": c.status, "lead_organisation": c.lead_organisation.name,
            "history": [{"at": e.at.isoformat(), "kind": e.kind,
                         "from_status": e.from_status, "to_status": e.to_status,
                         "reason": e.reason,
                         "by": e.actor.organisation.name
                         if e.actor and e.actor.organisation else ""}
                        for e in c.history.all()],
        } for c in cases],
        "access_log": [entry | {"created_at": entry["created_at"].isoformat()}
                       for entry in log],
    }


def _public_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document as shown: group names only, no internal read details."""
    return document | {
        "persons": [{"pseudonym": p["pseudonym"], "identity": p["identity"],
                     "groups": [g["name"] for g in p["groups"]]}
                    for p in document["persons"]],
        "access_log": [{k: v for k, v in e.items() if k != "detail"}
                       for e in document["access_log"]]}


def _withhold(document: dict[str, Any], withheld: set[str]) -> dict[str, Any]:
    """The document without the withheld items and without everything that would tell
    of them (ADR 0026): a pseudonym whose every signal is withheld (its identity and
    groups), a group tied to no released signal, and every access-log entry about a
    withheld item: reads naming it by id, list/search reads that showed only withheld
    signals, downloads of attachments of withheld signals, and reads that concern only
    hidden pseudonyms."""
    hidden_signals = {s["id"] for s in document["signals"] if s["item"] in withheld}
    hidden_attachments = {a["id"] for s in document["signals"] for a in s["attachments"]
                          if a["item"] in withheld or s["id"] in hidden_signals}
    hidden_cases = {c["id"] for c in document["cases"] if c["item"] in withheld}
    released_signals = {s["id"] for s in document["signals"]} - hidden_signals
    persons = [p for p in document["persons"]
               if not p["signals"] or set(p["signals"]) - hidden_signals]
    hidden_refs = ({p["pseudonym"] for p in document["persons"]}
                   - {p["pseudonym"] for p in persons})
    visible_refs = {p["pseudonym"] for p in persons}
    hidden_ids = {"signals.signal": {str(i) for i in hidden_signals},
                  "signals.attachment": {str(i) for i in hidden_attachments},
                  "signals.case": {str(i) for i in hidden_cases}}

    def tells_of_withheld(entry: dict[str, Any]) -> bool:
        if entry["object_id"] in hidden_ids.get(entry["object_type"], ()):
            return True
        detail = entry.get("detail") or {}
        shown = set(detail.get("signals") or [])
        if shown and shown <= hidden_signals:
            return True
        named = set(detail.get(INDEX_KEY) or [])
        return bool(named) and named <= hidden_refs and not named & visible_refs

    return document | {
        "persons": [{"pseudonym": p["pseudonym"], "identity": p["identity"],
                     "groups": [g["name"] for g in p["groups"]
                                if set(g["signals"]) & released_signals
                                or not set(p["signals"]) & hidden_signals]}
                    for p in persons],
        "signals": [s | {"attachments": [a for a in s["attachments"]
                                         if a["id"] not in hidden_attachments],
                         "persons": [r for r in s["persons"] if r in visible_refs]}
                    for s in document["signals"] if s["id"] not in hidden_signals],
        "cases": [c for c in document["cases"] if c["id"] not in hidden_cases],
        "access_log": [{k: v for k, v in e.items() if k != "detail"}
                       for e in document["access_log"] if not tells_of_withheld(e)]}


def _attachment_entry(attachment: Attachment, content: bool) -> dict[str, Any]:
    entry = {"item": f"attachment:{attachment.pk}", "id": attachment.pk,
             "name": attachment.original_name, "content_type": attachment.content_type,
             "size": attachment.size}
    if content:
        with attachment.file.open("rb") as handle:
            entry["content_base64"] = base64.b64encode(
                crypto.decrypt_bytes(handle.read())).decode()
    return entry


def request_items(access_request: SubjectAccessRequest) -> set[str]:
    """The items of a request's document a reviewer may withhold: signals, their
    attachments, cases (with their history)."""
    document = _subject_document(_request_subjects(access_request), content=False)
    items = {s["item"] for s in document["signals"]} | {c["item"] for c in document["cases"]}
    return items | {a["item"] for s in document["signals"] for a in s["attachments"]}


def _request_subjects(access_request: SubjectAccessRequest) -> list[Subject]:
    return list(Subject.objects.filter(municipality_id=access_request.municipality_id,
                                       ref__in=access_request.subject_refs))


def _request_header(access_request: SubjectAccessRequest) -> dict[str, Any]:
    return {"id": access_request.pk, "reason": access_request.reason,
            "received_on": access_request.received_on.isoformat(),
            "answered_at": access_request.answered_at.isoformat()
            if access_request.answered_at else None}


def access_request_draft(user: User, access_request: SubjectAccessRequest, *,
                         request: HttpRequest | None = None) -> dict[str, Any]:
    """The whole document, for the reviewer who decides what to withhold; one view
    event (the reviewer reads everything)."""
    require_personal(user, request, "signals.subjectaccessrequest", "signals.export_subject")
    document = _public_document(_subject_document(_request_subjects(access_request)))
    audit_read(AuditAction.VIEW, user=user, request=request, purpose=SUBJECT_EXPORT_PURPOSE,
               object_type="signals.subjectaccessrequest", object_id=access_request.pk,
               subject_refs=access_request.subject_refs, detail={"via": "review"})
    return document


def record_request_read(user: User, access_request: SubjectAccessRequest, *,
                        request: HttpRequest | None = None) -> None:
    """The request page after release still shows who asked and the pseudonyms: a read."""
    require_personal(user, request, "signals.subjectaccessrequest", "signals.export_subject")
    audit_read(AuditAction.VIEW, user=user, request=request, purpose=SUBJECT_EXPORT_PURPOSE,
               object_type="signals.subjectaccessrequest", object_id=access_request.pk,
               subject_refs=access_request.subject_refs, detail={"via": "request page"})


def released_export(user: User, access_request: SubjectAccessRequest, *,
                    request: HttpRequest | None = None) -> dict[str, Any]:
    """The released answer: the document without the withheld items. It says that data
    was withheld and on what grounds, not which items (under the Wpg, naming them could
    itself disclose police data). One export event."""
    require_personal(user, request, "signals.subjectaccessrequest", "signals.export_subject")
    if access_request.status != AccessRequestStatus.RELEASED:
        deny(user, request, "signals.subjectaccessrequest", "export before release")
    document = _withhold(_subject_document(_request_subjects(access_request)),
                         {w["item"] for w in access_request.withheld})
    withheld = {w["item"] for w in access_request.withheld}
    document["request"] = _request_header(access_request)
    document["withheld_grounds"] = sorted({w["reason"] for w in access_request.withheld})
    audit_read(AuditAction.EXPORT, user=user, request=request, purpose=SUBJECT_EXPORT_PURPOSE,
               object_type="signals.subjectaccessrequest", object_id=access_request.pk,
               subject_refs=access_request.subject_refs,
               detail={"format": "subject_access", "withheld": sorted(withheld)})
    return document
