"""Disclosure control: the one place where figures are made safe to publish.

Primary rules (:func:`apply`), checked in this order for one value:

1. no value                                  -> ``missing``, shown as ``.``
2. ``denominator < min_denominator``         -> ``suppressed``, shown as ``x``
3. ``0 < value < small_count_threshold``     -> ``bounded``, shown as ``< 5``
4. ``value > upper_percent``                 -> ``bounded``, shown as ``> 90 %``
   ``value < lower_percent``                 -> ``bounded``, shown as ``< 10 %``
5. otherwise, rounded to a multiple of ``rounding_base`` (half away from zero)
   and formatted with ``decimals``           -> ``shown``

Boundaries are exclusive: with threshold 5 a count of 5 is shown; with an upper bound of
90 a value of exactly 90 is shown. Zero is shown (a true zero discloses no person).
``bounded`` and ``suppressed`` results carry **no number** (``value`` is None).

Secondary suppression (:func:`protect_total`): for an additive set ``total = Σ parts``
a hidden cell must not be derivable from the visible ones. Hidden cells get a feasible
interval from their display (``< 5`` -> [1, 4]; ``x`` -> [0, ∞)) and the sum equation;
a cell whose interval shrinks to a single value is disclosed. While that happens, the
smallest visible part with a value > 0 is suppressed as well (a hidden 0 sits on its
known lower bound and protects little), else the total, else a visible zero part.
For hierarchies (buurt -> wijk -> gemeente) :func:`protect_hierarchy` repeats this over
all (total, parts) relations until nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "Disclosed",
    "DisclosedArray",
    "DisclosureRule",
    "DisclosureStatus",
    "HiddenCell",
    "apply",
    "apply_array",
    "feasible_interval",
    "protect_hierarchy",
    "protect_total",
]

Cell = TypeVar("Cell", bound=Hashable)
MISSING_TEXT = "."
SUPPRESSED_TEXT = "x"


class DisclosureStatus(StrEnum):
    SHOWN = "shown"
    BOUNDED = "bounded"
    SUPPRESSED = "suppressed"
    MISSING = "missing"


@dataclass(frozen=True)
class DisclosureRule:
    """Per-indicator rule; every part is optional. Stored as JSON via :meth:`to_json`."""

    small_count_threshold: int | None = None
    min_denominator: float | None = None
    upper_percent: float | None = None
    lower_percent: float | None = None
    rounding_base: float | None = None
    decimals: int = 0
    unit: str = ""

    def __post_init__(self) -> None:
        if self.small_count_threshold is not None and self.small_count_threshold < 3:
            # "< 2" would reveal the value 1 exactly, as zero is shown.
            raise ValueError("small_count_threshold must be at least 3")
        if self.rounding_base is not None and self.rounding_base <= 0:
            raise ValueError("rounding_base must be positive")
        if self.decimals < 0:
            raise ValueError("decimals must be >= 0")
        if (
            self.lower_percent is not None
            and self.upper_percent is not None
            and self.lower_percent >= self.upper_percent
        ):
            raise ValueError("lower_percent must be below upper_percent")

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DisclosureRule:
        unknown = set(data) - {field.name for field in fields(cls)}
        if unknown:
            raise ValueError(f"unknown disclosure rule fields: {sorted(unknown)}")
        return cls(**data)


@dataclass(frozen=True)
class Disclosed:
    value: float | None
    display_text: str
    status: DisclosureStatus

    def __post_init__(self) -> None:
        if (self.status is DisclosureStatus.SHOWN) != (self.value is not None):
            raise ValueError("only a shown figure carries a number")


def apply(rule: DisclosureRule, value: float | None, denominator: float | None = None) -> Disclosed:
    """Apply ``rule`` to one figure; see the module docstring for the order of checks."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Disclosed(None, MISSING_TEXT, DisclosureStatus.MISSING)
    if rule.min_denominator is not None:
        if denominator is None:
            raise ValueError("this rule needs the denominator (population) of the figure")
        if denominator < rule.min_denominator:
            return Disclosed(None, SUPPRESSED_TEXT, DisclosureStatus.SUPPRESSED)
    small, upper, lower = _bound_texts(rule)
    threshold = rule.small_count_threshold
    if threshold is not None and 0 < value < threshold:
        return Disclosed(None, small, DisclosureStatus.BOUNDED)
    if rule.upper_percent is not None and value > rule.upper_percent:
        return Disclosed(None, upper, DisclosureStatus.BOUNDED)
    if rule.lower_percent is not None and value < rule.lower_percent:
        return Disclosed(None, lower, DisclosureStatus.BOUNDED)
    shown = _round_to_base(value, rule.rounding_base, rule.decimals)
    return Disclosed(
        shown, _with_unit(format_number(shown, rule.decimals), rule.unit), DisclosureStatus.SHOWN
    )


