from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.areas.signals import programme_area_retiring, programme_areas_changed
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

    # The figures of the municipality are recomputed inside the audited write, as the
    # services do; a composition that ends is retired first (ADR 0010).
    def before_related_writes(self, request: HttpRequest, form: Any, change: bool) -> None:
        if change and {"buurten", "municipality"} & set(form.changed_data):
            # The object row is saved already, its buurten not yet: the old composition.
            old = ProgrammeArea.objects.get(pk=form.instance.pk)
            if form.initial.get("municipality"):
                old.municipality_id = form.initial["municipality"]  # as it was shown
            programme_area_retiring.send(sender=ProgrammeArea, programme_area=old)

    def after_related_writes(self, request: HttpRequest, form: Any, change: bool) -> None:
        if not change or {"buurten", "municipality"} & set(form.changed_data):
            programme_areas_changed.send(sender=ProgrammeArea,
                                         municipality=form.instance.municipality)
            if "municipality" in form.changed_data and form.initial.get("municipality"):
                programme_areas_changed.send(sender=ProgrammeArea, municipality=Municipality
                                             .objects.get(pk=form.initial["municipality"]))

    def before_delete(self, request: HttpRequest, objects: list[Any]) -> None:
        for programme_area in objects:
            programme_area_retiring.send(sender=ProgrammeArea, programme_area=programme_area)

    def after_delete(self, request: HttpRequest, objects: list[Any]) -> None:
        for municipality in {p.municipality_id: p.municipality for p in objects}.values():
            programme_areas_changed.send(sender=ProgrammeArea, municipality=municipality)
