"""Red-team attacks on the own-figures import (issue 11, point 4): an import changes exactly
the (indicator, area, period) cells it carries and reports what it did.
"""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from tests.figures.factories import build_town, indicator
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.figures.models import Aggregation, Observation
from wijkregie.figures.pipeline import refresh_municipality
from wijkregie.figures.services import import_own_figures

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
