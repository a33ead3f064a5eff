"""Read API of the figures: the same disclosed figures as the indicator page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkregie.figures import selectors
from wijkregie.figures.models import Indicator
from wijkregie.figures.views import indicator_context
from wijkregie.signals.api import ErrorSerializer


class CanViewFigures(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated
                    and request.user.has_perm("figures.view_indicator"))


def _metadata(indicator: Indicator) -> dict[str, Any]:
    return {"key": indicator.key, "name_nl": indicator.name_nl, "name_en": indicator.name_en,
            "definition": indicator.definition, "unit": indicator.unit,
            "source": indicator.source, "reference_date": indicator.reference_date,
            "theme": indicator.theme, "polarity": indicator.polarity, "kind": indicator.kind}


class IndicatorListView(APIView):
    permission_classes = [CanViewFigures]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 401: ErrorSerializer,
                              403: ErrorSerializer},
                   summary="Indicator catalogue",
                   operation_id="figures_indicators_list")
    def get(self, request: Request) -> Response:
        return Response({"indicators": [_metadata(i) for i in
                                        selectors.indicators_for(request.user)]})


class IndicatorValuesView(APIView):
    permission_classes = [CanViewFigures]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 401: ErrorSerializer, 403: ErrorSerializer,
                   404: ErrorSerializer},
        summary="Figures of one indicator per area",
        parameters=[
            OpenApiParameter("municipality", str, description="CBS code, e.g. GM0363"),
            OpenApiParameter("level", str, enum=["buurt", "wijk", "programme"]),
            OpenApiParameter("year", int),
        ])
    def get(self, request: Request, key: str) -> Response:
        context = indicator_context(request, key)
        return Response({
            "indicator": _metadata(context["indicator"]),
            "municipality": context["municipality"].code, "level": context["level"],
            "year": context["year"], "years": context["years"],
            "status_legend": {"shown": "value", "bounded": "only a bound (text)",
                              "suppressed": "withheld ('x')", "missing": "no figure ('.')"},
            "values": [{"code": r["code"], "name": r["name"], "value": r["point"].value,
                        "text": r["point"].text, "status": r["point"].status,
                        "derived": r["point"].derived} for r in context["rows"]],
        })
