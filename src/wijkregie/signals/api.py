"""REST API for partner systems: post and read signals (token per organisation), bulk
CSV import (all or nothing), aggregates. Same selectors and services as the pages."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wijkregie.signals import feeds, selectors, services, totp
from wijkregie.signals.models import (
    PartnerToken,
    Pillar,
    Reliability,
    Sensitivity,
    Signal,
    sorted_groups,
)
from wijkregie.signals.services import (
    ADDRESS_MAX_LENGTH,
    PersonInput,
    RowError,
    SignalInput,
)

MAX_IMPORT_ROWS = 5000
CSV_COLUMNS = ["category", "pillar", "observed_on", "description", "reliability",
               "sensitivity", "area_code", "address", "x_rd", "y_rd", "person_name",
               "person_date_of_birth", "person_address", "person_bsn", "groups"]


class SecondFactorForSessions(permissions.BasePermission):
    """Browser sessions of personal-data roles need the second factor; tokens do not
    (they are machine credentials of one organisation)."""

    message = gettext_lazy("two-factor authentication required")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        if isinstance(request.auth, PartnerToken):
            return True
        return not totp.needs_second_factor(request.user) or totp.is_verified(request._request)


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (wijkregie.core.errors)."""

    status = serializers.IntegerField()
    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer):
    """Refused input: besides these, one property per wrong field or parameter with its
    message(s), e.g. {"limit": ["must be a non-negative integer"], "status": 400}."""

    status = serializers.IntegerField(required=False)
    errors = serializers.ListField(child=serializers.CharField(), required=False)


WRITE_ERROR_RESPONSES = {400: FieldErrorsSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


class SignalQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=0, max_value=500, required=False, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=10**9, required=False, default=0)
    category = serializers.SlugField(required=False, max_length=60, help_text="category key")
    q = serializers.CharField(required=False, max_length=100,
                              help_text="text in description or address")


class PersonIdentitySerializer(serializers.Serializer):
    """A person as the detail endpoint returns it: pseudonym, identity, links."""

    pseudonym = serializers.CharField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    address = serializers.CharField(allow_blank=True)
    bsn = serializers.CharField(allow_blank=True)
    linked = serializers.ListField(child=serializers.CharField())


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    bsn = serializers.CharField(required=False, allow_blank=True, default="")


class SignalInSerializer(serializers.Serializer):
    # The category keys are data (a tree per municipality, shared per covenant), so the
    # schema gives their form, not an enum; an unshared key is refused with a 400.
    category = serializers.SlugField(max_length=60)
    pillar = serializers.ChoiceField(choices=Pillar.choices)
    observed_on = serializers.DateField()
    description = serializers.CharField()
    reliability = serializers.ChoiceField(choices=Reliability.choices)
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices, required=False,
                                          default="normal")
    area_code = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=ADDRESS_MAX_LENGTH)
    x_rd = serializers.FloatField(required=False, allow_null=True, default=None)
    y_rd = serializers.FloatField(required=False, allow_null=True, default=None)
    persons = PersonSerializer(many=True, required=False, default=list)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)

    def signal_input(self) -> SignalInput:
        data = self.validated_data
        return SignalInput(
            category=data["category"], pillar=data["pillar"], observed_on=data["observed_on"],
            description=data["description"], reliability=data["reliability"],
            sensitivity=data["sensitivity"], area_code=data["area_code"],
            address=data["address"], x_rd=data["x_rd"], y_rd=data["y_rd"],
            persons=[PersonInput(**p) for p in data["persons"]],
            group_names=data["groups"])


class SignalOutSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.key")
    # Encrypted in the database (ADR 0028); the model attributes hold the plain values.
    description = serializers.CharField()
    address = serializers.CharField()
    x_rd = serializers.FloatField(allow_null=True)
    y_rd = serializers.FloatField(allow_null=True)
    area_code = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()
    groups = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Signal
        fields = ["id", "category", "pillar", "observed_on", "description", "reliability",
                  "sensitivity", "area_code", "address", "x_rd", "y_rd", "persons", "groups",
                  "organisation"]

    def get_area_code(self, signal: Signal) -> str:
        return signal.area.code if signal.area else ""

    def get_persons(self, signal: Signal) -> list[str]:
        """Pseudonyms only; the detail endpoint adds the identities."""
        return [s.ref for s in signal.subjects.all()]

    def get_groups(self, signal: Signal) -> list[str]:
        return [g.name for g in sorted_groups(signal.groups.all())]


