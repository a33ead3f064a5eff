"""The authorisation matrix: every signals page, export, API endpoint and admin page,
and the writes that change who may see what, asked by a user who is allowed (the
baseline) and by users and about targets that differ from the baseline in exactly ONE
thing: the organisation that registered the target, its category, its municipality,
the user's role, the user's organisation leaving the covenant, or the second factor.

A rule that ignores one of those facts (e.g. "own organisation only" instead of the
covenant's categories) shows up as a wrong cell, because no other fact changes with it
(ADR 0029 lists the mutations this was checked with).

Extension points (tables of cases, see their docstrings):
- ``ENDPOINTS``: reads (pages, exports, API, admin pages) — add the look-up and
  aggregate endpoints here;
- ``WRITE_CASES``: writes whose effect or answer is checked per cell — add
  "registration used as a look-up" cases here;
- ``CELLS``: the variations; ``Facts`` the one fact each varies;
- ``KNOWN_OPEN``: cells where the code still breaks the rule, named after the breach of
  issue 10 that another branch closes. A cell listed there that starts to pass fails
  the test, so the entry is removed with the fix; ``AUDIT_KNOWN_OPEN`` likewise for
  reads that still leave no event.

Every allowed read of personal data must also leave its read event (``Endpoint.audit``),
so removing the audit call of one read turns its row red too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.db.models import Max
from django.test import Client

from tests.clients import client_for
from tests.core.admin_forms import admin_form_data
from tests.signals.matrix_world import (
    BIRTH,
    DIRECTOR,
    ROLES,
    MatrixWorld,
    Target,
    build_matrix_world,
)
from wijkregie.core import roles
from wijkregie.core.models import AuditAction, AuditEvent
from wijkregie.signals import selectors
from wijkregie.signals.models import Category, CovenantRule

pytestmark = pytest.mark.django_db


# --- the facts a cell varies, and the rules that decide them -----------------------------

@dataclass(frozen=True)
class Facts:
    """What decides access. The baseline has every fact true (and its endpoint's role)."""

    role: str
    # the target was registered by the user's organisation (its case shared with it)
    registrant_own: bool = True
    category_shared: bool = True  # the covenant shares the target's category with it
    same_municipality: bool = True  # the target is in the user's municipality
    in_covenant: bool = True  # the user's organisation takes part in the covenant
    second_factor: bool = True  # the session passed the second factor
    director: bool = False  # the user directs the target's case


def _has(f: Facts, perm: str) -> bool:
    return perm in roles.ROLE_PERMISSIONS[f.role]


def _staff(role: str) -> bool:
    return role in (roles.ADMINISTRATOR, roles.PLATFORM_ADMINISTRATOR)


def _verified(f: Facts) -> bool:
    needs = _staff(f.role) or bool(roles.ROLE_PERMISSIONS[f.role]
                                   & roles.SECOND_FACTOR_PERMISSIONS)
    return f.second_factor or not needs


def aggregates(f: Facts) -> bool:
    """Minimum-count aggregates: the own municipality; programme viewers all."""
    return _has(f, "signals.view_signal") and (
        f.same_municipality or f.role == roles.PROGRAMME_VIEWER)


def covenant(f: Facts) -> bool:
    """Personal data: the covenant shares the category with the user's organisation,
    which takes part; the registering organisation does not matter."""
    return (_has(f, "signals.view_personal_signals") and f.same_municipality
            and f.category_shared and f.in_covenant and _verified(f))


def municipal_personal(f: Facts) -> bool:
    """Groups (names and sizes) belong to the municipality, not to a category."""
    return _has(f, "signals.view_personal_signals") and f.same_municipality and _verified(f)


def case_participant(f: Facts) -> bool:
    """A case: its organisations (or director), while they take part in the covenant."""
    return (_has(f, "signals.view_personal_signals") and _has(f, "signals.view_case")
            and f.same_municipality and (f.registrant_own or f.director)
            and f.in_covenant and _verified(f))


def case_plan_participant(f: Facts) -> bool:
    """A case's plan (regie): exactly as the case, for roles that may read case plans."""
    return case_participant(f) and _has(f, "regie.view_caseplan")


def case_director_only(f: Facts) -> bool:
    return case_participant(f) and f.director


def subject_export(f: Facts) -> bool:
    """The controller answers a data subject about all categories of its municipality."""
    return _has(f, "signals.export_subject") and f.same_municipality and _verified(f)


def administration(f: Facts) -> bool:
    """The admin: administrators of the target's municipality, or the platform's."""
    return _staff(f.role) and _verified(f) and (
        f.same_municipality or f.role == roles.PLATFORM_ADMINISTRATOR)


# --- the cells -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    name: str
    target: str = "baseline"
    role: str | None = None  # None: the endpoint's baseline role
    leave_covenant: bool = False
    second_factor: bool = True

    def facts(self, baseline_role: str) -> Facts:
        role = self.role or baseline_role
        base = Facts(role=roles.CASE_DIRECTOR if role == DIRECTOR else role,
                     director=role == DIRECTOR)
        return replace(base, registrant_own=self.target != "registrant",
                       category_shared=self.target != "category",
                       same_municipality=self.target != "municipality",
                       in_covenant=not self.leave_covenant, second_factor=self.second_factor)


CELLS = [
    Cell("baseline"),
    Cell("registered by another organisation", target="registrant"),
    Cell("category not shared", target="category"),
    Cell("another municipality", target="municipality"),
    Cell("organisation left the covenant", leave_covenant=True),
    Cell("no second factor", second_factor=False),
    *[Cell(f"role {role}", role=role) for role in ROLES],
    Cell(f"role {DIRECTOR}", role=DIRECTOR),
]

# (endpoint or write case, cell) → the breach of issue 10 still open there.
KNOWN_OPEN: dict[tuple[str, str], str] = {}


# Endpoints that show personal data but write no read event yet; an allowed cell that
# starts writing one fails the test, so the entry is removed (and ``audit`` set) with
# the fix.
AUDIT_KNOWN_OPEN: dict[str, str] = {}
READ_ACTIONS = (AuditAction.VIEW, AuditAction.LIST, AuditAction.SEARCH, AuditAction.EXPORT)


def _audit_problem(endpoint: Endpoint, user, target: Target, after_seq: int) -> str:  # type: ignore[no-untyped-def]
    """What is wrong with the read events an allowed answer left ("" if nothing)."""
    reads = AuditEvent.objects.filter(seq__gt=after_seq, actor=user, action__in=READ_ACTIONS)
    if endpoint.name in AUDIT_KNOWN_OPEN:
        return ("now audited: set audit and remove from AUDIT_KNOWN_OPEN "
                f"({AUDIT_KNOWN_OPEN[endpoint.name]})" if reads.exists() else "")
    if endpoint.audit == EVENT and not reads.exists():
        return "allowed without a read event"
    if endpoint.audit == PERSON and not selectors.access_log([target.subject_ref]).filter(
            seq__gt=after_seq, actor=user, action__in=READ_ACTIONS).exists():
        return "allowed without a read event in the person's access log"
    return ""


# --- how a response says allowed -------------------------------------------------------------

def status_says(response, target: Target) -> bool:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 302, 403, 404), response.status_code
    return response.status_code == 200


