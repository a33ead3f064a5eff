"""Partner API tokens expire, are revoked for good, and their use is audited like a
session's (issue 10, breach 4; ADR 0009)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.core.administration_world import AdminWorld, add_signal, build_world, client_for
from wijkregie.core.models import AuditAction, AuditEvent
from wijkregie.signals import services
from wijkregie.signals.models import PartnerToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


def _issue(world: AdminWorld, **kwargs) -> tuple[str, PartnerToken]:  # type: ignore[no-untyped-def]
    raw = services.issue_partner_token(organisation=world.orgs["politie:A"],
                                       municipality=world.a, **kwargs)
    return raw, PartnerToken.objects.get(prefix=raw[3:9])


def _get(raw: str, path: str = "/api/signals/"):  # type: ignore[no-untyped-def]
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {raw}")


def test_a_token_works_for_the_configured_lifetime(world, settings):
    settings.PARTNER_TOKEN_LIFETIME_DAYS = 7
    raw, token = _issue(world)
    assert token.expires_at - token.created_at == pytest.approx(timedelta(days=7),
                                                                abs=timedelta(seconds=5))
    assert _get(raw).status_code == 200
    _, short = _issue(world, lifetime_days=1)
    assert short.expires_at < token.expires_at
    with pytest.raises(ValidationError):
        _issue(world, lifetime_days=0)


def test_an_expired_token_is_refused_and_the_attempt_recorded(world):
    raw, token = _issue(world, lifetime_days=1, now=timezone.now() - timedelta(days=2))
    response = _get(raw)
    assert response.status_code == 401
    [failed] = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_id == token.service_user_id
    assert failed.detail == {"via": "partner_token", "partner_token": token.pk,
                             "partner_token_prefix": token.prefix, "reason": "expired"}
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_token_revoked_in_the_admin_is_refused_for_good(world):
    raw, token = _issue(world)
    assert _get(raw).status_code == 200
    admin_client = client_for(world.users["admin:A"])
    response = admin_client.post("/admin/signals/partnertoken/", {
        "action": "revoke", "_selected_action": [str(token.pk)]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    assert not token.service_user.is_active
    [event] = AuditEvent.objects.filter(object_type="signals.partnertoken",
                                        action=AuditAction.UPDATE)
    assert event.detail["before"]["revoked"] is False and event.detail["after"]["revoked"]
    assert token.key_hash not in str(event.detail)
    assert _get(raw).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED,
                                     detail__reason="revoked").exists()
    # Nothing un-revokes it: the token's page is read-only, and reactivating its service
    # account does not bring the token back.
    page = admin_client.get(f"/admin/signals/partnertoken/{token.pk}/change/")
    assert page.status_code == 200 and 'name="revoked"' not in page.content.decode()
    admin_client.post(f"/admin/signals/partnertoken/{token.pk}/change/", {"revoked": ""})
    user = token.service_user
    user.is_active = True
    user.save()
    token.refresh_from_db()
    assert token.revoked and _get(raw).status_code == 401


def test_administrator_of_another_municipality_cannot_revoke_or_see_the_token(world):
    _, token = _issue(world)
    client = client_for(world.users["admin:B"])
    assert token.prefix not in client.get("/admin/signals/partnertoken/").content.decode()
    client.post("/admin/signals/partnertoken/", {"action": "revoke",
                                                 "_selected_action": [str(token.pk)]})
    token.refresh_from_db()
    assert not token.revoked


def test_token_use_is_a_login_event_paced_like_a_session_and_names_every_read(world, settings):
    settings.PARTNER_TOKEN_AUDIT_INTERVAL_SECONDS = 600
    signal = add_signal(world)
    raw, token = _issue(world)
    for _ in range(3):
        response = _get(raw)
        assert response.status_code == 200 and response.json()["count"] == 1
    assert _get(raw, f"/api/signals/{signal.pk}/").status_code == 200
    [login] = AuditEvent.objects.filter(action=AuditAction.LOGIN)
    assert login.actor_id == token.service_user_id
    assert login.detail["via"] == "partner_token" and login.detail["partner_token"] == token.pk
    reads = AuditEvent.objects.filter(action__in=[AuditAction.LIST, AuditAction.VIEW])
    assert reads.count() == 4
    assert all(e.detail["partner_token"] == token.pk for e in reads)
    # Once the interval has passed, the next use is on record again.
    PartnerToken.objects.filter(pk=token.pk).update(
        last_audited_at=timezone.now() - timedelta(seconds=601))
    _get(raw)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == 2


def test_issue_token_command_takes_a_lifetime(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("signals", "issue-token", "--organisation", world.orgs["politie:A"].name,
                 "--municipality", world.a.code, "--days", "3", stdout=out)
    token = PartnerToken.objects.get()
    assert timedelta(days=2, hours=23) < token.expires_at - timezone.now() <= timedelta(days=3)
    with pytest.raises(CommandError):
        call_command("signals", "issue-token", "--organisation", world.orgs["politie:A"].name,
                     "--municipality", world.a.code, "--days", "0", stdout=out)
