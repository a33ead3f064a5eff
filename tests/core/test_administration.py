"""Administration is audited, needs the second factor and is scoped to the
administrator's municipality (issue 10, breach 4; ADR 0009). Everything goes through
the admin URLs with the test client, as an administrator would."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from tests.core.admin_forms import admin_form_data
from tests.core.administration_world import AdminWorld, build_world, client_for
from wijkregie.core import administration, audit, roles
from wijkregie.core.admin_audit import AdminSite, AuditedModelAdmin, ReadOnlyAdmin
from wijkregie.core.models import AuditAction, AuditEvent, Organisation, User
from wijkregie.signals.models import Category, CovenantRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


def _events(object_type: str, action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(object_type=object_type)
    if action:
        events = events.filter(action=action)
    return list(events.order_by("seq"))


def _change(client, path: str, **changes):  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return client.post(path, admin_form_data(page) | changes)


# --- every write is audited, with before and after -----------------------------------

def test_every_admin_that_can_write_uses_the_audited_services(rf):
    """A model in the admin either cannot be written there at all, or is written only
    through the services: its admin derives from AuditedModelAdmin and keeps its writes
    (a subclass overriding one would bypass them)."""
    request = rf.get("/admin/")
    request.user = User(username="root", is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ReadOnlyAdmin):
            assert not (model_admin.has_add_permission(request)
                        or model_admin.has_change_permission(request)
                        or model_admin.has_delete_permission(request)), model
            continue
        assert isinstance(model_admin, AuditedModelAdmin), model
        for name in ("save_model", "save_related", "delete_model", "delete_queryset"):
            assert getattr(type(model_admin), name) is getattr(AuditedModelAdmin, name), (
                model, name)
        assert administration.is_administered(model), model
    assert admin.site.__class__.__name__ == "AdminSite" and isinstance(
        admin.site, AdminSite)


def test_creating_a_user_with_a_role_writes_one_chained_event_without_the_password(world):
    client = client_for(world.users["admin:A"])
    worker = Group.objects.get(name=roles.PARTNER_WORKER)
    response = client.post("/admin/core/user/add/", {
        "username": "nieuw", "password1": "Een-lang-wachtwoord-42",
        "password2": "Een-lang-wachtwoord-42", "usable_password": "true",
        "organisation": world.orgs["politie:A"].pk, "municipality": world.a.pk,
        "groups": [worker.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nieuw")
    [event] = _events("core.user", AuditAction.CREATE)
    assert event.actor_id == world.users["admin:A"].pk and event.object_id == str(user.pk)
    assert event.detail["before"] is None
    assert event.detail["after"]["roles"] == [roles.PARTNER_WORKER]
    assert event.detail["after"]["organisation"] == world.orgs["politie:A"].pk
    assert event.detail["after"]["municipality"] == world.a.pk
    assert "password" not in event.detail["after"] and "password" in event.detail[
        "opaque_changed"]
    assert user.password not in json.dumps(event.detail)
    assert audit.verify_chain().ok


def test_giving_a_role_and_another_organisation_records_before_and_after(world):
    client = client_for(world.users["admin:A"])
    agent = world.users["agent:A"]
    director = Group.objects.get(name=roles.CASE_DIRECTOR)
    response = _change(client, f"/admin/core/user/{agent.pk}/change/",
                       organisation=str(world.orgs["gemeente:A"].pk), groups=[str(director.pk)])
    assert response.status_code == 302
    [event] = _events("core.user", AuditAction.UPDATE)
    assert event.detail["before"]["roles"] == [roles.PARTNER_WORKER]
    assert event.detail["after"]["roles"] == [roles.CASE_DIRECTOR]
    assert event.detail["before"]["organisation"] == world.orgs["politie:A"].pk
    assert event.detail["after"]["organisation"] == world.orgs["gemeente:A"].pk
    assert {"groups", "organisation", "roles"} <= set(event.detail["changed"])


def test_a_covenant_rule_added_in_the_admin_is_in_the_covenants_event(world):
    client = client_for(world.users["admin:A"])
    covenant = world.covenants["A"]
    page = client.get(f"/admin/signals/covenant/{covenant.pk}/change/")
    data = admin_form_data(page)
    extra = int(data["rules-INITIAL_FORMS"])  # the first empty form
    data |= {f"rules-{extra}-category": str(world.local_category["A"].pk),
             f"rules-{extra}-organisation": str(world.orgs["gemeente:A"].pk),
             f"rules-{extra}-purpose": "regie"}
    response = client.post(f"/admin/signals/covenant/{covenant.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CovenantRule.objects.filter(covenant=covenant, purpose="regie").exists()
    [event] = _events("signals.covenant", AuditAction.UPDATE)
    assert len(event.detail["before"]["rules"]) == 1
    assert {"category": world.local_category["A"].pk, "organisation": world.orgs[
        "gemeente:A"].pk, "purpose": "regie"} in event.detail["after"]["rules"]
    assert event.detail["changed"] == ["rules"]


def test_a_retention_setting_changed_in_the_admin_is_audited(world):
    client = client_for(world.users["admin:A"])
    category = world.local_category["A"]
    response = _change(client, f"/admin/signals/category/{category.pk}/change/",
                       retention_days="30")
    assert response.status_code == 302
    [event] = _events("signals.category", AuditAction.UPDATE)
    assert (event.detail["before"]["retention_days"], event.detail["after"][
        "retention_days"]) == (100, 30)


def test_a_password_set_in_the_admin_is_audited_without_any_hash(world):
    client = client_for(world.users["admin:A"])
    agent = world.users["agent:A"]
    old_hash = agent.password
    response = client.post(f"/admin/core/user/{agent.pk}/password/", {
        "password1": "Nog-een-wachtwoord-77", "password2": "Nog-een-wachtwoord-77",
        "usable_password": "true"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.password != old_hash and agent.check_password("Nog-een-wachtwoord-77")
    [event] = _events("core.user", AuditAction.UPDATE)
    assert event.detail["opaque_changed"] == ["password"] and event.detail["changed"] == []
    text = json.dumps(event.detail)
    assert agent.password not in text and old_hash not in text


def test_bulk_deletion_in_the_admin_writes_an_event_per_object(world):
    superuser = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    spare = [Organisation.objects.create(name=f"Los {i}", type="other") for i in range(2)]
    response = client.post("/admin/core/organisation/", {
        "action": "delete_selected", "_selected_action": [str(o.pk) for o in spare],
        "post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk__in=[o.pk for o in spare]).exists()
    deleted = _events("core.organisation", AuditAction.DELETE)
    assert sorted(e.object_id for e in deleted) == sorted(str(o.pk) for o in spare)
    assert all(e.detail["before"]["name"].startswith("Los") for e in deleted)


def test_an_admin_write_whose_audit_event_fails_is_not_written(world, monkeypatch):
    """Unaudited writes are impossible: the event is part of the write's transaction."""
    client = client_for(world.users["admin:A"])
    agent = world.users["agent:A"]
    page = client.get(f"/admin/core/user/{agent.pk}/change/")
    real_record = audit.record

    def failing(action, **kwargs):  # type: ignore[no-untyped-def]
        if action in (AuditAction.CREATE, AuditAction.UPDATE):
            raise RuntimeError("audit store unavailable")
        return real_record(action, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        client.post(f"/admin/core/user/{agent.pk}/change/", admin_form_data(page) | {
            "organisation": str(world.orgs["gemeente:A"].pk)})
    agent.refresh_from_db()
    assert agent.organisation_id == world.orgs["politie:A"].pk


# --- second factor ----------------------------------------------------------------------

def test_the_admin_without_second_factor_sends_to_enrolment_and_writes_nothing(world):
    client = client_for(world.users["admin:A"], second_factor=False)
    for path in ("/admin/", "/admin/core/user/", "/admin/signals/covenant/",
                 f"/admin/core/user/{world.users['agent:A'].pk}/change/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/signals/2fa/enrol/?next=" + path), path
    worker = Group.objects.get(name=roles.PARTNER_WORKER)
    refused = client.post("/admin/core/user/add/", {
        "username": "stiekem", "password1": "Een-lang-wachtwoord-42",
        "password2": "Een-lang-wachtwoord-42", "organisation": world.orgs["politie:A"].pk,
        "municipality": world.a.pk, "groups": [worker.pk]})
    assert refused.status_code == 302
    assert not User.objects.filter(username="stiekem").exists()


def test_an_enrolled_administrator_without_the_code_is_sent_to_verify(world):
    from wijkregie.signals import totp

    admin_a = world.users["admin:A"]
    totp.start_enrolment(admin_a)
    admin_a.totp_device.confirmed = True
    admin_a.totp_device.save()
    response = client_for(admin_a, second_factor=False).get("/admin/core/user/")
    assert response["Location"].startswith("/signals/2fa/?next=/admin/core/user/")


def test_administrators_need_the_second_factor_also_without_personal_data():
    platform = roles.ROLE_PERMISSIONS[roles.PLATFORM_ADMINISTRATOR]
    assert platform >= roles.ACCESS_CONTROL_PERMISSIONS
    assert not roles.PERSONAL_DATA_PERMISSIONS & platform


def test_platform_administrator_without_second_factor_is_refused(world):
    response = client_for(world.users["platform"], second_factor=False).get("/admin/")
    assert response.status_code == 302 and "/signals/2fa/" in response["Location"]


# --- scope: municipality A's administrator and municipality B ----------------------------

def test_administrator_of_a_does_not_see_users_or_covenant_of_b(world):
    client = client_for(world.users["admin:A"])
    users = client.get("/admin/core/user/").content.decode()
    assert "agent-a" in users and "agent-b" not in users and "beheer-b" not in users
    covenants = client.get("/admin/signals/covenant/").content.decode()
    assert "Convenant A" in covenants and "Convenant B" not in covenants
    for path in (f"/admin/core/user/{world.users['agent:B'].pk}/change/",
                 f"/admin/core/user/{world.users['agent:B'].pk}/password/",
                 f"/admin/signals/covenant/{world.covenants['B'].pk}/change/",
                 f"/admin/core/municipality/{world.b.pk}/change/",
                 f"/admin/core/organisation/{world.orgs['politie:B'].pk}/change/",
                 f"/admin/signals/category/{world.local_category['B'].pk}/change/"):
        response = client.get(path)
        assert response.status_code in (302, 404), path
        assert "Bestad" not in response.content.decode(), path
    denied = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED,
                                       actor=world.users["admin:A"])
    assert {(e.object_type, e.object_id) for e in denied} >= {
        ("core.user", str(world.users["agent:B"].pk)),
        ("signals.covenant", str(world.covenants["B"].pk))}


