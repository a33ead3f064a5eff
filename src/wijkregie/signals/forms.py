from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import Area
from wijkregie.core.models import Organisation, User
from wijkregie.signals import geocoding, selectors
from wijkregie.signals.models import (
    Category,
    Pillar,
    Reliability,
    Sensitivity,
    sorted_groups,
)
from wijkregie.signals.services import PersonInput, SignalInput
from wijkregie.signals.workflow import allowed_transitions

# Persons named on one registration: the first keeps the plain `person_…` names (the API
# and older clients post those); the others are `person2_…`, `person3_…`.
PERSON_SLOTS = 3


def person_prefix(slot: int) -> str:
    return "person" if slot == 1 else f"person{slot}"


class SignalForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices)
    observed_on = forms.DateField(label=_("Date observed"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    reliability = forms.ChoiceField(label=_("Source reliability"), choices=Reliability.choices)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices)
    place = forms.CharField(
        label=_("Find an address or neighbourhood"), required=False, max_length=200,
        help_text=_("An address (Kade 4, or postcode and number: 9001 AB 4) or a "
                    "neighbourhood's name or code, from what your municipality imported; "
                    "press “Find” to fill in the area and the point."))
    area_code = forms.ChoiceField(label=_("Area"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    x_rd = forms.FloatField(label=_("X (RD New, metres)"), required=False)
    y_rd = forms.FloatField(label=_("Y (RD New, metres)"), required=False)
    # Set by the map (a click gives WGS84); turned into RD New here, never both kept.
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    groups = forms.MultipleChoiceField(label=_("Groups"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    attachment = forms.FileField(label=_("Attachment (PDF, PNG or JPEG, at most 5 MB)"),
                                 required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for slot in range(1, PERSON_SLOTS + 1):
            prefix = person_prefix(slot)
            self.fields[f"{prefix}_name"] = forms.CharField(
                label=_("Name"), required=False, max_length=200)
            self.fields[f"{prefix}_date_of_birth"] = forms.DateField(
                label=_("Date of birth"), required=False,
                widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"{prefix}_address"] = forms.CharField(
                label=_("Address"), required=False, max_length=200)
            self.fields[f"{prefix}_bsn"] = forms.CharField(
                label=_("BSN"), required=False, max_length=11,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
        shared = selectors.covenant_purposes(user)
        self.fields["category"].choices = [
            (c.key, c.name) for c in Category.objects.filter(pk__in=list(shared))]
        areas = Area.objects.filter(municipality_id=user.municipality_id,
                                    level__in=["wijk", "buurt"]).order_by("code")
        self.fields["area_code"].choices = [("", "—")] + [
            (a.code, f"{a.name} ({a.code})") for a in areas.only("code", "name")]
        groups = sorted_groups(selectors.groups_for(user).only("pk", "name"))
        self.group_ids = [g.pk for g in groups]  # for the list event when shown
        self.fields["groups"].choices = [(g.name, g.name) for g in groups]

    def person_fieldsets(self) -> list[tuple[int, list[forms.BoundField]]]:
        """The persons' fields per slot, for one fieldset each."""
        return [(slot, [self[f"{person_prefix(slot)}_{name}"]
                        for name in ("name", "date_of_birth", "address", "bsn")])
                for slot in range(1, PERSON_SLOTS + 1)]

    def signal_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("category", "pillar", "observed_on", "description",
                                        "reliability", "sensitivity")]

    def other_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("groups", "attachment")]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if data.get("x_rd") is None and data.get("y_rd") is None and None not in (lat, lon):
            data["x_rd"], data["y_rd"] = geocoding.wgs84_to_rd(lat, lon)
        for slot in range(1, PERSON_SLOTS + 1):
            prefix = person_prefix(slot)
            if not data.get(f"{prefix}_name") and any(
                    data.get(f"{prefix}_{name}") for name in ("date_of_birth", "address", "bsn")):
                self.add_error(f"{prefix}_name", _("a person needs a name"))
        return data

    def signal_input(self) -> SignalInput:
        data = self.cleaned_data
        persons = []
        for slot in range(1, PERSON_SLOTS + 1):
            prefix = person_prefix(slot)
            if data.get(f"{prefix}_name"):
                persons.append(PersonInput(name=data[f"{prefix}_name"],
                                           date_of_birth=data.get(f"{prefix}_date_of_birth"),
                                           address=data.get(f"{prefix}_address", ""),
                                           bsn=data.get(f"{prefix}_bsn", "")))
        return SignalInput(
            category=data["category"], pillar=data["pillar"], observed_on=data["observed_on"],
            description=data["description"], reliability=data["reliability"],
            sensitivity=data["sensitivity"], area_code=data.get("area_code", ""),
            address=data.get("address", ""), x_rd=data.get("x_rd"), y_rd=data.get("y_rd"),
            persons=persons, group_names=list(data.get("groups") or []))


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    area_code = forms.CharField(label=_("Area code"), required=False, max_length=10)
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        shared = selectors.covenant_purposes(user)
        self.fields["category"].choices = [("", _("all"))] + [
            (c.key, c.name) for c in Category.objects.filter(pk__in=list(shared))]

    def filters(self) -> selectors.SignalFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.SignalFilters(
            category_keys=(data["category"],) if data.get("category") else (),
            area_code=data.get("area_code", ""), start=data.get("start"), end=data.get("end"),
            text=data.get("text", ""))


class PersonSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=11)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not (data.get("name") or data.get("bsn")):
            raise forms.ValidationError(_("Give a name (with date of birth) or a BSN."))
        return data


class AccessRequestForm(forms.Form):
    requester = forms.CharField(
        label=_("Requested by"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who asked (the person or a representative) and how their identity "
                    "was checked. Stored encrypted."))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    # ISO format: a date input shows its initial value (today) only in that form.
    received_on = forms.DateField(label=_("Received on"),
                                  widget=forms.DateInput(format="%Y-%m-%d",
                                                         attrs={"type": "date"}))


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating organisations"), queryset=Organisation.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple)
    signal_ids = forms.CharField(label=_("Signal numbers (comma separated)"), required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Organisation.objects.filter(
            covenants__municipality_id=user.municipality_id)

    def clean_signal_ids(self) -> list[int]:
        return parse_signal_ids(self.cleaned_data["signal_ids"])


def parse_signal_ids(text: str) -> list[int]:
    ids = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().upper().removeprefix("S-")
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(_("%(value)s is not a signal number"),
                                        params={"value": part})
        ids.append(int(part))
    return ids


class BundleForm(forms.Form):
    signal_ids = forms.CharField(label=_("Signal numbers (comma separated)"))

    def clean_signal_ids(self) -> list[int]:
        return parse_signal_ids(self.cleaned_data["signal_ids"])


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason (required to close or reopen)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    # The status the user saw: a change made by someone else meanwhile is not overwritten.
    from_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, status: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["from_status"].initial = status
        from wijkregie.signals.models import CaseStatus

        self.fields["to_status"].choices = [(s, CaseStatus(s).label)
                                            for s in allowed_transitions(status)]


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code from your authenticator app"),
                           max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


def parse_refs(text: str) -> list[str]:
    """Pseudonyms (P-…) separated by commas, semicolons or spaces."""
    return sorted({part.strip().upper() for part in text.replace(";", ",").replace(
        " ", ",").split(",") if part.strip()})


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    members = forms.CharField(
        label=_("Persons (pseudonyms, comma separated)"), required=False,
        help_text=_("The pseudonym (P-…) of a person as shown on a signal you may see."))

    def clean_members(self) -> list[str]:
        return parse_refs(self.cleaned_data["members"])


class GroupMembersForm(forms.Form):
    add = forms.CharField(label=_("Add persons (pseudonyms, comma separated)"),
                          required=False)
    remove = forms.MultipleChoiceField(label=_("Remove"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(ref, ref) for ref in members]

    def clean_add(self) -> list[str]:
        return parse_refs(self.cleaned_data["add"])
