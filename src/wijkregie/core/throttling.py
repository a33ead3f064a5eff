"""Login throttling, counted from the audit trail's failed-login events.

Using the audit trail (rather than a per-process cache) makes the limit hold across
all app server processes and leaves one record of every attempt.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from wijkregie.core.models import AuditAction, AuditEvent


def login_throttled(username: str, client_address: str | None) -> bool:
    """True when the account or the address had too many failed logins recently."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, created_at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_account = Q(actor_username=username) if username else Q(pk__in=[])
    by_address = Q(client_address=client_address) if client_address else Q(pk__in=[])
    return (failures.filter(by_account).count() >= limit
            or failures.filter(by_address).count() >= limit)
