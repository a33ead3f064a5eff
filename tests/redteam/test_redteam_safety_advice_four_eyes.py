"""Red team, spatial safety advice: four eyes bypassed by the second adviser.

``services.sign_off`` compares the signer only with ``Advice.author`` (who made the
intake). ``update_advice`` and ``submit`` accept any adviser of the municipality and do
not record who wrote the content. So adviser B sends A's submitted *unfavourable*
advice back, rewrites the verdict to *favourable*, submits and signs it off: a final
advice whose verdict only one person ever looked at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.core.roles import SAFETY_ADVISER
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import Advice, AdviceStatus, ScanTemplate

pytestmark = pytest.mark.django_db

CROW = {k: {"value": v} for k, v in zip(
    ["crow_paving", "crow_greenery", "crow_litter", "crow_graffiti", "crow_furniture"],
    ["D", "D", "D", "D", "D"], strict=True)}


def test_adviser_who_rewrote_the_verdict_cannot_sign_it_off(demo):
    adviser = User.objects.get(username="adviseur")
    second = User.objects.create_user(username="adviseur2", password="x-Very-long-pass-42",
                                      municipality=adviser.municipality,
                                      organisation=adviser.organisation)
    second.groups.add(Group.objects.get(name=SAFETY_ADVISER))
    area = Area.objects.filter(municipality=adviser.municipality, level=AreaLevel.BUURT,
                               geometry__isnull=False).first()
    advice = services.create_request(
        user=adviser, title="Stationsplein", trigger="residence_space", requester="Team RO",
        plan_phase="sketch", due_date=date.today() + timedelta(days=30),
        template=ScanTemplate.objects.get(key="crow", municipality=None), area=area)
    services.add_round(user=adviser, advice=advice, time_of_day="night", weather="rain",
                       walked_on=date.today(), scores=CROW)
    advice = services.update_advice(user=adviser, advice=advice, verdict="unfavourable")
    advice = services.submit(user=adviser, advice=advice)
    # The second adviser takes it over: back to draft, verdict rewritten, submitted.
    advice = services.send_back(user=second, advice=advice)
    advice = services.update_advice(user=second, advice=advice, verdict="favourable")
    advice = services.submit(user=second, advice=advice)
    with pytest.raises(ValidationError):
        services.sign_off(user=second, advice=advice)
    assert Advice.objects.get(pk=advice.pk).status == AdviceStatus.SUBMITTED
