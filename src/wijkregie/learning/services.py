"""Writes of the learning circle: each in one transaction, each audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, User
from wijkregie.learning.models import (
    Intervention,
    LearningSession,
    LessonLearned,
    LocalPractice,
)


class LessonAlreadyPractice(Exception):
    """The lesson was turned into a practice by someone else first."""


def measure_area_error(area: ProgrammeArea) -> str:
    return _("Choose a measure of the plan of approach of %(area)s.") % {"area": area.name}


def unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:90] or "praktijk"
    slug, n = base, 2
    while Intervention.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def save_intervention(intervention: Intervention, *, user: User, request=None) -> Intervention:
    """Save a new or changed description; a new one belongs to the user's municipality
    (none for the programme viewer: shared by the programme)."""
    created = intervention.pk is None
    if created:
        intervention.municipality_id = user.municipality_id
    if not intervention.slug:
        intervention.slug = unique_slug(intervention.name, intervention.pk)
    intervention.save()
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=user,
                 request=request, obj=intervention, purpose="practice library")
    return intervention


@transaction.atomic
def save_local_practice(practice: LocalPractice, indicators, *, user: User,
                        request=None) -> LocalPractice:
    """The municipality follows from the programme area (the form offers only the
    user's own); the measure must belong to that area's plan of approach."""
    created = practice.pk is None
    if practice.programme_area.municipality_id != user.municipality_id:
        raise PermissionError("programme area of another municipality")
    measure = practice.regie_measure
    if measure is not None and measure.plan.programme_area_id != practice.programme_area_id:
        raise ValidationError({"regie_measure": measure_area_error(practice.programme_area)})
    practice.municipality_id = practice.programme_area.municipality_id
    practice.save()
    practice.indicators.set(indicators)
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=user,
                 request=request, obj=practice, purpose="practice library")
    return practice


@transaction.atomic
def save_session(session: LearningSession, practices, programme_areas, *, user: User,
                 request=None) -> LearningSession:
    created = session.pk is None
    if created:
        session.created_by = user
    session.save()
    session.practices.set(practices)
    session.programme_areas.set(programme_areas)
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=user,
                 request=request, obj=session, purpose="learning session")
    return session


@transaction.atomic
def add_lesson(session: LearningSession, text: str, *, user: User, request=None
               ) -> LessonLearned:
    lesson = LessonLearned.objects.create(session=session, text=text)
    audit.record(AuditAction.CREATE, actor=user, request=request, obj=lesson,
                 purpose="learning session")
    return lesson


@transaction.atomic
def turn_into_practice(lesson: LessonLearned, intervention: Intervention, *, user: User,
                       request=None) -> Intervention:
    """Create the practice and link the lesson to it, or nothing: the lesson row is
    locked, and a lesson already turned into a practice is refused."""
    locked = LessonLearned.objects.select_for_update().get(pk=lesson.pk)
    if locked.intervention_id is not None:
        raise LessonAlreadyPractice
    save_intervention(intervention, user=user, request=request)
    locked.intervention = intervention
    locked.save(update_fields=["intervention"])
    audit.record(AuditAction.UPDATE, actor=user, request=request, obj=locked,
                 purpose="learning session", detail={"intervention": intervention.pk})
    return intervention
