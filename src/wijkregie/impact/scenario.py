"""Plain data model of an MKBA scenario (validated by :mod:`.scenario_file`).

Sign conventions: cost amounts are positive numbers of euros spent; an effect's
value ``quantity x unit value`` is a benefit when positive and a disbenefit
when negative.  All years are calendar years.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .discounting import PriceIndex

STAKEHOLDERS: tuple[str, ...] = (
    "municipality",
    "housing_corporation",
    "police_justice",
    "health_insurers",
    "residents",
    "central_government",
    "others",
)

COST_KINDS: tuple[str, ...] = ("investment", "operating", "other")
PM_DIRECTIONS: tuple[str, ...] = ("+", "-", "?")
TAIL_MODES: tuple[str, ...] = ("none", "residual_value", "perpetuity")
DISTRIBUTION_KINDS: tuple[str, ...] = ("uniform", "triangular", "pert", "normal", "lognormal")


@dataclass(frozen=True)
class Problem:
    """One validation problem: the field path and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ScenarioError(ValueError):
    """Raised with every problem found in a scenario, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid scenario ({len(self.problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Distribution:
    """Probability distribution of an uncertain parameter.

    ``uniform``/``triangular``/``pert`` use ``min``/``mode``/``max``;
    ``normal`` and ``lognormal`` use ``mean``/``sd`` of the parameter itself.
    """

    kind: str
    min: float | None = None
    mode: float | None = None
    max: float | None = None
    mean: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class Parameter:
    """A named model input that cost and effect lines can scale by or use as unit value.

    ``low``/``high`` drive the tornado; ``breakeven_range`` bounds the search for
    the break-even value (default: see :func:`.uncertainty.default_breakeven_range`).
    """

    name: str
    value: float
    low: float | None = None
    high: float | None = None
    distribution: Distribution | None = None
    price_level: int | None = None
    unit: str = ""
    description: str = ""
    source: str = ""
    breakeven_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class UnitValue:
    """Money value of one unit of an effect, at ``price_level`` prices.

    When ``parameter`` is set the value comes from that scenario parameter.
    """

    value: float
    price_level: int
    source: str = ""
    year: int | None = None
    library_key: str | None = None
    parameter: str | None = None


@dataclass(frozen=True)
class Indicator:
    """Link to a monitored indicator, kept for later ex-post comparison."""

    key: str
    baseline: float | None = None
    change_per_year: float | None = None


@dataclass(frozen=True)
class Cost:
    """A cost line: amounts by year, paid by one stakeholder."""

    name: str
    kind: str
    stakeholder: str
    amounts: dict[int, float]
    price_level: int
    scale_by: tuple[str, ...] = ()
    residual_value: float = 0.0


@dataclass(frozen=True)
class Effect:
    """An effect line: quantity path x unit value, split over stakeholders.

    A PM item (``pm`` set) has no money value, only a direction.
    """

    name: str
    quantities: dict[int, float]
    unit_value: UnitValue | None
    shares: dict[str, float]
    unit: str = ""
    scale_by: tuple[str, ...] = ()
    pm: str | None = None
    indicator: Indicator | None = None
    description: str = ""


@dataclass(frozen=True)
class Measure:
    name: str
    costs: tuple[Cost, ...] = ()
    effects: tuple[Effect, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Alternative:
    name: str
    measures: tuple[Measure, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Discounting:
    """Real discount rate, horizon and what happens after the horizon."""

    rate: float
    preset: str | None = None
    tail: str = "none"
    perpetuity_growth: float = 0.0


@dataclass(frozen=True)
class MonteCarloSettings:
    draws: int = 10_000
    seed: int = 12345


@dataclass(frozen=True)
class Scenario:
    """Zero alternative plus project alternatives over ``horizon_years`` from ``base_year``."""

    name: str
    base_year: int
    horizon_years: int
    discounting: Discounting
    prices: PriceIndex
    zero_alternative: Alternative
    alternatives: tuple[Alternative, ...]
    parameters: dict[str, Parameter] = field(default_factory=dict)
    monte_carlo: MonteCarloSettings = field(default_factory=MonteCarloSettings)
    description: str = ""

    @property
    def years(self) -> range:
        return range(self.base_year, self.base_year + self.horizon_years)
