"""Two-factor authentication for roles that see personal data."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from wijkregie.core.models import User
from wijkregie.demo.loader import DEMO_PASSWORD
from wijkregie.signals.demo_data import DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_personal_pages_need_the_second_factor(demo):
    client = _password_login("agent")
    response = client.get("/signals/list/")
    assert response.status_code == 302 and response["Location"].startswith("/signals/2fa/")
    assert client.get("/api/signals/").status_code == 403
    wrong = client.post("/signals/2fa/", {"code": "000000", "next": "/signals/list/"})
    assert wrong.status_code == 200
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    ok = client.post("/signals/2fa/", {"code": code, "next": "/signals/list/"})
    assert ok.status_code == 302 and ok["Location"] == "/signals/list/"
    assert client.get("/signals/list/").status_code == 200
    # The same code cannot be used twice.
    again = _password_login("agent")
    assert again.post("/signals/2fa/", {"code": code}).status_code == 200


def test_aggregate_roles_need_no_second_factor(demo):
    assert _password_login("analist").get("/signals/").status_code == 200


def test_enrolment_of_a_new_user(demo):
    user = User.objects.get(username="agent")
    user.totp_device.delete()
    client = _password_login("agent")
    response = client.get("/signals/list/")
    assert response["Location"].startswith("/signals/2fa/enrol/")
    page = client.get(response["Location"])
    secret = page.context["secret"]
    assert secret != DEMO_TOTP_SECRET
    done = client.post("/signals/2fa/enrol/", {"code": pyotp.TOTP(secret).now(),
                                                "next": "/signals/list/"})
    assert done.status_code == 302
    assert client.get("/signals/list/").status_code == 200
    assert User.objects.get(username="agent").totp_device.confirmed
