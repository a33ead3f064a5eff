"""Read, validate and write scenario files (YAML or JSON).

Validation walks the whole document and collects every problem with its field
path (``alternatives[1].measures[0].effects[2].unit_value: missing``) before
raising one :class:`~.scenario.ScenarioError`.  The format is documented in
``docs/analysts/mkba-scenario-format.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .discounting import DISCOUNT_PRESETS, PriceIndex
from .scenario import (
    COST_KINDS,
    DISTRIBUTION_KINDS,
    PM_DIRECTIONS,
    STAKEHOLDERS,
    TAIL_MODES,
    Alternative,
    Cost,
    Discounting,
    Distribution,
    Effect,
    Indicator,
    Measure,
    MonteCarloSettings,
    Parameter,
    Problem,
    Scenario,
    ScenarioError,
    UnitValue,
)
from .unit_values import LibraryValue, load_library

_MISSING = object()
SHARE_TOLERANCE = 1e-6


def load_scenario(path: str | Path, library: Mapping[str, LibraryValue] | None = None) -> Scenario:
    """Load a ``.yaml``/``.yml``/``.json`` scenario file and validate it."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(str(source), f"cannot read file ({exc.strerror})")]) from exc
    try:
        data = json.loads(text) if source.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ScenarioError([Problem(str(source), f"not valid YAML/JSON ({exc})")]) from exc
    return scenario_from_dict(data, library=library, base_dir=source.parent)


def scenario_from_dict(
    data: Any,
    library: Mapping[str, LibraryValue] | None = None,
    base_dir: Path | None = None,
) -> Scenario:
    """Validate a parsed document; ``library`` defaults to the file's ``library`` or the builtin."""
    return _Parser(library, base_dir).scenario(data)


