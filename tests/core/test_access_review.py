"""The yearly access review (BIO): scope, last use from the audit trail, the flags, the
page and its CSV behind the second factor, their audit events, and the command."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.clients import client_for
from tests.core.administration_world import AdminWorld, build_world
from wijkregie.core import access_review, audit
from wijkregie.core.models import AuditAction, AuditEvent, User
from wijkregie.signals import services
from wijkregie.signals.models import PartnerToken, TotpDevice

pytestmark = pytest.mark.django_db
URL = "/beheer/toegangsreview/"


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


_client = client_for


def _rows(user: User, **kwargs) -> dict[str, access_review.AccountReview]:  # type: ignore[no-untyped-def]
    return {r.username: r for r in
            access_review.review(access_review.accounts_for(user), **kwargs)}


def _review_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, purpose="access review"))


def test_an_administrator_of_a_reviews_a_and_never_b(world):
    seen = set(_rows(world.users["admin:A"]))
    assert {"beheer-a", "agent-a"} <= seen
    assert not seen & {"beheer-b", "agent-b", "platform"}
    assert set(_rows(world.users["platform"])) >= {"beheer-a", "agent-a", "beheer-b",
                                                   "agent-b", "platform"}


def test_the_page_of_a_shows_no_account_of_b(world):
    page = _client(world.users["admin:A"]).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "agent-a" in body
    assert "agent-b" not in body and "beheer-b" not in body


def test_last_use_is_the_latest_audit_event_of_the_account(world, django_assert_num_queries):
    agent = world.users["agent:A"]
    audit.record(AuditAction.VIEW, actor=agent, purpose="first")
    latest = audit.record(AuditAction.VIEW, actor=agent, purpose="second")
    audit.record(AuditAction.VIEW, actor=world.users["agent:B"], purpose="elsewhere")
    rows = _rows(world.users["admin:A"])
    assert rows["agent-a"].last_use == latest.created_at
    assert rows["beheer-a"].last_use is None
    ids = [world.users["agent:A"].pk, world.users["admin:A"].pk, world.users["agent:B"].pk]
    with django_assert_num_queries(1):
        found = access_review.last_use_by_actor(ids)
    assert set(found) == {world.users["agent:A"].pk, world.users["agent:B"].pk}


def test_a_personal_data_role_without_a_confirmed_second_factor_is_flagged(world):
    flag = access_review.FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR
    assert flag in _rows(world.users["admin:A"])["agent-a"].flags
    TotpDevice.objects.create(user=world.users["agent:A"], secret=b"x", confirmed=False)
    assert flag in _rows(world.users["admin:A"])["agent-a"].flags
    TotpDevice.objects.filter(user=world.users["agent:A"]).update(confirmed=True)
    row = _rows(world.users["admin:A"])["agent-a"]
    assert row.second_factor and flag not in row.flags


def test_an_account_unused_for_90_days_is_flagged(world):
    agent = world.users["agent:A"]
    User.objects.filter(pk=agent.pk).update(date_joined=timezone.now() - timedelta(days=200))
    later = timezone.now() + timedelta(days=access_review.UNUSED_DAYS + 1)
    assert access_review.FLAG_UNUSED in _rows(world.users["admin:A"], now=later)["agent-a"].flags
    # A new account is not flagged yet; one used within 90 days of that moment neither.
    assert access_review.FLAG_UNUSED not in _rows(world.users["admin:A"])["beheer-a"].flags
    audit.record(AuditAction.VIEW, actor=agent, purpose="work")
    soon = timezone.now() + timedelta(days=access_review.UNUSED_DAYS - 1)
    assert access_review.FLAG_UNUSED not in _rows(world.users["admin:A"], now=soon)["agent-a"].flags
    User.objects.filter(pk=agent.pk).update(is_active=False)
    assert access_review.FLAG_UNUSED not in _rows(world.users["admin:A"],
                                                  now=later)["agent-a"].flags


def test_an_active_account_of_an_organisation_that_left_the_covenant_is_flagged(world):
    flag = access_review.FLAG_OUTSIDE_COVENANT
    assert flag not in _rows(world.users["admin:A"])["agent-a"].flags
    world.covenants["A"].participants.remove(world.orgs["politie:A"])
    assert flag in _rows(world.users["admin:A"])["agent-a"].flags
    assert flag not in _rows(world.users["admin:B"])["agent-b"].flags
    User.objects.filter(pk=world.users["agent:A"].pk).update(is_active=False)
    assert flag not in _rows(world.users["admin:A"])["agent-a"].flags


def test_partner_token_accounts_are_marked_with_expiry_and_revocation(world):
    services.issue_partner_token(organisation=world.orgs["politie:A"], municipality=world.a,
                                 lifetime_days=30)
    token = PartnerToken.objects.get()
    row = _rows(world.users["admin:A"])[token.service_user.username]
    assert row.partner_token and row.token_expires_at == token.expires_at
    assert not row.token_revoked and row.token_revoked_at is None
    # A machine account has no TOTP device: not flagged for it.
    assert access_review.FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR not in row.flags
    services.revoke_partner_tokens(actor=world.users["platform"], tokens=[token])
    row = _rows(world.users["admin:A"])[token.service_user.username]
    assert row.token_revoked and row.token_revoked_at is not None and not row.is_active
    assert not _rows(world.users["admin:A"])["agent-a"].partner_token


def test_the_page_writes_a_view_event_and_the_csv_an_export_event(world):
    admin = world.users["admin:A"]
    client = _client(admin)
    assert client.get(URL).status_code == 200
    views = _review_events(AuditAction.VIEW)
    assert [(e.actor_id, e.municipality_id) for e in views] == [(admin.pk, world.a.pk)]
    assert views[0].detail["scope"] == "municipality"
    response = client.get(URL + "csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    exports = _review_events(AuditAction.EXPORT)
    assert len(exports) == 1 and exports[0].actor_id == admin.pk
    assert exports[0].detail["accounts"] == views[0].detail["accounts"]


def test_the_csv_has_one_line_per_account_in_scope_with_its_flags(world):
    User.objects.filter(pk=world.users["agent:A"].pk).update(first_name="=HYPERLINK(1)")
    body = _client(world.users["admin:A"]).get(URL + "csv/").content.decode()
    lines = list(csv.DictReader(io.StringIO(body)))
    assert set(lines[0]) == set(access_review.CSV_COLUMNS)
    by_name = {line["username"]: line for line in lines}
    assert set(by_name) == {u.username for u in access_review.accounts_for(
        world.users["admin:A"])}
    assert "agent-b" not in by_name
    agent = by_name["agent-a"]
    assert agent["roles"] == "partner_worker" and agent["municipality"] == "GM9101"
    assert agent["active"] == "yes" and agent["second_factor"] == "no"
    assert access_review.FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR in agent["flags"].split()
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert agent["name"].startswith("'=")


def test_without_the_second_factor_the_page_sends_to_enrolment_and_records_nothing(world):
    client = _client(world.users["admin:A"], second_factor=False)
    for path in (URL, URL + "csv/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/signals/2fa/enrol/?next=")
    TotpDevice.objects.create(user=world.users["admin:A"], secret=b"x", confirmed=True)
    assert client.get(URL)["Location"] == f"/signals/2fa/?next={URL}"
    assert not _review_events(AuditAction.VIEW) and not _review_events(AuditAction.EXPORT)


def test_only_administrators_may_open_the_review(world):
    agent = _client(world.users["agent:A"])
    assert agent.get(URL).status_code == 403
    assert agent.get(URL + "csv/").status_code == 403
    assert Client().get(URL).status_code == 302  # to the login
    assert not _review_events(AuditAction.VIEW)


def test_the_navigation_links_the_review_for_administrators_only(world):
    assert URL in _client(world.users["admin:A"]).get("/").content.decode()
    assert URL not in _client(world.users["agent:A"]).get("/").content.decode()


def test_the_command_prints_a_table_or_csv_scoped_to_a_municipality(world):
    out = io.StringIO()
    call_command("access_review", "--municipality", "GM9101", stdout=out)
    table = out.getvalue()
    assert "agent-a" in table and "beheer-a" in table and "agent-b" not in table
    assert "partner_worker" in table and "accounts," in table.splitlines()[-1]
    out = io.StringIO()
    call_command("access_review", "--format", "csv", stdout=out)
    names = {line["username"] for line in csv.DictReader(io.StringIO(out.getvalue()))}
    assert names == set(User.objects.values_list("username", flat=True))
    exports = _review_events(AuditAction.EXPORT)
    assert [e.detail["scope"] for e in exports] == ["GM9101", "platform"]


def test_the_command_names_an_unknown_municipality(world):
    with pytest.raises(CommandError, match=r"--municipality.*GM0000"):
        call_command("access_review", "--municipality", "GM0000", stdout=io.StringIO())


def test_the_page_is_in_dutch(world):
    body = _client(world.users["admin:A"]).get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Toegangsreview" in body and "Downloaden als CSV" in body
    assert "rol met persoonsgegevens zonder tweede factor" in body
