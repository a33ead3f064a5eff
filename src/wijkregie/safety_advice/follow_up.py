"""Follow-up of conditions: the overdue list the regie capability escalates from, and
the item-by-item comparison of a re-assessment against the previous version."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from wijkregie.safety_advice.models import Advice, Condition, ConditionStatus
from wijkregie.safety_advice.rating import item_risk
from wijkregie.safety_advice.templates import items


def overdue_conditions(municipality_id: int, today: date | None = None) -> QuerySet[Condition]:
    """Conditions past their deadline and not done or rejected."""
    today = today or timezone.localdate()
    return (Condition.objects.filter(advice__request__municipality_id=municipality_id,
                                     deadline__lt=today,
                                     status__in=[ConditionStatus.OPEN, ConditionStatus.ACCEPTED])
            .select_related("advice__request"))


def _worst(advice: Advice) -> dict[str, float | None]:
    definition = advice.request.template.definition
    by_key = {item["key"]: item for _t, item in items(definition)}
    worst: dict[str, float | None] = dict.fromkeys(by_key)
    for scan in advice.rounds.prefetch_related("scores"):
        for score in scan.scores.all():
            if score.not_applicable or not score.value or score.item_key not in by_key:
                continue
            risk = item_risk(by_key[score.item_key], score.value)
            if worst[score.item_key] is None or risk > worst[score.item_key]:
                worst[score.item_key] = risk
    return worst


def score_changes(advice: Advice) -> list[dict[str, Any]]:
    """Per item the risk (×100) in the previous version and in this one."""
    previous = (Advice.objects.filter(request=advice.request, version__lt=advice.version)
                .order_by("-version").first())
    if previous is None:
        return []
    before, after = _worst(previous), _worst(advice)
    rows = []
    for _theme, item in items(advice.request.template.definition):
        old, new = before.get(item["key"]), after.get(item["key"])
        rows.append({"item": item["key"], "label": item["label"],
                     "before": None if old is None else round(old * 100, 1),
                     "after": None if new is None else round(new * 100, 1),
                     "change": None if old is None or new is None
                     else round((new - old) * 100, 1)})
    return rows
