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

Secondary suppression (:func:`protect_system`): all ``total = Σ parts`` relations of a
column (the area hierarchy and every programme area, overlapping or not) form one linear
system. A reader knows a shown figure within its rounding and a hidden one within its
display (``< 5`` -> [1, 4]; ``x`` -> [0, ∞)); the tightest interval the reader can
derive for a hidden cell is its minimum and maximum over the system, found by linear
programming. More figures are hidden until every hidden cell's interval contains its
protection interval (:func:`protection_interval`, ADR 0010).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import numpy as np

__all__ = [
    "AdditiveSystem",
    "Disclosed",
    "DisclosedArray",
    "DisclosureRule",
    "DisclosureStatus",
    "apply",
    "apply_array",
    "protect_system",
    "protection_interval",
    "published_bounds",
]

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


# --- secondary suppression: an exact audit over all relations at once ---------------------
#
# Every total = Σ parts relation of a column (buurt → wijk → gemeente, programme areas,
# which may overlap each other and the wijken) is one equation of a single linear system.
# A reader of the shown figures knows each cell within bounds: a shown figure within its
# rounding, a hidden one within what its display says ("< 5": 1..4, "x": 0..∞). The
# tightest interval the reader can derive for a hidden cell is the minimum and maximum of
# that cell over the system — one linear programme per side (HiGHS, through highspy). A hidden
# cell is protected when that interval contains its protection interval (ADR 0010);
# otherwise one more figure is hidden, chosen from the LP's certificate, and the audit
# runs again.

#: A value hidden as "x" must stay uncertain by at least this share of itself (ADR 0010).
PROTECTION_SHARE = 0.10


def display_step(rule: DisclosureRule) -> float:
    """The rounding a shown figure went through: its rounding base, else its last digit."""
    if rule.rounding_base is not None:
        return float(rule.rounding_base)
    return 10.0 ** -rule.decimals


def published_bounds(rule: DisclosureRule, text: str, natural_high: float = math.inf
                     ) -> tuple[float, float]:
    """What a hidden figure's display tells a reader of its value (inclusive bounds):
    ``< t`` -> [1, t - 1]; ``> u %`` -> [u, natural_high]; ``< l %`` -> [0, l]; ``x`` (and
    anything else) -> [0, natural_high]. ``natural_high``: 100 for a percentage."""
    small, upper, lower = _bound_texts(rule)
    if small and text == small and rule.small_count_threshold is not None:
        return 1.0, rule.small_count_threshold - 1.0
    if upper and text == upper and rule.upper_percent is not None:
        return float(rule.upper_percent), natural_high
    if lower and text == lower and rule.lower_percent is not None:
        return 0.0, float(rule.lower_percent)
    return 0.0, natural_high


def protection_interval(rule: DisclosureRule, text: str, value: float,
                        natural_high: float = math.inf) -> tuple[float, float]:
    """The values a primary hidden figure must stay free to take, whatever else is shown:
    its whole published band for ``< t``, ``> u %`` and ``< l %``; for ``x`` its value
    ± max(10 % of it, one display step), within [0, natural_high] (ADR 0010)."""
    low, high = published_bounds(rule, text, natural_high)
    margin = max(PROTECTION_SHARE * abs(value), display_step(rule))
    if (low, high) != (0.0, natural_high):  # a band
        return low, high if math.isfinite(high) else max(value, low) + margin
    return max(0.0, value - margin), min(natural_high, value + margin)


