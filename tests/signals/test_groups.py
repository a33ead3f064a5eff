"""Groups of persons kept in the UI: members only from persons the user may see, in the
user's municipality; every change audited; roles without personal data refused."""

from __future__ import annotations

import pytest

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import selectors
from wijkregie.signals.crypto import group_name_hash
from wijkregie.signals.models import Subject, SubjectGroup

pytestmark = pytest.mark.django_db


def _visible_to(username: str, count: int = 2) -> list[str]:
    user = User.objects.get(username=username)
    return list(selectors.subjects_for(user).order_by("ref").values_list("ref", flat=True)
                [:count])


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_worker_creates_a_group_and_changes_its_members(demo, login):
    first, second = _visible_to("hulpverlener")
    client = login("hulpverlener")
    assert "/signals/groups/new/" in client.get("/signals/groups/").content.decode()
    before = _last_seq()
    response = client.post("/signals/groups/new/", {"name": "Hangjongeren Kade",
                                                   "members": f"{first.lower()}"})
    group = SubjectGroup.objects.get(name_hash=group_name_hash("Hangjongeren Kade"))
    assert response.status_code == 302 and response["Location"] == f"/signals/groups/{group.pk}/"
    worker = User.objects.get(username="hulpverlener")
    assert group.municipality_id == worker.municipality_id
    assert list(group.members.values_list("ref", flat=True)) == [first]
    created = AuditEvent.objects.get(seq__gt=before, action="create")
    assert (created.object_type, created.object_id, created.detail["members"]) == (
        "signals.subjectgroup", str(group.pk), [first])
    assert created.purpose  # the covenant purpose under which the person is seen

    page = client.get(f"/signals/groups/{group.pk}/")
    assert page.status_code == 200 and first in page.content.decode()
    assert f"/signals/groups/{group.pk}/" in client.get("/signals/groups/").content.decode()
    changed = client.post(f"/signals/groups/{group.pk}/", {"add": second, "remove": [first]})
    assert changed.status_code == 302
    assert list(group.members.values_list("ref", flat=True)) == [second]
    update = AuditEvent.objects.filter(action="update", object_id=str(group.pk)).get()
    assert update.detail == {"added": [second], "removed": [first]}


def test_group_page_shows_visible_members_with_one_read_event(demo, login):
    group = SubjectGroup.objects.filter(municipality__code="GM9001").exclude(
        members=None).first()
    client = login("hulpverlener")
    before = _last_seq()
    page = client.get(f"/signals/groups/{group.pk}/")
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert page.status_code == 200
    assert [(e.action, e.object_type) for e in events] == [("view", "signals.subjectgroup")]


def test_persons_of_another_municipality_or_not_shared_cannot_be_added(demo, login):
    elsewhere = Subject.objects.filter(municipality__code="GM9002").first().ref
    agent = User.objects.get(username="agent")
    care_only = (Subject.objects.filter(municipality=agent.municipality)
                 .exclude(pk__in=selectors.subjects_for(agent)).first().ref)
    client = login("agent")
    for ref in (elsewhere, care_only):
        response = client.post("/signals/groups/new/", {"name": f"Groep {ref}",
                                                       "members": ref})
        assert response.status_code == 200
        assert ref in response.content.decode()  # named in the error
        assert not SubjectGroup.objects.filter(name_hash=group_name_hash(f"Groep {ref}")).exists()
    group = SubjectGroup.objects.filter(municipality=agent.municipality).first()
    before = set(group.members.values_list("ref", flat=True))
    refused = client.post(f"/signals/groups/{group.pk}/", {"add": elsewhere})
    assert refused.status_code == 400
    assert set(group.members.values_list("ref", flat=True)) == before
    other_group = SubjectGroup.objects.filter(municipality__code="GM9002").first()
    assert client.get(f"/signals/groups/{other_group.pk}/").status_code == 404


def test_duplicate_group_name_is_refused(demo, login):
    existing = SubjectGroup.objects.filter(municipality__code="GM9001").first()
    response = login("hulpverlener").post("/signals/groups/new/", {"name": existing.name})
    assert response.status_code == 200
    assert SubjectGroup.objects.filter(name_hash=group_name_hash(existing.name),
                                       municipality__code="GM9001").count() == 1


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/signals/groups/"), ("get", "/signals/groups/new/"),
    ("post", "/signals/groups/new/"), ("get", "/signals/groups/{pk}/"),
    ("post", "/signals/groups/{pk}/"),
])
def test_role_without_personal_data_is_refused(demo, login, method, url):
    group = SubjectGroup.objects.filter(municipality__code="GM9001").first()
    client = login("analist")
    before = (SubjectGroup.objects.count(), _last_seq())
    response = getattr(client, method)(url.format(pk=group.pk),
                                       {"name": "Niet toegestaan"} if method == "post" else {})
    assert response.status_code == 403
    events = list(AuditEvent.objects.filter(seq__gt=before[1]))
    assert [(e.action, e.outcome) for e in events] == [("permission_denied", "denied")]
    assert SubjectGroup.objects.count() == before[0]
