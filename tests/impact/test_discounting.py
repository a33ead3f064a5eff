import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wijkregie.impact.discounting import (
    DISCOUNT_PRESETS,
    PriceIndex,
    discount_factors,
    irr,
    npv,
    payback_index,
    perpetuity_value,
    tail_weight,
)

FLOWS = [-100, 39, 59, 55, 20]


def test_npv_matches_numpy_financial_vector():
    expected = -0.0084785916384548798
    assert npv(0.281, FLOWS) == pytest.approx(expected, rel=1e-12)


def test_irr_of_reference_series():
    assert irr(FLOWS) == pytest.approx(0.2809484211599611, rel=1e-12)
    assert abs(npv(irr(FLOWS), FLOWS)) < 1e-9


def test_perpetuity_at_dutch_standard_rate():
    assert perpetuity_value(100, DISCOUNT_PRESETS["nl-2021"]) == pytest.approx(4444.444444444444)


def test_perpetuity_needs_rate_above_growth():
    with pytest.raises(ValueError):
        perpetuity_value(100, 0.02, 0.02)


def test_tail_weight_is_gordon_growth_formula():
    # c(1+g)/(r-g): 1.01 / 0.0125
    assert tail_weight(0.0225, 0.01) == pytest.approx(1.01 / 0.0125)


def test_presets():
    assert DISCOUNT_PRESETS == {"nl-2021": 0.0225, "nl-2016": 0.03, "nl-2016-physical": 0.045}


def test_discount_factors_vector_and_matrix():
    assert discount_factors(0.1, 3) == pytest.approx([1.0, 1 / 1.1, 1 / 1.21])
    matrix = discount_factors(np.array([0.0, 0.1]), 3)
    assert matrix.shape == (2, 3)
    assert matrix[0] == pytest.approx([1, 1, 1])


@pytest.mark.parametrize(
    "flows",
    [
        [100, 50],  # no sign change
        [-100, -50],
        [-100, 230, -132],  # two IRRs: 10 % and 20 %
        [0, 0],
        [5],
    ],
)
def test_irr_none_without_unique_root(flows):
    assert irr(flows) is None


def test_irr_with_trailing_and_leading_zeros():
    assert irr([0, -100, 110, 0]) == pytest.approx(0.10, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=1, max_value=1e6),
    st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=30),
)
def test_irr_is_a_root_for_conventional_flows(investment, returns):
    assume(sum(returns) >= 1e-3 * investment)  # else the IRR is -100 % within rounding
    flows = [-investment, *returns]
    rate = irr(flows)
    assert rate is not None and rate > -1
    scale = investment + sum(returns)
    assert abs(npv(rate, flows)) <= 1e-7 * scale


def test_price_index_conversion():
    index = PriceIndex(base_level=2024, index={2020: 100.0, 2024: 120.0})
    assert 10 * index.factor(2020) == pytest.approx(12.0)
    assert index.factor(2024) == 1.0
    assert index.can_convert(2020) and not index.can_convert(2019)
    assert PriceIndex(2024, {}).can_convert(2024)


def test_payback_index():
    assert payback_index(np.array([-10.0, 5, 5, 1])) == 2
    assert payback_index(np.array([-10.0, 5, 4])) is None
    assert payback_index(np.array([1.0, 1])) == 0
    # dips below zero again later: payback only once it stays non-negative
    assert payback_index(np.array([-1.0, 2, -5, 10])) == 3