class SignalDetailSerializer(SignalOutSerializer):
    """Schema of the detail: the persons with their identities, not only pseudonyms."""

    persons = PersonIdentitySerializer(many=True)  # type: ignore[assignment]


def _row_out(row: dict[str, Any]) -> dict[str, Any]:
    """A list row in the shape of SignalOutSerializer."""
    return {"id": row["id"], "category": row["category__key"], "pillar": row["pillar"],
            "observed_on": row["observed_on"].isoformat(), "description": row["description"],
            "reliability": row["reliability"], "sensitivity": row["sensitivity"],
            "area_code": row["area__code"] or "", "address": row["address"],
            "x_rd": row["x_rd"], "y_rd": row["y_rd"], "persons": row["persons"],
            "groups": row["groups"], "organisation": row["organisation__name"]}


def _validation_response(exc: DjangoValidationError) -> Response:
    body = exc.message_dict if hasattr(exc, "error_dict") else {"errors": exc.messages}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _int_param(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name, str(default))
    if not raw.isdigit():
        raise exceptions.ValidationError({name: _("must be a non-negative integer")})
    return min(int(raw), maximum)


class SignalListCreate(APIView):
    permission_classes = [SecondFactorForSessions]

    @extend_schema(
        parameters=[SignalQuerySerializer],
        responses={200: inline_serializer("SignalPage", {
            "count": serializers.IntegerField(),
            "results": SignalOutSerializer(many=True)}),
            400: FieldErrorsSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        summary="Signals your organisation may see under the covenant (audited)",
        operation_id="signals_list")
    def get(self, request: Request) -> Response:
        category = request.query_params.get("category", "")
        try:
            rows, total = selectors.list_signal_rows(
                request.user, request=request._request,
                filters=selectors.SignalFilters(category_keys=(category,) if category else (),
                                                text=request.query_params.get("q", "")[:100]),
                offset=_int_param(request, "offset", 0, 10**9),
                limit=_int_param(request, "limit", 50, 500), via="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        return Response({"count": total, "results": [_row_out(row) for row in rows]})

    @extend_schema(request=SignalInSerializer,
                   responses={201: SignalOutSerializer} | WRITE_ERROR_RESPONSES,
                   examples=[OpenApiExample(
                       "A nuisance signal", request_only=True,
                       value={"category": "overlast", "pillar": "safety",
                              "observed_on": "2026-10-01", "reliability": "own",
                              "description": "Geluidsoverlast na middernacht",
                              "address": "Kade 4"})],
                   summary="Register a signal",
                   description="Persons are matched only with persons your organisation "
                               "registered before; a new person gets a new pseudonym of "
                               "your organisation. Whether other partners know the person "
                               "is never disclosed (ADR 0025).")
    def post(self, request: Request) -> Response:
        serializer = SignalInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            signal = services.register_signal(user=request.user,
                                              data=serializer.signal_input())
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(SignalOutSerializer(signal).data, status=status.HTTP_201_CREATED)


class SignalDetail(APIView):
    permission_classes = [SecondFactorForSessions]

    @extend_schema(responses={200: SignalDetailSerializer, 401: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer},
                   summary="One signal with identities (audited)")
    def get(self, request: Request, pk: int) -> Response:
        try:
            signal = selectors.get_signal(request.user, pk, request=request._request)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        data = SignalOutSerializer(signal).data
        identities = selectors.identities(signal.subjects.all())
        data["persons"] = [{"pseudonym": ref} | identity
                           | {"linked": signal.linked.get(ref, [])}
                           for ref, identity in identities.items()]
        return Response(data)


def _cell(row: dict[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


def _parse_row(number: int, row: dict[str, str], errors: list[RowError]) -> SignalInput:
    def parse_date(name: str) -> date | None:
        text = _cell(row, name)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            errors.append((number, name, _("'%(value)s' is not a date (YYYY-MM-DD)") % {
                "value": text}))
            return None

    def parse_float(name: str) -> float | None:
        text = _cell(row, name)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            errors.append((number, name, _("'%(value)s' is not a number") % {"value": text}))
            return None

    persons = []
    if _cell(row, "person_name"):
        persons.append(PersonInput(name=_cell(row, "person_name"),
                                   date_of_birth=parse_date("person_date_of_birth"),
                                   address=_cell(row, "person_address"),
                                   bsn=_cell(row, "person_bsn")))
    return SignalInput(
        category=_cell(row, "category"), pillar=_cell(row, "pillar"),
        observed_on=parse_date("observed_on"), description=_cell(row, "description"),
        reliability=_cell(row, "reliability"), sensitivity=_cell(row, "sensitivity") or "normal",
        area_code=_cell(row, "area_code"), address=_cell(row, "address"),
        x_rd=parse_float("x_rd"), y_rd=parse_float("y_rd"), persons=persons,
        group_names=[g.strip() for g in _cell(row, "groups").split(";") if g.strip()])


class SignalImport(APIView):
    permission_classes = [SecondFactorForSessions]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("SignalCsv", {
            "file": serializers.FileField(help_text=f"CSV, UTF-8, columns: "
                                                    f"{', '.join(CSV_COLUMNS)}")})},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Bulk CSV import with a validation report: all rows or none")
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"errors": [_("file: no CSV file sent (field 'file')")]},
                            status=400)
        # Parsed as it streams from the uploaded file, and refused at the first row past
        # the limit: never the whole file in memory (a 5.5 million row file once took
        # 2.9 GB before it was refused).
        reader = csv.DictReader(io.TextIOWrapper(upload.file, encoding="utf-8-sig",
                                                 newline=""))
        errors: list[RowError] = []
        rows: list[SignalInput] = []
        try:
            missing = [c for c in ("category", "pillar", "observed_on", "description",
                                   "reliability") if c not in (reader.fieldnames or [])]
            if missing:
                return Response({"errors": [_("%(file)s: missing column(s) %(columns)s") % {
                    "file": upload.name, "columns": ", ".join(missing)}]}, status=400)
            for number, row in enumerate(reader, start=2):
                if len(rows) == MAX_IMPORT_ROWS:
                    return Response({"errors": [_(
                        "%(file)s: more than %(max)s rows; send at most %(max)s rows per "
                        "file") % {"file": upload.name, "max": MAX_IMPORT_ROWS}]}, status=400)
                rows.append(_parse_row(number, row, errors))
        except UnicodeDecodeError:
            return Response({"errors": [_("%(file)s: not UTF-8 text") % {"file": upload.name}]},
                            status=400)
        except csv.Error as exc:
            return Response({"errors": [_("%(file)s: not a readable CSV file (%(error)s)") % {
                "file": upload.name, "error": exc}]}, status=400)
        if not rows:
            return Response({"errors": [_("%(file)s: %(rows)s rows; between 1 and %(max)s "
                                          "expected") % {"file": upload.name, "rows": 0,
                                                         "max": MAX_IMPORT_ROWS}]}, status=400)
        try:
            saved = services.register_signals_bulk(user=request.user, rows=rows,
                                                   parse_errors=errors)
        except DjangoValidationError as exc:
            return Response({"file": upload.name, "rows": len(rows), "created": 0,
                             "errors": exc.messages}, status=400)
        return Response({"file": upload.name, "rows": len(rows), "created": len(saved),
                         "ids": [s.pk for s in saved]}, status=201)


class MonthlyCounts(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("municipality", str, required=True)],
                   responses={200: OpenApiTypes.OBJECT, 401: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer},
                   summary="Signals per buurt, category and month: 'listed' is what you may "
                           "list, 'count' the others (null below the minimum count)")
    def get(self, request: Request) -> Response:
        municipality = selectors.aggregate_municipalities(request.user).filter(
            code=request.query_params.get("municipality", "")).first()
        if municipality is None:
            raise exceptions.NotFound(_("unknown municipality or not yours"))
        counts = feeds.monthly_counts(municipality=municipality, viewer=request.user)
        return Response({"municipality": municipality.code,
                         "min_count": feeds.DEFAULT_MIN_COUNT,
                         "results": [asdict(c) for c in counts]})