def _bound_texts(rule: DisclosureRule) -> tuple[str, str, str]:
    """Display texts of the small-count, upper and lower bounds (shared by both paths)."""
    small = upper = lower = ""
    if rule.small_count_threshold is not None:
        small = _with_unit(f"< {rule.small_count_threshold}", rule.unit)
    if rule.upper_percent is not None:
        bound = format_number(rule.upper_percent, _decimals_of(rule.upper_percent))
        upper = _with_unit(f"> {bound}", rule.unit or "%")
    if rule.lower_percent is not None:
        bound = format_number(rule.lower_percent, _decimals_of(rule.lower_percent))
        lower = _with_unit(f"< {bound}", rule.unit or "%")
    return small, upper, lower


def _round_to_base(value: float, base: float | None, decimals: int) -> float:
    """round_half_up(value / base) * base, then to ``decimals`` (Decimal avoids 2.675-style
    binary surprises)."""
    exact = Decimal(str(value))
    if base is not None:
        step = Decimal(str(base))
        exact = (exact / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    quantum = Decimal(1).scaleb(-decimals)
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def format_number(value: float, decimals: int) -> str:
    """Dutch notation: 25.845 and 12,5 (thousands point, decimal comma)."""
    return f"{value:,.{decimals}f}".translate(_DUTCH)


_DUTCH = str.maketrans({",": ".", ".": ","})


def _decimals_of(bound: float) -> int:
    return 0 if float(bound).is_integer() else len(str(bound).split(".")[1])


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


# --- the same rules over arrays ------------------------------------------------------------

STATUS_CODES: tuple[DisclosureStatus, ...] = tuple(DisclosureStatus)  # index = array code
_SHOWN, _BOUNDED, _SUPPRESSED, _MISSING = range(4)
# Float rounding is trusted only this far (relative) from a .5 tie; closer cells, and
# cells too large for exact float integers, go through the Decimal reference.
_TIE_MARGIN = 1e-9


@dataclass(frozen=True)
class DisclosedArray:
    """:class:`Disclosed` for many figures: NaN value where no number is shown, texts as
    an object array, statuses as indexes into :data:`STATUS_CODES`."""

    values: np.ndarray
    texts: np.ndarray
    statuses: np.ndarray


def apply_array(rule: DisclosureRule, values: np.ndarray,
                denominators: np.ndarray | None = None) -> DisclosedArray:
    """:func:`apply` for every element of ``values`` (NaN = no value), with identical
    results; a NaN denominator under ``min_denominator`` suppresses (the population is
    unknown, so the minimum cannot be checked) where :func:`apply` refuses.

    Rounding runs in floats; cells within a hair of a rounding tie (2.675 is stored as
    2.67499…) are settled exactly (:func:`_settle_ties`) or, with a ``rounding_base``,
    handed to :func:`apply` itself. The property test in tests/figures compares both.
    """
    values = np.asarray(values, dtype=float)
    statuses = np.full(values.shape, _SHOWN, dtype=np.int8)
    texts = np.empty(values.shape, dtype=object)
    small, upper, lower = _bound_texts(rule)
    missing = np.isnan(values)
    undecided = ~missing
    statuses[missing], texts[missing] = _MISSING, MISSING_TEXT
    if rule.min_denominator is not None:
        if denominators is None:
            raise ValueError("this rule needs the denominator (population) of the figure")
        denominators = np.asarray(denominators, dtype=float)
        with np.errstate(invalid="ignore"):
            low = undecided & ~(denominators >= rule.min_denominator)  # NaN: unknown
        statuses[low], texts[low] = _SUPPRESSED, SUPPRESSED_TEXT
        undecided &= ~low
    for bound, text, hit in (
        (rule.small_count_threshold, small, lambda v, t: (v > 0) & (v < t)),
        (rule.upper_percent, upper, np.greater),
        (rule.lower_percent, lower, np.less),
    ):
        if bound is not None:
            bounded = undecided & hit(values, bound)
            statuses[bounded], texts[bounded] = _BOUNDED, text
            undecided &= ~bounded
    shown = np.full(values.shape, np.nan)
    rounded, exact = _round_array(values[undecided], rule.rounding_base, rule.decimals)
    shown[undecided] = rounded
    texts[undecided] = _format_array(rounded, rule)
    tie = np.zeros(values.shape, dtype=bool)
    tie[undecided] = exact
    for index in zip(*np.nonzero(tie), strict=True):  # rare: near a tie, or not finite
        denominator = float(denominators[index]) if denominators is not None else None
        disclosed = apply(rule, float(values[index]), denominator)
        shown[index], texts[index] = disclosed.value, disclosed.display_text
    return DisclosedArray(shown, texts, statuses)


def _round_array(values: np.ndarray, base: float | None, decimals: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Float version of :func:`_round_to_base` and the mask of cells it cannot vouch for."""
    unsure = ~np.isfinite(values) | (decimals > 15)
    with np.errstate(invalid="ignore", over="ignore"):
        if base is not None:
            steps = values / base
            unsure |= _near_tie(steps)
            values = _half_up(steps) * base
        scaled = values * 10.0 ** decimals
        unsure |= _near_tie(scaled)
        rounded = _half_up(scaled) / 10.0 ** decimals
        if base is None:
            _settle_ties(values, scaled, decimals, rounded, unsure)
    if decimals == 0:
        rounded = rounded + 0.0  # -0.0 -> 0.0: the reference returns the int 0
    return rounded, unsure


def _settle_ties(values: np.ndarray, scaled: np.ndarray, decimals: int, rounded: np.ndarray,
                 unsure: np.ndarray) -> None:
    """Round cells near a tie T = odd / (2·10^decimals) as Decimal(str(v)) would.

    With f the float nearest to T: str(v) (the shortest decimal that reads back as v) is
    T exactly when v == f, so the tie rounds away from zero; otherwise str(v) lies on the
    same side of T as v does of f. Exact while T's digits fit a float (|scaled| < 1e7).
    Settled cells leave ``unsure``; the rest still go through Decimal.
    """
    twice = np.rint(np.abs(scaled) * 2)
    near = unsure & np.isfinite(values) & (np.abs(scaled) < 1e7) & (twice % 2 == 1)
    if decimals > 15 or not near.any():
        return
    twice = twice[near]
    tie = twice / (2 * 10.0 ** decimals)
    magnitude = np.where(np.abs(values[near]) >= tie, (twice + 1) / 2, (twice - 1) / 2)
    rounded[near] = np.copysign(magnitude, values[near]) / 10.0 ** decimals
    unsure &= ~near


def _half_up(values: np.ndarray) -> np.ndarray:
    return np.copysign(np.floor(np.abs(values) + 0.5), values)


def _near_tie(values: np.ndarray) -> np.ndarray:
    magnitude = np.abs(values)
    fraction = magnitude - np.floor(magnitude)
    return ~(np.abs(fraction - 0.5) > _TIE_MARGIN * np.maximum(magnitude, 1.0))


def _format_array(values: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    """:func:`format_number` plus unit, once per distinct value (bit pattern: keeps -0.0)."""
    if not values.size:
        return np.empty(0, dtype=object)
    distinct, inverse = np.unique(values.view(np.int64), return_inverse=True)
    texts = [_with_unit(format_number(value, rule.decimals), rule.unit)
             for value in distinct.view(np.float64).tolist()]
    return np.array(texts, dtype=object)[inverse.reshape(values.shape)]


# --- secondary suppression ---------------------------------------------------------------


@dataclass(frozen=True)
class HiddenCell:
    """What a reader knows of a hidden cell: its published bounds (inclusive)."""

    low: float = 0.0
    high: float = math.inf

    @classmethod
    def from_disclosed(cls, disclosed: Disclosed, rule: DisclosureRule) -> HiddenCell:
        """``< t`` tells the reader 1 <= v <= t - 1; any other hidden cell only v >= 0.

        Percentage bounds (``> 90 %``) are not counts and do not enter the sum equation.
        """
        threshold = rule.small_count_threshold
        if threshold is not None and disclosed.display_text.startswith(f"< {threshold}"):
            return cls(1.0, threshold - 1.0)
        return cls()


def feasible_interval(
    cell: int,
    values: Sequence[float],
    hidden: Mapping[int, HiddenCell],
) -> tuple[float, float]:
    """Interval a reader can derive for ``cell`` (index 0 = total, 1.. = parts).

    With L/H the known bounds (a visible cell has L = H = its value):
    total: [max(L_0, Σ L_i), min(H_0, Σ H_i)]
    part j: [max(L_j, L_0 - Σ_{i≠j} H_i), min(H_j, H_0 - Σ_{i≠j} L_i)]
    For one equation with box bounds these projections are exact.
    """
    low = [hidden[i].low if i in hidden else values[i] for i in range(len(values))]
    high = [hidden[i].high if i in hidden else values[i] for i in range(len(values))]
    if cell == 0:
        return max(low[0], sum(low[1:])), min(high[0], sum(high[1:]))
    others = [i for i in range(1, len(values)) if i != cell]
    others_low = sum(low[i] for i in others)  # summed apart: inf - inf would be NaN
    others_high = sum(high[i] for i in others)
    return max(low[cell], low[0] - others_high), min(high[cell], high[0] - others_low)


def protect_total(
    total: float,
    parts: Sequence[float],
    hidden: Mapping[int, HiddenCell],
) -> dict[int, HiddenCell]:
    """Extend ``hidden`` (index 0 = total, i = parts[i - 1]) until no hidden cell is exact.

    Returns the full hidden map; secondary cells are unbounded, [0, ∞), shown as ``x``.
    Ties between equally small parts go to the first. Values must be non-negative. In
    the rare case that the ``< t`` bounds alone pin a value, a bounded cell is widened
    to unbounded: the caller must then show it as ``x`` instead of ``< t``.
    """
    values = [total, *parts]
    if min(values) < 0:
        raise ValueError("secondary suppression assumes non-negative counts")
    result = dict(hidden)
    while _has_exact_cell(values, result):
        result[_next_complement(values, result)] = HiddenCell()
    return result


def protect_hierarchy(
    values: Mapping[Cell, float],
    relations: Sequence[tuple[Cell, Sequence[Cell]]],
    hidden: Mapping[Cell, HiddenCell],
) -> dict[Cell, HiddenCell]:
    """Apply :func:`protect_total` to every (total, parts) relation until stable.

    Cells are named by any hashable key (area codes, row numbers).

    A wijk total is a part of the gemeente relation and the total of its buurten, so a
    suppression made in one relation is re-checked in the other. Hidden cells only
    grow, so this terminates. Each relation is audited on its own (no interval
    propagation across relations).
    """
    result = dict(hidden)
    changed = True
    while changed:
        changed = False
        for total_code, part_codes in relations:
            codes = [total_code, *part_codes]
            local = {i: result[code] for i, code in enumerate(codes) if code in result}
            protected = protect_total(values[total_code], [values[c] for c in part_codes], local)
            for index, cell in protected.items():
                if local.get(index) != cell:
                    result[codes[index]] = cell
                    changed = True
    return result


def _has_exact_cell(values: Sequence[float], hidden: Mapping[int, HiddenCell]) -> bool:
    for cell in hidden:
        low, high = feasible_interval(cell, values, hidden)
        if low >= high:
            return True
    return False


def _next_complement(values: Sequence[float], hidden: Mapping[int, HiddenCell]) -> int:
    """The cell to hide next (or, once all are hidden, a ``< t`` cell to widen to ``x``)."""
    visible = [i for i in range(len(values)) if i not in hidden]
    positive_parts = [i for i in visible if i > 0 and values[i] > 0]
    if positive_parts:
        return min(positive_parts, key=lambda i: (values[i], i))
    if visible:
        return 0 if 0 in visible else visible[0]
    # Everything hidden and still exact: the "< t" bounds themselves add up to the
    # answer (e.g. a total "< 5" made of four "< 5" parts must be 4). Widen one bound.
    return next(i for i in range(len(values)) if hidden[i] != HiddenCell())
