"""Red team, spatial safety advice: a final (signed-off, four-eyes) advice is changed
afterwards. ``services.add_condition`` and ``services.add_photo`` check the adviser's
municipality only, not the advice's state, so a condition (which the PDF prints under
"verdict and conditions") and photo evidence are added to an advice that a second
adviser already signed off."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.core.roles import SAFETY_ADVISER
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import AdviceStatus, ScanTemplate

pytestmark = pytest.mark.django_db

CROW = {k: {"value": v} for k, v in zip(
    ["crow_paving", "crow_greenery", "crow_litter", "crow_graffiti", "crow_furniture"],
    ["A", "B", "C", "D", "B"], strict=True)}


@pytest.fixture
def advisers(demo):
    adviser = User.objects.get(username="adviseur")
    second = User.objects.create_user(username="adviseur2", password="x-Very-long-pass-42",
                                      municipality=adviser.municipality,
                                      organisation=adviser.organisation)
    second.groups.add(Group.objects.get(name=SAFETY_ADVISER))
    return adviser, User.objects.get(pk=second.pk)


def _final(adviser, second):
    area = Area.objects.filter(municipality=adviser.municipality, level=AreaLevel.BUURT,
                               geometry__isnull=False).first()
    advice = services.create_request(
        user=adviser, title="Stationsplein", trigger="residence_space", requester="Team RO",
        plan_phase="sketch", due_date=date.today() + timedelta(days=30),
        template=ScanTemplate.objects.get(key="crow", municipality=None), area=area)
    services.add_round(user=adviser, advice=advice, time_of_day="day", weather="dry",
                       walked_on=date.today(), scores=CROW)
    advice = services.update_advice(user=adviser, advice=advice, verdict="favourable")
    advice = services.submit(user=adviser, advice=advice)
    final = services.sign_off(user=second, advice=advice)
    assert final.status == AdviceStatus.FINAL
    return final


def test_no_condition_added_after_sign_off(advisers):
    """Break: after the second adviser signed off a *favourable* advice, its author calls
    ``add_condition``; it is accepted and the final advice now has a condition its
    signer never saw (the advice even stays "favourable" with conditions)."""
    adviser, second = advisers
    final = _final(adviser, second)
    with pytest.raises(ValidationError):
        services.add_condition(user=adviser, advice=final, text="Geen verlichting nodig",
                               owner="Team RO", deadline=date.today() + timedelta(days=10))
    assert not final.conditions.exists()


def test_no_photo_added_after_sign_off(advisers):
    """Break: ``add_photo`` on an item score of a round of the signed-off advice is
    accepted; the evidence annexed to the final advice changes after sign-off."""
    adviser, second = advisers
    final = _final(adviser, second)
    score = final.rounds.first().scores.first()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.add_photo(user=adviser, score=score, upload=upload)
    assert not score.photos.exists()