def test_administrator_of_a_cannot_change_b_by_posting(world):
    client = client_for(world.users["admin:A"])
    agent_b, covenant_b = world.users["agent:B"], world.covenants["B"]
    client.post(f"/admin/core/user/{agent_b.pk}/change/", {
        "username": "agent-b", "organisation": world.orgs["gemeente:A"].pk,
        "municipality": world.a.pk, "is_active": "on", "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00"})
    client.post(f"/admin/signals/covenant/{covenant_b.pk}/change/", {
        "name": "Overgenomen", "municipality": world.b.pk,
        "participants": [world.orgs["gemeente:A"].pk]})
    agent_b.refresh_from_db()
    covenant_b.refresh_from_db()
    assert (agent_b.organisation_id, agent_b.municipality_id) == (
        world.orgs["politie:B"].pk, world.b.pk)
    assert covenant_b.name == "Convenant B"
    assert not _events("core.user", AuditAction.UPDATE)


def test_administrator_of_a_cannot_move_a_user_or_rule_into_b(world):
    client = client_for(world.users["admin:A"])
    agent_a = world.users["agent:A"]
    moved = _change(client, f"/admin/core/user/{agent_a.pk}/change/",
                    municipality=str(world.b.pk), organisation=str(world.orgs["politie:B"].pk))
    assert moved.status_code == 200  # the form refuses choices outside A
    assert "municipality" in moved.context["adminform"].form.errors
    platform_role = Group.objects.get(name=roles.PLATFORM_ADMINISTRATOR)
    promoted = _change(client, f"/admin/core/user/{agent_a.pk}/change/",
                       groups=[str(platform_role.pk)])
    assert promoted.status_code == 200 and "groups" in promoted.context["adminform"].form.errors
    agent_a.refresh_from_db()
    assert agent_a.municipality_id == world.a.pk
    assert list(agent_a.groups.values_list("name", flat=True)) == [roles.PARTNER_WORKER]
    form = client.get("/admin/core/user/add/").context["adminform"].form
    assert set(form.fields["municipality"].queryset) == {world.a}
    assert world.orgs["politie:B"] not in set(form.fields["organisation"].queryset)


