from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