class _Parser:
    """Converts a document to a :class:`Scenario`, recording problems instead of stopping."""

    def __init__(self, library: Mapping[str, LibraryValue] | None, base_dir: Path | None):
        self.library = library
        self.base_dir = base_dir or Path.cwd()
        self.problems: list[Problem] = []
        self.years: range = range(0)
        self.prices = PriceIndex(0, {})
        self.parameters: dict[str, Parameter] = {}

    # -- primitive readers -------------------------------------------------

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.fail(path, "must be a mapping")
        return {}

    def number(self, data: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.fail(_join(path, key), "missing")
            return None if default is _MISSING else default
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isinf(value) \
                or math.isnan(value):
            self.fail(_join(path, key), f"must be a finite number, got {value!r}")
            return None if default is _MISSING else default
        return float(value)

    def integer(self, data: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.fail(_join(path, key), "missing")
            return None if default is _MISSING else default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), f"must be an integer, got {value!r}")
            return None if default is _MISSING else default
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = data.get(key)
        if value is None:
            if default is None:
                self.fail(_join(path, key), "missing")
            return default or ""
        return str(value)

    def choice(self, data: Mapping[str, Any], key: str, path: str, options: tuple[str, ...],
               default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            self.fail(_join(path, key), f"missing (one of {', '.join(options)})")
        elif value not in options:
            self.fail(_join(path, key), f"unknown {key} {value!r} (one of {', '.join(options)})")
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(_join(path, key), "must be a list")
            return []
        return [(f"{_join(path, key)}[{i}]", item) for i, item in enumerate(value)]

    def price_level(self, data: Mapping[str, Any], path: str, default: Any = None) -> Any:
        """Price level of an amount; must be the base level or covered by the price index."""
        fallback = self.prices.base_level if default is None else default
        level = self.integer(data, "price_level", path, default=fallback)
        if level is not None and not self.prices.can_convert(level):
            self.fail(
                _join(path, "price_level"),
                f"price level {level} differs from base level {self.prices.base_level} "
                "and prices.index has no entry for both",
            )
        return level

    def year_series(self, value: Any, path: str) -> dict[int, float]:
        """A list (starting at the base year) or a mapping year -> number."""
        if isinstance(value, list):
            pairs = [(self.years.start + i, v) for i, v in enumerate(value)]
        elif isinstance(value, Mapping):
            pairs = list(value.items())
        else:
            self.fail(path, "missing" if value is None else "must be a list or a year mapping")
            return {}
        series: dict[int, float] = {}
        for year, amount in pairs:
            where = f"{path}[{year}]"
            if isinstance(year, str) and year.isdigit():
                year = int(year)
            if not isinstance(year, int) or (self.years and year not in self.years):
                last = self.years.stop - 1
                self.fail(where, f"year outside the horizon {self.years.start}-{last}")
            elif isinstance(amount, bool) or not isinstance(amount, int | float):
                self.fail(where, f"must be a number, got {amount!r}")
            elif not math.isfinite(amount):
                self.fail(where, "must be finite")
            else:
                series[year] = series.get(year, 0.0) + float(amount)
        return series

    def param_refs(self, data: Mapping[str, Any], path: str) -> tuple[str, ...]:
        value = data.get("scale_by", [])
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list):
            self.fail(f"{path}.scale_by", "must be a parameter name or a list of names")
            return ()
        for i, name in enumerate(names):
            if name not in self.parameters:
                self.fail(f"{path}.scale_by[{i}]", f"unknown parameter {name!r}")
        return tuple(n for n in names if n in self.parameters)

    # -- document sections ---------------------------------------------------

    def scenario(self, data: Any) -> Scenario:
        doc = self.mapping(data, "scenario")
        base_year = self.integer(doc, "base_year", "")
        horizon = self.integer(doc, "horizon_years", "")
        if horizon is not None and horizon < 1:
            self.fail("horizon_years", f"must be a positive number of years, got {horizon}")
            horizon = None
        if base_year is not None and horizon is not None:
            self.years = range(base_year, base_year + horizon)
        self.prices = self.price_index(doc.get("prices", {}), base_year)
        discounting = self.discounting(self.mapping(doc.get("discounting", {}), "discounting"))
        self.load_library(doc.get("library"))
        self.parameters = self.parameter_section(doc.get("parameters", {}))
        zero = self.alternative(doc.get("zero_alternative", {"name": "Zero alternative"}),
                                "zero_alternative")
        alternatives = [self.alternative(x, p) for p, x in self.items(doc, "alternatives", "")]
        if not alternatives:
            self.fail("alternatives", "at least one project alternative is required")
        names = [zero.name, *(a.name for a in alternatives)]
        if len(set(names)) != len(names):
            self.fail("alternatives", "alternative names must be unique and differ from "
                      "the zero alternative's name")
        mc = self.mapping(doc.get("monte_carlo", {}), "monte_carlo")
        settings = MonteCarloSettings(
            draws=self.integer(mc, "draws", "monte_carlo", default=10_000),
            seed=self.integer(mc, "seed", "monte_carlo", default=12345),
        )
        if settings.draws is not None and settings.draws < 1:
            self.fail("monte_carlo.draws", "must be at least 1")
        if self.problems:
            raise ScenarioError(self.problems)
        return Scenario(
            name=str(doc.get("name", "scenario")),
            description=str(doc.get("description", "")),
            base_year=base_year,
            horizon_years=horizon,
            discounting=discounting,
            prices=self.prices,
            zero_alternative=zero,
            alternatives=tuple(alternatives),
            parameters=self.parameters,
            monte_carlo=settings,
        )

    def price_index(self, value: Any, base_year: int | None) -> PriceIndex:
        data = self.mapping(value, "prices")
        base_level = self.integer(data, "base_level", "prices", default=base_year or 0)
        index: dict[int, float] = {}
        raw = self.mapping(data.get("index", {}), "prices.index")
        for year, level in raw.items():
            year_int = int(year) if isinstance(year, str) and year.isdigit() else year
            ok_year = isinstance(year_int, int) and not isinstance(year_int, bool)
            ok_level = isinstance(level, int | float) and not isinstance(level, bool) and level > 0
            if not (ok_year and ok_level):
                self.fail(f"prices.index[{year}]", "needs an integer year and a positive index")
            else:
                index[year_int] = float(level)
        if index and base_level not in index:
            self.fail("prices.base_level", f"base level {base_level} missing from prices.index")
        return PriceIndex(base_level=base_level, index=index)

    def discounting(self, data: Mapping[str, Any]) -> Discounting:
        preset = data.get("preset", "nl-2021" if "rate" not in data else "custom")
        rate = DISCOUNT_PRESETS.get(preset)
        if preset == "custom":
            rate = self.number(data, "rate", "discounting")
        elif rate is None:
            options = ", ".join([*DISCOUNT_PRESETS, "custom"])
            self.fail("discounting.preset", f"unknown preset {preset!r} (one of {options})")
        elif "rate" in data:
            self.fail("discounting.rate", "give either a preset or preset: custom with a rate")
        if rate is not None and rate <= -1:
            self.fail("discounting.rate", "must be greater than -1")
        tail = self.choice(data, "tail", "discounting", TAIL_MODES, default="none")
        growth = self.number(data, "perpetuity_growth", "discounting", default=0.0)
        if tail == "perpetuity" and rate is not None and growth is not None and growth >= rate:
            self.fail("discounting.perpetuity_growth", "must be below the discount rate")
        return Discounting(rate=rate or 0.0, preset=None if preset == "custom" else preset,
                           tail=tail or "none", perpetuity_growth=growth or 0.0)

    def load_library(self, value: Any) -> None:
        if value is not None:
            try:
                self.library = load_library(self.base_dir / str(value))
            except OSError as exc:
                self.fail("library", f"cannot read unit-value library ({exc.strerror})")
            except ScenarioError as exc:
                self.problems.extend(exc.problems)
        if self.library is None:
            self.library = load_library()

    def parameter_section(self, value: Any) -> dict[str, Parameter]:
        params: dict[str, Parameter] = {}
        for name, spec in self.mapping(value, "parameters").items():
            path = f"parameters.{name}"
            params[str(name)] = self.parameter(str(name), self.mapping(spec, path), path)
        return params

    def parameter(self, name: str, data: Mapping[str, Any], path: str) -> Parameter:
        value = self.number(data, "value", path)
        low = self.number(data, "low", path, default=None)
        high = self.number(data, "high", path, default=None)
        if (low is None) != (high is None):
            self.fail(path, "give both low and high, or neither")
        elif low is not None and high is not None and low > high:
            self.fail(f"{path}.low", f"low ({low}) is above high ({high})")
        dist = data.get("distribution")
        distribution = None if dist is None else self.distribution(dist, f"{path}.distribution")
        breakeven = data.get("breakeven_range")
        if breakeven is not None:
            ok = (isinstance(breakeven, list) and len(breakeven) == 2
                  and all(isinstance(b, int | float) for b in breakeven)
                  and breakeven[0] < breakeven[1])
            if not ok:
                self.fail(f"{path}.breakeven_range", "must be [lower, upper] with lower < upper")
                breakeven = None
        level = None if "price_level" not in data else self.price_level(data, path)
        return Parameter(
            name=name, value=value or 0.0, low=low, high=high, distribution=distribution,
            price_level=level, unit=str(data.get("unit", "")),
            description=str(data.get("description", "")), source=str(data.get("source", "")),
            breakeven_range=None if breakeven is None else (float(breakeven[0]),
                                                            float(breakeven[1])),
        )

    def distribution(self, value: Any, path: str) -> Distribution | None:
        data = self.mapping(value, path)
        kind = self.choice(data, "kind", path, DISTRIBUTION_KINDS)
        if kind in ("normal", "lognormal"):
            mean, sd = self.number(data, "mean", path), self.number(data, "sd", path)
            if sd is not None and sd < 0:
                self.fail(f"{path}.sd", f"must be >= 0, got {sd}")
            if kind == "lognormal" and mean is not None and mean <= 0:
                self.fail(f"{path}.mean", f"lognormal mean must be > 0, got {mean}")
            return Distribution(kind=kind, mean=mean, sd=sd)
        if kind is None:
            return None
        low, high = self.number(data, "min", path), self.number(data, "max", path)
        mode = None if kind == "uniform" else self.number(data, "mode", path)
        if low is not None and high is not None and low >= high:
            self.fail(f"{path}.min", f"min ({low}) must be below max ({high})")
        elif mode is not None and low is not None and high is not None:
            if mode < low:
                self.fail(f"{path}.mode", f"min ({low}) is above mode ({mode})")
            if mode > high:
                self.fail(f"{path}.mode", f"mode ({mode}) is above max ({high})")
        return Distribution(kind=kind, min=low, mode=mode, max=high)

    def alternative(self, value: Any, path: str) -> Alternative:
        data = self.mapping(value, path)
        measures = [self.measure(self.mapping(m, p), p)
                    for p, m in self.items(data, "measures", path)]
        return Alternative(name=self.text(data, "name", path), measures=tuple(measures),
                           description=str(data.get("description", "")))

    def measure(self, data: Mapping[str, Any], path: str) -> Measure:
        costs = [self.cost(self.mapping(c, p), p) for p, c in self.items(data, "costs", path)]
        effects = [self.effect(self.mapping(e, p), p) for p, e in self.items(data, "effects", path)]
        return Measure(name=self.text(data, "name", path), costs=tuple(costs),
                       effects=tuple(effects), description=str(data.get("description", "")))

    def cost(self, data: Mapping[str, Any], path: str) -> Cost:
        residual = self.number(data, "residual_value", path, default=0.0)
        if residual is not None and residual < 0:
            self.fail(f"{path}.residual_value", "must be >= 0")
        return Cost(
            name=self.text(data, "name", path),
            kind=self.choice(data, "kind", path, COST_KINDS) or "other",
            stakeholder=self.choice(data, "stakeholder", path, STAKEHOLDERS) or "others",
            amounts=self.year_series(data.get("amounts"), f"{path}.amounts"),
            price_level=self.price_level(data, path),
            scale_by=self.param_refs(data, path),
            residual_value=residual or 0.0,
        )

    def effect(self, data: Mapping[str, Any], path: str) -> Effect:
        pm = data.get("pm")
        if pm is not None and pm not in PM_DIRECTIONS:
            self.fail(f"{path}.pm", f"unknown direction {pm!r} (one of {', '.join(PM_DIRECTIONS)})")
        quantity = data.get("quantity")
        unit_value = None
        if pm is not None:
            # A PM item has no money value: a quantity or unit value on it would be
            # dropped without a word, so refuse it and name the field.
            for key in ("quantity", "unit_value"):
                if data.get(key) is not None:
                    self.fail(f"{path}.{key}", f"a PM item (pm: {pm!r}) has no money value, "
                              f"so its {key} would be ignored; remove {key}, or remove pm "
                              "to value the effect")
            quantities: dict[int, float] = {}
        else:
            quantities = self.year_series(quantity, f"{path}.quantity")
            unit_value = self.unit_value(data.get("unit_value"), f"{path}.unit_value")
        return Effect(
            name=self.text(data, "name", path),
            quantities=quantities,
            unit_value=unit_value,
            shares=self.shares(data, path),
            unit=str(data.get("unit", "")),
            scale_by=self.param_refs(data, path),
            pm=pm,
            indicator=self.indicator(data.get("indicator"), f"{path}.indicator"),
            description=str(data.get("description", "")),
        )

    def unit_value(self, value: Any, path: str) -> UnitValue | None:
        if value is None:
            self.fail(path, "missing")
            return None
        data = self.mapping(value, path)
        if "library" in data:
            entry = self.library.get(str(data["library"])) if self.library else None
            if entry is None:
                self.fail(f"{path}.library", f"unknown unit value {data['library']!r} in library")
                return None
            return UnitValue(value=entry.value, price_level=entry.price_level,
                             source=str(entry.citation), year=entry.year, library_key=entry.key)
        if "parameter" in data:
            param = self.parameters.get(str(data["parameter"]))
            if param is None:
                self.fail(f"{path}.parameter", f"unknown parameter {data['parameter']!r}")
                return None
            level = param.price_level if param.price_level is not None else self.prices.base_level
            return UnitValue(value=param.value, price_level=level, source=param.source,
                             parameter=param.name)
        amount = self.number(data, "value", path)
        level = self.price_level(data, path, default=_MISSING)
        year = self.integer(data, "year", path, default=None)
        if amount is None or level is None:
            return None
        return UnitValue(value=amount, price_level=level, source=str(data.get("source", "")),
                         year=year)

    def shares(self, data: Mapping[str, Any], path: str) -> dict[str, float]:
        if "stakeholders" not in data:
            who = self.choice(data, "stakeholder", path, STAKEHOLDERS)
            return {who: 1.0} if who else {}
        raw = self.mapping(data["stakeholders"], f"{path}.stakeholders")
        shares: dict[str, float] = {}
        for who, share in raw.items():
            where = f"{path}.stakeholders.{who}"
            if who not in STAKEHOLDERS:
                self.fail(where, f"unknown stakeholder {who!r} (one of {', '.join(STAKEHOLDERS)})")
            elif isinstance(share, bool) or not isinstance(share, int | float):
                self.fail(where, f"share must be a number, got {share!r}")
            else:
                shares[who] = float(share)
        if raw and shares and abs(sum(shares.values()) - 1.0) > SHARE_TOLERANCE:
            self.fail(f"{path}.stakeholders", f"shares sum to {sum(shares.values()):g}, not 1")
        if not raw:
            self.fail(f"{path}.stakeholders", "missing")
        return shares

    def indicator(self, value: Any, path: str) -> Indicator | None:
        if value is None:
            return None
        data = self.mapping(value, path)
        return Indicator(
            key=self.text(data, "key", path),
            baseline=self.number(data, "baseline", path, default=None),
            change_per_year=self.number(data, "change_per_year", path, default=None),
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Inverse of :func:`scenario_from_dict` (library values are written by key)."""
    doc: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "base_year": scenario.base_year,
        "horizon_years": scenario.horizon_years,
        "discounting": _discounting_dict(scenario.discounting),
        "prices": {"base_level": scenario.prices.base_level,
                   "index": dict(scenario.prices.index)},
        "parameters": {n: _parameter_dict(p) for n, p in scenario.parameters.items()},
        "zero_alternative": _alternative_dict(scenario.zero_alternative),
        "alternatives": [_alternative_dict(a) for a in scenario.alternatives],
        "monte_carlo": {"draws": scenario.monte_carlo.draws, "seed": scenario.monte_carlo.seed},
    }
    return doc


def dump_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario as JSON (``.json``) or YAML (any other suffix)."""
    target = Path(path)
    doc = scenario_to_dict(scenario)
    if target.suffix == ".json":
        target.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        target.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                          encoding="utf-8")


