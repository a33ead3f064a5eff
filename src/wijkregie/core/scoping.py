"""Tenancy scoping shared by every app's selectors.

A user works for one municipality; programme viewers have none and see aggregates
only. Apps call these helpers from their ``selectors.py``; views never filter by
municipality themselves.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome, Municipality, User
from wijkregie.core.roles import PROGRAMME_VIEWER

M = TypeVar("M", bound=models.Model)


def is_programme_viewer(user: User) -> bool:
    return user.is_authenticated and user.groups.filter(name=PROGRAMME_VIEWER).exists()


def municipalities_for(user: User) -> models.QuerySet[Municipality]:
    """Municipalities whose protected data the user may see (at most one)."""
    if not user.is_authenticated or user.municipality_id is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=user.municipality_id)


def scope_to_municipality(
    queryset: models.QuerySet[M], user: User, field: str = "municipality"
) -> models.QuerySet[M]:
    """Restrict a queryset of protected objects to the user's own municipality."""
    if not user.is_authenticated or user.municipality_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}_id": user.municipality_id})


def get_scoped_or_404(
    scoped: models.QuerySet[M],
    *,
    user: User,
    request: HttpRequest | None = None,
    purpose: str = "",
    **lookup: Any,
) -> M:
    """Fetch one object from a scoped queryset, or raise 404.

    When the object exists outside the user's scope the attempt is recorded as a
    denied access; the response stays 404 so that existence is not revealed.
    """
    try:
        return scoped.get(**lookup)
    except scoped.model.DoesNotExist:
        unscoped = scoped.model._default_manager.filter(**lookup)
        if unscoped.exists():
            audit.record(
                AuditAction.PERMISSION_DENIED, actor=user, request=request,
                object_type=scoped.model._meta.label_lower,
                object_id=unscoped.values_list("pk", flat=True).first(),
                purpose=purpose, outcome=AuditOutcome.DENIED,
            )
        raise Http404(f"No {scoped.model._meta.verbose_name} found") from None
