"""The administrator manages the category tree, the covenant and partner tokens here.
Signals, persons and cases are not in the admin site: they are read only through the
scoped, audited pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from wijkregie.signals.models import Category, Covenant, CovenantRule, PartnerToken


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "parent", "municipality", "retention_days")
    list_filter = ("municipality",)
    search_fields = ("name", "key")


class CovenantRuleInline(admin.TabularInline):
    model = CovenantRule
    extra = 1


@admin.register(Covenant)
class CovenantAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    filter_horizontal = ("participants",)
    inlines = [CovenantRuleInline]


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `wijkregie signals issue-token`; here they are revoked."""

    list_display = ("prefix", "organisation", "created_at", "revoked")
    fields = ("prefix", "organisation", "created_at", "revoked")
    readonly_fields = ("prefix", "organisation", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