def _discounting_dict(d: Discounting) -> dict[str, Any]:
    head: dict[str, Any] = {"preset": d.preset} if d.preset else {"preset": "custom",
                                                                   "rate": d.rate}
    return {**head, "tail": d.tail, "perpetuity_growth": d.perpetuity_growth}


def _parameter_dict(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"value": p.value, "unit": p.unit, "description": p.description,
                           "source": p.source}
    if p.low is not None:
        out.update(low=p.low, high=p.high)
    if p.distribution is not None:
        out["distribution"] = {k: v for k, v in vars(p.distribution).items() if v is not None}
    if p.price_level is not None:
        out["price_level"] = p.price_level
    if p.breakeven_range is not None:
        out["breakeven_range"] = list(p.breakeven_range)
    return out


def _alternative_dict(a: Alternative) -> dict[str, Any]:
    return {"name": a.name, "description": a.description,
            "measures": [_measure_dict(m) for m in a.measures]}


def _measure_dict(m: Measure) -> dict[str, Any]:
    return {
        "name": m.name,
        "description": m.description,
        "costs": [
            {"name": c.name, "kind": c.kind, "stakeholder": c.stakeholder,
             "amounts": dict(c.amounts), "price_level": c.price_level,
             "scale_by": list(c.scale_by), "residual_value": c.residual_value}
            for c in m.costs
        ],
        "effects": [_effect_dict(e) for e in m.effects],
    }


def _effect_dict(e: Effect) -> dict[str, Any]:
    out: dict[str, Any] = {"name": e.name, "unit": e.unit, "description": e.description,
                           "stakeholders": dict(e.shares), "scale_by": list(e.scale_by)}
    if e.quantities:
        out["quantity"] = dict(e.quantities)
    if e.pm is not None:
        out["pm"] = e.pm
    uv = e.unit_value
    if uv is not None:
        if uv.library_key:
            out["unit_value"] = {"library": uv.library_key}
        elif uv.parameter:
            out["unit_value"] = {"parameter": uv.parameter}
        else:
            out["unit_value"] = {"value": uv.value, "price_level": uv.price_level,
                                 "source": uv.source, "year": uv.year}
    if e.indicator is not None:
        out["indicator"] = vars(e.indicator).copy()
    return out
