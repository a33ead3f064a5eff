from __future__ import annotations

from django.contrib import admin

from wijkregie.core.admin_audit import AuditedModelAdmin
from wijkregie.figures.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ("key", "name_nl", "theme", "unit", "kind", "aggregation",
                    "benchmark_method", "municipality")
    list_filter = ("theme", "kind", "aggregation", "benchmark_method")
    search_fields = ("key", "name_nl", "name_en")
    raw_id_fields = ("denominator", "numerator")