def shows(marker: Callable[[Target], str]) -> Callable:
    def check(response, target: Target) -> bool:  # type: ignore[no-untyped-def]
        return status_says(response, target) and marker(target) in response.content.decode()
    return check


def _signal_marker(t: Target) -> str:
    return f"S-{t.signal.pk}<"


# --- reads -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """A read. ``url`` asks it about a target; ``rule`` decides from the facts;
    ``allowed`` reads the answer; ``baseline`` is the role for which the baseline cell
    is allowed."""

    name: str
    url: Callable[[Target], str]
    rule: Callable[[Facts], bool]
    allowed: Callable[[Any, Target], bool]
    baseline: str = roles.PARTNER_WORKER
    # What an allowed answer must leave on the audit trail: PERSON (a read event that
    # the target person's access log shows), EVENT (a read event), or nothing to check.
    audit: str = ""


PERSON, EVENT = "person", "event"

ENDPOINTS = [
    # aggregates
    Endpoint("overview page", lambda t: f"/signals/?municipality={t.municipality.code}",
             aggregates, shows(lambda t: f"<small>{t.municipality.name}</small>")),
    Endpoint("grid map", lambda t: f"/signals/map/?municipality={t.municipality.code}",
             aggregates, shows(lambda t: f"<small>{t.municipality.name}</small>")),
    Endpoint("aggregates API",
             lambda t: f"/api/aggregates/monthly/?municipality={t.municipality.code}",
             aggregates, status_says),
    # personal data under the covenant
    Endpoint("signal list", lambda t: f"/signals/list/?text={quote(t.signal.description)}",
             covenant, shows(_signal_marker), audit=PERSON),
    Endpoint("person search",
             lambda t: f"/signals/search/?name={quote(t.person_name)}&date_of_birth={BIRTH}",
             covenant, shows(_signal_marker), audit=PERSON),
    Endpoint("signal detail", lambda t: f"/signals/{t.signal.pk}/", covenant, status_says,
             audit=PERSON),
    Endpoint("attachment download",
             lambda t: f"/signals/{t.signal.pk}/attachments/{t.attachment.pk}/", covenant,
             lambda r, t: status_says(r, t) and r.content == b"%PDF-1.4 matrix", audit=PERSON),
    Endpoint("map markers", lambda t: f"/signals/map/?municipality={t.municipality.code}",
             covenant, shows(_signal_marker), audit=PERSON),
    Endpoint("CSV export", lambda t: f"/signals/export.csv?text={quote(t.signal.description)}",
             covenant, shows(lambda t: f"\n{t.signal.pk},"), audit=PERSON),
    Endpoint("signals API list", lambda t: f"/api/signals/?q={quote(t.signal.description)}",
             covenant, shows(lambda t: f'"id":{t.signal.pk},'), audit=PERSON),
    Endpoint("signals API detail", lambda t: f"/api/signals/{t.signal.pk}/", covenant,
             status_says, audit=PERSON),
    Endpoint("group member names", lambda t: f"/signals/groups/{t.group.pk}/", covenant,
             shows(lambda t: t.person_name), audit=PERSON),
    # groups and cases
    Endpoint("group list", lambda t: "/signals/groups/", municipal_personal,
             shows(lambda t: f">{t.group.name}<"), audit=EVENT),
    Endpoint("group detail", lambda t: f"/signals/groups/{t.group.pk}/", municipal_personal,
             shows(lambda t: f"<small>{t.group.name}</small>")),
    Endpoint("case list", lambda t: "/signals/cases/", case_participant,
             shows(lambda t: f">C-{t.case.pk} "), audit=EVENT),
    Endpoint("case detail", lambda t: f"/signals/cases/{t.case.pk}/", case_participant,
             status_says, audit=EVENT),
    # the case's integrated plan (regie): need-to-know as the case, every read audited
    Endpoint("case plan", lambda t: f"/regie/cases/{t.case.pk}/plan/", case_plan_participant,
             shows(lambda t: f"C-{t.case.pk}"), audit=EVENT),
    Endpoint("case access log", lambda t: f"/signals/cases/{t.case.pk}/access-log/",
             case_director_only, status_says, baseline=DIRECTOR),
    # the data subject's access export
    Endpoint("subject access page", lambda t: f"/signals/subjects/?name={quote(t.person_name)}"
             f"&date_of_birth={BIRTH}", subject_export, shows(lambda t: t.subject_ref),
             baseline=roles.ADMINISTRATOR, audit=EVENT),
    Endpoint("subject access request",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/", subject_export,
             status_says, baseline=roles.ADMINISTRATOR),
    Endpoint("subject export JSON",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/export.json",
             subject_export, status_says, baseline=roles.ADMINISTRATOR, audit=PERSON),
    Endpoint("subject export document",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/export.html",
             subject_export, status_says, baseline=roles.ADMINISTRATOR, audit=PERSON),
    # the admin: who may see what
    Endpoint("admin user page", lambda t: f"/admin/core/user/{t.account.pk}/change/",
             administration, shows(lambda t: t.account.username), baseline=roles.ADMINISTRATOR),
    Endpoint("admin user list", lambda t: f"/admin/core/user/?q={t.account.username}",
             administration, shows(lambda t: f">{t.account.username}<"),
             baseline=roles.ADMINISTRATOR),
    Endpoint("admin covenant page", lambda t: f"/admin/signals/covenant/{t.covenant.pk}/change/",
             administration, shows(lambda t: t.covenant.name), baseline=roles.ADMINISTRATOR),
]


# --- writes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WriteCase:
    """A write asked of a target in each cell. ``prepare`` returns the request to send
    (path, data), built before the cell's user acts (e.g. from the admin form as a
    platform administrator shows it); ``done`` says from the database and the response
    whether the write took effect (or the answer revealed what it must not). Each cell
    runs in a savepoint that is rolled back."""

    name: str
    prepare: Callable[[MatrixWorld, Target], tuple[str, dict[str, Any]]]
    rule: Callable[[Facts], bool]
    done: Callable[[Any, Target], bool]
    baseline: str = roles.ADMINISTRATOR


def _platform_form(world: MatrixWorld, path: str) -> dict[str, Any]:
    return admin_form_data(_client(world.users[roles.PLATFORM_ADMINISTRATOR]).get(path))


def _rename_account(world: MatrixWorld, t: Target) -> tuple[str, dict[str, Any]]:
    path = f"/admin/core/user/{t.account.pk}/change/"
    return path, _platform_form(world, path) | {"first_name": "MATRIX-CHANGED"}


def _add_rule(world: MatrixWorld, t: Target) -> tuple[str, dict[str, Any]]:
    path = f"/admin/signals/covenant/{t.covenant.pk}/change/"
    data = _platform_form(world, path)
    new = int(data["rules-INITIAL_FORMS"])
    # Care signals for the police: a rule the demo covenants do not have.
    data |= {f"rules-{new}-category": str(Category.objects.get(key="zorgsignaal").pk),
             f"rules-{new}-organisation": str(world.police.pk),
             f"rules-{new}-purpose": "MATRIX-RULE"}
    return path, data


WRITE_CASES = [
    WriteCase("admin: change a user account", _rename_account, administration,
              lambda r, t: type(t.account).objects.get(pk=t.account.pk).first_name
              == "MATRIX-CHANGED"),
    WriteCase("admin: add a covenant rule", _add_rule, administration,
              lambda r, t: CovenantRule.objects.filter(purpose="MATRIX-RULE").exists()),
]


# --- running the cells -------------------------------------------------------------------------

_client = client_for


def _cells_for(baseline: str) -> list[Cell]:
    # The role cell equal to the baseline would repeat the baseline.
    return [c for c in CELLS if c.role != baseline]


def _run(world: MatrixWorld, name: str, baseline: str, rule: Callable[[Facts], bool],
         ask: Callable[[Client, Target], bool],
         check_audit: Callable[[Any, Target, int], str] | None = None) -> None:
    wrong, still_open = [], []
    clients: dict[tuple[str, bool], Client] = {}
    for cell in _cells_for(baseline):
        role = cell.role or baseline
        key = (role, cell.second_factor)
        if key not in clients:
            clients[key] = _client(world.users[role], second_factor=cell.second_factor)
        expected = rule(cell.facts(baseline))
        target = world.targets[cell.target]
        with transaction.atomic():
            if cell.leave_covenant:
                world.own_covenant.participants.remove(world.police)
            after_seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
            actual = ask(clients[key], target)
            problem = check_audit(world.users[role], target, after_seq) \
                if check_audit and actual else ""
            transaction.set_rollback(True)
        if problem:
            wrong.append(f"{cell.name}: {problem}")
        known = KNOWN_OPEN.get((name, cell.name))
        if known and actual == expected:
            still_open.append(f"{cell.name}: now as the rule says; remove from KNOWN_OPEN "
                              f"({known})")
        elif actual != expected and not known:
            wrong.append(f"{cell.name}: expected {'allowed' if expected else 'denied'}")
    assert rule(CELLS[0].facts(baseline)), f"{name}: the baseline must be allowed"
    assert not wrong and not still_open, f"{name}:\n" + "\n".join(wrong + still_open)


@pytest.fixture
def world(demo) -> MatrixWorld:  # type: ignore[no-untyped-def]
    return build_matrix_world(demo)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_authorisation_matrix(world: MatrixWorld, endpoint: Endpoint):
    _run(world, endpoint.name, endpoint.baseline, endpoint.rule,
         lambda client, target: endpoint.allowed(client.get(endpoint.url(target)), target),
         lambda user, target, after_seq: _audit_problem(endpoint, user, target, after_seq))


@pytest.mark.parametrize("case", WRITE_CASES, ids=[c.name for c in WRITE_CASES])
def test_authorisation_matrix_writes(world: MatrixWorld, case: WriteCase):
    requests = {key: case.prepare(world, target) for key, target in world.targets.items()}

    def ask(client: Client, target: Target) -> bool:
        path, data = requests[target.key]
        return case.done(client.post(path, data), target)

    _run(world, case.name, case.baseline, case.rule, ask)


def test_each_cell_varies_exactly_one_fact():
    """Every cell but the baseline differs from the baseline in one fact, and every
    fact is varied by some cell (roles: every role)."""
    baseline = CELLS[0].facts(roles.PARTNER_WORKER)
    varied = set()
    for cell in _cells_for(roles.PARTNER_WORKER)[1:]:
        facts = cell.facts(roles.PARTNER_WORKER)
        differing = {name for name in Facts.__dataclass_fields__
                     if getattr(facts, name) != getattr(baseline, name)}
        if cell.role == DIRECTOR:
            assert differing == {"role", "director"}, cell  # the director's one identity
        else:
            assert len(differing) == 1, (cell, differing)
        varied |= differing
    assert varied == set(Facts.__dataclass_fields__)
    assert {c.role for c in CELLS if c.role} == set(ROLES) | {DIRECTOR}


def test_matrix_covers_every_signals_page_and_api_read(world: MatrixWorld):
    """A new page or endpoint must be added to the table (or listed as an action)."""
    from urllib.parse import urlsplit

    from django.urls import get_resolver, resolve

    target = world.targets["baseline"]
    matches = [resolve(urlsplit(e.url(target)).path) for e in ENDPOINTS
               if not e.name.startswith("admin ")]
    in_table = {m.url_name for m in matches if m.namespace != "regie"}
    # The regie pages that show a case: its plan.
    assert {m.url_name for m in matches if m.namespace == "regie"} == {"case-plan"}
    # Forms and actions (writes), tested in test_services, test_groups, test_api and
    # test_totp.
    actions = {"register", "group-create", "case-create", "case-bundle", "case-transition",
               "totp-verify", "totp-enrol", "api-signals-import"}
    pages = {name for name in get_resolver().namespace_dict["signals"][1].reverse_dict
             if isinstance(name, str)}
    api = {p.name for p in get_resolver().url_patterns
           if getattr(p, "urlconf_name", None) is not None
           and getattr(p.urlconf_name, "__name__", "") == "wijkregie.signals.api_urls"
           for p in p.url_patterns}
    assert api, "the API URLs were not found"
    assert (pages | api) - actions == in_table
