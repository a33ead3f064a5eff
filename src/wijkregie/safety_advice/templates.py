"""Scan templates as data: validation and the shipped presets.

A definition is ``{"themes": [{"key", "label", "weight", "items": [{"key", "label",
"scale", "weight", "na_allowed", "required", ...}]}]}``. Theme weights add up to 100 and
so do the item weights within a theme; item keys are unique in the whole template
(scores are stored by item key). Multiple-choice items carry ``options``: a mapping of
option → risk 0…1; lux items carry ``min_lux`` (at or below: worst) and ``good_lux``
(at or above: fine).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wijkregie.safety_advice.models import Scale

WEIGHT_TOTAL = 100
_SCALES = set(Scale.values)


def _weight(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def validate_definition(definition: Any) -> None:
    """Refuse a template that cannot be rated: every message names the field
    (``themes[1].items[0].weight``)."""
    errors: dict[str, str] = {}
    themes = definition.get("themes") if isinstance(definition, dict) else None
    if not isinstance(themes, list) or not themes:
        raise ValidationError({"definition": _("a template needs at least one theme")})
    seen_themes: set[str] = set()
    seen_items: set[str] = set()
    theme_total = 0.0
    for t, theme in enumerate(themes):
        where = f"themes[{t}]"
        key = theme.get("key", "")
        if not key:
            errors[f"{where}.key"] = _("a theme needs a key")
        elif key in seen_themes:
            errors[f"{where}.key"] = _("duplicate theme %(key)s") % {"key": key}
        seen_themes.add(key)
        weight = _weight(theme.get("weight"))
        if weight is None:
            errors[f"{where}.weight"] = _("a weight is a number of 0 or more")
        else:
            theme_total += weight
        items = theme.get("items")
        if not isinstance(items, list) or not items:
            errors[f"{where}.items"] = _("a theme needs at least one item")
            continue
        item_total = 0.0
        for i, item in enumerate(items):
            iwhere = f"{where}.items[{i}]"
            ikey = item.get("key", "")
            if not ikey:
                errors[f"{iwhere}.key"] = _("an item needs a key")
            elif ikey in seen_items:
                errors[f"{iwhere}.key"] = _("duplicate item %(key)s") % {"key": ikey}
            seen_items.add(ikey)
            scale = item.get("scale")
            if scale not in _SCALES:
                errors[f"{iwhere}.scale"] = _("unknown scale %(scale)s") % {"scale": scale}
            elif scale == Scale.MULTIPLE_CHOICE:
                options = item.get("options")
                if (not isinstance(options, dict) or not options
                        or any(_weight(v) is None or v > 1 for v in options.values())):
                    errors[f"{iwhere}.options"] = _(
                        "a multiple-choice item needs options, each with a risk of 0 to 1")
            elif scale == Scale.LUX:
                low, good = _weight(item.get("min_lux")), _weight(item.get("good_lux"))
                if low is None or good is None or good <= low:
                    errors[f"{iwhere}.min_lux"] = _(
                        "a lux item needs min_lux below good_lux")
            iweight = _weight(item.get("weight"))
            if iweight is None:
                errors[f"{iwhere}.weight"] = _("a weight is a number of 0 or more")
            else:
                item_total += iweight
        if abs(item_total - WEIGHT_TOTAL) > 1e-6 and f"{where}.items[0].weight" not in errors:
            errors[f"{where}.items"] = _(
                "the item weights of theme %(key)s add up to %(total)s, not 100") % {
                "key": key, "total": f"{item_total:g}"}
    if abs(theme_total - WEIGHT_TOTAL) > 1e-6:
        errors["themes.weight"] = _("the theme weights add up to %(total)s, not 100") % {
            "total": f"{theme_total:g}"}
    if errors:
        raise ValidationError(errors)


def items(definition: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(theme, item) pairs in template order."""
    return [(theme, item) for theme in definition["themes"] for item in theme["items"]]


def item_labels(definition: dict[str, Any]) -> dict[str, str]:
    """Each item's label by its key, in template order."""
    return {item["key"]: item["label"] for _theme, item in items(definition)}


def _item(key: str, label: str, scale: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "scale": scale, "weight": weight,
            "na_allowed": extra.pop("na_allowed", True), "required": extra.pop("required", True),
            **extra}


def _theme(key: str, label: str, weight: float, items_: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "label": label, "weight": weight, "items": items_}


