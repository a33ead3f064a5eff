"""The hub's own check that a document carries no suppressed value, before its schema.

A sender's bug or a crafted document must not put a hidden figure on the hub. The hub
applies **its own** catalogue's disclosure rules (the shared :class:`Indicator` rows, and
the municipality's own ones where the hub knows the municipality), never only what the
document declares:

* a figure marked withheld (or bounded/suppressed) carries no value, and its text is a
  published band text of the rule (``x``, ``< 5``, ``> 90 %``, ``< 10 %``), never a
  number;
* a shown value is refused when the rule would hide it: a count below the minimum count
  (``0 < value < minimum_count``; zero is shown, as in ``figures.disclosure``), or a
  percentage above ``upper_percent`` or below ``lower_percent``.

The minimum count is the strictest of the hub's rule, the document's declared
``minimum_count`` and ``FEDERATION_HUB_MINIMUM_COUNT`` (the floor, applied to every
indicator the hub has a count rule for or the document declares one for), so a
document cannot lower it, and a ``null`` declaration does not switch it off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from wijkregie.figures.disclosure import SUPPRESSED_TEXT, DisclosureRule, _bound_texts


@dataclass
class _Limits:
    """The strictest limits known for one indicator key."""

    minimum_count: int | None = None
    upper_percent: float | None = None
    lower_percent: float | None = None
    texts: set[str] = field(default_factory=lambda: {SUPPRESSED_TEXT})

    def add_rule(self, rule: DisclosureRule, floor: int) -> None:
        if rule.small_count_threshold is not None:
            self.add_minimum(rule.small_count_threshold, floor)
        if rule.upper_percent is not None:
            self.upper_percent = (rule.upper_percent if self.upper_percent is None
                                  else min(self.upper_percent, rule.upper_percent))
        if rule.lower_percent is not None:
            self.lower_percent = (rule.lower_percent if self.lower_percent is None
                                  else max(self.lower_percent, rule.lower_percent))
        self.texts.update(text for text in _bound_texts(rule) if text)

    def add_minimum(self, declared: int, floor: int, unit: str = "") -> None:
        threshold = max(int(declared), floor)
        self.minimum_count = (threshold if self.minimum_count is None
                              else max(self.minimum_count, threshold))
        self.texts.add(f"< {threshold}")
        if unit:
            self.texts.add(f"< {threshold} {unit}")


def _hub_rules(document: dict[str, Any], keys: set[str]) -> list[tuple[str, DisclosureRule]]:
    """The hub catalogue's rules for ``keys``: shared indicators and, if the hub knows
    the document's municipality, its own indicators."""
    from wijkregie.figures.models import Indicator

    if not keys:
        return []
    municipality = document.get("municipality")
    code = municipality.get("code") if isinstance(municipality, dict) else None
    scope = Q(municipality__isnull=True)
    if isinstance(code, str):
        scope |= Q(municipality__code=code)
    rules = []
    for key, disclosure in Indicator.objects.filter(scope, key__in=keys).values_list(
            "key", "disclosure"):
        try:
            rules.append((key, DisclosureRule.from_json(disclosure or {})))
        except (TypeError, ValueError):
            continue  # a broken rule of the hub's own is the hub's admin's to fix
    return rules


def _figures(document: dict[str, Any]):
    for a, area in enumerate(document.get("programme_areas") or []):
        if not isinstance(area, dict):
            continue
        for f, figure in enumerate(area.get("figures") or []):
            if isinstance(figure, dict):
                yield f"programme_areas/{a}/figures/{f}", figure


def _limits(document: dict[str, Any]) -> dict[str, _Limits]:
    floor = int(getattr(settings, "FEDERATION_HUB_MINIMUM_COUNT", 5))
    keys = {figure["indicator"] for _place, figure in _figures(document)
            if isinstance(figure.get("indicator"), str)}
    result: dict[str, _Limits] = {key: _Limits() for key in keys}
    for indicator in document.get("indicators") or []:
        if isinstance(indicator, dict) and isinstance(indicator.get("key"), str):
            declared = indicator.get("minimum_count")
            if isinstance(declared, int | float) and not isinstance(declared, bool):
                unit = indicator.get("unit") if isinstance(indicator.get("unit"), str) else ""
                result.setdefault(indicator["key"], _Limits()).add_minimum(
                    int(declared), floor, unit)
    for key, rule in _hub_rules(document, keys):
        result[key].add_rule(rule, floor)
    return result


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def suppressed_values(document: Any) -> list[str]:
    """Where the document carries a value it may not carry ("programme_areas/0/figures/3:
    ...")."""
    if not isinstance(document, dict):
        return []
    limits = _limits(document)
    problems: list[str] = []
    for place, figure in _figures(document):
        status, value = figure.get("status"), figure.get("value")
        key = figure.get("indicator")
        limit = limits.get(key) if isinstance(key, str) else None
        if status != "shown":
            if "value" in figure:
                problems.append(f"{place}: a {status} figure carries a value")
            elif limit is not None and figure.get("text") not in limit.texts:
                problems.append(f"{place}: a {status} figure's text is not a published "
                                f"band of {key}")
            elif limit is None and "text" in figure:
                problems.append(f"{place}: a {status} figure names no indicator")
            continue
        if limit is None or not _is_number(value):
            continue
        if limit.minimum_count is not None and 0 < value < limit.minimum_count:
            problems.append(f"{place}: value below the minimum count "
                            f"{limit.minimum_count} of {key}")
        elif limit.upper_percent is not None and value > limit.upper_percent:
            problems.append(f"{place}: value above the upper bound "
                            f"{limit.upper_percent:g} of {key}")
        elif limit.lower_percent is not None and value < limit.lower_percent:
            problems.append(f"{place}: value below the lower bound "
                            f"{limit.lower_percent:g} of {key}")
    return problems
