from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.figures.factories import build_town, indicator, shown
from wijkregie.core.models import Job
from wijkregie.figures.models import Observation
from wijkregie.figures.services import FiguresImportError, import_own_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = build_town()
    indicator("meldingen")
    return town


def test_csv_with_semicolons_and_decimal_commas(town, tmp_path):
    path = tmp_path / "eigen.csv"
    path.write_text("gebiedscode;periode;indicator;waarde\n"
                    "BU09990000;2023;meldingen;12\nBU09990001;2023;meldingen;7,5\n"
                    "BU09990100;2023;meldingen;x\nBU09990101;2023;meldingen;.\n"
                    "BU09990000;2023-05;meldingen;3\n")
    report = import_own_figures(path, municipality=town.municipality)
    assert report.observations == 5
    ind = town.buurten[0].observations.first().indicator
    assert shown(ind, town.buurten[1], 2023).value == 7.5
    assert Observation.objects.get(area=town.buurten[2], year=2023).status == "suppressed"
    assert Observation.objects.get(area=town.buurten[0], year=2023, month=5).value == 3
    # Wijk 0 is derived from 12 + 7.5; wijk 1 cannot be (a hidden and a missing part).
    assert shown(ind, town.wijken[0], 2023).value == 19.5


def test_xlsx(town, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["area_code", "year", "indicator", "value"])
    sheet.append(["BU09990000", 2022, "meldingen", 4.25])
    path = tmp_path / "eigen.xlsx"
    workbook.save(path)
    import_own_figures(path, municipality=town.municipality)
    assert Observation.objects.get(area=town.buurten[0], year=2022).value == 4.25


def test_every_problem_is_reported_and_nothing_imported(town, tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("gebiedscode,periode,indicator,waarde\n"
                    "BU09990000,2023,meldingen,1\n"  # fine, but must not be imported
                    "BU12340000,2023,meldingen,1\n"  # another municipality's area
                    "BU09990001,23,meldingen,1\n"  # bad period
                    "BU09990001,2023,onbekend,1\n"  # unknown indicator
                    "BU09990100,2023,meldingen,veel\n"  # not a number
                    "BU09990000,2023,meldingen,2\n")  # duplicate of row 2
    with pytest.raises(FiguresImportError) as excinfo:
        import_own_figures(path, municipality=town.municipality)
    problems = excinfo.value.problems
    assert len(problems) == 5
    for expected in ("row 3, field area", "row 4, field period", "row 5, field indicator",
                     "row 6, field value", "row 7: duplicate of row 2"):
        assert any(p.startswith(expected) for p in problems), expected
    assert not Observation.objects.exists()


def test_missing_column_and_command_exit(town, tmp_path):
    path = tmp_path / "kolom.csv"
    path.write_text("gebiedscode,periode,waarde\nBU09990000,2023,1\n")
    with pytest.raises(CommandError, match="no column for indicator"):
        call_command("import_figures", str(path), "--municipality", "GM0999")
    with pytest.raises(CommandError, match="--municipality: GM0001 is not registered"):
        call_command("import_figures", str(path), "--municipality", "GM0001")


def test_upload_page_runs_a_job(demo, login):
    from wijkregie.figures.models import Indicator

    buurt = demo.municipalities[0].areas.filter(level="buurt").first()
    key = Indicator.objects.filter(municipality__isnull=True, aggregation="sum").first().key
    upload = SimpleUploadedFile("eigen.csv", f"gebiedscode,periode,indicator,waarde\n"
                                f"{buurt.code},2030,{key},42\n".encode())
    response = login("analist").post("/figures/import/", {"file": upload, "replace": "cells"})
    job = Job.objects.get(kind="figures.import")
    assert response.url == f"/jobs/{job.pk}/" and job.status == "done", job.error
    assert Observation.objects.get(area=buurt, year=2030, indicator__key=key).value == 42
    assert login("agent").get("/figures/import/").status_code == 403
