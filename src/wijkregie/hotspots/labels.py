"""Translated names of the hot spot classes.

Stored results and exports keep the English class names (they are data, read by
other tools); pages show these translations.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CLASS_LABELS = {
    "no pattern": _("no pattern"),
    "new hot spot": _("new hot spot"),
    "consecutive hot spot": _("consecutive hot spot"),
    "intensifying hot spot": _("intensifying hot spot"),
    "persistent hot spot": _("persistent hot spot"),
    "diminishing hot spot": _("diminishing hot spot"),
    "sporadic hot spot": _("sporadic hot spot"),
    "oscillating hot spot": _("oscillating hot spot"),
    "historical hot spot": _("historical hot spot"),
    "new cold spot": _("new cold spot"),
    "consecutive cold spot": _("consecutive cold spot"),
    "intensifying cold spot": _("intensifying cold spot"),
    "persistent cold spot": _("persistent cold spot"),
    "diminishing cold spot": _("diminishing cold spot"),
    "sporadic cold spot": _("sporadic cold spot"),
    "oscillating cold spot": _("oscillating cold spot"),
    "historical cold spot": _("historical cold spot"),
    # xgettext:no-python-format
    "hot spot, 99% confidence": _("hot spot, 99% confidence"),
    # xgettext:no-python-format
    "hot spot, 95% confidence": _("hot spot, 95% confidence"),
    # xgettext:no-python-format
    "hot spot, 90% confidence": _("hot spot, 90% confidence"),
    "not significant": _("not significant"),
    # xgettext:no-python-format
    "cold spot, 90% confidence": _("cold spot, 90% confidence"),
    # xgettext:no-python-format
    "cold spot, 95% confidence": _("cold spot, 95% confidence"),
    # xgettext:no-python-format
    "cold spot, 99% confidence": _("cold spot, 99% confidence"),
    # xgettext:no-python-format
    "top 1% of cells": _("top 1% of cells"),
    # xgettext:no-python-format
    "top 5% of cells": _("top 5% of cells"),
    # xgettext:no-python-format
    "top 10% of cells": _("top 10% of cells"),
    # xgettext:no-python-format
    "below the top 10%": _("below the top 10%"),
    "significant hot spot in this period": _("significant hot spot in this period"),
    "significant cold spot in this period": _("significant cold spot in this period"),
}


def class_label(name: str) -> str:
    return str(CLASS_LABELS.get(name, name))


def translated_legend(legend: list[dict]) -> list[dict]:
    return [item | {"name": class_label(item["name"])} for item in legend]


def warning_label(warning: dict[str, Any]) -> str:
    """The translated text of a stored result warning (see analysis.warning_text)."""
    code = warning.get("code")
    if code == "permutations_unreachable":
        suggest = " / ".join(map(str, warning.get("suggest", []))) or "9999"
        if warning.get("all_levels"):
            text = gettext(
                "With %(permutations)s permutations the smallest attainable p-value is "
                "%(p_min)s, above the FDR threshold: no cell can be significant. Choose "
                "%(suggest)s permutations or analytic p-values.")
        else:
            text = gettext(
                "With %(permutations)s permutations the smallest attainable p-value is "
                "%(p_min)s, above the FDR threshold of the stricter confidence levels "
                "(%(levels)s): no cell can reach them. Choose %(suggest)s permutations or "
                "analytic p-values.")
        levels = ", ".join(f"{1 - a:.0%}" for a in warning.get("levels", []))
        return text % {"permutations": warning["permutations"], "p_min": f"{warning['p_min']:g}",
                       "suggest": suggest, "levels": levels}
    if code == "periods_unreachable":
        return gettext(
            "In %(periods)s of %(of)s periods the smallest attainable p-value with "
            "%(permutations)s permutations (%(p_min)s) is above the FDR threshold: no cell "
            "can be significant in those periods.") % {
                "periods": warning["periods"], "of": warning["of"],
                "permutations": warning["permutations"], "p_min": f"{warning['p_min']:g}"}
    if code == "far_points_excluded":
        return gettext(
            "%(n)s incidents lie far outside the dense extent of the data (the farthest "
            "%(km)s km from its centre) and were left out of the analysis.") % {
                "n": warning["n"], "km": warning.get("max_distance_km", "?")}
    return str(code)
