"""Aggregate part values (buurten) to groups (wijk, programme area, gemeente).

Rules, per group ``g`` over its parts ``i``:

* ``sum``            A_g = Σ x_i
* ``weighted_mean``  A_g = Σ (w_i · x_i) / Σ w_i      (w: the denominator indicator)
* ``rate_per_1000``  A_g = 1000 · Σ n_i / Σ d_i       (n: numerator, d: denominator counts)
* ``none``           not aggregable; every group gets status ``not_aggregable``.

Incomplete parts: if any part needed for a group (its value, or its weight/denominator)
is suppressed or missing, the group's value is **not computed** (NaN) and its status is
``incomplete``; if no part is usable (or the group is empty, or Σ w = 0) it is ``missing``.
A suppressed part is never counted as 0: that would publish a number that is silently
too low, and the partial sum together with a published total could reveal the hidden
part. Aggregate raw (pre-disclosure) figures where the municipality holds them; CBS
figures arrive already disclosed, so their suppressed cells make aggregates incomplete.
``n_usable`` / ``n_parts`` report coverage so a caller can explain why.

Groups are a sparse membership matrix M (groups x parts, 1 where part i is in group g),
so overlapping groupings (programme areas sharing buurten) work, and every rule is a
few sparse products ``M @ X`` over all indicators at once (X: parts x indicators).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
from scipy import sparse

__all__ = [
    "AggregateStatus",
    "Aggregates",
    "AggregationRule",
    "GroupMembership",
    "PartStatus",
    "PartValues",
    "aggregate",
]


class AggregationRule(StrEnum):
    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"
    RATE_PER_1000 = "rate_per_1000"
    NONE = "none"


class PartStatus(IntEnum):
    """Numeric codes so statuses live in numpy arrays; names match ObservationStatus."""

    OK = 0
    SUPPRESSED = 1
    MISSING = 2


class AggregateStatus(IntEnum):
    OK = 0
    INCOMPLETE = 1
    MISSING = 2
    NOT_AGGREGABLE = 3


@dataclass(frozen=True)
class PartValues:
    """Values for parts x indicators; ``values`` is NaN wherever ``status`` is not OK."""

    values: np.ndarray
    status: np.ndarray

    @classmethod
    def from_lists(
        cls, values: Sequence[float | None] | np.ndarray, status: Sequence[str] | None = None
    ) -> PartValues:
        """Build from Python values; ``status`` names (``ok``/``suppressed``/``missing``)
        default to ``ok`` for numbers and ``missing`` for None."""
        array = np.array(values, dtype=float)  # numpy turns None into NaN
        if status is None:
            codes = np.where(np.isnan(array), PartStatus.MISSING, PartStatus.OK)
        else:
            codes = np.vectorize(lambda name: PartStatus[name.upper()].value)(
                np.asarray(status, dtype=object)
            )
        return cls(array, np.asarray(codes, dtype=np.int8))

    def __post_init__(self) -> None:
        if self.values.shape != self.status.shape:
            raise ValueError("values and status must have the same shape")
        usable = self.status == PartStatus.OK
        if np.isnan(self.values[usable]).any():
            raise ValueError("a part with status OK has no value")
        if not np.isnan(self.values[~usable]).all():
            # Guards the rule that a suppressed or missing part carries no number.
            raise ValueError("a suppressed or missing part carries a value")

    @property
    def usable(self) -> np.ndarray:
        return self.status == PartStatus.OK

    def as_matrix(self) -> PartValues:
        """Parts x indicators, also for a single indicator given as a vector."""
        if self.values.ndim == 2:
            return self
        return PartValues(self.values[:, None], self.status[:, None])


@dataclass(frozen=True)
class GroupMembership:
    group_codes: tuple[str, ...]
    part_codes: tuple[str, ...]
    matrix: sparse.csr_matrix  # groups x parts, entries 1.0

    @classmethod
    def from_pairs(
        cls, part_codes: Sequence[str], pairs: Iterable[tuple[str, str]]
    ) -> GroupMembership:
        """``pairs`` are (group_code, part_code); a part may be in several groups."""
        part_index = {code: index for index, code in enumerate(part_codes)}
        group_index: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for group, part in dict.fromkeys(pairs):  # de-duplicate, keep order
            if part not in part_index:
                raise KeyError(f"part {part!r} of group {group!r} has no values")
            rows.append(group_index.setdefault(group, len(group_index)))
            cols.append(part_index[part])
        matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(group_index), len(part_codes))
        )
        return cls(tuple(group_index), tuple(part_codes), matrix)

    @classmethod
    def from_parent_map(
        cls, part_codes: Sequence[str], parent_of: Mapping[str, str]
    ) -> GroupMembership:
        """Hierarchical grouping, e.g. buurt -> wijk; parts without a parent are left out."""
        return cls.from_pairs(
            part_codes, ((parent_of[code], code) for code in part_codes if code in parent_of)
        )


@dataclass(frozen=True)
class Aggregates:
    """Groups x indicators; ``values`` is NaN unless ``status`` is OK."""

    group_codes: tuple[str, ...]
    values: np.ndarray
    status: np.ndarray
    n_parts: np.ndarray  # per group
    n_usable: np.ndarray  # groups x indicators: parts with every needed input present


def aggregate(
    rule: AggregationRule | str,
    parts: PartValues,
    groups: GroupMembership,
    *,
    denominator: PartValues | None = None,
) -> Aggregates:
    """Aggregate ``parts`` to ``groups`` by ``rule`` (see the module docstring).

    ``denominator`` (the weight for ``weighted_mean``, the denominator counts for
    ``rate_per_1000``) has the same shape as ``parts`` or is a single vector that is
    shared by all indicators.
    """
    rule = AggregationRule(rule)
    parts = parts.as_matrix()
    _check_alignment(parts, groups)
    membership = groups.matrix
    n_parts = np.diff(membership.indptr)  # entries per row = parts per group
    if rule is AggregationRule.NONE:
        shape = (len(groups.group_codes), parts.values.shape[1])
        return Aggregates(
            groups.group_codes,
            np.full(shape, np.nan),
            np.full(shape, AggregateStatus.NOT_AGGREGABLE, dtype=np.int8),
            n_parts,
            np.zeros(shape, dtype=int),
        )
    if rule is AggregationRule.SUM:
        usable = parts.usable
        numerator = membership @ np.where(usable, parts.values, 0.0)
        divisor = None
    else:
        if denominator is None:
            raise ValueError(f"rule {rule} needs a denominator")
        weights = _broadcast(denominator.as_matrix(), parts.values.shape)
        usable = parts.usable & weights.usable
        x = np.where(usable, parts.values, 0.0)
        w = np.where(usable, weights.values, 0.0)
        scale = 1000.0 if rule is AggregationRule.RATE_PER_1000 else 1.0
        numerator = scale * (membership @ (x if rule is AggregationRule.RATE_PER_1000 else x * w))
        divisor = membership @ w
    n_usable = np.rint(membership @ usable.astype(float)).astype(int)
    return _finish(groups.group_codes, numerator, divisor, n_parts, n_usable)


def _finish(
    group_codes: tuple[str, ...],
    numerator: np.ndarray,
    divisor: np.ndarray | None,
    n_parts: np.ndarray,
    n_usable: np.ndarray,
) -> Aggregates:
    complete = n_usable == n_parts[:, None]
    status = np.where(complete, AggregateStatus.OK, AggregateStatus.INCOMPLETE)
    status = np.where(n_usable == 0, AggregateStatus.MISSING, status)
    if divisor is None:
        values = numerator
    else:
        status = np.where(complete & (divisor == 0), AggregateStatus.MISSING, status)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = numerator / divisor
    values = np.where(status == AggregateStatus.OK, values, np.nan)
    return Aggregates(group_codes, values, status.astype(np.int8), n_parts, n_usable)


def _check_alignment(parts: PartValues, groups: GroupMembership) -> None:
    if parts.values.shape[0] != len(groups.part_codes):
        raise ValueError(
            f"{parts.values.shape[0]} part rows but {len(groups.part_codes)} part codes"
        )


def _broadcast(values: PartValues, shape: tuple[int, ...]) -> PartValues:
    if values.values.shape == shape:
        return values
    if values.values.shape == (shape[0], 1):
        return PartValues(
            np.broadcast_to(values.values, shape), np.broadcast_to(values.status, shape)
        )
    raise ValueError(f"denominator shape {values.values.shape} does not fit parts {shape}")
