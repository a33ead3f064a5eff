"""The administrator manages the category tree (with retention), the covenant and
partner tokens here, through the audited and scoped administration services
(core/administration.py). Signals, persons and cases are not in the admin site: they
are read only through the scoped, audited pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wijkregie.core.admin_audit import AuditedModelAdmin, ScopedInline
from wijkregie.signals import services
from wijkregie.signals.models import Category, Covenant, CovenantRule, PartnerToken


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "parent", "municipality", "retention_days")
    list_filter = ("municipality",)
    search_fields = ("name", "key")


class CovenantRuleInline(ScopedInline):
    model = CovenantRule
    extra = 1


@admin.register(Covenant)
class CovenantAdmin(AuditedModelAdmin):
    list_display = ("name", "municipality")
    filter_horizontal = ("participants",)
    inlines = [CovenantRuleInline]


@admin.register(PartnerToken)
class PartnerTokenAdmin(AuditedModelAdmin):
    """Tokens are issued with `wijkregie signals issue-token`; here they are revoked,
    for good (the action), never edited."""

    list_display = ("prefix", "organisation", "created_at", "expires_at", "revoked",
                    "revoked_at")
    list_filter = ("revoked",)
    fields = ("prefix", "organisation", "created_at", "expires_at", "revoked", "revoked_at",
              "last_audited_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # The stored hash is a secret: a filter on it would answer guesses of it.
        if lookup.startswith("key_hash"):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The list's revoke action needs change permission; a token's page is read-only.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Revoke the selected tokens for good"),
                  permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerToken]) -> None:
        tokens = list(queryset.filter(revoked=False))
        services.revoke_partner_tokens(actor=request.user, tokens=tokens, request=request)
        self.message_user(request, ngettext("%(count)d token revoked.",
                                            "%(count)d tokens revoked.", len(tokens))
                          % {"count": len(tokens)}, messages.SUCCESS)
