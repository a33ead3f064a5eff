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
from wijkregie.learning.services import measure_area_error
from wijkregie.regie.models import Measure


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
        fields = ["programme_area", "regie_measure", "description", "costs_eur", "start_year",
                  "end_year", "indicators"]
        help_texts = {"regie_measure": _("Optional: a measure of the plan of approach of the "
                                         "programme area chosen above.")}

    def __init__(self, *args, programme_areas, indicators, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_area"].queryset = programme_areas
        self.fields["indicators"].queryset = indicators
        # Measures of the plans of the offered areas only: one of another municipality
        # is not a valid choice; one of another area of the same municipality is
        # refused in clean().
        measures = Measure.objects.filter(plan__programme_area__in=programme_areas)
        self.fields["regie_measure"].queryset = measures.select_related(
            "plan__programme_area").order_by("plan__programme_area__name", "title")
        self.fields["regie_measure"].label_from_instance = (
            lambda m: f"{m.plan.programme_area.name}: {m.title}")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        area, measure = data.get("programme_area"), data.get("regie_measure")
        if area and measure and measure.plan.programme_area_id != area.pk:
            self.add_error("regie_measure", measure_area_error(area))
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
