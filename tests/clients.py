"""Test clients logged in as a user, as after a real login."""

from __future__ import annotations

from django.test import Client

from wijkregie.core.models import User
from wijkregie.signals.totp import SESSION_KEY


def client_for(user: User, *, second_factor: bool = True) -> Client:
    """A client logged in as ``user``; the session counts as having passed the second
    factor (TOTP) unless ``second_factor=False``."""
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[SESSION_KEY] = user.pk
        session.save()
    return client
