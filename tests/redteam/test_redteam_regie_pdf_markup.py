"""Red team, regie period report: a goal statement with a "<" breaks the PDF.

``reports.plan_pdf`` hands the goal statement and the measure title to reportlab's
``Paragraph`` unescaped; Paragraph parses its text as markup. An ordinary statement
such as "Verschil wijk<stad halveren & jeugd <18 aan het werk" makes the report fail
(an error page instead of the steering group's PDF); "Minder <onveilig> gevoel" loses
its middle word; markup typed into a statement (``<link>``, ``<img>``) is rendered.
The safety advice PDF escapes its texts; this one does not."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from wijkregie.core.models import User
from wijkregie.regie import services
from wijkregie.regie.models import Goal

pytestmark = pytest.mark.django_db

STATEMENT = "Verschil wijk<stad halveren & jeugd <18 aan het werk"


def test_statement_with_a_less_than_sign_is_printed(demo, login):
    director = User.objects.get(username="regisseur")
    goal = Goal.objects.filter(plan__programme_area__municipality=director.municipality).first()
    services.edit_goal(user=director, goal=goal, version=goal.version, statement=STATEMENT)
    client = login("regisseur")
    client.raise_request_exception = False
    response = client.get(f"/regie/plans/{goal.plan_id}/report.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert STATEMENT in " ".join(text.split())
