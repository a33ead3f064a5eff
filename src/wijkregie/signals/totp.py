"""Two-factor authentication (TOTP, RFC 6238) for roles that can see personal data or
change who may see it (the admin site, ADR 0009).

The secret is stored encrypted with the identity key; a used time step is remembered
so a code cannot be replayed. A verified session carries the user's id under
``SESSION_KEY``; personal-data pages require it.
"""

from __future__ import annotations

import time

import pyotp
from django.db import transaction
from django.http import HttpRequest

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome, User
from wijkregie.core.roles import SECOND_FACTOR_PERMISSIONS
from wijkregie.core.throttling import login_throttled
from wijkregie.signals import crypto
from wijkregie.signals.models import TotpDevice

SESSION_KEY = "wijkregie_totp_verified"
ISSUER = "Wijkregie"


def needs_second_factor(user: User) -> bool:
    """Roles that see personal data or decide who may see it, and everyone who may
    enter the admin site."""
    return user.is_authenticated and (
        user.is_staff or any(user.has_perm(p) for p in SECOND_FACTOR_PERMISSIONS))


def is_verified(request: HttpRequest) -> bool:
    return request.session.get(SESSION_KEY) == request.user.pk


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = request.user.pk


def device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def secret_of(device: TotpDevice) -> str:
    return crypto.decrypt_identity(device.secret)["name"]


def start_enrolment(user: User) -> str:
    """A new, unconfirmed secret (replacing an unconfirmed one); returns it for the QR/URI."""
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": crypto.encrypt_identity({"name": secret}),
                             "confirmed": False, "last_step": 0})
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def verify(request: HttpRequest, code: str, *, confirming: bool = False) -> bool:
    """Check a code (one step of clock drift allowed, no replay); audit the outcome."""
    user: User = request.user  # type: ignore[assignment]
    if login_throttled(user.get_username(), getattr(request, "client_address", None)):
        return False  # too many failed passwords or codes: wait for the window to pass
    with transaction.atomic():
        found = TotpDevice.objects.select_for_update().filter(user=user).first()
        ok = False
        if found is not None and (found.confirmed or confirming):
            generator = pyotp.TOTP(secret_of(found))
            now = time.time()
            for drift in (0, -1, 1):
                at = now + drift * generator.interval
                step = int(at // generator.interval)
                if step > found.last_step and generator.verify(code.strip(), for_time=at):
                    found.last_step, found.confirmed, ok = step, True, True
                    found.save(update_fields=["last_step", "confirmed"])
                    break
        audit.record(AuditAction.LOGIN if ok else AuditAction.LOGIN_FAILED, request=request,
                     outcome=AuditOutcome.SUCCESS if ok else AuditOutcome.FAILURE,
                     detail={"factor": "totp", "enrolment": confirming})
    if ok:
        mark_verified(request)
    return ok
