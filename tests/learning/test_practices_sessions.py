"""Learning sessions: list, detail, create, lessons and turning a lesson into a practice."""

from __future__ import annotations

import pytest

from wijkregie.learning import services
from wijkregie.learning.models import (
    EvidenceLevel,
    Intervention,
    LearningSession,
    LessonLearned,
    Pillar,
)

pytestmark = pytest.mark.django_db


def test_demo_sessions_listed_and_shown(demo, login):
    client = login("programma")
    assert LearningSession.objects.count() == 2
    text = client.get("/leerkring/sessions/").content.decode()
    for session in LearningSession.objects.all():
        assert session.title in text
        detail = client.get(f"/leerkring/sessions/{session.pk}/").content.decode()
        for lesson in session.lessons.all():
            assert lesson.text in detail


def test_programme_viewer_creates_session_and_lesson(demo, login):
    client = login("programma")
    practice = Intervention.objects.first()
    area = demo.programme_areas[0]
    response = client.post("/leerkring/sessions/new/", {
        "date": "2025-02-06", "title": "Leerkring winter", "agenda": "1. Opening",
        "practices": [practice.pk], "programme_areas": [area.pk]})
    assert response.status_code == 302
    session = LearningSession.objects.get(title="Leerkring winter")
    assert list(session.practices.all()) == [practice]
    response = client.post(f"/leerkring/sessions/{session.pk}/", {"text": "Begin klein."})
    assert response.status_code == 302
    assert session.lessons.get().text == "Begin klein."
    bad = client.post("/leerkring/sessions/new/", {"title": "Zonder datum"})
    assert bad.status_code == 200
    assert not LearningSession.objects.filter(title="Zonder datum").exists()


def test_director_reads_but_cannot_create_sessions(demo, login):
    client = login("regisseur")
    assert client.get("/leerkring/sessions/").status_code == 200
    assert client.get("/leerkring/sessions/new/").status_code == 403
    session = LearningSession.objects.first()
    assert client.post(f"/leerkring/sessions/{session.pk}/", {"text": "x"}).status_code == 403


def test_lesson_turned_into_practice_once(demo, login):
    client = login("programma")
    lesson = LessonLearned.objects.filter(intervention__isnull=True).first()
    data = {"name": "Vaste avonden jongerenwerk", "pillar": Pillar.SAFETY,
            "problem": "jeugdoverlast", "goal": lesson.text, "target_group_end": "Jongeren",
            "approach": "Vaste avonden.", "evidence_level": EvidenceLevel.DESCRIBED}
    response = client.post(f"/leerkring/lessons/{lesson.pk}/practice/", data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.intervention.name == "Vaste avonden jongerenwerk"
    assert lesson.intervention.municipality_id is None  # shared by the programme
    # A second attempt creates nothing.
    before = Intervention.objects.count()
    client.post(f"/leerkring/lessons/{lesson.pk}/practice/", data | {"name": "Dubbel"})
    assert Intervention.objects.count() == before
    with pytest.raises(services.LessonAlreadyPractice):
        services.turn_into_practice(lesson, Intervention(name="Dubbel", pillar=Pillar.SAFETY),
                                    user=_programma())
    assert not Intervention.objects.filter(name="Dubbel").exists()


def _programma():
    from wijkregie.core.models import User

    return User.objects.get(username="programma")
