"""Administration of tenants, partners and users (the administrator role).

Users get roles (groups) only: the direct-permission field is left out on purpose.
The audit trail is read-only here, as everywhere.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from wijkregie.core.models import AuditEvent, Job, Municipality, Organisation, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "theme", "is_demo")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "is_demo")
    list_filter = ("type",)
    search_fields = ("name",)
    filter_horizontal = ("municipalities",)


@admin.register(User)
class WijkregieUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "organisation", "municipality",
                    "is_active")
    list_filter = ("groups", "organisation__type", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Work", {"fields": ("organisation", "municipality", "groups")}),
        ("Status", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "organisation",
                           "municipality", "groups")}),
    )
    filter_horizontal = ("groups",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "actor_username", "action", "object_type",
                    "object_id", "purpose", "outcome", "client_address")
    list_filter = ("action", "outcome")
    search_fields = ("actor_username", "object_id", "subject_ref")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("core.view_audit_log")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")


# Roles are defined in code (core/roles.py) and decide permissions from there
# (core/auth_backend.py): the admin shows them but cannot change them.
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("name",)
    filter_horizontal = ("permissions",)
