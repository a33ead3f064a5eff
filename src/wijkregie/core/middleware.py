from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class ClientAddressMiddleware:
    """Put the client's address on the request for audit events and login throttling.

    Behind a reverse proxy set WIJKREGIE_TRUSTED_PROXY_COUNT so the address is taken
    from X-Forwarded-For; never trust that header otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.client_address = client_address(request, self.proxies)  # type: ignore[attr-defined]
        return self.get_response(request)


def client_address(request: HttpRequest, trusted_proxies: int = 0) -> str | None:
    if trusted_proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return request.META.get("REMOTE_ADDR") or None


class UploadLimitMiddleware:
    """Refuse an upload over ``MAX_UPLOAD_BYTES`` with 413 while it streams in.

    Parses a multipart body here, through :class:`wijkregie.core.uploads.LimitedUploadHandler`,
    before the CSRF check and the views read it, so one clear answer covers every form
    and the API; anything under the limit is parsed once, as it would be anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from wijkregie.core.uploads import UploadTooLarge

        if request.method in ("POST", "PUT", "PATCH") and \
                request.content_type == "multipart/form-data":
            try:
                request.FILES  # noqa: B018  (parses the body)
            except UploadTooLarge as exc:
                from wijkregie.core.errors import error_response

                return error_response(request, 413, _("File too large"), _(
                    "The upload is larger than %(size)s and was not accepted.") % {
                    "size": filesizeformat(exc.limit)})
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from wijkregie.core.errors import DATABASE_UNAVAILABLE, database_unavailable

        if isinstance(exception, DATABASE_UNAVAILABLE):
            log.warning("database unavailable: %s", exception)
            return database_unavailable(request)
        return None


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
