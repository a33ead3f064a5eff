from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea

from .models import UnitValue

MAX_SCENARIO_BYTES = 1_000_000


class NewAnalysisForm(forms.Form):
    programme_area = forms.ModelChoiceField(queryset=ProgrammeArea.objects.none(),
                                            label=_("Programme area"))
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, programme_areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_area"].queryset = programme_areas  # type: ignore[attr-defined]


class ScenarioImportForm(forms.Form):
    file = forms.FileField(label=_("Scenario file (.yaml, .yml or .json)"))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("Upload a .yaml, .yml or .json file."))
        if upload.size > MAX_SCENARIO_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload


class UnitValueForm(forms.ModelForm):
    source_url = forms.URLField(label=_("source: URL"), required=False, assume_scheme="https")

    class Meta:
        model = UnitValue
        fields = ["key", "value", "unit", "price_level", "year", "description",
                  "source_title", "source_publisher", "source_year", "source_locator",
                  "source_url"]

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        taken = UnitValue.objects.filter(municipality=self.municipality, key=key)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This key is already in the library."))
        return key
