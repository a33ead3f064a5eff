"""Audited administration: the one way the objects that decide who may see what are
written (users and their roles, organisations, municipalities, the covenant and its
rules, partner tokens, categories with their retention), and the scope of each
administrator (ADR 0009).

Each write is one transaction that ends with one hash-chained audit event carrying the
object's state before and after; secrets (password hashes, token hashes, TOTP secrets)
are never in it, only the fact that they changed. If the event cannot be written, the
write is rolled back. The Django admin calls :func:`save` and :func:`delete` from its
``save_related``/``delete_model``/``delete_queryset`` (core/admin_audit.py).

A municipal administrator administers only objects that belong to its own
municipality alone; a platform administrator (a separate role) administers all of them.
Accounts with platform-wide power, and objects another service manages (a partner
token's service account), are outside a municipal administrator's reach; nobody
changes its own organisation or roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from wijkregie.core import audit
from wijkregie.core.models import (
    AuditAction,
    AuditEvent,
    AuditOutcome,
    Job,
    Municipality,
    Organisation,
    User,
)
from wijkregie.core.roles import PLATFORM_ADMINISTRATOR, PLATFORM_ONLY_ROLES

# Never in an event, not even hashed: only the fact that they changed.
SECRET_FIELDS = frozenset({"password", "key_hash", "secret", "identity"})
# Too large for an event; a change is noted like a secret's.
BULKY_FIELDS = frozenset({"geometry"})


@dataclass(frozen=True)
class Administered:
    """How one model is scoped and described in events.

    ``municipalities``: the municipalities an object belongs to (None: global, so it
    belongs to none); ``visible``: the rows a municipal administrator of one
    municipality sees; ``related``: extra state beside the model's own fields (e.g. a
    covenant's rules), so that a change made through an inline is in the event too.
    """

    municipalities: Callable[[Any], set[int | None]]
    visible: Callable[[QuerySet, int], QuerySet]
    related: Callable[[Any], dict[str, Any]] = field(default=lambda obj: {})


_REGISTRY: dict[type[models.Model], Administered] = {}
# Objects another service manages (e.g. a partner token's service account): read-only
# for the administration, written only by that service (``save(..., as_manager=True)``).
_MANAGED_ELSEWHERE: dict[type[models.Model], Callable[[Any], bool]] = {}
# Fields of one's own account that a second administrator must change (separation of
# duties: nobody gives itself a personal-data role or a partner's organisation).
OWN_ACCOUNT_FIELDS = ("organisation", "municipality", "roles", "is_superuser")


def register(model: type[models.Model], *, municipalities: Callable[[Any], set[int | None]],
             visible: Callable[[QuerySet, int], QuerySet],
             related: Callable[[Any], dict[str, Any]] | None = None) -> None:
    _REGISTRY[model] = Administered(municipalities, visible, related or (lambda obj: {}))


def _by_municipality_field(model: type[models.Model]) -> Administered:
    """Models with a ``municipality`` foreign key; empty means global (platform only)."""
    return Administered(lambda obj: {obj.municipality_id},
                        lambda qs, own: qs.filter(Q(municipality_id=own)
                                                  | Q(municipality__isnull=True))
                        if model._meta.get_field("municipality").null
                        else qs.filter(municipality_id=own))


def register_managed_elsewhere(model: type[models.Model], *,
                               is_managed: Callable[[Any], bool]) -> None:
    _MANAGED_ELSEWHERE[model] = is_managed


def is_managed_elsewhere(obj: models.Model) -> bool:
    check = _MANAGED_ELSEWHERE.get(type(obj))
    return check is not None and obj.pk is not None and check(obj)


def spec_of(model: type[models.Model]) -> Administered:
    spec = _REGISTRY.get(model)
    if spec is not None:
        return spec
    if any(f.name == "municipality" for f in model._meta.concrete_fields):
        return _by_municipality_field(model)
    raise ImproperlyConfigured(f"{model._meta.label} is not an administered model")


def is_administered(model: type[models.Model]) -> bool:
    try:
        spec_of(model)
    except ImproperlyConfigured:
        return False
    return True


# --- who administers what ------------------------------------------------------------

def is_platform_administrator(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_is_platform_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=PLATFORM_ADMINISTRATOR).exists()
        user._is_platform_admin = cached
    return cached


def may_administer(user: Any, obj: models.Model, *, as_manager: bool = False) -> bool:
    """May ``user`` change or delete ``obj``: everything for a platform administrator;
    for a municipal one only what belongs to its own municipality and to no other.
    Nobody, through the administration, what another service manages."""
    if is_managed_elsewhere(obj) and not as_manager:
        return False
    if is_platform_administrator(user):
        return True
    own = getattr(user, "municipality_id", None)
    return own is not None and spec_of(type(obj)).municipalities(obj) == {own}


def visible(user: Any, queryset: QuerySet) -> QuerySet:
    """The rows of an administered model that ``user`` sees in the administration."""
    if is_platform_administrator(user):
        return queryset
    own = getattr(user, "municipality_id", None)
    if own is None:
        return queryset.none()
    if queryset.model is Group:
        return queryset.exclude(name__in=PLATFORM_ONLY_ROLES)
    return spec_of(queryset.model).visible(queryset, own)


def _require(actor: Any, obj: models.Model, *, as_manager: bool = False) -> None:
    # No denied event here: the refusal rolls back the caller's transaction with it.
    # Pages refuse earlier and record it (admin_audit.AuditedModelAdmin.get_object).
    if not may_administer(actor, obj, as_manager=as_manager):
        raise PermissionDenied(f"{obj._meta.verbose_name} is outside your administration")


def record_denied(*, actor: Any, obj: models.Model, request: HttpRequest | None) -> None:
    """A refused attempt to open or change an object outside the actor's administration."""
    audit.record(AuditAction.PERMISSION_DENIED, actor=actor, request=request, obj=obj,
                 purpose="administration", outcome=AuditOutcome.DENIED,
                 detail=_object_scope(obj))


