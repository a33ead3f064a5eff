from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkregie.hotspots.analysis import AnalysisParams
from wijkregie.hotspots.incident_files import IncidentFileError, check_crs
from wijkregie.hotspots.sources import Source

METHOD_CHOICES = [
    ("emerging", _("Emerging hot spots (trend over time)")),
    ("gistar", _("Hot spots (Getis-Ord Gi*, FDR-corrected)")),
    ("kde", _("Kernel density")),
    ("forecast", _("Forecast for the next period (prospective)")),
]
PERIOD_CHOICES = [("M", _("month")), ("W", _("week")), ("Q", _("quarter"))]


class IncidentUploadForm(forms.Form):
    file = forms.FileField(label=_("Incident file (CSV or CSV.GZ)"))
    name = forms.CharField(label=_("Name of the data set"), max_length=200, required=False)
    crs = forms.CharField(
        label=_("Projection of the coordinates"), max_length=20, required=False,
        help_text=_("Leave empty for RD New x/y or for longitude/latitude. For example "
                    "EPSG:27700 for British data."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".csv.gz")):
            raise forms.ValidationError(_("%(name)s: only .csv and .csv.gz files can be "
                                          "imported."), params={"name": upload.name})
        return upload

    def clean_crs(self) -> str:
        crs = self.cleaned_data["crs"].strip()
        if crs:
            try:
                check_crs(crs)
            except IncidentFileError as exc:
                raise forms.ValidationError(str(exc)) from None
        return crs


class AnalysisForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    start = forms.DateField(label=_("From (date)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Up to and including (date)"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES, initial="emerging")
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="M")
    cell_size = forms.IntegerField(label=_("Cell size (metres)"), min_value=50,
                                   max_value=2000, initial=250)
    permutations = forms.TypedChoiceField(
        label=_("Permutations (pseudo p-values)"), coerce=int, initial=0,
        choices=[(0, _("none: analytic p-values (fast)")),
                 (999, _("999 (smallest attainable p 0.002)")),
                 (9999, _("9999 (smallest attainable p 0.0002, slow)"))],
        help_text=_("With FDR correction a permutation test can only find a cell significant "
                    "when enough cells reach the smallest attainable p-value; with few "
                    "permutations nothing can be significant. The result says so when that "
                    "happens."))

    def __init__(self, *args: Any, sources: list[Source], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = {s.key: s for s in sources}
        self.fields["source"].choices = [(s.key, s.label) for s in sources]
        categories = sorted({c for s in sources for c in s.categories()})
        self.fields["category"].choices = [("", _("all categories"))] + [
            (c, c) for c in categories]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date lies after the end date."))
        if not self.errors:
            try:
                data["params"] = AnalysisParams(
                    method=data["method"], cell_size=float(data["cell_size"]),
                    period=data["period"], permutations=data["permutations"])
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


class SaveLocationForm(forms.Form):
    cell = forms.IntegerField(label=_("Cell"), min_value=0)
    name = forms.CharField(label=_("Name of the location"), max_length=200)
    cluster = forms.BooleanField(
        label=_("Include the adjacent cells of the same class (the whole cluster)"),
        required=False, initial=True)
