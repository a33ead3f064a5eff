from __future__ import annotations

from django.contrib import admin

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.core.admin_audit import AuditedModelAdmin


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