@dataclass
class AdditiveSystem:
    """The cells of one column and their ``total = Σ parts`` relations, as the disclosure
    step and a reader of the shown figures know them. Arrays are per cell (additive units:
    the value, or value × weight for means and rates).

    ``low``/``high``: what a reader knows of the cell now — a shown figure's rounding
    interval (equal ends when exact), a hidden figure's published bounds.
    ``hidden_low``/``hidden_high``: what a reader knows once the cell is shown as ``x``.
    ``need_low``/``need_high``: the protection interval of a sensitive (primary) hidden
    cell, NaN for other cells. ``min_width``: the least width of a hidden cell's feasible
    interval (it must not be pinned). ``integer``: the cells are counts, so a reader may
    round derived bounds inward to whole numbers. ``mismatch``: total − Σ parts per
    relation in the true figures (0 where derived; an own total may differ a little, and
    a reader is assumed to know by how much). ``locked``: cells that can no longer be
    hidden (a total the reader saw before), never chosen as a complement.
    """

    values: np.ndarray
    relations: list[tuple[int, list[int]]]
    low: np.ndarray
    high: np.ndarray
    hidden: np.ndarray
    hidden_low: np.ndarray
    hidden_high: np.ndarray
    need_low: np.ndarray
    need_high: np.ndarray
    min_width: np.ndarray
    integer: bool = False
    mismatch: np.ndarray | None = None
    locked: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.locked is None:
            self.locked = np.zeros(len(self.values), dtype=bool)
        # The true figures are always feasible: the reader's bounds contain them.
        self.low = np.minimum(self.low, self.values)
        self.high = np.maximum(self.high, self.values)
        self.hidden_low = np.minimum(self.hidden_low, self.values)
        self.hidden_high = np.maximum(self.hidden_high, self.values)
        if self.mismatch is None:
            self.mismatch = np.array([
                self.values[total] - self.values[list(parts)].sum()
                for total, parts in self.relations], dtype=float)


@dataclass(frozen=True)
class _Component:
    label: int
    cells: np.ndarray  # the free cells, ascending
    rows: np.ndarray  # the relations joining them
    starts: np.ndarray  # column-wise matrix (rows × cells) for HiGHS: starts, indexes, values
    indexes: np.ndarray
    values: np.ndarray
    fixed_rows: np.ndarray  # entries of cells known exactly: row position, cell, value
    fixed_cells: np.ndarray
    fixed_values: np.ndarray
    rhs: np.ndarray


_HIGHS_STARTED = False
#: Time limit of one whole-number check (ADR 0011); past it the best solution found counts.
MILP_SECONDS = 10.0


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) <= 1e-7 * np.maximum(1.0, np.abs(x))))


def _new_highs() -> Any:
    """A HiGHS instance; the first one of a process prints a banner on C-level stdout
    before any option can silence it, so that one is made with stdout closed."""
    import os

    import highspy

    global _HIGHS_STARTED
    if _HIGHS_STARTED:
        return highspy.Highs()
    _HIGHS_STARTED = True
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass(frozen=True)
class _Solution:
    row_dual: np.ndarray  # per relation of the component
    col_dual: np.ndarray  # per free cell: non-zero where its bound is binding


@dataclass(frozen=True)
class _Failure:
    cell: int
    shown: list[int]  # shown cells in the LP's certificate: hiding one may help
    bounded: list[int]  # hidden cells whose published bounds are in it


def protect_system(system: AdditiveSystem) -> list[int]:
    """Hide cells (as ``x``) until every hidden cell of ``system`` is protected.

    Mutates ``system`` and returns the cells changed: shown cells now hidden, and hidden
    cells whose bounds were widened to ``x`` because the published bounds themselves gave
    them away (a total ``< 5`` of four ``< 5`` parts must be 4). A complement is taken from
    the shown cells in the certificate of the failing LP — the cells whose shown values
    the derived bound rests on — preferring the smallest positive value (a hidden zero
    sits on its lower bound and protects little), so a programme area's total rather
    than a sibling buurt is hidden when the total is what gives a buurt away.
    """
    auditor = _Auditor(system)
    queue = list(np.nonzero(system.hidden)[0].tolist())
    changed: list[int] = []
    position = 0
    while position < len(queue):
        failure = auditor.check(queue[position])
        if failure is None:
            position += 1
            continue
        cell = auditor.complement(failure)
        if cell is None:  # nothing left that could help
            position += 1
            continue
        if cell not in queue:
            queue.append(cell)
        changed.append(cell)
    return sorted(set(changed))


