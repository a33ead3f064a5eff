"""The browser scenario editor: HTML form fields <-> scenario documents.

Every input is named by its field path in the scenario file format
(``alternatives[0].measures[1].costs[0].amounts[2026]``), which is also the path
the engine's validation reports, so each problem is shown next to its input.

Three shapes of the same scenario:

* the *form data* — flat ``path -> text`` pairs as posted;
* the *tree* — the nested document with text leaves, lists for repeated rows,
  parameters as a list of rows with a ``name`` and a unit value with a ``kind``
  (what the form is rendered from and what add/remove actions change);
* the *document* — the typed scenario document the engine validates and stores.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .discounting import DISCOUNT_PRESETS
from .scenario import (
    COST_KINDS,
    DISTRIBUTION_KINDS,
    PM_DIRECTIONS,
    STAKEHOLDERS,
    TAIL_MODES,
    Problem,
)

Tree = dict[str, Any]
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[-?\d+\])*")
_YEAR_MAPS = {"amounts", "quantity"}
_INTEGERS = {"base_year", "horizon_years", "price_level", "year", "draws", "seed", "base_level"}
_NUMBERS = {"value", "low", "high", "min", "mode", "max", "mean", "sd", "rate",
            "perpetuity_growth", "residual_value", "baseline", "change_per_year"}
SECTIONS = {"name", "description", "base_year", "horizon_years", "discounting", "prices",
            "parameters", "zero_alternative", "alternatives", "monte_carlo"}
STAKEHOLDER_LABELS = {
    "municipality": _("municipality"),
    "housing_corporation": _("housing corporation"),
    "police_justice": _("police and justice"),
    "health_insurers": _("health insurers"),
    "residents": _("residents"),
    "central_government": _("central government"),
    "others": _("others"),
}


# -- form data -> tree ---------------------------------------------------------------


def _tokens(name: str) -> list[str | int] | None:
    """``a.b[2].c`` -> ``["a", "b", 2, "c"]``; ``None`` for anything else."""
    if not _PATH.fullmatch(name):
        return None
    return [key if key else int(index) for key, index in _TOKEN.findall(name)]


def tree_from_form(data: Mapping[str, Any]) -> Tree:
    """Nest posted ``path -> text`` pairs; lists come from ``[i]`` indices (gaps closed)."""
    root: dict[Any, Any] = {}
    for name in data:
        tokens = _tokens(name)
        if not tokens or tokens[0] not in SECTIONS:
            continue
        node = root
        for token in tokens[:-1]:
            node = node.setdefault(token, {})
            if not isinstance(node, dict):
                break
        else:
            node[tokens[-1]] = str(data[name]).strip()
    return _lists(root)


def _lists(node: Any, key: str | None = None) -> Any:
    """Turn int-keyed dicts into lists, except year maps (amounts, quantity)."""
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v, k if isinstance(k, str) else key) for k, v in node.items()}
    if converted and all(isinstance(k, int) for k in converted) and key not in _YEAR_MAPS:
        return [converted[k] for k in sorted(converted)]
    return converted


# -- document -> tree ----------------------------------------------------------------


def tree_from_doc(doc: Mapping[str, Any]) -> Tree:
    """Editor tree of a stored or imported scenario document."""
    tree: Tree = copy.deepcopy(dict(doc))
    base = tree.get("base_year") if isinstance(tree.get("base_year"), int) else 0
    tree["parameters"] = [{"name": name, **spec}
                          for name, spec in (doc.get("parameters") or {}).items()]
    index = (tree.get("prices") or {}).get("index") or {}
    tree["prices"] = {**(tree.get("prices") or {}),
                      "index": ", ".join(f"{y}: {v}" for y, v in index.items())}
    for param in tree["parameters"]:
        if isinstance(param.get("breakeven_range"), list):
            param["breakeven_range"] = ", ".join(str(x) for x in param["breakeven_range"])
    alternatives = [tree.get("zero_alternative") or {"name": "Zero alternative"},
                    *(tree.get("alternatives") or [])]
    for alt in alternatives:
        for measure in alt.get("measures") or []:
            for cost in measure.get("costs") or []:
                cost["amounts"] = _year_map(cost.get("amounts"), base)
                cost["scale_by"] = _names(cost.get("scale_by"))
            for effect in measure.get("effects") or []:
                _effect_tree(effect, base)
    tree["zero_alternative"] = alternatives[0]
    return tree


def _effect_tree(effect: dict[str, Any], base: int) -> None:
    effect["quantity"] = _year_map(effect.get("quantity"), base)
    effect["scale_by"] = _names(effect.get("scale_by"))
    if "stakeholder" in effect:
        effect["stakeholders"] = {effect.pop("stakeholder"): 1.0}
    uv = dict(effect.get("unit_value") or {})
    uv["kind"] = next((k for k in ("library", "parameter") if k in uv), "value")
    effect["unit_value"] = uv


def _year_map(value: Any, base: int) -> dict[int, Any]:
    if isinstance(value, list):
        return {base + i: v for i, v in enumerate(value)}
    if isinstance(value, Mapping):
        return {int(y) if str(y).isdigit() else y: v for y, v in value.items()}
    return {}


def _names(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


# -- add / remove rows -----------------------------------------------------------------

_NEW_ROWS: dict[str, Tree] = {
    "parameters": {"name": "", "value": ""},
    "alternatives": {"name": "", "measures": []},
    "measures": {"name": "", "costs": [], "effects": []},
    "costs": {"name": "", "kind": "operating", "stakeholder": "municipality", "amounts": {}},
    "effects": {"name": "", "unit_value": {"kind": "value"}, "stakeholders": {}, "quantity": {}},
}


def apply_action(tree: Tree, action: str) -> Tree:
    """``add:<path of a list>`` appends an empty row, ``remove:<path of a row>`` drops one."""
    verb, _sep, path = action.partition(":")
    tokens = _tokens(path)
    if verb not in ("add", "remove") or not tokens:
        return tree
    result = copy.deepcopy(tree)
    parent: Any = result
    for token in tokens[:-1]:
        parent = _child(parent, token)
        if parent is None:
            return tree
    last = tokens[-1]
    if verb == "add" and isinstance(last, str) and last in _NEW_ROWS and isinstance(parent, dict):
        rows = parent.get(last)
        parent[last] = [*(rows if isinstance(rows, list) else []), copy.deepcopy(_NEW_ROWS[last])]
    elif verb == "remove" and isinstance(last, int) and isinstance(parent, list) \
            and 0 <= last < len(parent):
        parent.pop(last)
    return result


def _child(node: Any, token: str | int) -> Any:
    if isinstance(token, int):
        return node[token] if isinstance(node, list) and 0 <= token < len(node) else None
    return node.get(token) if isinstance(node, dict) else None


# -- tree -> document ----------------------------------------------------------------


def doc_from_tree(tree: Tree) -> tuple[dict[str, Any], list[Problem]]:
    """Typed scenario document; problems the engine cannot see (bad rows) are returned."""
    problems: list[Problem] = []
    doc = _typed(copy.deepcopy(tree), "", problems)
    params: dict[str, Any] = {}
    for i, row in enumerate(tree.get("parameters") or []):
        spec = _typed(copy.deepcopy(row), f"parameters[{i}]", problems)
        name = str(spec.pop("name", "")).strip()
        if not name:
            if spec:
                problems.append(Problem(f"parameters[{i}].name", "missing"))
            continue
        if name in params:
            problems.append(Problem(f"parameters[{i}].name", f"duplicate parameter {name!r}"))
        params[name] = _parameter(spec, f"parameters[{i}]", problems)
    doc["parameters"] = params
    prices = doc.get("prices") or {}
    prices["index"] = _index(str((tree.get("prices") or {}).get("index", "")), problems)
    doc["prices"] = prices
    discounting = doc.get("discounting") or {}
    if discounting.get("preset", "custom") != "custom":
        discounting.pop("rate", None)
    doc["discounting"] = discounting
    for alt in [doc.get("zero_alternative") or {}, *(doc.get("alternatives") or [])]:
        for measure in alt.get("measures") or []:
            for effect in measure.get("effects") or []:
                _effect_doc(effect)
    return doc, problems


def _typed(node: Any, path: str, problems: list[Problem], key: str = "") -> Any:
    """Convert text leaves by field name; empty leaves and empty optional groups vanish."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            child = f"{path}[{k}]" if isinstance(k, int) else (f"{path}.{k}" if path else k)
            if key in _YEAR_MAPS:
                value = _number(v, float)
            elif isinstance(v, dict | list):
                value = _typed(v, child, problems, str(k))
            else:
                value = _leaf(str(k), v, key)
            if value not in ("", None, {}) or isinstance(v, list):
                out[k] = value
        return out
    if isinstance(node, list):
        return [_typed(v, f"{path}[{i}]", problems, key) for i, v in enumerate(node)]
    return node