def test_the_services_refuse_what_the_admin_forms_do_not_offer(world):
    """Second line behind the forms: a forged call is refused and writes nothing."""
    admin_a = world.users["admin:A"]
    agent_b = world.users["agent:B"]
    agent_b.first_name = "Overgenomen"
    with pytest.raises(PermissionDenied):
        administration.save(actor=admin_a, obj=agent_b)
    agent_a = world.users["agent:A"]
    agent_a.organisation = world.orgs["politie:B"]  # works only in B
    with pytest.raises(PermissionDenied):
        administration.save(actor=admin_a, obj=agent_a)
    rule = CovenantRule(covenant=world.covenants["A"], category=world.local_category["B"],
                        organisation=world.orgs["politie:A"], purpose="van B")
    with pytest.raises(PermissionDenied):
        administration.save(actor=admin_a, obj=rule)
    promoted = world.users["agent:A"]
    promoted.refresh_from_db()

    def make_platform() -> None:
        promoted.groups.add(Group.objects.get(name=roles.PLATFORM_ADMINISTRATOR))

    with pytest.raises(PermissionDenied):
        administration.save(actor=admin_a, obj=promoted, related_writes=make_platform)
    global_category = Category.objects.get(key="overlast")
    global_category.retention_days = 1
    with pytest.raises(PermissionDenied):
        administration.save(actor=admin_a, obj=global_category)
    assert not promoted.groups.filter(name=roles.PLATFORM_ADMINISTRATOR).exists()
    assert not CovenantRule.objects.filter(purpose="van B").exists()
    assert User.objects.get(pk=agent_b.pk).first_name == ""
    assert Category.objects.get(key="overlast").retention_days == 365
    assert not AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE])


