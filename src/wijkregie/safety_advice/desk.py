"""The desk analysis, pre-filled for the plan area from the other capabilities'
selectors only: disclosed figures (figures selectors), saved hot spot locations with
their class, and published signal counts per category (signals aggregate feed, minimum
counts applied; never a single signal or person). The adviser edits the text after."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wijkregie.core.models import User
from wijkregie.figures import selectors as figures
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice.models import AdviceRequest
from wijkregie.signals.feeds import monthly_counts


def desk_analysis(user: User, request: AdviceRequest) -> dict[str, Any]:
    indicators: list[dict[str, Any]] = []
    if request.area is not None:
        known = {i.pk: i for i in figures.indicators_for(user)}
        for indicator_id, series in figures.observations(user, area=request.area).items():
            if indicator_id in known and series:
                last = series[-1]
                indicators.append({"key": known[indicator_id].key,
                                   "name": str(known[indicator_id]), "year": last.year,
                                   "shown": last.text, "value": last.value,
                                   "status": last.status})
    hotspots = [{"name": loc.name, "class": loc.hotspot_class}
                for loc in NamedLocation.objects.filter(municipality_id=request.municipality_id)
                .order_by("name")[:20]]
    signals: Counter[str] = Counter()
    if request.area is not None and user.has_perm("signals.view_signal"):
        for row in monthly_counts(municipality=request.municipality, viewer=None):
            if row.area_code == request.area.code and row.count is not None:
                signals[row.category_key] += row.count
    return {"indicators": sorted(indicators, key=lambda r: r["key"]), "hotspots": hotspots,
            "signals": dict(sorted(signals.items()))}


def desk_text(analysis: dict[str, Any]) -> str:
    lines = [f"{r['name']} ({r['year']}): {r['shown']}" for r in analysis["indicators"]]
    lines += [f"Hot spot {h['name']}: {h['class']}" for h in analysis["hotspots"]]
    lines += [f"Signals {k}: {v}" for k, v in analysis["signals"].items()]
    return "\n".join(lines)
