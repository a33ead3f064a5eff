"""Own-figures import: it changes exactly the cells it carries, and reads numbers one way.

Issue 11, points 4, 5 and 6 (the CSV part).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tests.figures.factories import build_town, indicator, shown
from wijkregie.figures.models import Aggregation, Indicator, Observation
from wijkregie.figures.services import FiguresImportError, import_own_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = build_town()
    indicator("inbraken")
    indicator("werkloos_pct", Aggregation.NONE, unit="%")
    return town


def _csv(tmp_path, text: str, name: str = "eigen.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _delivered(town) -> dict[tuple[str, str, int, int], float | None]:
    return {(o.indicator.key, o.area.code, o.year, o.month): o.value
            for o in Observation.objects.filter(derived=False, area__isnull=False)
            .select_related("indicator", "area")}


# --- point 4: an import replaces exactly the cells it carries -------------------------

def test_import_keeps_figures_it_does_not_carry(town, tmp_path):
    b3, b4 = town.buurten[0].code, town.buurten[1].code
    import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                            f"{b3},2023,inbraken,10\n{b3},2023,werkloos_pct,7\n"
                            f"{b4},2023,inbraken,20\n{b4},2023,werkloos_pct,8\n"),
                       municipality=town.municipality)
    # The file: (b3, burglaries) and (b4, unemployment) only.
    report = import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                                     f"{b3},2023,inbraken,11\n{b4},2023,werkloos_pct,9\n",
                                     "tweede.csv"),
                                municipality=town.municipality)
    assert _delivered(town) == {
        ("inbraken", b3, 2023, 0): 11, ("werkloos_pct", b3, 2023, 0): 7,
        ("inbraken", b4, 2023, 0): 20, ("werkloos_pct", b4, 2023, 0): 9}
    # The wijk of b3 and b4 still has its burglaries aggregate: 11 + 20.
    assert shown(Indicator.objects.get(key="inbraken"), town.wijken[0], 2023).value == 31
    assert report.observations == 2 and report.replaced == 2 and report.removed == 0
    assert report.replace_scope == "cells"


def test_replace_scope_indicator_periods_is_explicit_and_reported(town, tmp_path):
    b = [a.code for a in town.buurten]
    import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                            f"{b[0]},2023,inbraken,1\n{b[1]},2023,inbraken,2\n"
                            f"{b[2]},2023,inbraken,3\n{b[0]},2022,inbraken,4\n"
                            f"{b[0]},2023,werkloos_pct,5\n"),
                       municipality=town.municipality)
    report = import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                                     f"{b[0]},2023,inbraken,10\n", "vervang.csv"),
                                municipality=town.municipality, replace="indicator-periods")
    # Every 2023 burglary figure of the municipality goes; 2022 and unemployment stay.
    assert _delivered(town) == {("inbraken", b[0], 2023, 0): 10,
                                ("inbraken", b[0], 2022, 0): 4,
                                ("werkloos_pct", b[0], 2023, 0): 5}
    assert report.replace_scope == "indicator-periods" and report.removed == 2
    assert report.as_dict()["replace_scope"] == "indicator-periods"


def test_command_states_the_scope(town, tmp_path, capsys):
    path = _csv(tmp_path, f"gebiedscode,periode,indicator,waarde\n"
                f"{town.buurten[0].code},2023,inbraken,1\n")
    call_command("import_figures", str(path), "--municipality", "GM0999")
    out = capsys.readouterr().out
    assert "imported 1 figures" in out and "only the cells in the file" in out
    call_command("import_figures", str(path), "--municipality", "GM0999",
                 "--replace", "indicator-periods")
    assert "replace scope indicator-periods" in capsys.readouterr().out


def test_a_delivered_wijk_figure_replaces_its_derived_one(town, tmp_path):
    b0, b1, w0 = town.buurten[0].code, town.buurten[1].code, town.wijken[0].code
    import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                            f"{b0},2023,inbraken,1\n{b1},2023,inbraken,2\n"),
                       municipality=town.municipality)
    import_own_figures(_csv(tmp_path, f"gebiedscode,periode,indicator,waarde\n"
                            f"{w0},2023,inbraken,5\n", "wijk.csv"),
                       municipality=town.municipality)
    assert _delivered(town)[("inbraken", w0, 2023, 0)] == 5


# --- point 5: one number format per file, decided from the file -----------------------

def test_mixed_formats_are_read_one_way(town, tmp_path):
    b = [a.code for a in town.buurten]
    import_own_figures(_csv(tmp_path, "gebiedscode;periode;indicator;waarde\n"
                            f"{b[0]};2023;inbraken;1.234\n{b[1]};2023;inbraken;1.234,0\n"),
                       municipality=town.municipality)
    values = _delivered(town)
    assert values[("inbraken", b[0], 2023, 0)] == values[("inbraken", b[1], 2023, 0)] == 1234


def test_ambiguous_number_is_refused_naming_row_and_column(town, tmp_path):
    path = _csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                f"{town.buurten[0].code},2023,inbraken,12\n"
                f"{town.buurten[1].code},2023,inbraken,1.234\n")
    with pytest.raises(FiguresImportError) as excinfo:
        import_own_figures(path, municipality=town.municipality)
    assert any(p.startswith("row 3, column waarde: '1.234'") for p in excinfo.value.problems)
    assert not Observation.objects.exists()


def test_conflicting_formats_are_refused(town, tmp_path):
    path = _csv(tmp_path, "gebiedscode\tperiode\tindicator\twaarde\n"
                f"{town.buurten[0].code}\t2023\tinbraken\t2.5\n"
                f"{town.buurten[1].code}\t2023\tinbraken\t7,5\n")
    with pytest.raises(FiguresImportError, match=r"row 2 \('2.5'\).*row 3 \('7,5'\)"):
        import_own_figures(path, municipality=town.municipality)
    assert not Observation.objects.exists()


def test_dutch_excel_csv_export(town, tmp_path):
    b = town.buurten[0].code
    path = tmp_path / "nl.csv"  # Excel NL "CSV (puntkomma)": BOM, semicolons, 1.234,5
    path.write_bytes(("\ufeffGebiedscode;Periode;Indicator;Waarde\r\n"
                      f"{b};2023;inbraken;1.234,5\r\n{b};2023;werkloos_pct;12,5%\r\n"
                      ).encode())
    import_own_figures(path, municipality=town.municipality)
    values = _delivered(town)
    assert values[("inbraken", b, 2023, 0)] == 1234.5
    assert values[("werkloos_pct", b, 2023, 0)] == 12.5


def test_english_excel_csv_export(town, tmp_path):
    b = town.buurten[0].code
    path = tmp_path / "en.csv"
    path.write_bytes(("\ufeffarea_code,year,indicator,value\r\n"
                      f'{b},2023,inbraken,"1,234.5"\r\n{b},2023,werkloos_pct,12.5%\r\n'
                      ).encode())
    import_own_figures(path, municipality=town.municipality)
    values = _delivered(town)
    assert values[("inbraken", b, 2023, 0)] == 1234.5
    assert values[("werkloos_pct", b, 2023, 0)] == 12.5


def _xlsx(tmp_path, rows, formats=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["gebiedscode", "periode", "indicator", "waarde"])
    for row in rows:
        sheet.append(row)
    for (row, number_format) in (formats or {}).items():
        sheet.cell(row=row, column=4).number_format = number_format
    path = tmp_path / "eigen.xlsx"
    workbook.save(path)
    return path


def test_excel_percentage_cell_reads_as_percent(town, tmp_path):
    b = town.buurten[0].code
    path = _xlsx(tmp_path, [[b, 2023, "werkloos_pct", 0.125], [b, 2023, "inbraken", 1234.5],
                            [town.buurten[1].code, 2023, "inbraken", "1.234,5"]],
                 {2: "0.0%"})
    import_own_figures(path, municipality=town.municipality)
    values = _delivered(town)
    assert values[("werkloos_pct", b, 2023, 0)] == 12.5  # 0.125 shown as 12.5 %
    assert values[("inbraken", b, 2023, 0)] == 1234.5  # a typed number needs no format
    assert values[("inbraken", town.buurten[1].code, 2023, 0)] == 1234.5


def test_negative_counts_and_shares_over_100_are_refused(town, tmp_path):
    path = _csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                f"{town.buurten[0].code},2023,inbraken,-3\n"
                f"{town.buurten[1].code},2023,werkloos_pct,100.5\n"
                f"{town.buurten[2].code},2023,werkloos_pct,100\n")
    with pytest.raises(FiguresImportError) as excinfo:
        import_own_figures(path, municipality=town.municipality)
    problems = excinfo.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("row 2, field value: -3 is a count below zero")
    assert problems[1].startswith("row 3, field value: 100.5 is a share above 100 %")


# --- point 6: messages instead of tracebacks -----------------------------------------

def test_single_column_csv_gives_a_message(town, tmp_path):
    path = _csv(tmp_path, "gebiedscode\nBU09990000\nBU09990001\n")
    with pytest.raises(FiguresImportError, match="no column for period"):
        import_own_figures(path, municipality=town.municipality)


def test_missing_file_gives_a_message(town, tmp_path):
    with pytest.raises(FiguresImportError, match="file not found"):
        import_own_figures(tmp_path / "weg.csv", municipality=town.municipality)


# --- point 7: one recomputation per import, not one per period -----------------------

def test_a_year_of_monthly_figures_is_recomputed_once(town, tmp_path, monkeypatch):
    from wijkregie.figures import services

    calls = []
    refresh = services.refresh_municipality
    monkeypatch.setattr(services, "refresh_municipality",
                        lambda *a, **kw: calls.append(a[0].code) or refresh(*a, **kw))
    lines = "".join(f"{buurt.code},2023-{month:02d},inbraken,{month}\n"
                    for month in range(1, 13) for buurt in town.buurten)
    report = import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n"
                                     + lines), municipality=town.municipality)
    assert report.observations == 48 and calls == ["GM0999"]
    wijk = Observation.objects.get(area=town.wijken[1], month=7, indicator__key="inbraken")
    assert wijk.derived and wijk.shown_value == 14


# --- point 13: monthly figures are shown ----------------------------------------------

def test_monthly_figures_are_shown_as_a_trend_by_month(town, tmp_path, client):
    from django.contrib.auth.models import Group

    from wijkregie.core.models import Organisation, User

    lines = "".join(f"{town.buurten[0].code},2023-{month:02d},inbraken,{month + 10}\n"
                    for month in range(1, 13))
    import_own_figures(_csv(tmp_path, "gebiedscode,periode,indicator,waarde\n" + lines),
                       municipality=town.municipality)
    org = Organisation.objects.create(name="Gemeente Teststad", type="municipality")
    user = User.objects.create(username="analist", organisation=org,
                               municipality=town.municipality)
    user.groups.add(Group.objects.get(name="analyst"))
    client.force_login(user)
    page = client.get(f"/figures/areas/{town.buurten[0].code}/").content.decode()
    monthly = page.split('id="monthly"')[1]
    assert '<svg class="line-chart"' in monthly and ">2023-01</text>" in monthly
    assert "<td>2023-07</td>" in monthly and ">17</span>" in monthly
