from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.areas.signals import programme_area_retiring, programme_areas_changed
from wijkregie.core import administration
from wijkregie.core.admin_audit import AuditedModelAdmin
from wijkregie.core.models import Municipality


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "year", "municipality")
    list_filter = ("level", "year")
    search_fields = ("code", "name")
    exclude = ("geometry",)
    readonly_fields = ("min_lon", "min_lat", "max_lon", "max_lat", "surface_m2")
    raw_id_fields = ("parent",)


@admin.register(ProgrammeArea)
class ProgrammeAreaAdmin(AuditedModelAdmin):
    list_display = ("name", "municipality")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("buurten",)

    # The admin saves and deletes inside one transaction; the figures of the
    # municipality are recomputed in it, as the services do (ADR 0010).
    def save_model(self, request: HttpRequest, obj: ProgrammeArea, form: Any,
                   change: bool) -> None:
        if change and {"buurten", "municipality"} & set(form.changed_data):
            old = ProgrammeArea.objects.get(pk=obj.pk)  # buurten not saved yet
            programme_area_retiring.send(sender=ProgrammeArea, programme_area=old)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any,
                     change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or {"buurten", "municipality"} & set(form.changed_data):
            programme_areas_changed.send(sender=ProgrammeArea,
                                         municipality=form.instance.municipality)
            if "municipality" in form.changed_data and form.initial.get("municipality"):
                programme_areas_changed.send(sender=ProgrammeArea, municipality=Municipality
                                             .objects.get(pk=form.initial["municipality"]))

    def delete_model(self, request: HttpRequest, obj: ProgrammeArea) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProgrammeArea]) -> None:
        self._delete(request, list(queryset))

    @staticmethod
    def _delete(request: HttpRequest, programme_areas: list[ProgrammeArea]) -> None:
        """The audited, scoped deletion of the administration services, with the
        composition retired before and the figures recomputed after (ADR 0010)."""
        with transaction.atomic():
            for programme_area in programme_areas:
                municipality = programme_area.municipality
                programme_area_retiring.send(sender=ProgrammeArea,
                                             programme_area=programme_area)
                administration.delete(actor=request.user, obj=programme_area,
                                      request=request)
                programme_areas_changed.send(sender=ProgrammeArea, municipality=municipality)
