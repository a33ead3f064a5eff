"""Error responses: JSON with a status for the API, a page for people, and 503 with
Retry-After while the database cannot be reached (ADR 0052)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

# Seconds a client should wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 10
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"status": status, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def error_response(request: HttpRequest, status: int, title: str, detail: str,
                   template: str = "core/error.html", **headers: str) -> HttpResponse:
    if is_api(request):
        return json_error(status, detail, **headers)
    response = render(request, template, {"title": title, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, 503, _("Temporarily unavailable"),
        _("The database cannot be reached at the moment. Try again in a few seconds; "
          "nothing you sent has been saved."),
        # A page without the site's frame: that would read the session from the database.
        template="core/unavailable.html", **{"Retry-After": str(RETRY_AFTER_SECONDS)})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, _("Not found"),
                          _("There is no page at this address, or it is not yours to see."))


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context from the failed request: render as plainly as possible.
    if is_api(request):
        return json_error(500, "server error")
    return HttpResponse(
        "<!DOCTYPE html><title>500</title><h1>Server error</h1>"
        "<p>Something went wrong on our side; it has been logged.</p>",
        status=500, content_type="text/html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400, _("Bad request"), _("The request could not be read."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, _("Not allowed"),
                          _("You do not have permission for this page."))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: every error body carries its status, and an unreachable
    database answers 503 with Retry-After instead of a server error."""
    if isinstance(exc, DATABASE_UNAVAILABLE):
        log.warning("database unavailable during an API request: %s", exc)
        return Response({"status": 503, "detail": _(
            "the database cannot be reached at the moment; retry later")},
            status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data.setdefault("status", response.status_code)
    elif response is not None and isinstance(response.data, list):
        response.data = {"status": response.status_code, "errors": response.data}
    return response
