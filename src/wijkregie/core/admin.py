"""Administration of tenants, partners and users (the administrator roles).

Users get roles (groups) only: the direct-permission field is left out on purpose.
Every write goes through core/administration.py (audited, scoped to the
administrator's municipality; admin_audit.AuditedModelAdmin). The audit trail is
read-only here, as everywhere.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from wijkregie.core import administration
from wijkregie.core.admin_audit import AuditedModelAdmin, ReadOnlyAdmin
from wijkregie.core.models import AuditEvent, Job, Municipality, Organisation, User

# The request of the password page being handled, for its form's audited save (the
# admin builds that form without the request).
_password_request: ContextVar[HttpRequest | None] = ContextVar("_password_request",
                                                               default=None)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """Sets the password through the audited service (the event says only that it
    changed)."""

    def save(self, commit: bool = True) -> Any:
        request = _password_request.get()
        if request is None:
            raise PermissionDenied("a password is set from the admin page only")
        user = super().save(commit=False)
        administration.save(actor=request.user, obj=user, request=request)
        return user


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "theme", "is_demo")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "type", "is_demo")
    list_filter = ("type",)
    search_fields = ("name",)
    filter_horizontal = ("municipalities",)


@admin.register(User)
class WijkregieUserAdmin(AuditedModelAdmin, UserAdmin):
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
    change_password_form = AuditedPasswordChangeForm

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        token = _password_request.set(request)
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        finally:
            _password_request.reset(token)


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

    def get_queryset(self, request: HttpRequest) -> Any:  # every role may be read
        return admin.ModelAdmin.get_queryset(self, request)