def _leaf(name: str, value: Any, parent: str) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        return ""
    if name in _INTEGERS:
        return _number(value, int)
    if name in _NUMBERS or parent == "stakeholders":
        return _number(value, float)
    if name == "scale_by":
        return [n.strip() for n in value.split(",") if n.strip()]
    return value


def _number(value: Any, kind: type) -> Any:
    """Parse a number; unparsable text is kept so the engine names it at its path."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "")
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return value
    if kind is int and number.is_integer() and math.isfinite(number):
        return int(number)
    return number


def _parameter(spec: dict[str, Any], path: str, problems: list[Problem]) -> dict[str, Any]:
    dist = spec.get("distribution")
    if isinstance(dist, dict) and not dist.get("kind"):
        spec.pop("distribution")
    raw = spec.get("breakeven_range")
    if isinstance(raw, str):
        parts = [_number(x, float) for x in raw.split(",")]
        if len(parts) != 2 or not all(isinstance(p, float) for p in parts):
            problems.append(Problem(f"{path}.breakeven_range", "write two numbers: lower, upper"))
            spec.pop("breakeven_range")
        else:
            spec["breakeven_range"] = parts
    return spec


def _index(text: str, problems: list[Problem]) -> dict[int, float]:
    """``"2022: 100, 2023: 103.8"`` -> ``{2022: 100.0, 2023: 103.8}``."""
    index: dict[int, float] = {}
    for item in filter(None, (x.strip() for x in re.split(r"[,;\n]", text))):
        year, _sep, level = item.partition(":")
        number = _number(level, float)
        if not year.strip().isdigit() or not isinstance(number, float):
            problems.append(Problem("prices.index", f"write 'year: index' pairs, not {item!r}"))
            continue
        index[int(year)] = number
    return index


def _effect_doc(effect: dict[str, Any]) -> None:
    uv = effect.pop("unit_value", {}) or {}
    kind = uv.pop("kind", "value")
    if effect.get("pm"):
        # A PM item has a direction, no money value. A filled-in unit value goes on to
        # validation, which refuses it naming the field, rather than being dropped.
        if any(v not in (None, "") for v in uv.values()):
            effect["unit_value"] = uv
        return
    if kind == "library":
        effect["unit_value"] = {"library": uv.get("library", "")}
    elif kind == "parameter":
        effect["unit_value"] = {"parameter": uv.get("parameter", "")}
    elif uv:
        effect["unit_value"] = {k: uv[k] for k in ("value", "price_level", "source", "year")
                                if k in uv}


def parameter_path(problem_path: str, tree: Tree) -> str:
    """Engine paths name parameters (``parameters.x.value``); the form numbers its rows."""
    match = re.match(r"parameters\.([^.\[]+)(.*)$", problem_path)
    if not match:
        return problem_path
    for i, row in enumerate(tree.get("parameters") or []):
        if str(row.get("name", "")).strip() == match.group(1):
            return f"parameters[{i}]{match.group(2)}"
    return problem_path


# -- tree -> rendered form -------------------------------------------------------------


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    kind: str = "text"  # text, number, textarea, select, years, shares
    options: list[tuple[str, str]] = field(default_factory=list)
    items: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    help: str = ""

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")


@dataclass
class Group:
    path: str
    title: str
    fields: list[Field] = field(default_factory=list)
    children: list[Group] = field(default_factory=list)
    adds: list[tuple[str, str]] = field(default_factory=list)
    remove: str = ""
    errors: list[str] = field(default_factory=list)
    kind: str = "group"


class _Builder:
    def __init__(self, tree: Tree, problems: list[Problem], library_keys: list[str]):
        self.tree = tree
        self.errors: dict[str, list[str]] = {}
        for p in problems:
            self.errors.setdefault(p.path, []).append(p.message)
        self.claimed: set[str] = set()
        self.library_keys = library_keys
        self.parameter_names = [str(r.get("name", "")) for r in tree.get("parameters") or []
                                if str(r.get("name", "")).strip()]
        base = _number(str(tree.get("base_year", "")), int)
        horizon = _number(str(tree.get("horizon_years", "")), int)
        self.years = (list(range(base, base + horizon))
                      if isinstance(base, int) and isinstance(horizon, int) and 0 < horizon <= 100
                      else [])

    def take(self, path: str, nested: bool = False) -> list[str]:
        """Messages for ``path`` (and, with ``nested``, for paths below it)."""
        found = []
        for p, messages in self.errors.items():
            if p in self.claimed:
                continue
            if p == path or (nested and (p.startswith(path + "[") or p.startswith(path + "."))):
                found += messages
                self.claimed.add(p)
        return found

    def field(self, node: Mapping[str, Any], path: str, key: str, label: Any,
              kind: str = "text", options: list[tuple[str, str]] | None = None,
              help: Any = "", nested: bool = False) -> Field:
        name = f"{path}.{key}" if path else key
        value = _text(node.get(key, "") if isinstance(node, Mapping) else "")
        options = list(options or [])
        if kind == "select" and value and value not in {v for v, _l in options}:
            options.append((value, value))  # keep an unknown value visible; validation names it
        return Field(name=name, label=str(label), value=value,
                     kind=kind, options=options, help=str(help),
                     errors=self.take(name, nested))

    def years_field(self, node: Mapping[str, Any], path: str, key: str, label: Any) -> Field:
        name = f"{path}.{key}"
        values = node.get(key) or {}
        years = sorted({*self.years, *(y for y in values if isinstance(y, int))})
        items = [(str(y), f"{name}[{y}]", _text(values.get(y, "")), self.take(f"{name}[{y}]"))
                 for y in years]
        return Field(name=name, label=str(label), kind="years", items=items,
                     errors=self.take(name, nested=True))

    def shares_field(self, node: Mapping[str, Any], path: str) -> Field:
        name = f"{path}.stakeholders"
        values = node.get("stakeholders") or {}
        items = [(str(STAKEHOLDER_LABELS[s]), f"{name}.{s}", _text(values.get(s, "")),
                  self.take(f"{name}.{s}")) for s in STAKEHOLDERS]
        errors = self.take(name) + self.take(f"{path}.stakeholder")
        return Field(name=name, label=str(_("Shares of the stakeholders (sum 1)")),
                     kind="shares", items=items, errors=errors)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _choices(values: tuple[str, ...] | list[str],
             blank: str | None = None) -> list[tuple[str, str]]:
    options = [(v, v) for v in values]
    return [("", blank), *options] if blank is not None else options


def build_form(tree: Tree, problems: list[Problem],
               library_keys: list[str]) -> tuple[list[Group], list[str]]:
    """Groups of fields to render, and the problems no input took (shown on top only)."""
    b = _Builder(tree, problems, library_keys)
    groups = [
        Group("", str(_("Scenario")), fields=[
            b.field(tree, "", "name", _("Name")),
            b.field(tree, "", "description", _("Description"), "textarea"),
            b.field(tree, "", "base_year", _("Base year (first year, t = 0)"), "number"),
            b.field(tree, "", "horizon_years", _("Horizon (years)"), "number"),
        ]),
        _discounting(b, tree.get("discounting") or {}),
        Group("prices", str(_("Price level")), fields=[
            b.field(tree.get("prices") or {}, "prices", "base_level",
                    _("Price level of the results (year)"), "number"),
            b.field(tree.get("prices") or {}, "prices", "index", _("Price index"),
                    help=_("Pairs 'year: index', e.g. 2022: 100, 2025: 110.5"), nested=True),
        ]),
        _parameters(b, tree.get("parameters") or []),
        _alternative(b, tree.get("zero_alternative") or {}, "zero_alternative",
                     str(_("Zero alternative")), removable=False),
    ]
    alternatives = tree.get("alternatives") or []
    for i, alt in enumerate(alternatives):
        groups.append(_alternative(b, alt, f"alternatives[{i}]",
                                   str(_("Alternative %(n)s") % {"n": i + 1}), removable=True))
    groups.append(Group("alternatives", str(_("Project alternatives")), kind="adds",
                        adds=[("add:alternatives", str(_("Add alternative")))],
                        errors=b.take("alternatives")))
    mc = tree.get("monte_carlo") or {}
    groups.append(Group("monte_carlo", str(_("Monte Carlo")), fields=[
        b.field(mc, "monte_carlo", "draws", _("Number of draws"), "number"),
        b.field(mc, "monte_carlo", "seed", _("Random seed"), "number"),
    ]))
    rest = [f"{p}: {m}" if p else m for p, ms in b.errors.items() if p not in b.claimed
            for m in ms]
    return groups, rest


def _discounting(b: _Builder, d: Mapping[str, Any]) -> Group:
    presets = [(k, f"{k} ({v:.2%})") for k, v in DISCOUNT_PRESETS.items()]
    return Group("discounting", str(_("Discounting")), fields=[
        b.field(d, "discounting", "preset", _("Discount rate preset"), "select",
                [*presets, ("custom", str(_("custom rate")))]),
        b.field(d, "discounting", "rate", _("Custom real rate (fraction, e.g. 0.03)"), "number"),
        b.field(d, "discounting", "tail", _("After the horizon"), "select", _choices(TAIL_MODES)),
        b.field(d, "discounting", "perpetuity_growth", _("Perpetuity growth (fraction)"),
                "number"),
    ], errors=b.take("discounting"))


def _parameters(b: _Builder, rows: list[Any]) -> Group:
    group = Group("parameters", str(_("Parameters (uncertain inputs)")),
                  adds=[("add:parameters", str(_("Add parameter")))])
    for i, row in enumerate(rows):
        path = f"parameters[{i}]"
        dist = row.get("distribution") or {} if isinstance(row, Mapping) else {}
        title = str(_("Parameter %(n)s") % {"n": i + 1})
        group.children.append(Group(path, title, remove=f"remove:{path}", fields=[
            b.field(row, path, "name", _("Name")),
            b.field(row, path, "value", _("Value"), "number"),
            b.field(row, path, "low", _("Low (tornado)"), "number"),
            b.field(row, path, "high", _("High (tornado)"), "number"),
            b.field(row, path, "unit", _("Unit")),
            b.field(row, path, "price_level", _("Price level (if a unit value)"), "number"),
            b.field(row, path, "source", _("Source")),
            b.field(row, path, "description", _("Description")),
            b.field(dist, f"{path}.distribution", "kind", _("Distribution"), "select",
                    _choices(DISTRIBUTION_KINDS, blank=str(_("none (certain)")))),
            b.field(dist, f"{path}.distribution", "min", _("Minimum"), "number"),
            b.field(dist, f"{path}.distribution", "mode", _("Most likely"), "number"),
            b.field(dist, f"{path}.distribution", "max", _("Maximum"), "number"),
            b.field(dist, f"{path}.distribution", "mean", _("Mean"), "number"),
            b.field(dist, f"{path}.distribution", "sd", _("Standard deviation"), "number"),
            b.field(row, path, "breakeven_range", _("Break-even search range (lower, upper)")),
        ], errors=b.take(f"{path}.distribution") + b.take(path)))
    group.errors = b.take("parameters")
    return group


def _alternative(b: _Builder, alt: Mapping[str, Any], path: str, title: str,
                 removable: bool) -> Group:
    group = Group(path, title, remove=f"remove:{path}" if removable else "", fields=[
        b.field(alt, path, "name", _("Name")),
        b.field(alt, path, "description", _("Description"), "textarea"),
    ], adds=[(f"add:{path}.measures", str(_("Add measure")))])
    for j, measure in enumerate(alt.get("measures") or []):
        group.children.append(_measure(b, measure, f"{path}.measures[{j}]", j))
    group.errors = b.take(path) + b.take(f"{path}.measures")
    return group


def _measure(b: _Builder, m: Mapping[str, Any], path: str, j: int) -> Group:
    group = Group(path, str(_("Measure %(n)s") % {"n": j + 1}), remove=f"remove:{path}", fields=[
        b.field(m, path, "name", _("Name")),
        b.field(m, path, "description", _("Description"), "textarea"),
    ], adds=[(f"add:{path}.costs", str(_("Add cost"))),
             (f"add:{path}.effects", str(_("Add effect")))])
    stakeholders = [(s, str(STAKEHOLDER_LABELS[s])) for s in STAKEHOLDERS]
    for k, cost in enumerate(m.get("costs") or []):
        cpath = f"{path}.costs[{k}]"
        title = str(_("Cost %(n)s") % {"n": k + 1})
        group.children.append(Group(cpath, title, remove=f"remove:{cpath}", kind="row", fields=[
            b.field(cost, cpath, "name", _("Name")),
            b.field(cost, cpath, "kind", _("Kind"), "select", _choices(COST_KINDS)),
            b.field(cost, cpath, "stakeholder", _("Paid by"), "select", stakeholders),
            b.field(cost, cpath, "price_level", _("Price level (year)"), "number"),
            b.field(cost, cpath, "scale_by", _("Scaled by parameters (comma-separated)"),
                    nested=True),
            b.field(cost, cpath, "residual_value", _("Residual value at the horizon"), "number"),
            b.years_field(cost, cpath, "amounts", _("Amounts by year (euro)")),
        ], errors=b.take(cpath)))
    for k, effect in enumerate(m.get("effects") or []):
        group.children.append(_effect(b, effect, f"{path}.effects[{k}]", k))
    group.errors = b.take(path)
    return group


def _effect(b: _Builder, e: Mapping[str, Any], path: str, k: int) -> Group:
    uv = e.get("unit_value") or {}
    indicator = e.get("indicator") or {}
    uvpath = f"{path}.unit_value"
    fields = [
        b.field(e, path, "name", _("Name")),
        b.field(e, path, "unit", _("Unit of the quantity")),
        b.field(e, path, "description", _("Description")),
        b.field(e, path, "pm", _("PM item (no money value): direction"), "select",
                _choices(PM_DIRECTIONS, blank=str(_("no, valued in money")))),
        b.years_field(e, path, "quantity", _("Quantity by year")),
        b.field(uv, uvpath, "kind", _("Unit value from"), "select",
                [("value", str(_("a value entered here"))),
                 ("library", str(_("the unit-value library"))),
                 ("parameter", str(_("a parameter")))]),
        b.field(uv, uvpath, "value", _("Unit value (euro per unit)"), "number"),
        b.field(uv, uvpath, "price_level", _("Price level of the unit value"), "number"),
        b.field(uv, uvpath, "year", _("Reference year of the unit value"), "number"),
        b.field(uv, uvpath, "source", _("Source of the unit value")),
        b.field(uv, uvpath, "library", _("Library value"), "select",
                _choices(b.library_keys, blank="—")),
        b.field(uv, uvpath, "parameter", _("Parameter"), "select",
                _choices(b.parameter_names, blank="—")),
        b.shares_field(e, path),
        b.field(e, path, "scale_by", _("Scaled by parameters (comma-separated)"), nested=True),
        b.field(indicator, f"{path}.indicator", "key", _("Indicator key (figures)")),
        b.field(indicator, f"{path}.indicator", "baseline", _("Indicator baseline value"),
                "number"),
        b.field(indicator, f"{path}.indicator", "change_per_year",
                _("Assumed change of the indicator per year"), "number"),
    ]
    return Group(path, str(_("Effect %(n)s") % {"n": k + 1}), remove=f"remove:{path}", kind="row",
                 fields=fields, errors=b.take(uvpath) + b.take(path))
