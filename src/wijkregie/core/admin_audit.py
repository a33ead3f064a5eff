"""The Django admin wired to the audited administration services (ADR 0009).

``AuditedModelAdmin`` is the base of every admin that can write: the form's object is
saved, with its many-to-many values and inline rows, by one call of
:func:`administration.save` (one transaction, one event with before and after);
deletions, also the bulk action, go through :func:`administration.delete`. Querysets,
object access and the choices of related fields are scoped to the administrator's
municipality. ``AdminSite`` refuses the whole admin without the second factor.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordChangeView
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from wijkregie.core import administration


class OwnPasswordChangeForm(AdminPasswordChangeForm):
    """The administrator's own password, stored through the audited service (the event
    says only that the password changed)."""

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        administration.change_own_password(user=user, request=self.request)
        return user


class OwnPasswordChangeView(PasswordChangeView):
    form_class = OwnPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        # The account itself rather than request.user (a lazy object around it), for
        # the service's before/after.
        return super().get_form_kwargs() | {
            "user": get_user_model()._default_manager.get(pk=self.request.user.pk),
            "request": self.request}


class AdminSite(admin.AdminSite):
    """The admin, with the second factor required for every page behind the login."""

    def password_change(self, request: HttpRequest,
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Django's own page, with its write through the audited service."""
        defaults: dict[str, Any] = {
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return OwnPasswordChangeView.as_view(**defaults)(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def second_factor_first(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from wijkregie.signals import totp

            if (request.user.is_authenticated and self.has_permission(request)
                    and not totp.is_verified(request)):
                found = totp.device(request.user)
                target = "signals:totp-verify" if found and found.confirmed \
                    else "signals:totp-enrol"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
            return inner(request, *args, **kwargs)

        return second_factor_first if cacheable else never_cache(second_factor_first)


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes through the administration services; everything scoped to the
    administrator's municipality unless it is a platform administrator."""

    # --- scope ---------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return administration.visible(request.user, super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id: str,
                   from_field: str | None = None) -> models.Model | None:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            outside = super().get_queryset(request).filter(pk=object_id).first() \
                if str(object_id).isdigit() else None
            if outside is not None:
                administration.record_denied(actor=request.user, obj=outside, request=request)
        return found

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or administration.may_administer(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or administration.may_administer(request.user, obj))

    def _scoped_choices(self, db_field: models.Field, request: HttpRequest,
                        kwargs: dict[str, Any]) -> None:
        related = db_field.related_model
        if related is not None and (administration.is_administered(related)
                                    or related._meta.label == "auth.Group"):
            base = kwargs.get("queryset")
            if base is None:
                base = related._default_manager.all()
            kwargs["queryset"] = administration.visible(request.user, base)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- writes --------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm,
                   change: bool) -> None:
        """Nothing yet: the object is written in ``save_related``, with its related rows,
        by one audited service call (the admin always calls both, in this order)."""

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any,
                     change: bool) -> None:
        parent = super()

        def related_writes() -> None:
            self.before_related_writes(request, form, change)
            parent.save_related(request, form, formsets, change)
            self.after_related_writes(request, form, change)

        administration.save(actor=request.user, obj=form.instance, request=request,
                            related_writes=related_writes)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            self.before_delete(request, [obj])
            administration.delete(actor=request.user, obj=obj, request=request)
            self.after_delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        objects = list(queryset)
        with transaction.atomic():
            self.before_delete(request, objects)
            administration.delete_all(actor=request.user, objects=objects, request=request)
            self.after_delete(request, objects)

    # Hooks for what a write entails beyond its rows, run inside its audited transaction
    # (e.g. figures recomputed when a programme area changes, ADR 0010). The object
    # itself is saved before ``before_related_writes``; its many-to-many values and
    # inline rows between the two.
    def before_related_writes(self, request: HttpRequest, form: ModelForm,
                              change: bool) -> None:
        pass

    def after_related_writes(self, request: HttpRequest, form: ModelForm,
                             change: bool) -> None:
        pass

    def before_delete(self, request: HttpRequest, objects: list[models.Model]) -> None:
        pass

    def after_delete(self, request: HttpRequest, objects: list[models.Model]) -> None:
        pass


class ScopedInline(admin.TabularInline):
    """An inline of an audited parent: its rows are saved in the parent's service call;
    the choices of its related fields are scoped like the parent's."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        AuditedModelAdmin._scoped_choices(self, db_field, request, kwargs)  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin; rows scoped like the written ones."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return administration.visible(request.user, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
