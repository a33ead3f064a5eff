"""Red-team attacks on the own-figures import (issue 11, point 4): an import changes exactly
the (indicator, area, period) cells it carries and reports what it did.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from tests.figures.factories import build_town, deliver, indicator, shown
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.figures.models import Aggregation, Observation
from wijkregie.figures.pipeline import refresh_municipality
from wijkregie.figures.services import FiguresImportError, import_own_figures

pytestmark = pytest.mark.django_db


def test_file_for_an_earlier_year_replaces_that_years_figure_not_adds_a_second(tmp_path):
    """BREAK: with the area register holding two division years (2023 and 2024, as after
    importing two CBS editions), a file row (BU, 2023, inbraken, 7) is attached to the
    2024 version of BU — the importer maps codes to the *latest* division, whatever the
    period — while the CBS import attaches 2023 figures to the 2023 division. The
    existing 2023 figure (5) is neither replaced nor counted (report: 0 replaced): the
    buurt now has two different 2023 burglary figures, 5 on the 2023 map and 7 on the
    current profile."""
    town = build_town()
    inbraken = indicator("inbraken", Aggregation.SUM)
    code = town.buurten[0].code
    old = Area.objects.create(code=code, year=2023, level=AreaLevel.BUURT, name=code,
                              municipality=town.municipality,
                              geometry=mapping(box(5, 52, 5.01, 52.01)))
    Observation.objects.create(indicator=inbraken, area=old, year=2023, value=5,
                               status="value")
    refresh_municipality(town.municipality, [inbraken])
    path = tmp_path / "eigen.csv"
    path.write_text(f"gebiedscode,periode,indicator,waarde\n{code},2023,inbraken,7\n",
                    encoding="utf-8")
    report = import_own_figures(path, municipality=town.municipality)
    figures_2023 = sorted(Observation.objects.filter(
        indicator=inbraken, area__code=code, year=2023, derived=False)
        .values_list("area__year", "value"))
    assert figures_2023 == [(2023, 7.0)] and report.replaced == 1, (
        f"2023 figures of {code} after the import: {figures_2023}, replaced "
        f"{report.replaced}")


def test_report_counts_a_shown_wijk_figure_the_file_replaces(tmp_path):
    """BREAK (report): the wijk's burglaries are shown as 30 (aggregated from its buurten
    10 + 20). A file with the wijk's own figure 50 replaces that shown figure, yet the
    report says "0 replaced existing figures" and the audit detail has replaced 0: a
    derived figure taken out by a file cell is counted nowhere."""
    town = build_town()
    inbraken = indicator("inbraken", Aggregation.SUM)
    deliver(town, inbraken, [10, 20, 30, 40])
    assert shown(inbraken, town.wijken[0]).shown_value == 30
    path = tmp_path / "wijk.csv"
    path.write_text(f"gebiedscode,periode,indicator,waarde\n{town.wijken[0].code},2024,"
                    "inbraken,50\n", encoding="utf-8")
    report = import_own_figures(path, municipality=town.municipality)
    assert shown(inbraken, town.wijken[0]).shown_value == 50
    assert report.replaced == 1, report.summary()


def test_negative_count_of_a_summed_indicator_with_its_own_unit_is_refused(tmp_path):
    """BREAK (point 5, "counts below zero are refused"): the count check knows only the
    units "aantal", "number" and "count" (or no unit). A summed indicator counting
    dwellings (unit "woningen") accepts -5, and the wijk total becomes 10 - 5 = 5."""
    town = build_town()
    indicator("leegstand", Aggregation.SUM, unit="woningen")
    b0, b1 = town.buurten[0].code, town.buurten[1].code
    path = tmp_path / "eigen.csv"
    path.write_text(f"gebiedscode,periode,indicator,waarde\n{b0},2024,leegstand,10\n"
                    f"{b1},2024,leegstand,-5\n", encoding="utf-8")
    with pytest.raises(FiguresImportError):
        import_own_figures(path, municipality=town.municipality)
