"""The deterministic risk rating (docs/analysts/safety-advice-method.md).

Every score is mapped to a risk between 0 (fine) and 1 (worst); a theme's risk is the
weighted mean of its applicable items (N/A and unscored items left out, their weight
too), an overall risk the weighted mean of the themes that have a score. Both are
shown ×100 and rounded half up to one decimal. With several rounds (a day and a night
walk) an item counts with its worst round: a place that is unsafe at night is unsafe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkregie.safety_advice.models import Scale
from wijkregie.safety_advice.templates import items

CROW_RISK = {"A+": 0.0, "A": 0.25, "B": 0.5, "C": 0.75, "D": 1.0}
TRAFFIC_RISK = {"green": 0.0, "orange": 0.5, "red": 1.0}
YES_NO_RISK = {"yes": 0.0, "no": 1.0}
BANDS = ((25, "low"), (50, "moderate"), (75, "high"), (101, "very_high"))
BAND_LABELS = {"low": gettext_lazy("low"), "moderate": gettext_lazy("moderate"),
               "high": gettext_lazy("high"), "very_high": gettext_lazy("very high")}


def item_risk(item: dict[str, Any], value: str) -> float:
    """The risk 0…1 of one entered value; a value off the item's scale is refused."""
    scale = item["scale"]
    value = str(value).strip()
    try:
        if scale == Scale.ONE_TO_FIVE:
            number = int(value)
            if 1 <= number <= 5:
                return (5 - number) / 4
        elif scale == Scale.ZERO_TO_THREE:
            number = int(value)
            if 0 <= number <= 3:
                return (3 - number) / 3
        elif scale == Scale.CROW and value in CROW_RISK:
            return CROW_RISK[value]
        elif scale == Scale.TRAFFIC_LIGHT and value in TRAFFIC_RISK:
            return TRAFFIC_RISK[value]
        elif scale == Scale.YES_NO and value in YES_NO_RISK:
            return YES_NO_RISK[value]
        elif scale == Scale.MULTIPLE_CHOICE and value in item["options"]:
            return float(item["options"][value])
        elif scale == Scale.LUX:
            lux = float(value.replace(",", "."))
            if lux >= 0:
                low, good = float(item["min_lux"]), float(item["good_lux"])
                return min(1.0, max(0.0, (good - lux) / (good - low)))
    except (TypeError, ValueError):
        pass
    raise ValidationError({item["key"]: _("%(value)s is not on the scale of %(label)s") % {
        "value": value, "label": item["label"]}})


def round_score(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band(score: Decimal) -> str:
    """The band's key (``BAND_LABELS`` has its name in the user's language)."""
    return next(key for limit, key in BANDS if score < limit)


@dataclass
class ItemResult:
    theme: str
    key: str
    label: str
    weight: float
    risk: float | None  # None: N/A or not scored
    note: str = ""


@dataclass
class Rating:
    themes: dict[str, Decimal | None] = field(default_factory=dict)
    overall: Decimal | None = None
    items: list[ItemResult] = field(default_factory=list)

    @property
    def band(self) -> str:
        return band(self.overall) if self.overall is not None else ""


def rate(definition: dict[str, Any], rounds: list[dict[str, dict[str, Any]]]) -> Rating:
    """Rate from ``rounds``: per round a mapping item key → {"value", "na", "note"}."""
    result = Rating()
    per_item: dict[str, ItemResult] = {}
    for theme, item in items(definition):
        risks, notes = [], []
        for entered in rounds:
            entry = entered.get(item["key"])
            if not entry or entry.get("na") or str(entry.get("value", "")).strip() == "":
                continue
            risks.append(item_risk(item, entry["value"]))
            if entry.get("note"):
                notes.append(entry["note"])
        per_item[item["key"]] = ItemResult(theme["key"], item["key"], item["label"],
                                           float(item["weight"]),
                                           max(risks) if risks else None, "; ".join(notes))
    result.items = list(per_item.values())
    weighted, total = 0.0, 0.0
    for theme in definition["themes"]:
        scored = [r for r in result.items if r.theme == theme["key"] and r.risk is not None]
        weights = sum(r.weight for r in scored)
        if not scored or weights == 0:
            result.themes[theme["key"]] = None
            continue
        theme_risk = sum(r.weight * r.risk for r in scored) / weights * 100
        result.themes[theme["key"]] = round_score(theme_risk)
        weighted += float(theme["weight"]) * theme_risk
        total += float(theme["weight"])
    if total:
        result.overall = round_score(weighted / total)
    return result


def propose_recommendations(rating: Rating, limit: int = 5) -> list[dict[str, Any]]:
    """The worst items first (risk × weight), with a priority; an item of little weight
    that scores badly is a quick win (cheap to fix, visible effect). The adviser edits
    the list afterwards."""
    worst = sorted((r for r in rating.items if r.risk is not None and r.risk >= 0.5),
                   key=lambda r: (-r.risk * r.weight, r.key))[:limit]
    proposals = []
    for result in worst:
        priority = "high" if result.risk >= 0.75 else "medium"
        proposals.append({
            "item": result.key, "text": _("Improve: %(label)s") % {"label": result.label},
            "priority": priority, "quick_win": result.weight <= 20, "note": result.note})
    return proposals
