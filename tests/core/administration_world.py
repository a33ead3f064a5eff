"""A small world for administration tests, without the demo: two municipalities A and
B, each with a municipal department, a police force and a covenant sharing "overlast"
with its police; an administrator of each, a platform administrator and a partner worker
of A's police; one global and one municipal category."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from tests.clients import client_for  # noqa: F401  (re-exported for the admin tests)
from wijkregie.core import roles
from wijkregie.core.models import Municipality, Organisation, User
from wijkregie.signals.models import Category, Covenant, CovenantRule, Signal


@dataclass
class AdminWorld:
    a: Municipality
    b: Municipality
    orgs: dict[str, Organisation]  # "gemeente:A", "politie:A", ...
    users: dict[str, User]  # "admin:A", "admin:B", "platform", "agent:A", "agent:B"
    covenants: dict[str, Covenant]
    overlast: Category  # global
    local_category: dict[str, Category]  # a category of A's and of B's own


def _user(username: str, role: str, org: Organisation, municipality: Municipality | None,
          *, staff: bool = False) -> User:
    user = User.objects.create(username=username, organisation=org, municipality=municipality,
                               is_staff=staff)
    user.set_password("a-test-password-9")
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def build_world() -> AdminWorld:
    roles.sync_roles()
    a = Municipality.objects.create(code="GM9101", name="Adorp")
    b = Municipality.objects.create(code="GM9102", name="Bestad")
    orgs: dict[str, Organisation] = {}
    for key, municipality in (("A", a), ("B", b)):
        for kind, org_type in (("gemeente", "municipality"), ("politie", "police")):
            org = Organisation.objects.create(name=f"{kind} {municipality.name}", type=org_type)
            org.municipalities.add(municipality)
            orgs[f"{kind}:{key}"] = org
    platform_org = Organisation.objects.create(name="Platformbeheer", type="programme")
    platform_org.municipalities.set([a, b])
    overlast = Category.objects.create(key="overlast", name="Overlast", retention_days=365)
    local = {key: Category.objects.create(key=f"lokaal-{key.lower()}", name=f"Lokaal {key}",
                                          municipality=municipality, retention_days=100)
             for key, municipality in (("A", a), ("B", b))}
    covenants = {}
    for key, municipality in (("A", a), ("B", b)):
        covenant = Covenant.objects.create(municipality=municipality, name=f"Convenant {key}")
        covenant.participants.set([orgs[f"gemeente:{key}"], orgs[f"politie:{key}"]])
        CovenantRule.objects.create(covenant=covenant, category=overlast,
                                    organisation=orgs[f"politie:{key}"], purpose="aanpak overlast")
        covenants[key] = covenant
    users = {
        "admin:A": _user("beheer-a", roles.ADMINISTRATOR, orgs["gemeente:A"], a, staff=True),
        "admin:B": _user("beheer-b", roles.ADMINISTRATOR, orgs["gemeente:B"], b, staff=True),
        "platform": _user("platform", roles.PLATFORM_ADMINISTRATOR, platform_org, None,
                          staff=True),
        "agent:A": _user("agent-a", roles.PARTNER_WORKER, orgs["politie:A"], a),
        "agent:B": _user("agent-b", roles.PARTNER_WORKER, orgs["politie:B"], b),
    }
    return AdminWorld(a, b, orgs, users, covenants, overlast, local)


def add_signal(world: AdminWorld, key: str = "A", description: str = "Geluidsoverlast") -> Signal:
    municipality = world.a if key == "A" else world.b
    return Signal.objects.create(
        municipality=municipality, category=world.overlast, pillar="safety",
        observed_on=timezone.localdate(), description=description, reliability="own",
        organisation=world.orgs[f"politie:{key}"])


