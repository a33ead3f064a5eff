"""Red team, regie case plans: "one case director" — but any case director of a
participating organisation keeps someone else's case plan.

The signals capability lets only the case's director change the case
(``signals.services._directed_case``). ``services_intervention._directed_plan`` asks
only for ``regie.change_caseplan`` and that the user may open the case, so a case
director of a participating partner (here: the police) adds agreements that bind the
partners and records case meetings in a case that is not theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from wijkregie.core.models import User
from wijkregie.core.roles import CASE_DIRECTOR
from wijkregie.regie.models_intervention import Agreement, CasePlan, Meeting

pytestmark = pytest.mark.django_db


def test_only_the_case_director_keeps_the_case_plan(demo, login):
    plan = CasePlan.objects.select_related("case").first()
    case = plan.case
    police = User.objects.get(username="agent").organisation
    assert case.participants.filter(pk=police.pk).exists()
    other = User.objects.create_user(username="casusregisseur-politie",
                                     password="x-Very-long-pass-42",
                                     municipality=case.municipality, organisation=police)
    other.groups.add(Group.objects.get(name=CASE_DIRECTOR))
    assert case.director_id != other.pk
    client = login("casusregisseur-politie")
    assert client.get(f"/regie/cases/{case.pk}/plan/").status_code == 200  # may read
    agreements, meetings = plan.agreements.count(), Meeting.objects.filter(plan=plan).count()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    first = client.post(f"/regie/cases/{case.pk}/plan/", {
        "form": "agreement", "description": "Afspraak door een andere regisseur",
        "owner": case.lead_organisation_id, "due_on": due})
    second = client.post(f"/regie/cases/{case.pk}/plan/", {
        "form": "meeting", "held_on": timezone.localdate().isoformat(),
        "decisions": "Besloten zonder de casusregisseur"})
    assert Agreement.objects.filter(plan=plan).count() == agreements
    assert Meeting.objects.filter(plan=plan).count() == meetings
    assert first.status_code == 403 and second.status_code == 403
