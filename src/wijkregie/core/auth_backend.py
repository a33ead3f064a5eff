"""Permissions from the roles table, read without joining permission tables.

``core/roles.py`` is the single definition of what each role may do; ``sync_roles``
mirrors it into the role groups after every migrate so the admin can show it, and the
admin cannot change a group's permissions. Deciding a permission from the user's role
names and that table costs one small query per request instead of Django's two joins
over the permission tables (measured on the signals API: benchmarks/RESULTS.md, ADR 0008).
Users never hold direct permissions (the admin has no field for them).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from wijkregie.core.roles import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    """Password login as Django's ModelBackend; permissions from ``ROLE_PERMISSIONS``."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_group_permissions(user_obj, obj)
        cached = getattr(user_obj, "_role_perm_cache", None)
        if cached is None:
            cached = set().union(*(ROLE_PERMISSIONS.get(role, ()) for role in _roles(user_obj)))
            user_obj._role_perm_cache = cached
        return cached


def _roles(user: Any) -> list[str]:
    """The user's role names; plain SQL as it runs on every request that checks a
    permission (through the ORM about 4× the CPU of this statement, mostly building the query;
    benchmarks/signals/bench_query_building.py)."""
    memberships = type(user).groups.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT g.name FROM {Group._meta.db_table} g JOIN {memberships} m "  # nosec B608 # names from _meta, user id bound
                       f"ON m.group_id = g.id WHERE m.user_id = %s", [user.pk])
        return [name for (name,) in cursor.fetchall()]
