"""Red team (issue 10, breach 5): a read of group names leaves an event.

``selectors.list_groups`` writes a list event because "the names describe groups of
persons" (the groups page). The registration page shows the very same names of every
group of the municipality (its group choices come from ``selectors.groups_for``, not
``list_groups``), so a police worker reads all group names, social work's included,
without any trace."""

from __future__ import annotations

import pytest

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import selectors
from wijkregie.signals.crypto import group_name_hash
from wijkregie.signals.models import SubjectGroup
from wijkregie.signals.services import create_group

pytestmark = pytest.mark.django_db


def test_the_registration_page_showing_group_names_leaves_a_group_list_event(demo, login):
    """BREAK: GET /signals/register/ lists social work's group names for the police
    and writes no event (the groups page writes one for the same names)."""
    worker = User.objects.get(username="hulpverlener")
    create_group(user=worker, name="Gezin Verborgen (zorg)", member_refs=[])
    assert SubjectGroup.objects.filter(name_hash=group_name_hash("Gezin Verborgen (zorg)")).exists()
    agent = login("agent")
    last = max(AuditEvent.objects.values_list("seq", flat=True))
    page = agent.get("/signals/register/")
    assert page.status_code == 200
    assert "Gezin Verborgen (zorg)" in page.content.decode()
    events = AuditEvent.objects.filter(seq__gt=last, object_type="signals.subjectgroup")
    assert events.exists(), "group names were shown without a list event"
    # The groups page, for comparison, does write one (holds).
    assert selectors.list_groups(User.objects.get(username="agent"))