# The presets: labels are the checklist's own words (English; ZETA keeps its Dutch names).
PRESETS: list[dict[str, Any]] = [
    {"key": "cpted", "name": "CPTED (Crime Prevention Through Environmental Design)",
     "description": "Veilig Ontwerp en Beheer / CPTED: the five principles.",
     "definition": {"themes": [
         _theme("natural_surveillance", "Natural surveillance", 20, [
             _item("ns_sightlines", "Clear sight lines along the route", "1-5", 50),
             _item("ns_overlooking", "Windows and entrances overlook the space", "1-5", 30),
             _item("ns_lighting", "Lighting at the darkest point", Scale.LUX, 20,
                   min_lux=1, good_lux=10),
         ]),
         _theme("access_control", "Access control", 20, [
             _item("ac_entrances", "Entrances clearly defined", "1-5", 60),
             _item("ac_escape", "Escape routes and alternatives", "1-5", 40),
         ]),
         _theme("territoriality", "Territoriality", 20, [
             _item("te_ownership", "Clear public/private boundaries", "1-5", 60),
             _item("te_care", "Signs of residents' care", "1-5", 40),
         ]),
         _theme("maintenance", "Maintenance", 20, [
             _item("ma_level", "Maintenance level (CROW)", Scale.CROW, 60),
             _item("ma_graffiti", "Free of graffiti and vandalism", Scale.YES_NO, 40),
         ]),
         _theme("activity_support", "Activity support", 20, [
             _item("as_use", "Active use during the day and evening", "1-5", 60),
             _item("as_mix", "Functions mix", Scale.MULTIPLE_CHOICE, 40, options={
                 "mixed": 0, "housing only": 0.5, "no functions": 1}),
         ]),
     ]}},
    {"key": "zeta", "name": "ZETA (zichtbaarheid, eenduidigheid, toegankelijkheid, "
                           "aantrekkelijkheid)",
     "description": "The Dutch ZETA rules of thumb for a safe design.",
     "definition": {"themes": [
         _theme("zichtbaarheid", "Zichtbaarheid", 25, [
             _item("z_overzicht", "Overview and sight lines", Scale.TRAFFIC_LIGHT, 50),
             _item("z_verlichting", "Lighting", Scale.LUX, 50, min_lux=1, good_lux=10),
         ]),
         _theme("eenduidigheid", "Eenduidigheid", 25, [
             _item("e_eigendom", "Clear ownership and responsibility", Scale.TRAFFIC_LIGHT, 50),
             _item("e_functie", "Clear function of the space", Scale.TRAFFIC_LIGHT, 50),
         ]),
         _theme("toegankelijkheid", "Toegankelijkheid", 25, [
             _item("t_routes", "Routes logical and accessible", Scale.TRAFFIC_LIGHT, 50),
             _item("t_vluchtwegen", "Escape routes", Scale.TRAFFIC_LIGHT, 50),
         ]),
         _theme("aantrekkelijkheid", "Aantrekkelijkheid", 25, [
             _item("a_inrichting", "Attractive layout and materials", Scale.TRAFFIC_LIGHT, 50),
             _item("a_beheer", "Maintained and clean", Scale.TRAFFIC_LIGHT, 50),
         ]),
     ]}},
    {"key": "crow", "name": "CROW maintenance levels (A+–D)",
     "description": "Beeldkwaliteit of public space per CROW level.",
     "definition": {"themes": [
         _theme("crow_maintenance", "Maintenance level", 100, [
             _item("crow_paving", "Paving", Scale.CROW, 20),
             _item("crow_greenery", "Greenery", Scale.CROW, 20),
             _item("crow_litter", "Litter", Scale.CROW, 20),
             _item("crow_graffiti", "Graffiti and fly-posting", Scale.CROW, 20),
             _item("crow_furniture", "Street furniture and lighting poles", Scale.CROW, 20),
         ]),
     ]}},
    {"key": "walk_audit", "name": "Walk audit (nine parameters)",
     "description": "A night or day walk scoring nine parameters in the Safetipin manner.",
     "definition": {"themes": [
         _theme("walk", "Walk audit", 100, [
             _item("wa_lighting", "Lighting", Scale.LUX, 12, min_lux=1, good_lux=10),
             _item("wa_openness", "Openness", "0-3", 11),
             _item("wa_visibility", "Visibility", "0-3", 11),
             _item("wa_people", "People", "0-3", 11),
             _item("wa_security", "Security", "0-3", 11),
             _item("wa_walk_path", "Walk path", "0-3", 11),
             _item("wa_public_transport", "Public transport", "0-3", 11),
             _item("wa_gender_usage", "Gender usage", "0-3", 11),
             _item("wa_feeling", "Feeling", "0-3", 11, na_allowed=False),
         ]),
     ]}},
]


def load_presets(template_model: Any) -> None:
    """Create or update the shipped presets (used by the data migration)."""
    for preset in PRESETS:
        validate_definition(preset["definition"])
        template_model.objects.update_or_create(
            municipality=None, key=preset["key"],
            defaults={"name": preset["name"], "description": preset["description"],
                      "definition": preset["definition"], "is_preset": True})
