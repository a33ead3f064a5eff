"""A small world for authorisation tests: one user per role in the police of the first
demo town, and signals, cases and persons of their own / another organisation in their
own / another municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from wijkregie.core import roles
from wijkregie.core.models import Municipality, User
from wijkregie.signals import crypto
from wijkregie.signals.models import (
    AccessRequestStatus,
    Attachment,
    Case,
    Category,
    Signal,
    SubjectAccessRequest,
    SubjectGroup,
)
from wijkregie.signals.services import PersonInput, find_or_create_subjects

ROLES = sorted(roles.ROLE_PERMISSIONS)
BIRTH = date(1990, 1, 1)


@dataclass(frozen=True)
class Target:
    signal: Signal
    case: Case
    attachment: Attachment
    group: SubjectGroup
    person_name: str
    subject_ref: str
    municipality: Municipality
    access_request: SubjectAccessRequest  # released, about the target's person


@dataclass
class World:
    users: dict[str, User]
    targets: dict[tuple[str, str], Target]  # (org: own|other, municipality: own|other)


def _target(org_key: str, municipality: Municipality, category: str, orgs: dict,
            participants: list[str], label: str, director: User) -> Target:
    org = orgs[f"{org_key}:{municipality.code}"] if org_key != "politie-A" else orgs["politie-A"]
    name = f"Matrix Persoon {label}"
    subject = find_or_create_subjects(municipality=municipality, organisation=org,
                                      persons=[PersonInput(name=name, date_of_birth=BIRTH)])[0]
    # A point where the demo has signals, so the target also appears on the map.
    x, y = Signal.objects.filter(municipality=municipality, x_rd__isnull=False).values_list(
        "x_rd", "y_rd").first()
    signal = Signal.objects.create(
        municipality=municipality, x_rd=x, y_rd=y, category=Category.objects.get(key=category),
        pillar="safety", observed_on=timezone.localdate(), description=f"MATRIX {label}",
        reliability="own", organisation=org)
    signal.subjects.add(subject)
    attachment = Attachment.objects.create(
        signal=signal, file=ContentFile(crypto.encrypt_bytes(b"%PDF-1.4 matrix"), name="a"),
        original_name="matrix.pdf", content_type="application/pdf", size=15)
    group = SubjectGroup.objects.create(municipality=municipality, name=f"MATRIX {label}")
    group.members.add(subject)
    case = Case.objects.create(municipality=municipality, title=f"MATRIX {label}",
                               purpose="test", director=director,
                               lead_organisation=orgs[f"gemeente:{municipality.code}"])
    case.participants.set([orgs[p] if p == "politie-A" else orgs[f"{p}:{municipality.code}"]
                           for p in participants])
    case.signals.add(signal)
    access_request = SubjectAccessRequest.objects.create(
        municipality=municipality, subject_refs=[subject.ref], reason="matrix",
        requester=crypto.encrypt_bytes(b"matrix"), received_on=timezone.localdate(),
        status=AccessRequestStatus.RELEASED, answered_at=timezone.now())
    return Target(signal, case, attachment, group, name, subject.ref, municipality,
                  access_request)


@pytest.fixture
def world(demo) -> World:
    own, other = demo.municipalities[0], demo.municipalities[1]
    orgs = dict(demo.organisations)
    police = orgs[f"politie:{own.code}"]
    orgs["politie-A"] = police
    groups = {g.name: g for g in Group.objects.all()}
    users = {}
    for role in ROLES:
        user = User.objects.create(username=f"m_{role}", organisation=police,
                                   municipality=None if role == roles.PROGRAMME_VIEWER else own)
        user.groups.add(groups[role])
        users[role] = user
    director = User.objects.get(username="casusregisseur")
    targets = {
        # The police's own signal is of a category the covenant shares with the police.
        ("own", "own"): _target("politie-A", own, "overlast", orgs, ["gemeente", "politie-A"],
                                "eigen-eigen", director),
        ("other", "own"): _target("welzijn", own, "zorgsignaal", orgs, ["gemeente", "welzijn"],
                                  "ander-eigen", director),
        ("own", "other"): _target("politie-A", other, "overlast", orgs,
                                  ["gemeente", "politie-A"], "eigen-ander", director),
        ("other", "other"): _target("welzijn", other, "zorgsignaal", orgs,
                                    ["gemeente", "welzijn"], "ander-ander", director),
    }
    return World(users, targets)
