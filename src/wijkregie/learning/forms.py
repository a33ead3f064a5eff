"""Forms of the learning circle; choices are scoped to the user by the view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkregie.learning.models import (
    EvidenceLevel,
    Intervention,
    LearningSession,
    LessonLearned,
    LocalPractice,
    Pillar,
)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False,
                               choices=[("", "—"), *Pillar.choices])
    problem = forms.ChoiceField(label=_("Problem"), required=False)
    target_group = forms.CharField(label=_("Target group"), required=False, max_length=100)
    evidence_level = forms.ChoiceField(label=_("Evidence level"), required=False,
                                       choices=[("", "—"), *EvidenceLevel.choices])
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args, problems: list[str], municipalities: list[tuple[str, str]],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [("", "—"), *((p, p) for p in problems)]
        self.fields["municipality"].choices = [("", "—"), *municipalities]


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["name", "summary", "pillar", "problem", "goal", "target_group_end",
                  "target_group_intermediate", "approach", "working_elements",
                  "preconditions", "transferability", "costs_and_time", "research",
                  "evidence_level", "valid_until", "contact"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}


class LocalPracticeForm(forms.ModelForm):
    class Meta:
        model = LocalPractice
        fields = ["programme_area", "description", "costs_eur", "start_year", "end_year",
                  "indicators"]

    def __init__(self, *args, programme_areas, indicators, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_area"].queryset = programme_areas
        self.fields["indicators"].queryset = indicators

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        return data


class LearningSessionForm(forms.ModelForm):
    class Meta:
        model = LearningSession
        fields = ["date", "title", "agenda", "notes", "practices", "programme_areas"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, programme_areas, practices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_areas"].queryset = programme_areas
        self.fields["practices"].queryset = practices


class LessonForm(forms.ModelForm):
    class Meta:
        model = LessonLearned
        fields = ["text"]
