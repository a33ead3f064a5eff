from __future__ import annotations

import pytest
from django.test import Client, override_settings

from wijkregie.core.models import AuditAction, AuditEvent
from wijkregie.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, password: str, username: str = "regisseur",
           address: str = "198.51.100.4"):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_login_and_logout_are_audited(demo, client):
    response = _login(client, DEMO_PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_username="regisseur",
                                     client_address="198.51.100.4").count() == 1
    assert client.post("/logout/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).count() == 1


def test_failed_login_is_audited_without_password(demo, client):
    response = _login(client, "wrong-password-123")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_username == "regisseur" and event.outcome == "failure"
    assert "wrong-password" not in str(event.detail)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_login_is_throttled_after_repeated_failures(demo, client):
    for _ in range(3):
        _login(client, "wrong-password-123")
    response = _login(client, DEMO_PASSWORD)  # right password, but locked
    assert response.status_code == 200
    assert "Too many" in response.content.decode() or "Te veel" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_throttle_by_address_covers_other_accounts(demo, client):
    for name in ("a", "b", "c"):
        _login(client, "wrong-password-123", username=name)
    assert _login(client, DEMO_PASSWORD).status_code == 200
    other_address = Client()
    assert _login(other_address, DEMO_PASSWORD, address="203.0.113.9").status_code == 302