class _Auditor:
    """The LPs of one :class:`AdditiveSystem`, with witnesses: every LP solution is a
    feasible point, so the range of values seen per cell over all solutions is inside its
    feasible interval; a cell whose seen range already covers its requirement needs no LP.
    Hiding a cell only widens bounds, so witnesses stay valid."""

    def __init__(self, system: AdditiveSystem) -> None:
        from scipy import sparse

        self.system = system
        rows, cols, data = [], [], []
        for row, (total, parts) in enumerate(system.relations):
            rows += [row] * (len(parts) + 1)
            cols += [total, *parts]
            data += [1.0] + [-1.0] * len(parts)
        shape = (len(system.relations), len(system.values))
        self.by_row = sparse.csr_matrix((data, (rows, cols)), shape=shape)
        self.coo = (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                    np.array(data, dtype=float))
        self.seen_low = system.values.astype(float).copy()
        self.seen_high = system.values.astype(float).copy()
        self.labels: np.ndarray | None = None
        self.components: dict[int, _Component] = {}
        self.solvers: dict[int, Any] = {}
        self.integer_solvers: dict[int, Any] = {}
        self.seeded: set[int] = set()

    # components of the cells a reader does not know exactly, joined by relations
    def _component(self, cell: int) -> _Component:
        system = self.system
        free = system.low < system.high
        if self.labels is None:
            self.labels = self._labels(free)
            self.components = {}
            self.solvers = {}
            self.integer_solvers = {}
        n_rows = self.by_row.shape[0]
        label = int(self.labels[n_rows + cell])
        if label not in self.components:
            cells = np.nonzero((self.labels[n_rows:] == label) & free)[0]
            rows = np.nonzero(self.labels[:n_rows] == label)[0]
            self.components[label] = self._build(label, cells, rows, free)
        return self.components[label]

    def _build(self, label: int, cells: np.ndarray, rows: np.ndarray, free: np.ndarray
               ) -> _Component:
        """The component's equations from the relations' entries (no sparse slicing: it
        costs more than the LP for these sizes)."""
        entry_rows, entry_cells, entry_values = self.coo
        position = np.full(self.by_row.shape[0], -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        mine = position[entry_rows] >= 0
        row_pos, cell_ids = position[entry_rows[mine]], entry_cells[mine]
        values = entry_values[mine]
        is_free = free[cell_ids]
        column = np.searchsorted(cells, cell_ids[is_free])
        order = np.lexsort((row_pos[is_free], column))
        starts = np.zeros(len(cells) + 1, dtype=np.int32)
        np.add.at(starts, column + 1, 1)
        fixed_rows, fixed_cells = row_pos[~is_free], cell_ids[~is_free]
        fixed_values = values[~is_free]
        rhs = self.system.mismatch[rows] - np.bincount(
            fixed_rows, weights=fixed_values * self.system.low[fixed_cells],
            minlength=len(rows))
        return _Component(label, cells, rows, np.cumsum(starts).astype(np.int32),
                          row_pos[is_free][order].astype(np.int32),
                          values[is_free][order], fixed_rows, fixed_cells, fixed_values, rhs)

    def _labels(self, free: np.ndarray) -> np.ndarray:
        """Component label per relation (first) and per cell: union-find over the free
        cells of each relation (a fixed cell joins nothing)."""
        n_rows, n_cells = self.by_row.shape
        parent = list(range(n_rows + n_cells))

        def find(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        indptr, indices = self.by_row.indptr, self.by_row.indices
        for row in range(n_rows):
            for cell in indices[indptr[row]:indptr[row + 1]].tolist():
                if free[cell]:
                    a, b = find(row), find(n_rows + cell)
                    if a != b:
                        parent[b] = a
        return np.array([find(node) for node in range(n_rows + n_cells)])

    def _solve(self, objective_cells: np.ndarray, component: _Component,
               sense: float) -> tuple[np.ndarray | None, _Solution | None]:
        """Optimise sense · Σ objective cells over one component; None when unbounded.

        One HiGHS model per component, kept between LPs: only the objective changes, so
        each LP starts from the last basis (``scipy.optimize.linprog`` would rebuild and
        re-validate the model every time, ten times slower for these small LPs)."""
        import highspy

        cell_set = component.cells
        solver = self._solver(component)
        cost = np.zeros(len(cell_set))
        cost[np.searchsorted(cell_set, objective_cells)] = -sense
        solver.changeColsCost(len(cell_set), np.arange(len(cell_set), dtype=np.int32), cost)
        solver.run()
        status = solver.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None, None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"disclosure audit: LP failed ({solver.modelStatusToString(status)})")
        solution = solver.getSolution()
        x = np.array(solution.col_value)
        if not self.system.integer or _integral(x):
            # For counts only a whole-number solution is a witness: a reader may assume
            # whole numbers, so a fractional vertex is a value no count can take.
            self._witness(cell_set, x)
        return x, _Solution(np.array(solution.row_dual), np.array(solution.col_dual))

    def _witness(self, cells: np.ndarray, x: np.ndarray) -> None:
        self.seen_low[cells] = np.minimum(self.seen_low[cells], x)
        self.seen_high[cells] = np.maximum(self.seen_high[cells], x)

    def _solve_integer(self, cell: int, component: _Component, sense: float) -> None:
        """Optimise ``cell`` over the whole numbers of its component (ADR 0011) and keep
        the best whole-number solution found as a witness.

        Called only where the LP's optimum is fractional: there the LP bound may be one
        that no whole-number figures reach (relations that tie counts by a factor 2), so
        the reader's exact bound is the integer programme's. The incumbent is a feasible
        whole-number point whatever the solver's status, so a time limit errs on the side
        of hiding more, never of trusting a bound the reader could beat."""
        solver = self.integer_solvers.get(component.label)
        if solver is None:
            solver = self.integer_solvers[component.label] = self._solver(component, True)
        cell_set = component.cells
        cost = np.zeros(len(cell_set))
        cost[np.searchsorted(cell_set, cell)] = -sense
        solver.changeColsCost(len(cell_set), np.arange(len(cell_set), dtype=np.int32), cost)
        # HiGHS measures its time limit from the instance's first run, not this one.
        solver.setOptionValue("time_limit", solver.getRunTime() + MILP_SECONDS)
        solver.run()
        solution = solver.getSolution()
        if solution.value_valid:
            self._witness(cell_set, np.round(np.array(solution.col_value)))

    def _solver(self, component: _Component, integer: bool = False) -> Any:
        import highspy

        if not integer and component.label in self.solvers:
            return self.solvers[component.label]
        system = self.system
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(component.cells), len(component.rows)
        lp.col_cost_ = np.zeros(len(component.cells))
        lp.col_lower_ = system.low[component.cells].astype(float)
        lp.col_upper_ = np.where(np.isfinite(system.high[component.cells]),
                                 system.high[component.cells], highspy.kHighsInf)
        lp.row_lower_ = lp.row_upper_ = component.rhs.astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = component.starts
        lp.a_matrix_.index_ = component.indexes
        lp.a_matrix_.value_ = component.values
        solver = _new_highs()
        solver.setOptionValue("output_flag", False)
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * len(component.cells)
            solver.setOptionValue("mip_rel_gap", 0.0)  # the exact optimum, not within 0.01 %
            solver.passModel(lp)
            return solver
        solver.setOptionValue("presolve", "off")  # small models, solved many times
        solver.passModel(lp)
        self.solvers[component.label] = solver
        return solver

    def _seed(self, component: _Component) -> None:
        """Two LPs per component first: all its hidden cells as low, then as high as they
        can go together — often every requirement is met by these witnesses alone."""
        key = int(component.cells[0])
        if key in self.seeded or len(component.rows) == 0:
            return
        self.seeded.add(key)
        hidden = component.cells[self.system.hidden[component.cells]]
        if len(hidden):
            self._solve(hidden, component, -1.0)
            self._solve(hidden, component, 1.0)

    def _rounded(self, low: float, high: float, cell: int) -> tuple[float, float]:
        tolerance = 1e-6 * max(1.0, abs(float(self.system.values[cell])))
        if self.system.integer:
            return (math.ceil(low - tolerance),
                    math.floor(high + tolerance) if math.isfinite(high) else math.inf)
        return low - tolerance, high + tolerance

    def _met(self, cell: int, reached: float | None = None) -> tuple[bool, bool, bool]:
        """Whether the witnesses (and ``reached``, one more value) meet the cell's needs:
        low side, high side, width."""
        system = self.system
        seen_low, seen_high = self.seen_low[cell], self.seen_high[cell]
        if reached is not None:
            seen_low, seen_high = min(seen_low, reached), max(seen_high, reached)
        low, high = self._rounded(seen_low, seen_high, cell)
        need_low, need_high = system.need_low[cell], system.need_high[cell]
        low_met = math.isnan(need_low) or low <= need_low
        high_met = math.isnan(need_high) or high >= need_high
        return low_met, high_met, high - low >= system.min_width[cell]

    def check(self, cell: int) -> _Failure | None:
        """None when ``cell`` is protected, else what the failing LP's bound rests on."""
        system = self.system
        if system.low[cell] >= system.high[cell]:
            # Only its own bounds constrain it (e.g. a zero weight).
            self.seen_low[cell], self.seen_high[cell] = system.low[cell], system.high[cell]
            return None if all(self._met(cell)) else _Failure(cell, [], [cell])
        component = self._component(cell)
        if len(component.rows) == 0:  # in no relation: only its own bounds
            self.seen_low[cell], self.seen_high[cell] = system.low[cell], system.high[cell]
            return None if all(self._met(cell)) else _Failure(cell, [], [cell])
        self._seed(component)
        last = None
        for side in (-1.0, 1.0):
            low_met, high_met, wide = self._met(cell)
            if (low_met if side < 0 else high_met) and wide:
                continue
            x, result = self._solve(np.array([cell]), component, side)
            if x is None:
                self.seen_high[cell] = math.inf  # unbounded above
                continue
            last = result
            fractional = self.system.integer and not _integral(x)
            if fractional:
                lp_met = self._met(cell, x[np.searchsorted(component.cells, cell)])
                self._solve_integer(cell, component, side)
            low_met, high_met, _wide = self._met(cell)
            if not (low_met if side < 0 else high_met):
                if fractional and (lp_met[0] if side < 0 else lp_met[1]):
                    # The LP bound is fine, only whole numbers narrow the cell: its LP
                    # certificate names the cell's own bound, not what ties it.
                    return self._integer_certificate(cell, component, x, result)
                return self._certificate(cell, component, result)
        if all(self._met(cell)):
            return None
        return self._certificate(cell, component, last)

    def _certificate(self, cell: int, component: _Component, result: _Solution) -> _Failure:
        """Cells whose known bounds the optimal bound rests on (non-zero duals)."""
        system = self.system
        tolerance = 1e-9
        # Σ over relations of coefficient × dual, per cell known exactly.
        fixed, inverse = np.unique(component.fixed_cells, return_inverse=True)
        weight = np.bincount(inverse, minlength=len(fixed), weights=(
            component.fixed_values * result.row_dual[component.fixed_rows]))
        in_proof = list(fixed[np.abs(weight) > tolerance])
        in_proof += list(component.cells[np.abs(result.col_dual) > tolerance])
        shown = [c for c in in_proof if not system.hidden[c] and not system.locked[c]]
        bounded = [c for c in in_proof if system.hidden[c] and (
            system.low[c] > system.hidden_low[c] or system.high[c] < system.hidden_high[c])]
        if not shown and not bounded:
            # A degenerate certificate: anything shown in the cell's relations may help.
            related = self.by_row[:, [cell]].nonzero()[0]
            shown = [c for c in self.by_row[related].nonzero()[1].tolist()
                     if not system.hidden[c] and not system.locked[c]]
        return _Failure(cell, sorted(set(shown)), sorted(set(bounded)))

    def _integer_certificate(self, cell: int, component: _Component, x: np.ndarray,
                             result: _Solution) -> _Failure:
        """What ties a cell that only whole numbers narrow: the shown figures in the
        relations of the cells the LP left fractional (hiding one of them breaks the tie,
        as a programme area's total breaks "b₄ = b₅" in ADR 0011's example)."""
        system = self.system
        fractional = component.cells[np.abs(x - np.round(x)) > 1e-7 * np.maximum(1.0, np.abs(x))]
        rows = self.by_row[:, fractional.tolist()].nonzero()[0]
        shown = sorted({c for c in self.by_row[np.unique(rows)].nonzero()[1].tolist()
                        if not system.hidden[c] and not system.locked[c]})
        if shown:
            return _Failure(cell, shown, [])
        return self._certificate(cell, component, result)

    def complement(self, failure: _Failure) -> int | None:
        system = self.system
        if failure.shown:
            cell = min(failure.shown, key=lambda c: (system.values[c] <= 0, system.values[c], c))
            system.hidden[cell] = True
        elif failure.bounded:
            cell = failure.bounded[0]
        else:
            return None
        system.low[cell], system.high[cell] = system.hidden_low[cell], system.hidden_high[cell]
        self.labels = None  # a cell became free: components may join
        return int(cell)
