"""Composite index: scores, upward averaging and explicit coverage."""

from __future__ import annotations

import pytest

from wijkregie.figures.benchmarking import Polarity
from wijkregie.figures.composite import (
    BaseStatistics,
    CompositeSpec,
    Half,
    IndicatorSpec,
    base_statistics,
    compute_composite,
)

WORSE, BETTER = Polarity.HIGHER_IS_WORSE, Polarity.HIGHER_IS_BETTER
SPEC = CompositeSpec(
    (
        IndicatorSpec("inbraken_per_1000", "veiligheid", "inbraak", Half.OBJECTIVE, WORSE),
        IndicatorSpec("slachtoffer_inbraak_pct", "veiligheid", "inbraak", Half.SUBJECTIVE, WORSE),
        IndicatorSpec("geweld_per_1000", "veiligheid", "geweld", Half.OBJECTIVE, WORSE),
        IndicatorSpec("voelt_zich_veilig_pct", "veiligheid", "geweld", Half.SUBJECTIVE, BETTER),
    )
)
BASE_YEAR = {
    "wijk_a": {
        "inbraken_per_1000": 4,
        "slachtoffer_inbraak_pct": 6,
        "geweld_per_1000": 5,
        "voelt_zich_veilig_pct": 70,
    },
    "wijk_b": {
        "inbraken_per_1000": 8,
        "slachtoffer_inbraak_pct": 10,
        "geweld_per_1000": 15,
        "voelt_zich_veilig_pct": 80,
    },
}


def test_base_statistics_use_population_sd():
    stats = base_statistics(SPEC, BASE_YEAR)
    assert stats["inbraken_per_1000"] == BaseStatistics(6, 2)
    assert stats["voelt_zich_veilig_pct"] == BaseStatistics(75, 5)


def test_worked_example_from_the_analyst_docs():
    base = base_statistics(SPEC, BASE_YEAR)
    result = compute_composite(SPEC, {"wijk_a": BASE_YEAR["wijk_a"]}, base)["wijk_a"]
    # inbraak obj: 100 + 10·(-1)·(4-6)/2 = 110; subj: 100 - 10·(6-8)/2 = 110
    # geweld obj: 100 - 10·(5-10)/5 = 110; subj: 100 + 10·(70-75)/5 = 90
    assert result.indicator_scores == {
        "inbraken_per_1000": 110,
        "slachtoffer_inbraak_pct": 110,
        "geweld_per_1000": 110,
        "voelt_zich_veilig_pct": 90,
    }
    assert result.themes[("veiligheid", "geweld")].score == 100
    assert result.pillar_halves[("veiligheid", Half.OBJECTIVE)].score == 110
    assert result.pillar_halves[("veiligheid", Half.SUBJECTIVE)].score == 100
    assert result.pillars["veiligheid"].score == 105
    assert result.pillars["veiligheid"].indicator_coverage == 1


def test_missing_indicator_is_reweighted_and_reported():
    base = base_statistics(SPEC, BASE_YEAR)
    values = dict(BASE_YEAR["wijk_a"], voelt_zich_veilig_pct=None)
    result = compute_composite(SPEC, {"wijk_a": values}, base)["wijk_a"]
    subjective = result.pillar_halves[("veiligheid", Half.SUBJECTIVE)]
    assert (subjective.score, subjective.present, subjective.expected) == (110, 1, 2)
    assert result.pillars["veiligheid"].score == 110
    assert result.pillars["veiligheid"].indicator_coverage == pytest.approx(0.75)


def test_below_min_coverage_gives_no_score():
    spec = CompositeSpec(SPEC.indicators, min_coverage=1.0)
    base = base_statistics(spec, BASE_YEAR)
    values = dict(BASE_YEAR["wijk_a"], voelt_zich_veilig_pct=None)
    result = compute_composite(spec, {"wijk_a": values}, base)["wijk_a"]
    assert result.pillar_halves[("veiligheid", Half.SUBJECTIVE)].score is None
    assert result.pillars["veiligheid"].score is None


def test_spec_validation():
    with pytest.raises(ValueError, match="neutral"):
        IndicatorSpec("x", "p", "t", Half.OBJECTIVE, Polarity.NEUTRAL)
    with pytest.raises(ValueError, match="once"):
        CompositeSpec((SPEC.indicators[0], SPEC.indicators[0]))
    assert base_statistics(SPEC, {"only": BASE_YEAR["wijk_a"]}) == {}


@pytest.mark.django_db
def test_composite_totals_equal_the_composite_page_year_by_year(demo):
    """The area picture's trend (one query) gives each year what the composite page
    gives for that year."""
    from wijkregie.areas.models import Area, AreaLevel
    from wijkregie.core.models import User
    from wijkregie.figures.composite_view import composite_context, composite_totals

    user = User.objects.get(username="regisseur")
    wijk = Area.objects.filter(municipality=user.municipality,
                               level=AreaLevel.WIJK).order_by("code")[1]
    points, base_year = composite_totals(user, user.municipality, "wijk", wijk)
    first = composite_context(user, user.municipality, "wijk", None)
    assert base_year == first["base_year"] and [y for y, _ in points] == first["years"]
    assert any(total is not None for _, total in points)
    for year, total in points:
        rows = composite_context(user, user.municipality, "wijk", str(year))["rows"]
        expected = next((r["total"] for r in rows if r["area"].pk == wijk.pk), None)
        assert total == pytest.approx(expected) if expected is not None else total is None
