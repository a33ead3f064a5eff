"""Forms of the safety adviser; the services validate and save (one transaction each)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice.models import (
    PlanPhase,
    ScanTemplate,
    TimeOfDay,
    Trigger,
    Verdict,
)
from wijkregie.safety_advice.rating import CROW_RISK, TRAFFIC_RISK

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_polygon(text: str) -> dict[str, Any] | None:
    """GeoJSON as the map writes it, or one point per line as "latitude longitude" (the
    keyboard fallback); the ring is closed here. Validity is the service's to judge."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("this is not valid GeoJSON")) from exc
        return value.get("geometry", value) if isinstance(value, dict) else value
    ring = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.replace(";", " ").replace(",", " ").split()
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            raise ValidationError(_("line %(n)s: write a latitude and a longitude, e.g. "
                                    "52.37 4.89") % {"n": number}) from None
        ring.append([lon, lat])
    if len(ring) < 3:
        raise ValidationError(_("a polygon needs at least three points"))
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


class IntakeForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=200)
    trigger = forms.ChoiceField(label=_("Trigger"), choices=Trigger.choices)
    hotspot_location = forms.ModelChoiceField(
        label=_("Saved hot spot location"), required=False, queryset=NamedLocation.objects.none(),
        help_text=_("For a hot spot: the location saved in the hot spot analysis."))
    area = forms.ModelChoiceField(label=_("Plan area from the areas"), required=False,
                                  queryset=Area.objects.none())
    geometry = forms.CharField(
        label=_("Plan area drawn (polygon)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("Tap the corners on the map, or type one point per line: latitude "
                    "longitude (e.g. 52.3731 4.8926). GeoJSON is accepted too."))
    requester = forms.CharField(label=_("Requester"), max_length=200)
    plan_phase = forms.ChoiceField(label=_("Plan phase"), choices=PlanPhase.choices)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    template = forms.ModelChoiceField(label=_("Scan template"),
                                      queryset=ScanTemplate.objects.none())
    intent = forms.CharField(label=_("Intent of the plan"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = user.municipality_id
        self.fields["hotspot_location"].queryset = NamedLocation.objects.filter(
            municipality_id=municipality).order_by("name")
        self.fields["area"].queryset = Area.objects.filter(
            municipality_id=municipality, level__in=[AreaLevel.WIJK, AreaLevel.BUURT]
        ).order_by("level", "name")
        self.fields["template"].queryset = ScanTemplate.objects.filter(
            Q(municipality__isnull=True) | Q(municipality_id=municipality))

    def clean_geometry(self) -> dict[str, Any] | None:
        return parse_polygon(self.cleaned_data["geometry"])


def _choices(item: dict[str, Any]) -> list[tuple[str, str]]:
    scale = item["scale"]
    if scale == "1-5":
        return [(str(n), str(n)) for n in range(1, 6)]
    if scale == "0-3":
        return [(str(n), str(n)) for n in range(4)]
    if scale == "crow":
        return [(level, level) for level in CROW_RISK]
    if scale == "traffic_light":
        names = {"green": _("green"), "orange": _("orange"), "red": _("red")}
        return [(light, names[light]) for light in TRAFFIC_RISK]
    if scale == "yes_no":
        return [("yes", _("yes")), ("no", _("no"))]
    if scale == "multiple_choice":
        return [(option, option) for option in item["options"]]
    return []  # lux: a number


def scan_fields(definition: dict[str, Any], data: Any = None) -> list[dict[str, Any]]:
    """The entry form per theme: per item its input (radio choices or a lux number), the
    N/A box where allowed and a note, with the values as posted."""
    themes = []
    for theme in definition["themes"]:
        rows = []
        for item in theme["items"]:
            name = f"item-{item['key']}"
            rows.append({
                "key": item["key"], "label": item["label"], "scale": item["scale"],
                "name": name, "choices": _choices(item),
                "na_allowed": item.get("na_allowed", True),
                "required": item.get("required", True),
                "value": data.get(f"{name}-value", "") if data else "",
                "na": bool(data.get(f"{name}-na")) if data else False,
                "note": data.get(f"{name}-note", "") if data else ""})
        themes.append({"key": theme["key"], "label": theme["label"], "items": rows})
    return themes


def scan_scores(definition: dict[str, Any], data: Any) -> dict[str, dict[str, Any]]:
    return {row["key"]: {"value": row["value"], "na": row["na"], "note": row["note"]}
            for theme in scan_fields(definition, data) for row in theme["items"]}


class RoundForm(forms.Form):
    time_of_day = forms.ChoiceField(label=_("Time of day"), choices=TimeOfDay.choices,
                                    widget=forms.RadioSelect)
    weather = forms.CharField(label=_("Weather"), max_length=100, required=False)
    walked_on = forms.DateField(label=_("Date of the walk"), widget=DATE)
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class PhotoForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    image = forms.FileField(label=_("Photo (JPEG or PNG, at most 10 MB)"),
                            widget=forms.ClearableFileInput(
                                attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))

    def __init__(self, *args: Any, item_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices


class AdviceForm(forms.Form):
    desk_text = forms.CharField(label=_("Desk analysis"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}))
    alternatives = forms.CharField(label=_("Alternatives and measures"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    implementation = forms.CharField(label=_("Implementation and management"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    verdict = forms.ChoiceField(label=_("Verdict"), required=False,
                                choices=[("", "–"), *Verdict.choices])
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class ConditionForm(forms.Form):
    text = forms.CharField(label=_("Condition"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
