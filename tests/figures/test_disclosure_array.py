"""The array path of the disclosure rules equals :func:`apply`, figure by figure."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wijkregie.figures.disclosure import (
    STATUS_CODES,
    DisclosureRule,
    DisclosureStatus,
    apply,
    apply_array,
)


@st.composite
def rules(draw: st.DrawFn) -> DisclosureRule:
    lower = draw(st.none() | st.sampled_from([5, 10, 10.5, 50]))
    upper = draw(st.none() | st.sampled_from([90, 95.5, 99]))
    return DisclosureRule(
        small_count_threshold=draw(st.none() | st.integers(3, 10)),
        min_denominator=draw(st.none() | st.sampled_from([50, 200, 0.5])),
        upper_percent=upper,
        lower_percent=lower,
        rounding_base=draw(st.none() | st.sampled_from([5, 10, 0.5, 0.25, 2.5, 0.1, 3])),
        decimals=draw(st.integers(0, 4)),
        unit=draw(st.sampled_from(["", "%", "per 1.000 inwoners"])),
    )


# Decimal ties (2.675, 0.125, 12.5) and plain floats of every size and sign.
ties = st.builds(lambda n, d: n / 10**d, st.integers(-10**7, 10**7), st.integers(0, 5))
# Exact halves and their float neighbours: where float and Decimal rounding part ways.
halves = st.builds(
    lambda odd, d, step: float(np.nextafter(odd * 5 / 10 ** (d + 1),
                                            odd * 5 / 10 ** (d + 1) + step)),
    st.integers(-10**7, 10**7).map(lambda n: 2 * n + 1), st.integers(0, 4),
    st.sampled_from([0.0, 1.0, -1.0]))
values = st.none() | ties | halves | st.floats(
    allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12) | st.floats(-1, 1)


def _same(left: float | None, right: float | None) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return left == right and math.copysign(1, left) == math.copysign(1, right)


@settings(max_examples=400, deadline=None)
@given(rules(), st.lists(st.tuples(values, st.none() | st.floats(0, 1000)),
                         min_size=1, max_size=30))
@example(DisclosureRule(decimals=2), [(2.675, None), (1.005, None), (-0.001, None)])
@example(DisclosureRule(rounding_base=0.25, decimals=1), [(0.7, None), (0.875, None)])
@example(DisclosureRule(rounding_base=5), [(12.5, None), (-12.5, None), (2.5, None)])
def test_apply_array_equals_apply(rule, cells):
    array = np.array([np.nan if v is None else v for v, _ in cells])
    denominators = np.array([np.nan if d is None else d for _, d in cells])
    result = apply_array(rule, array, denominators)
    for index, (value, denominator) in enumerate(cells):
        if rule.min_denominator is not None and denominator is None and value is not None:
            expected_status, expected_value, expected_text = "suppressed", None, "x"
        else:
            expected = apply(rule, value, denominator)
            expected_status = expected.status
            expected_value, expected_text = expected.value, expected.display_text
        shown = None if math.isnan(result.values[index]) else float(result.values[index])
        assert STATUS_CODES[result.statuses[index]] == expected_status, (value, denominator)
        assert result.texts[index] == expected_text, (value, denominator)
        assert _same(shown, None if expected_value is None else float(expected_value)), value
        if expected_status == DisclosureStatus.SHOWN and rule.decimals == 0:
            assert shown == int(expected_value)


def test_apply_array_keeps_the_shape():
    rule = DisclosureRule(small_count_threshold=5)
    result = apply_array(rule, np.array([[0.0, 3.0], [np.nan, 7.0]]))
    assert result.texts.tolist() == [["0", "< 5"], [".", "7"]]
    assert [STATUS_CODES[c] for c in result.statuses.ravel()] == [
        "shown", "bounded", "missing", "shown"]
