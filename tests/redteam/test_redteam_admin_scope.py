"""Red team, issue 10 breach 4: a municipal administrator acting on accounts that are
not its to administer. Each test FAILS on branch sig-admin and states the break."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.core.admin_forms import admin_form_data
from tests.core.administration_world import AdminWorld, add_signal, build_world, client_for
from wijkregie.core import roles
from wijkregie.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Overgenomen-wachtwoord-1"


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


def _superuser_of_a(world: AdminWorld) -> User:
    return User.objects.create(username="root", is_staff=True, is_superuser=True,
                               municipality=world.a, organisation=world.orgs["gemeente:A"])


def _platform_admin_of_a(world: AdminWorld) -> User:
    user = User.objects.create(username="platform-a", is_staff=True, municipality=world.a,
                               organisation=world.orgs["gemeente:A"])
    user.groups.add(Group.objects.get(name=roles.PLATFORM_ADMINISTRATOR))
    return user


@pytest.mark.parametrize("target", [_superuser_of_a, _platform_admin_of_a],
                         ids=["superuser", "platform_administrator"])
def test_redteam_admin_municipal_admin_cannot_set_a_platform_accounts_password(world, target):
    """BREAK (privilege escalation): ``may_administer`` for a user looks only at the
    user's municipality and organisation, never at what the user is. A superuser or
    platform administrator whose ``municipality`` is A (the model allows it; nothing
    forbids it) is "A's" to the administrator of A, who can set its password on
    ``/admin/core/user/<id>/password/`` (audited, but allowed). The superuser flag and
    the platform role are protected against being *given*; the account holding them is
    not protected against being *taken*: with the new password the administrator of A
    logs in as that account, and if it has no confirmed TOTP device yet (a superuser
    made with ``createsuperuser`` and used from the command line) enrols one itself on
    /signals/2fa/enrol/ and is superuser / platform administrator over every
    municipality."""
    account = target(world)
    client = client_for(world.users["admin:A"])
    client.post(f"/admin/core/user/{account.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    account.refresh_from_db()
    assert not account.check_password(NEW_PASSWORD), (
        "the administrator of A set the password of an account with platform-wide power")


def test_redteam_admin_municipal_admin_cannot_deactivate_a_superuser(world):
    """BREAK: the same hole on the change form: the administrator of A can deactivate
    (or rename, or strip ``is_staff`` from) a superuser whose municipality is A, locking
    the platform's own administrator out."""
    account = _superuser_of_a(world)
    client = client_for(world.users["admin:A"])
    path = f"/admin/core/user/{account.pk}/change/"
    page = client.get(path)
    data = admin_form_data(page) if page.status_code == 200 else {}
    data.pop("is_active", None)
    client.post(path, data)
    account.refresh_from_db()
    assert account.is_active, "the administrator of A deactivated a superuser"


def test_redteam_admin_municipal_admin_cannot_grant_itself_a_personal_data_role(world):
    """BREAK (separation of duties, medium): the administrator of A opens its own user
    page, moves itself to the police of A and adds the partner-worker role next to
    its administrator role; nothing refuses a change to one's own account. One
    request later it opens the police's signals with personal data
    (/signals/<id>/, 200). This is breach 4's scenario ("create users, give them a
    personal-data role or another organisation ... and thereby read care signals")
    done on itself: it is now audited and behind the second factor, but still needs no
    second person. A municipal administrator should not be able to give *itself* a
    role that sees personal data, nor move itself into a partner organisation."""
    me = world.users["admin:A"]
    signal = add_signal(world)
    client = client_for(me)
    path = f"/admin/core/user/{me.pk}/change/"
    page = client.get(path)
    own_roles = [str(Group.objects.get(name=name).pk)
                 for name in (roles.ADMINISTRATOR, roles.PARTNER_WORKER)]
    client.post(path, admin_form_data(page) | {
        "organisation": str(world.orgs["politie:A"].pk), "groups": own_roles})
    me = User.objects.get(pk=me.pk)
    assert not me.groups.filter(name=roles.PARTNER_WORKER).exists(), (
        "the administrator gave itself a personal-data role")
    assert client.get(f"/signals/{signal.pk}/").status_code != 200


def test_redteam_admin_audit_log_of_a_shows_no_changes_to_b(world):
    """BREAK (cross-municipality read, low-medium): an audit event is scoped by the
    *actor's* municipality (``audit.record`` copies ``actor.municipality_id``;
    ``AuditEventAdmin`` filters on it), not by the municipality of the object it is
    about. A platform administrator (or superuser) whose own ``municipality`` is A
    changes a user of B; the event, with B's user's name, e-mail address and roles
    before and after, is listed in A's audit log and opened by A's administrator
    on /admin/core/auditevent/<id>/change/. (The mirror image: B's administrator
    never sees that B's users were changed.)"""
    platform = _platform_admin_of_a(world)
    agent_b = world.users["agent:B"]
    agent_b.email = "agent.b@bestad.example"
    agent_b.save()
    path = f"/admin/core/user/{agent_b.pk}/change/"
    by_platform = client_for(platform)
    page = by_platform.get(path)
    assert page.status_code == 200
    response = by_platform.post(path, admin_form_data(page) | {"last_name": "Bestadsma"})
    assert response.status_code == 302
    admin_a = client_for(world.users["admin:A"])
    event = AuditEvent.objects.filter(object_type="core.user", object_id=str(agent_b.pk),
                                      action="update").get()
    page_a = admin_a.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert "agent.b@bestad.example" not in page_a.content.decode(), (
        "A's administrator reads B's user's e-mail address in A's audit log")
