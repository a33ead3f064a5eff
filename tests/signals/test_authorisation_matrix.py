"""The authorisation matrix: every signals/cases page, API endpoint and export × every
role × own / other organisation × own / other municipality → allowed or denied.

One table (ENDPOINTS) names each endpoint, how to ask it about a target and which rule
decides; the expected outcome comes from the role table and the covenant, the observed
one from real requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.test import Client

from tests.signals.conftest import BIRTH, ROLES, Target, World
from wijkregie.core import roles

pytestmark = pytest.mark.django_db


def _perms(role: str) -> set[str]:
    return roles.ROLE_PERMISSIONS[role]


# Rules: (role, organisation own/other, municipality own/other) → allowed?
def aggregates(role: str, org: str, muni: str) -> bool:
    return "signals.view_signal" in _perms(role) and (
        muni == "own" or role == roles.PROGRAMME_VIEWER)


def covenant(role: str, org: str, muni: str) -> bool:
    # Own organisation's target is of a category shared with it; the other's is not.
    return ("signals.view_personal_signals" in _perms(role) and role != roles.PROGRAMME_VIEWER
            and org == "own" and muni == "own")


def municipal_personal(role: str, org: str, muni: str) -> bool:
    # Groups belong to the municipality, not to a covenant category.
    return ("signals.view_personal_signals" in _perms(role) and role != roles.PROGRAMME_VIEWER
            and muni == "own")


def case_participant(role: str, org: str, muni: str) -> bool:
    return "signals.view_case" in _perms(role) and org == "own" and muni == "own"


def case_director_only(role: str, org: str, muni: str) -> bool:
    return False  # the matrix users are never the director of the targets


def subject_export(role: str, org: str, muni: str) -> bool:
    return "signals.export_subject" in _perms(role) and muni == "own"


def status_says(response) -> bool:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200


def shows(marker: Callable[[Target], str]) -> Callable:
    def check(response, target: Target) -> bool:  # type: ignore[no-untyped-def]
        assert response.status_code in (200, 403), response.status_code
        return response.status_code == 200 and marker(target) in response.content.decode()
    return check


def found_showing(marker: Callable[[Target], str]) -> Callable:
    """A page of one object: 404 (out of scope) counts as denied."""
    def check(response, target: Target) -> bool:  # type: ignore[no-untyped-def]
        return status_says(response) and marker(target) in response.content.decode()
    return check


def _signal_marker(t: Target) -> str:
    return f"S-{t.signal.pk}<"


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable[[Target], str]
    rule: Callable[[str, str, str], bool]
    allowed: Callable  # (response, target) -> bool


ENDPOINTS = [
    Endpoint("overview page", lambda t: f"/signals/?municipality={t.municipality.code}",
             aggregates, shows(lambda t: f"<small>{t.municipality.name}</small>")),
    Endpoint("grid map", lambda t: f"/signals/map/?municipality={t.municipality.code}",
             aggregates, shows(lambda t: f"<small>{t.municipality.name}</small>")),
    Endpoint("aggregates API",
             lambda t: f"/api/aggregates/monthly/?municipality={t.municipality.code}",
             aggregates, lambda r, t: status_says(r)),
    Endpoint("signal list", lambda t: f"/signals/list/?text={quote(t.signal.description)}",
             covenant, shows(_signal_marker)),
    Endpoint("person search",
             lambda t: f"/signals/search/?name={quote(t.person_name)}&date_of_birth={BIRTH}",
             covenant, shows(_signal_marker)),
    Endpoint("signal detail", lambda t: f"/signals/{t.signal.pk}/", covenant,
             lambda r, t: status_says(r)),
    Endpoint("attachment download",
             lambda t: f"/signals/{t.signal.pk}/attachments/{t.attachment.pk}/", covenant,
             lambda r, t: status_says(r) and r.content == b"%PDF-1.4 matrix"),
    Endpoint("map markers", lambda t: f"/signals/map/?municipality={t.municipality.code}",
             covenant, shows(_signal_marker)),
    Endpoint("CSV export", lambda t: f"/signals/export.csv?text={quote(t.signal.description)}",
             covenant, shows(lambda t: f"\n{t.signal.pk},")),
    Endpoint("signals API list", lambda t: f"/api/signals/?q={quote(t.signal.description)}",
             covenant, shows(lambda t: f'"id":{t.signal.pk},')),
    Endpoint("signals API detail", lambda t: f"/api/signals/{t.signal.pk}/", covenant,
             lambda r, t: status_says(r)),
    Endpoint("group list", lambda t: "/signals/groups/", municipal_personal,
             shows(lambda t: f">{t.group.name}<")),
    Endpoint("group detail", lambda t: f"/signals/groups/{t.group.pk}/", municipal_personal,
             found_showing(lambda t: f"<small>{t.group.name}</small>")),
    Endpoint("group member names", lambda t: f"/signals/groups/{t.group.pk}/", covenant,
             found_showing(lambda t: t.person_name)),
    Endpoint("case list", lambda t: "/signals/cases/", case_participant,
             shows(lambda t: f">C-{t.case.pk} ")),
    Endpoint("case detail", lambda t: f"/signals/cases/{t.case.pk}/", case_participant,
             lambda r, t: status_says(r)),
    Endpoint("case access log", lambda t: f"/signals/cases/{t.case.pk}/access-log/",
             case_director_only, lambda r, t: status_says(r)),
    Endpoint("subject access page", lambda t: f"/signals/subjects/?name={quote(t.person_name)}"
             f"&date_of_birth={BIRTH}", subject_export, shows(lambda t: t.subject_ref)),
    Endpoint("subject access request",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/", subject_export,
             lambda r, t: status_says(r)),
    Endpoint("subject export JSON",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/export.json",
             subject_export, lambda r, t: status_says(r)),
    Endpoint("subject export document",
             lambda t: f"/signals/subjects/requests/{t.access_request.pk}/export.html",
             subject_export, lambda r, t: status_says(r)),
]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    from wijkregie.signals.totp import SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = user.pk
    session.save()
    return client


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_authorisation_matrix(world: World, endpoint: Endpoint):
    mismatches = []
    for role in ROLES:
        client = _client(world.users[role])
        for (org, muni), target in world.targets.items():
            expected = endpoint.rule(role, org, muni)
            actual = endpoint.allowed(client.get(endpoint.url(target)), target)
            if actual != expected:
                mismatches.append(f"{role} × {org} organisation × {muni} municipality: "
                                  f"expected {'allowed' if expected else 'denied'}")
    assert not mismatches, "\n".join(mismatches)


def test_matrix_covers_every_signals_page_and_api_read(world: World):
    """A new page or endpoint must be added to the table (or listed as an action)."""
    from urllib.parse import urlsplit

    from django.urls import get_resolver, resolve

    target = world.targets[("own", "own")]
    in_table = {resolve(urlsplit(e.url(target)).path).url_name for e in ENDPOINTS}
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