def test_platform_administrator_administers_both_municipalities(world):
    client = client_for(world.users["platform"])
    users = client.get("/admin/core/user/").content.decode()
    assert "agent-a" in users and "agent-b" in users
    covenant_b = world.covenants["B"]
    response = _change(client, f"/admin/signals/covenant/{covenant_b.pk}/change/",
                       name="Convenant B (herzien)")
    assert response.status_code == 302
    [event] = _events("signals.covenant", AuditAction.UPDATE)
    assert event.actor_id == world.users["platform"].pk
    assert event.detail["after"]["name"] == "Convenant B (herzien)"


def test_an_administration_event_is_in_the_audit_log_of_the_objects_municipality(world):
    """The platform administrator (of no municipality) changes a user of B: B's
    administrator finds the event in its audit log, A's does not (ADR 0009)."""
    agent_b = world.users["agent:B"]
    response = _change(client_for(world.users["platform"]),
                       f"/admin/core/user/{agent_b.pk}/change/", last_name="Bestadsma")
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(agent_b.pk),
                                   action=AuditAction.UPDATE)
    assert event.detail["object_municipality"] == world.b.pk
    path = f"/admin/core/auditevent/{event.pk}/change/"
    assert client_for(world.users["admin:B"]).get(path).status_code == 200
    assert client_for(world.users["admin:A"]).get(path).status_code != 200
