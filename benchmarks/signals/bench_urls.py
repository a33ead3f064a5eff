"""The application's URLs plus two benchmark-only variants of the signals list API:
scoped without audit, and neither scoped nor audited (same query shape and serializer)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkregie.signals import selectors
from wijkregie.signals.api import _int_param, _row_out
from wijkregie.signals.models import Signal


def _page(request: Request, queryset) -> Response:  # type: ignore[no-untyped-def]
    """The real endpoint's query and output, without scoping rules or audit."""
    rows, total = selectors.signal_rows(queryset, offset=_int_param(request, "offset", 0, 10**9),
                                        limit=_int_param(request, "limit", 50, 500))
    return Response({"count": total, "results": [_row_out(row) for row in rows]})


class ScopedNoAudit(APIView):
    def get(self, request: Request) -> Response:
        return _page(request, selectors.signals_for(request.user))


class NeitherScopedNorAudited(APIView):
    def get(self, request: Request) -> Response:
        return _page(request, Signal.objects.filter(municipality_id=request.user.municipality_id))


urlpatterns = [
    path("bench/scoped-no-audit/", ScopedNoAudit.as_view()),
    path("bench/unscoped/", NeitherScopedNorAudited.as_view()),
    path("", include("wijkregie.urls")),
]
