"""The world of the authorisation matrix: one baseline that is allowed, and targets and
users that each differ from it in exactly one thing.

On the demo data (first town A, second town B): a user per role in A's police; the
baseline target is a signal of a category A's covenant shares with the police
("overlast"), registered by the police in A, with a person, an attachment, a group, a
case (led by A's municipality, the police taking part), a user account and A's
covenant. The other targets change one of those facts:

- ``registrant``: registered by social work, same category; its case is shared with
  social work instead of the police;
- ``category``: a care signal ("zorgsignaal", not shared with the police), registered
  by the police, its case shared with the police as in the baseline;
- ``municipality``: the same as the baseline, in town B.

The cells of the matrix (test_authorisation_matrix.CELLS) pick a target, a role, and
whether the user's organisation left the covenant or lacks the second factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from wijkregie.core import roles
from wijkregie.core.models import Municipality, Organisation, User
from wijkregie.signals import crypto
from wijkregie.signals.models import (
    AccessRequestStatus,
    Attachment,
    Case,
    Category,
    Covenant,
    Signal,
    SubjectAccessRequest,
    SubjectGroup,
)
from wijkregie.signals.services import PersonInput, find_or_create_subjects

ROLES = sorted(roles.ROLE_PERMISSIONS)
BIRTH = date(1990, 1, 1)
# The director of every target case: a case director of A's police, not one of the
# per-role users.
DIRECTOR = "director of the case"


@dataclass(frozen=True)
class Target:
    key: str
    signal: Signal
    case: Case
    attachment: Attachment
    group: SubjectGroup
    person_name: str
    subject_ref: str
    municipality: Municipality
    account: User  # a user account in the target's municipality (admin pages)
    covenant: Covenant
    access_request: SubjectAccessRequest  # released, about the target's person


@dataclass
class MatrixWorld:
    users: dict[str, User]  # per role, and DIRECTOR
    targets: dict[str, Target]  # "baseline", "registrant", "category", "municipality"
    police: Organisation  # the users' organisation
    own_covenant: Covenant


def _target(key: str, *, municipality: Municipality, registrant: Organisation,
            category: str, case_lead: Organisation, director: User) -> Target:
    name = f"Matrix Persoon {key}"
    subject = find_or_create_subjects(municipality=municipality, organisation=registrant,
                                      persons=[PersonInput(name=name, date_of_birth=BIRTH)])[0]
    # A point where the demo has signals, so the target also appears on the map.
    x, y = Signal.objects.filter(municipality=municipality, x_rd__isnull=False).values_list(
        "x_rd", "y_rd").first()
    signal = Signal.objects.create(
        municipality=municipality, x_rd=x, y_rd=y, category=Category.objects.get(key=category),
        pillar="safety", observed_on=timezone.localdate(), description=f"MATRIX {key}",
        reliability="own", organisation=registrant)
    signal.subjects.add(subject)
    attachment = Attachment.objects.create(
        signal=signal, file=ContentFile(crypto.encrypt_bytes(b"%PDF-1.4 matrix"), name="a"),
        original_name="matrix.pdf", content_type="application/pdf", size=15)
    group = SubjectGroup.objects.create(municipality=municipality, name=f"MATRIX {key}")
    group.members.add(subject)
    case = Case.objects.create(municipality=municipality, title=f"MATRIX {key}",
                               purpose="test", director=director, lead_organisation=case_lead)
    case.participants.set([case_lead, registrant])
    case.signals.add(signal)
    account = User.objects.create(username=f"matrix-account-{key}", organisation=registrant,
                                  municipality=municipality)
    access_request = SubjectAccessRequest.objects.create(
        municipality=municipality, subject_refs=[subject.ref], reason="matrix",
        requester=crypto.encrypt_bytes(b"matrix"), received_on=timezone.localdate(),
        status=AccessRequestStatus.RELEASED, answered_at=timezone.now())
    return Target(key, signal, case, attachment, group, name, subject.ref, municipality,
                  account, Covenant.objects.get(municipality=municipality), access_request)


def build_matrix_world(demo) -> MatrixWorld:  # type: ignore[no-untyped-def]
    own, other = demo.municipalities[0], demo.municipalities[1]
    orgs = demo.organisations
    police = orgs[f"politie:{own.code}"]
    groups = {g.name: g for g in Group.objects.all()}
    users: dict[str, User] = {}
    for role in ROLES:
        user = User.objects.create(
            username=f"m_{role}", organisation=police, municipality=own,
            is_staff=role in (roles.ADMINISTRATOR, roles.PLATFORM_ADMINISTRATOR))
        user.groups.add(groups[role])
        users[role] = user
    director = User.objects.create(username="m_director", organisation=police, municipality=own)
    director.groups.add(groups[roles.CASE_DIRECTOR])
    users[DIRECTOR] = director
    gemeente = orgs[f"gemeente:{own.code}"]
    targets = {
        "baseline": _target("baseline", municipality=own, registrant=police,
                            category="overlast", case_lead=gemeente, director=director),
        "registrant": _target("registrant", municipality=own,
                              registrant=orgs[f"welzijn:{own.code}"], category="overlast",
                              case_lead=gemeente, director=director),
        "category": _target("category", municipality=own, registrant=police,
                            category="zorgsignaal", case_lead=gemeente, director=director),
        "municipality": _target("municipality", municipality=other, registrant=police,
                                category="overlast", case_lead=orgs[f"gemeente:{other.code}"],
                                director=director),
    }
    return MatrixWorld(users, targets, police, Covenant.objects.get(municipality=own))
