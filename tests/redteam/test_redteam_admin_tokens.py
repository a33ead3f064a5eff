"""Red team, issue 10 breach 4: partner tokens in the admin. Each test FAILS on branch
sig-admin and states the break."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.core.admin_forms import admin_form_data
from tests.core.administration_world import AdminWorld, build_world, client_for
from wijkregie.signals import services
from wijkregie.signals.models import PartnerToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


@pytest.fixture
def token(world: AdminWorld) -> tuple[str, PartnerToken]:
    raw = services.issue_partner_token(organisation=world.orgs["politie:A"],
                                       municipality=world.a)
    return raw, PartnerToken.objects.get()


def test_redteam_admin_token_hash_cannot_be_read_through_a_changelist_filter(world, token):
    """BREAK (secret on an admin page, low): Django's admin accepts any lookup on a
    local field in the changelist query string. ``PartnerTokenAdmin`` does not refuse
    ``key_hash`` (``UserAdmin`` does refuse ``password``), so
    ``/admin/signals/partnertoken/?key_hash__startswith=<guess>`` answers yes/no per
    prefix and the stored SHA-256 of every visible token is read out 1 hex digit at a
    time (at most 16 requests per digit). ADR 0009 treats token hashes as secrets that
    never appear even in the audit trail; here every administrator can extract them."""
    _raw, stored = token
    client = client_for(world.users["admin:A"])
    right = client.get("/admin/signals/partnertoken/",
                       {"key_hash__startswith": stored.key_hash[:3]})
    wrong_prefix = "0" if stored.key_hash[0] != "0" else "1"
    wrong = client.get("/admin/signals/partnertoken/", {"key_hash__startswith": wrong_prefix})
    answers = (stored.prefix in right.content.decode(), stored.prefix in wrong.content.decode())
    assert answers[0] == answers[1], "the changelist is an oracle on the token hash"


def test_redteam_admin_revoked_tokens_service_account_stays_dead(world, token):
    """BREAK (revocation not for good): revoking a token sets ``revoked`` and
    deactivates its service account, but the account is an ordinary user of A in the
    User admin. The administrator ticks ``is_active`` again and sets a password on
    /admin/core/user/<id>/password/, and the revoked partner's identity (partner
    worker of the police, reads through the covenant) logs in on /login/ again, the
    revoked token's past events and the new session under one actor."""
    _raw, stored = token
    client = client_for(world.users["admin:A"])
    client.post("/admin/signals/partnertoken/", {"action": "revoke",
                                                 "_selected_action": [str(stored.pk)]})
    stored.refresh_from_db()
    assert stored.revoked
    account = stored.service_user
    path = f"/admin/core/user/{account.pk}/change/"
    page = client.get(path)
    if page.status_code == 200:
        client.post(path, admin_form_data(page) | {"is_active": "on"})
    client.post(f"/admin/core/user/{account.pk}/password/", {
        "password1": "Dienst-wachtwoord-55", "password2": "Dienst-wachtwoord-55",
        "usable_password": "true"})
    browser = Client()
    browser.post("/login/", {"username": account.username, "password": "Dienst-wachtwoord-55"})
    assert "_auth_user_id" not in browser.session, (
        "the service account of a revoked token logs in again")


def test_redteam_admin_token_account_keeps_the_tokens_organisation(world, token):
    """BREAK (token scope, low-medium): a token is issued for one organisation
    (``PartnerToken.organisation``, shown in the token list) and acts through its
    service account. The administrator can move that account to another organisation
    of the municipality in the User admin; the token keeps working and the covenant
    now scopes it as the *new* organisation (``selectors.covenant_purposes`` reads
    ``user.organisation_id``), while the token list still names the police. A police
    system then reads, e.g., the municipal department's shared categories, and every
    event it writes names the police token."""
    _raw, stored = token
    account = stored.service_user
    client = client_for(world.users["admin:A"])
    path = f"/admin/core/user/{account.pk}/change/"
    page = client.get(path)
    assert page.status_code == 200
    client.post(path, admin_form_data(page) | {
        "organisation": str(world.orgs["gemeente:A"].pk)})
    account.refresh_from_db()
    assert account.organisation_id == stored.organisation_id, (
        "the token's service account now belongs to another organisation than the token")