def _object_scope(obj: models.Model) -> dict[str, int | None]:
    """The municipality an administered object belongs to, in its events, so that the
    audit log is scoped by the object and not only by the actor (None: global or
    several municipalities, which only a platform administrator sees)."""
    found = spec_of(type(obj)).municipalities(obj)
    return {"object_municipality": next(iter(found)) if len(found) == 1 else None}


# --- state before and after ------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def state_of(obj: models.Model) -> dict[str, Any]:
    """The object's fields (foreign keys and many-to-many as ids) and its related state,
    without secrets or bulky fields."""
    state: dict[str, Any] = {}
    for fld in obj._meta.concrete_fields:
        if fld.name in SECRET_FIELDS or fld.name in BULKY_FIELDS:
            continue
        state[fld.name] = _plain(fld.value_from_object(obj))
    for fld in obj._meta.many_to_many:
        state[fld.name] = sorted(getattr(obj, fld.name).values_list("pk", flat=True))
    state |= spec_of(type(obj)).related(obj)
    return state


def _opaque(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    return {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields
            if f.name in SECRET_FIELDS or f.name in BULKY_FIELDS}


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def _roles(state: dict[str, Any] | None) -> set[str]:
    return set(state.get("roles", ())) if state else set()


def _require_role_change_allowed(actor: Any, before: dict[str, Any] | None,
                                 after: dict[str, Any]) -> None:
    """Roles that reach beyond one municipality, and superuser status, are given and
    taken only by a platform administrator (the superuser flag only by a superuser)."""
    changed = _roles(before) ^ _roles(after)
    if changed & PLATFORM_ONLY_ROLES and not is_platform_administrator(actor):
        raise PermissionDenied("only a platform administrator gives or takes these roles")
    was_superuser = bool(before and before.get("is_superuser"))
    if after.get("is_superuser", False) != was_superuser and not actor.is_superuser:
        raise PermissionDenied("only a superuser changes superuser status")


def _require_not_own_access(actor: Any, obj: models.Model, before: dict[str, Any] | None,
                            after: dict[str, Any]) -> None:
    if not (isinstance(obj, User) and before is not None and obj.pk == actor.pk):
        return
    if any(before.get(name) != after.get(name) for name in OWN_ACCOUNT_FIELDS):
        raise PermissionDenied("another administrator changes your own organisation, "
                               "municipality and roles")


# --- the writes ------------------------------------------------------------------------

def save(*, actor: Any, obj: models.Model, request: HttpRequest | None = None,
         related_writes: Callable[[], None] | None = None,
         purpose: str = "administration", as_manager: bool = False) -> AuditEvent:
    """Create or change ``obj`` (and, through ``related_writes``, its many-to-many values
    and inline rows) in one transaction with one audit event holding before and after.

    Refused (PermissionDenied, nothing written) when the object before or after the
    change lies outside the actor's administration, when another service manages it
    (unless that service writes: ``as_manager``), and when the actor changes its own
    organisation, municipality or roles.
    """
    return _write(actor=actor, obj=obj, request=request, related_writes=related_writes,
                  purpose=purpose, as_manager=as_manager, scoped=True)


def change_own_password(*, user: User, request: HttpRequest | None = None) -> AuditEvent:
    """Store the password just set on ``user`` by the user itself (the admin's own
    password page): audited like any change of the account, allowed whatever the
    account's scope, since it changes nothing but the user's own credential."""
    with transaction.atomic():
        stored = _stored(user)
        if stored is None:
            raise PermissionDenied("a password is changed on an existing account")
        if state_of(stored) != state_of(user):
            raise PermissionDenied("only the password changes here")
        return _write(actor=user, obj=user, request=request, related_writes=None,
                      purpose="own password changed", as_manager=False, scoped=False)


def _write(*, actor: Any, obj: models.Model, request: HttpRequest | None,
           related_writes: Callable[[], None] | None, purpose: str, as_manager: bool,
           scoped: bool) -> AuditEvent:
    with transaction.atomic():
        stored = _stored(obj)
        if stored is not None and scoped:
            _require(actor, stored, as_manager=as_manager)
        before = state_of(stored) if stored is not None else None
        secrets_before = _opaque(stored)
        obj.save()
        if related_writes is not None:
            related_writes()
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        after = state_of(fresh)
        if scoped:
            _require(actor, fresh, as_manager=as_manager)
            _require_role_change_allowed(actor, before, after)
            _require_not_own_access(actor, fresh, before, after)
        secrets_after = _opaque(fresh)
        detail = {
            "before": before, "after": after,
            "changed": sorted(k for k in after if before is None or before.get(k) != after[k]),
            # Secrets and bulky fields: only whether they changed.
            "opaque_changed": sorted(k for k, value in secrets_after.items()
                                     if stored is None or secrets_before.get(k) != value),
        } | _object_scope(fresh)
        return audit.record(AuditAction.CREATE if stored is None else AuditAction.UPDATE,
                            actor=actor, request=request, obj=fresh, purpose=purpose,
                            detail=detail)


def delete(*, actor: Any, obj: models.Model, request: HttpRequest | None = None,
           purpose: str = "administration") -> AuditEvent:
    """Delete ``obj`` (and what cascades from it) with one event holding its state."""
    with transaction.atomic():
        stored = _stored(obj)
        if stored is None:
            raise PermissionDenied(f"{obj._meta.verbose_name} does not exist")
        _require(actor, stored)
        before = state_of(stored)
        scope = _object_scope(stored)
        label, pk = stored._meta.label_lower, stored.pk
        stored.delete()
        return audit.record(AuditAction.DELETE, actor=actor, request=request,
                            object_type=label, object_id=pk, purpose=purpose,
                            detail={"before": before, "after": None} | scope)


def delete_all(*, actor: Any, objects: Iterable[models.Model],
               request: HttpRequest | None = None) -> list[AuditEvent]:
    """Bulk deletion: one event per object, all or nothing."""
    with transaction.atomic():
        return [delete(actor=actor, obj=obj, request=request) for obj in objects]


# --- the core models -------------------------------------------------------------------

def _user_municipalities(user: User) -> set[int | None]:
    """A user belongs to its municipality; if its organisation does not work there, to
    the organisation's municipalities too (so only a platform administrator links them)."""
    own = {user.municipality_id}
    if user.is_superuser or user.groups.filter(name__in=PLATFORM_ONLY_ROLES).exists():
        # An account with power beyond one municipality is the platform's to administer
        # (its password, flags, name and roles), whatever its own municipality.
        own.add(None)
    if user.organisation_id is None:
        return own
    worked_in = set(user.organisation.municipalities.values_list("pk", flat=True))
    return own if user.municipality_id in worked_in else own | worked_in


def _visible_events(queryset: QuerySet, own: int) -> QuerySet:
    """An administration event by the object's municipality (``object_municipality`` in
    its detail, chained with it); any other event, and administration events from
    before that key, by the actor's municipality."""
    return queryset.filter(Q(detail__object_municipality=own)
                           | (Q(municipality_id=own)
                              & ~Q(detail__has_key="object_municipality")))


def _user_related(user: User) -> dict[str, Any]:
    return {"roles": sorted(user.groups.values_list("name", flat=True))}


register(Municipality, municipalities=lambda m: {m.pk},
         visible=lambda qs, own: qs.filter(pk=own))
register(Organisation,
         municipalities=lambda o: set(o.municipalities.values_list("pk", flat=True)) or {None},
         visible=lambda qs, own: qs.filter(municipalities=own).distinct())
register(User, municipalities=_user_municipalities,
         visible=lambda qs, own: qs.filter(municipality_id=own), related=_user_related)
# Read-only in the admin, scoped all the same: events and jobs name the persons and
# files of one municipality.
register(AuditEvent, municipalities=lambda e: {e.municipality_id},
         visible=_visible_events)
register(Job, municipalities=lambda j: {j.municipality_id},
         visible=lambda qs, own: qs.filter(municipality_id=own))
