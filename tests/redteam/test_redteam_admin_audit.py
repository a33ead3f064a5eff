"""Red team, issue 10 breach 4: admin writes that reach the database without a chained
audit event. Each test FAILS on branch sig-admin and states the break."""

from __future__ import annotations

import pytest

from tests.core.administration_world import AdminWorld, build_world, client_for
from wijkregie.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> AdminWorld:
    return build_world()


def test_redteam_admin_own_password_change_in_the_admin_is_audited(world):
    """BREAK: ``/admin/password_change/`` (Django's AdminSite.password_change, reachable
    from every admin page's "Change password" link) saves the administrator's new
    password hash with ``PasswordChangeForm.save()`` -> ``user.save()``, not through
    ``administration.save``. The credential of an account that decides who may see what
    changes and the hash-chained trail holds no event for it. ADR 0009 claims "an
    unaudited administered write cannot happen". Severity: medium (a takeover that
    resets an administrator's password, or an insider covering tracks, leaves no
    chained trace)."""
    admin_a = world.users["admin:A"]
    client = client_for(admin_a)
    seen = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.post("/admin/password_change/", {
        "old_password": "a-test-password-9",
        "new_password1": "Heel-nieuw-wachtwoord-31",
        "new_password2": "Heel-nieuw-wachtwoord-31"})
    assert response.status_code == 302
    admin_a.refresh_from_db()
    assert admin_a.check_password("Heel-nieuw-wachtwoord-31")  # the write happened
    events = AuditEvent.objects.filter(seq__gt=seen, object_type="core.user",
                                       object_id=str(admin_a.pk),
                                       action=AuditAction.UPDATE)
    assert [e.detail.get("opaque_changed") for e in events] == [["password"]], (
        "the administrator's own password change left no chained audit event")
