from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ALLOWED_SUFFIXES = (".geojson", ".json", ".topojson")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(f, initial) for f in files]


class AreaImportForm(forms.Form):
    files = MultipleFileField(label=_("Boundary files (GeoJSON or TopoJSON)"))
    year = forms.IntegerField(label=_("Division year"), required=False, min_value=1990,
                              max_value=2100,
                              help_text=_("Only needed when the files do not say it."))
    repair = forms.BooleanField(
        label=_("Repair small self-intersections"), required=False, initial=True,
        help_text=_("Simplified boundaries often contain them; larger defects are "
                    "always refused."))

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        for upload in files:
            if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
                raise forms.ValidationError(
                    _("%(name)s: only .geojson, .json and .topojson files can be imported."),
                    params={"name": upload.name})
        return files
