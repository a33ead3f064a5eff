"""API authentication by partner token (kept apart from the views: DRF imports it
while loading its settings)."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from wijkregie.core.models import User
from wijkregie.signals.models import PartnerToken


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
                 .filter(key_hash=digest, revoked=False).first())
        if token is None or not token.service_user.is_active:
            raise exceptions.AuthenticationFailed(_("invalid or revoked token"))
        return token.service_user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
