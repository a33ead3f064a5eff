"""API authentication by partner token (kept apart from the views: DRF imports it
while loading its settings).

A token is refused once expired or revoked (a failed-login event names it). Its use is
audited like a session's: a login-like event when it is first used and again after
``PARTNER_TOKEN_AUDIT_INTERVAL_SECONDS`` of use (not one per request), and every event
the request writes names the token (``audit.record`` reads ``request.audit_context``).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome, User
from wijkregie.signals.models import PartnerToken

VIA = "partner_token"


def _refusal(token: PartnerToken, now: object) -> str:
    if token.revoked:
        return "revoked"
    if token.expires_at <= now:  # type: ignore[operator]
        return "expired"
    if not token.service_user.is_active:
        return "inactive"
    return ""


def _audit_use(request: Request, token: PartnerToken) -> None:
    """The login-like event of a token's use, at most once per interval: the conditional
    UPDATE lets one of several concurrent requests write it."""
    now = timezone.now()
    due = now - timedelta(seconds=settings.PARTNER_TOKEN_AUDIT_INTERVAL_SECONDS)
    with transaction.atomic():
        claimed = PartnerToken.objects.filter(pk=token.pk).filter(
            Q(last_audited_at__isnull=True) | Q(last_audited_at__lte=due)
        ).update(last_audited_at=now)
        if claimed:
            audit.record(AuditAction.LOGIN, actor=token.service_user, request=request._request,
                         detail={"via": VIA, "expires_at": token.expires_at.isoformat()})


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token wr_…``: the token's organisation service account."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, PartnerToken] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("malformed token header"))
        digest = hashlib.sha256(parts[1].encode()).hexdigest()
        token = (PartnerToken.objects.select_related("service_user")
                 .filter(key_hash=digest).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("invalid, expired or revoked token"))
        # Every event of this request names the token, the failed login too.
        request._request.audit_context = {  # type: ignore[attr-defined]
            "partner_token": token.pk, "partner_token_prefix": token.prefix}
        reason = _refusal(token, timezone.now())
        if reason:
            audit.record(AuditAction.LOGIN_FAILED, actor=token.service_user,
                         request=request._request, outcome=AuditOutcome.DENIED,
                         detail={"via": VIA, "reason": reason})
            raise exceptions.AuthenticationFailed(_("invalid, expired or revoked token"))
        _audit_use(request, token)
        return token.service_user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
