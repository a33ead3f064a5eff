from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from wijkregie.core import roles
from wijkregie.core.models import User

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_permissions():
    for role, expected in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        actual = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert actual == expected, role


def test_role_table_names_only_existing_permissions():
    from django.contrib.auth.models import Permission

    existing = {f"{p.content_type.app_label}.{p.codename}"
                for p in Permission.objects.select_related("content_type")}
    for role, perms in roles.ROLE_PERMISSIONS.items():
        assert perms <= existing, (role, perms - existing)


def test_demo_users_get_permissions_only_through_roles(demo):
    assert not User.user_permissions.through.objects.exists()
    assert User.objects.get(username="analist").has_perm("areas.import_areas")
    assert not User.objects.get(username="agent").has_perm("areas.import_areas")
    assert User.objects.get(username="beheerder").has_perm("core.view_audit_log")
    assert not User.objects.get(username="regisseur").has_perm("core.view_audit_log")


@pytest.mark.parametrize(("username", "status"), [
    ("analist", 200), ("beheerder", 200), ("agent", 403), ("regisseur", 403),
    ("adviseur", 403), ("programma", 403),
])
def test_import_page_by_role(demo, login, username, status):
    assert login(username).get("/areas/import/").status_code == status


def test_passwords_are_hashed_with_argon2(demo):
    assert User.objects.get(username="regisseur").password.startswith("argon2")


def test_administrator_manages_users_in_admin_without_direct_permissions(demo, login):
    client = login("beheerder")
    assert client.get("/admin/core/user/").status_code == 200
    form = client.get(f"/admin/core/user/{User.objects.get(username='agent').pk}/change/")
    assert form.status_code == 200
    assert "user_permissions" not in form.content.decode()
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert login("regisseur").get("/admin/core/user/").status_code == 302  # not staff


def test_permissions_come_from_the_roles_table_in_one_query(demo, django_assert_num_queries):
    agent = User.objects.get(username="agent")
    with django_assert_num_queries(1):
        granted = agent.get_all_permissions()
        assert agent.has_perm("signals.view_personal_signals")
    expected = set().union(*(roles.ROLE_PERMISSIONS[g.name] for g in agent.groups.all()))
    assert granted == expected
    assert not agent.has_perm("core.view_audit_log")


def test_a_permission_added_to_a_role_group_outside_the_table_grants_nothing(demo):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.PARTNER_WORKER)
    group.permissions.add(Permission.objects.get(codename="view_audit_log"))
    assert not User.objects.get(username="agent").has_perm("core.view_audit_log")


def test_inactive_users_have_no_permissions(demo):
    agent = User.objects.get(username="agent")
    agent.is_active = False
    assert agent.get_all_permissions() == set()


def test_roles_are_read_only_in_the_admin(demo, login):
    client = login("beheerder")
    group = Group.objects.get(name=roles.PARTNER_WORKER)
    assert client.get("/admin/auth/group/").status_code == 200
    before = set(group.permissions.values_list("pk", flat=True))
    client.post(f"/admin/auth/group/{group.pk}/change/",
                {"name": "renamed", "permissions": []})
    group.refresh_from_db()
    assert group.name == roles.PARTNER_WORKER
    assert set(group.permissions.values_list("pk", flat=True)) == before
