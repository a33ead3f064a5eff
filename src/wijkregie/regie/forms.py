"""Forms of the area director for goals and measures; the services validate and save."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wijkregie.core.models import Organisation, User
from wijkregie.figures.selectors import indicators_for
from wijkregie.hotspots.models import NamedLocation
from wijkregie.regie.models import Goal, Measure, Pillar, Plan
from wijkregie.regie.templatetags.regie_format import share_as_percent


class GoalForm(forms.ModelForm):
    milestones = forms.CharField(
        label=_("Milestones"), required=False,
        help_text=_("One per line: year and value, e.g. 2026 8,5"),
        widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Goal
        fields = ["pillar", "statement", "owner", "indicator", "baseline_value",
                  "baseline_year", "horizon_year", "target_kind", "target_value", "benchmark",
                  "benchmark_year"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, user: User, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        municipality = plan.programme_area.municipality
        self.fields["pillar"].queryset = Pillar.objects.filter(municipality=municipality)
        self.fields["owner"].queryset = Organisation.objects.filter(
            municipalities=municipality)
        self.fields["indicator"].queryset = indicators_for(user)

    def _post_clean(self) -> None:
        """Model validation happens in the services (with the plan); skip it here."""

    def clean_milestones(self) -> list[tuple[int, float]]:
        result = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                result.append((int(parts[0]), float(parts[1].replace(",", "."))))
            except (IndexError, ValueError):
                raise ValidationError(_("line %(n)s: write a year and a value") % {
                    "n": number}) from None
        return result


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["title", "kind", "lead_organisation", "contributing_organisations", "budget",
                  "funding_stream", "start", "end", "deliverables", "goals", "hotspots",
                  "status"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}),
                   "end": forms.DateInput(attrs={"type": "date"}),
                   "deliverables": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        municipality = plan.programme_area.municipality
        orgs = Organisation.objects.filter(municipalities=municipality)
        self.fields["lead_organisation"].queryset = orgs
        self.fields["contributing_organisations"].queryset = orgs
        self.fields["goals"].queryset = plan.goals.all()
        self.fields["hotspots"].queryset = NamedLocation.objects.filter(
            municipality=municipality)

    def _post_clean(self) -> None:
        """Model validation happens in the services (with the plan); skip it here."""


class Versioned(forms.Form):
    """The version the writer loaded, sent back with an edit (a stale one gets 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalEditForm(GoalForm, Versioned):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        goal = self.instance
        self.fields["version"].initial = goal.version
        self.fields["milestones"].initial = "\n".join(
            f"{m.year} {m.value:g}".replace(".", ",") for m in goal.milestones.all())


class MeasureEditForm(MeasureForm, Versioned):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["version"].initial = self.instance.version


class PercentField(forms.DecimalField):
    """A percentage typed with a decimal comma or point ("82,5" or "82.5"), shown as it
    is written in Dutch; a text input, since a number input drops "82,5" as invalid."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(min_value=0, max_value=100, decimal_places=1,  # type: ignore[arg-type]
                         **kwargs)

    def to_python(self, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PlanEditForm(Versioned):
    """Title and traffic-light bands, the bands in percent of the planned progress."""

    title = forms.CharField(label=_("Title"), max_length=200)
    green_from = PercentField(
        label=_("Green from (% of the planned progress)"),
        help_text=_("A goal is green when it achieved at least this share of the progress "
                    "planned from its baseline to its milestone."))
    amber_from = PercentField(
        label=_("Amber from (% of the planned progress)"),
        help_text=_("Below green and at least this share: amber; below it: red."))

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["version"].initial = plan.version
        self.fields["title"].initial = plan.title
        self.fields["green_from"].initial = share_as_percent(plan.green_from)
        self.fields["amber_from"].initial = share_as_percent(plan.amber_from)

    def clean(self) -> dict:
        data = super().clean() or {}
        for name in ("green_from", "amber_from"):
            if data.get(name) is not None:
                data[name] = float(data[name]) / 100
        return data


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's field errors on the form (unknown fields as form errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        for e in errors:
            form.add_error(name if name in form.fields else None, e)
