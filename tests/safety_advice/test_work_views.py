"""The adviser's work in the browser: intake, scan round (idempotent resend), photos,
the advice text and its submission."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from shapely.geometry import box

from tests.safety_advice.test_services import CROW_DAY, _buurt, _intake, _jpeg_with_exif
from wijkregie.areas.geometry import from_geojson
from wijkregie.safety_advice.forms import parse_polygon
from wijkregie.safety_advice.models import (
    AdviceRequest,
    AdviceStatus,
    MandatoryRule,
    Photo,
    ScanRound,
    ScanTemplate,
)

pytestmark = pytest.mark.django_db


def _intake_post(adviser, **extra):
    fields = {"title": "Parkje achter de school", "trigger": "masterplan",
              "requester": "Team RO", "plan_phase": "sketch",
              "due_date": (date.today() + timedelta(days=20)).isoformat(),
              "template": ScanTemplate.objects.get(key="crow", municipality=None).pk,
              "intent": "Meer groen"}
    return fields | extra


def test_intake_page_draws_polygon_and_flags_mandatory(login, adviser):
    MandatoryRule.objects.update_or_create(
        municipality=adviser.municipality,
        defaults={"triggers": ["masterplan"], "min_surface_m2": 100})
    client = login("adviseur")
    page = client.get("/veiligheidsadvies/nieuw/")
    assert page.status_code == 200
    assert "draw-polygon.js" in page.content.decode() and "buurten-data" in page.content.decode()
    inside = from_geojson(_buurt(adviser).geometry).representative_point()
    # The keyboard fallback: one "latitude longitude" per line.
    lines = "\n".join(f"{lat} {lon}" for lon, lat in [
        (inside.x - 0.0005, inside.y - 0.0005), (inside.x + 0.0005, inside.y - 0.0005),
        (inside.x + 0.0005, inside.y + 0.0005), (inside.x - 0.0005, inside.y + 0.0005)])
    response = client.post("/veiligheidsadvies/nieuw/", _intake_post(adviser, geometry=lines))
    assert response.status_code == 302
    request = AdviceRequest.objects.get(title="Parkje achter de school")
    assert request.mandatory and request.geometry["type"] == "Polygon"
    assert request.advices.get().status == AdviceStatus.DRAFT


def test_intake_refuses_polygon_outside_naming_the_field(login, adviser):
    client = login("adviseur")
    outside = json.dumps(box(-60, 10, -59, 11).__geo_interface__)
    response = client.post("/veiligheidsadvies/nieuw/", _intake_post(adviser, geometry=outside))
    assert response.status_code == 400
    assert "geometry" in response.context["form"].errors
    response = client.post("/veiligheidsadvies/nieuw/", _intake_post(adviser, requester=""))
    assert "requester" in response.context["form"].errors
    assert not AdviceRequest.objects.filter(title="Parkje achter de school").exists()


def test_parse_polygon_closes_the_ring_and_names_the_line():
    ring = parse_polygon("52.1 5.1\n52.2 5.1\n52.2 5.2")["coordinates"][0]
    assert ring[0] == ring[-1] == [5.1, 52.1] and len(ring) == 4
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="2"):
        parse_polygon("52.1 5.1\nnorth\n52.2 5.2")


def _scan_post(token: str, scores: dict) -> dict:
    data = {"time_of_day": "night", "weather": "regen", "walked_on": date.today().isoformat(),
            "client_token": token}
    for key, entry in scores.items():
        data[f"item-{key}-value"] = entry["value"]
        data[f"item-{key}-note"] = "donker hoekje"
    return data


def test_scan_round_resend_saves_once(login, adviser):
    advice = _intake(adviser)
    client = login("adviseur")
    page = client.get(f"/veiligheidsadvies/{advice.pk}/scan/")
    assert page.status_code == 200 and "scan-offline.js" in page.content.decode()
    for _attempt in range(2):  # the browser resends what it kept while offline
        response = client.post(f"/veiligheidsadvies/{advice.pk}/scan/",
                               _scan_post("tok-1", CROW_DAY))
        assert response.status_code == 302
    assert ScanRound.objects.filter(advice=advice).count() == 1
    scan = ScanRound.objects.get(advice=advice)
    assert scan.weather == "regen" and scan.scores.get(item_key="crow_litter").value == "C"
    client.post(f"/veiligheidsadvies/{advice.pk}/scan/", _scan_post("tok-2", CROW_DAY))
    assert ScanRound.objects.filter(advice=advice).count() == 2  # another form: a new round


def test_scan_refuses_missing_required_item_naming_it(login, adviser):
    advice = _intake(adviser)
    scores = {k: v for k, v in CROW_DAY.items() if k != "crow_greenery"}
    response = login("adviseur").post(f"/veiligheidsadvies/{advice.pk}/scan/",
                                      _scan_post("tok-3", scores))
    assert response.status_code == 400
    assert list(response.context["item_errors"]) == ["crow_greenery"]
    assert 'href="#item-crow_greenery"' in response.content.decode()
    assert not ScanRound.objects.filter(advice=advice).exists()


def test_photo_upload_strips_exif_and_refuses_wrong_type(login, adviser):
    advice = _intake(adviser)
    client = login("adviseur")
    client.post(f"/veiligheidsadvies/{advice.pk}/scan/", _scan_post("tok-4", CROW_DAY))
    scan = ScanRound.objects.get(advice=advice)
    url = f"/veiligheidsadvies/ronde/{scan.pk}/fotos/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"item": "crow_litter", "image": SimpleUploadedFile(
        "p.jpg", _jpeg_with_exif(), "image/jpeg")})
    assert response.status_code == 302
    photo = Photo.objects.get(score__round=scan)
    assert photo.score.item_key == "crow_litter" and photo.lat is not None
    stored = photo.image.read()
    assert b"SERIAL-123456" not in stored and b"Owner Person" not in stored
    response = client.post(url, {"item": "crow_litter", "image": SimpleUploadedFile(
        "p.jpg", b"GIF89a not a photo", "image/gif")})
    assert response.status_code == 400 and "image" in response.context["form"].errors
    assert Photo.objects.filter(score__round=scan).count() == 1
    assert isinstance(Image.open(photo.image.path), Image.Image)


def test_edit_advice_conditions_and_submit(login, adviser):
    advice = _intake(adviser)
    client = login("adviseur")
    client.post(f"/veiligheidsadvies/{advice.pk}/scan/", _scan_post("tok-5", CROW_DAY))
    url = f"/veiligheidsadvies/{advice.pk}/bewerken/"
    assert client.get(url).status_code == 200
    advice.refresh_from_db()
    client.post(url, {"propose": "1", "row_version": advice.row_version})
    advice.refresh_from_db()
    assert advice.recommendations and advice.recommendations[0]["item"] == "crow_graffiti"
    response = client.post(url, {"add_condition": "1", "text": "", "owner": "Beheer",
                                 "deadline": date.today().isoformat()})
    assert "text" in response.context["condition_form"].errors
    client.post(url, {"add_condition": "1", "text": "Graffiti weg", "owner": "Beheer",
                      "deadline": date.today().isoformat()})
    assert advice.conditions.count() == 1
    response = client.post(url, {
        "submit": "1", "row_version": advice.row_version, "desk_text": "Bureau",
        "alternatives": "", "implementation": "Beheerplan", "verdict": "conditional",
        "rec-count": "1", "rec-0-text": "Graffiti verwijderen", "rec-0-priority": "high",
        "rec-0-quick_win": "1", "rec-1-text": ""})
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.SUBMITTED and advice.implementation == "Beheerplan"
    assert advice.recommendations == [{"item": "", "text": "Graffiti verwijderen",
                                       "priority": "high", "quick_win": True}]


def test_final_advice_follow_up_and_new_version_in_the_browser(login, adviser, second):
    from tests.safety_advice.test_services import _final
    from wijkregie.safety_advice.models import Advice, ConditionStatus

    final = _final(adviser, second)
    condition = final.conditions.create(text="Hek weg", owner="Beheer",
                                        deadline=date.today())
    client = login("adviseur")
    page = client.get(f"/veiligheidsadvies/{final.pk}/").content.decode()
    assert f"/veiligheidsadvies/voorwaarde/{condition.pk}/status/" in page
    client.post(f"/veiligheidsadvies/voorwaarde/{condition.pk}/status/",
                {"status": "rejected", "reason": ""})
    condition.refresh_from_db()
    assert condition.status == ConditionStatus.OPEN  # a rejection needs a reason
    client.post(f"/veiligheidsadvies/voorwaarde/{condition.pk}/status/", {"status": "accepted"})
    condition.refresh_from_db()
    assert condition.status == ConditionStatus.ACCEPTED
    response = client.post(f"/veiligheidsadvies/{final.pk}/nieuwe-versie/",
                           {"plan_phase": "preliminary"})
    fresh = Advice.objects.get(request=final.request, version=2)
    assert response["Location"] == f"/veiligheidsadvies/{fresh.pk}/"
    final.refresh_from_db()
    assert final.status == AdviceStatus.SUPERSEDED and fresh.status == AdviceStatus.DRAFT
    assert client.get(f"/veiligheidsadvies/{final.pk}/").status_code == 200  # still readable
