"""The hub's own check that a document carries no suppressed value, before its schema.

A sender's bug or a crafted document must not put a hidden figure on the hub: a figure
marked withheld (or bounded/suppressed) that still carries a value, or a shown count
below the indicator's minimum count (``0 < value < minimum_count``; zero is shown, as
in ``figures.disclosure``), is refused. ``FEDERATION_HUB_MINIMUM_COUNT`` raises the
floor for every indicator the document declares a minimum count for, so a document
cannot lower it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _minimum_counts(document: dict[str, Any]) -> dict[str, int]:
    floor = int(getattr(settings, "FEDERATION_HUB_MINIMUM_COUNT", 5))
    result: dict[str, int] = {}
    for indicator in document.get("indicators") or []:
        if isinstance(indicator, dict) and isinstance(indicator.get("key"), str):
            declared = indicator.get("minimum_count")
            if isinstance(declared, int | float) and not isinstance(declared, bool):
                result[indicator["key"]] = max(int(declared), floor)
    return result


def suppressed_values(document: Any) -> list[str]:
    """Where the document carries a value it may not carry ("programme_areas/0/figures/3:
    ...")."""
    if not isinstance(document, dict):
        return []
    minimum = _minimum_counts(document)
    problems: list[str] = []
    for a, area in enumerate(document.get("programme_areas") or []):
        if not isinstance(area, dict):
            continue
        for f, figure in enumerate(area.get("figures") or []):
            if not isinstance(figure, dict):
                continue
            place = f"programme_areas/{a}/figures/{f}"
            status, value = figure.get("status"), figure.get("value")
            if status != "shown" and "value" in figure:
                problems.append(f"{place}: a {status} figure carries a value")
            elif status == "shown" and isinstance(value, int | float) \
                    and not isinstance(value, bool):
                threshold = minimum.get(figure.get("indicator"))
                if threshold is not None and 0 < value < threshold:
                    problems.append(
                        f"{place}: value below the minimum count {threshold} of "
                        f"{figure.get('indicator')}")
    return problems
