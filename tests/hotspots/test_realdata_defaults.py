"""The page's default analyses on the real Greater Manchester burglary data, pinned.

Skipped when ../shared/data is absent. The numbers are those of the pipeline the page
and ``wijkregie hotspots`` share, with the form's defaults (emerging, 250 m cells,
months, queen contiguity, FDR on, analytic p-values) and with the Gi* method. A
change of method changes them: update them only on purpose, and say why.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import shared_data
from wijkregie.hotspots.analysis import AnalysisParams, run_analysis
from wijkregie.hotspots.forms import AnalysisForm
from wijkregie.hotspots.incident_files import read_incidents


@pytest.fixture(scope="module")
def manchester():  # type: ignore[no-untyped-def]
    # As uploaded on the page with an empty projection field: lon/lat -> UTM zone 30N.
    return read_incidents(shared_data("manchester-burglary", "gmp_bur.csv"))


def _period_bins(result: dict) -> dict[int, int]:
    return dict(sorted(Counter(c for cell in result["cells"]
                               for c in cell["period_classes"]).items()))


def test_page_defaults_are_the_pinned_ones():
    form = AnalysisForm(sources=[])
    defaults = AnalysisParams()
    assert (form.fields["method"].initial, form.fields["cell_size"].initial,
            form.fields["period"].initial, form.fields["permutations"].initial) == (
        defaults.method, defaults.cell_size, defaults.period, defaults.permutations)
    assert defaults.fdr and defaults.contiguity == "queen" and defaults.alpha == 0.05


def test_manchester_default_emerging_analysis_is_pinned(manchester):
    result = run_analysis(manchester.x, manchester.y, manchester.dates, AnalysisParams(),
                          crs=manchester.crs)
    assert result["crs"] == "EPSG:32630" and result["n_excluded_far"] == 0
    assert result["n_analysed_cells"] == 9461 and result["warnings"] == []
    assert result["class_counts"] == {"0": 9024, "1": 41, "2": 28, "3": 35, "4": 26,
                                      "6": 306, "8": 1}
    assert _period_bins(result) == {0: 325305, 1: 15291}
    assert result["p_threshold"] == pytest.approx(0.0022447, rel=1e-4)


def test_manchester_gistar_analysis_is_pinned(manchester):
    result = run_analysis(manchester.x, manchester.y, manchester.dates,
                          AnalysisParams(method="gistar"), crs=manchester.crs)
    assert result["class_counts"] == {"0": 8776, "1": 85, "2": 153, "3": 447}
    assert _period_bins(result) == {0: 327811, 1: 2245, 2: 3040, 3: 7500}
    assert result["significance"]["p_value"] == "normal approximation, two-sided"
