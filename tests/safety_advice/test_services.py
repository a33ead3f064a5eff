import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from shapely.geometry import box

from wijkregie.areas.geometry import from_geojson
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.safety_advice import follow_up, services
from wijkregie.safety_advice.models import (
    AdviceStatus,
    ConditionStatus,
    MandatoryRule,
    ScanTemplate,
)

pytestmark = pytest.mark.django_db


def _buurt(user):
    return Area.objects.filter(municipality=user.municipality, level=AreaLevel.BUURT,
                               geometry__isnull=False).first()


def _intake(user, **extra):
    template = ScanTemplate.objects.get(key="crow", municipality=None)
    fields = {"title": "Stationsplein", "trigger": "residence_space", "requester": "Team RO",
              "plan_phase": "sketch", "due_date": date.today() + timedelta(days=30),
              "template": template, "area": _buurt(user)}
    return services.create_request(user=user, **(fields | extra))


CROW_DAY = {k: {"value": v} for k, v in zip(
    ["crow_paving", "crow_greenery", "crow_litter", "crow_graffiti", "crow_furniture"],
    ["A", "B", "C", "D", "B"], strict=True)}


def _final(adviser, second):
    advice = _intake(adviser)
    services.add_round(user=adviser, advice=advice, time_of_day="night", weather="dry",
                       walked_on=date.today(), scores=CROW_DAY)
    advice = services.update_advice(user=adviser, advice=advice, verdict="favourable")
    advice = services.submit(user=adviser, advice=advice)
    return services.sign_off(user=second, advice=advice)


def test_four_eyes(adviser, second):
    advice = _intake(adviser)
    services.add_round(user=adviser, advice=advice, time_of_day="day", weather="sun",
                       walked_on=date.today(), scores=CROW_DAY)
    advice = services.update_advice(user=adviser, advice=advice, verdict="favourable")
    advice = services.submit(user=adviser, advice=advice)
    with pytest.raises(ValidationError) as exc:
        services.sign_off(user=adviser, advice=advice)
    assert "signed_off_by" in exc.value.message_dict
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.SUBMITTED
    final = services.sign_off(user=second, advice=advice)
    assert final.status == AdviceStatus.FINAL and final.signed_off_by == second


def test_stale_writer_told(adviser, second):
    advice = _intake(adviser)
    stale = advice.row_version
    services.update_advice(user=adviser, advice=advice, desk_text="first")
    with pytest.raises(services.AdviceChangedMeanwhile):
        services.update_advice(user=second, advice=advice, seen_version=stale,
                               desk_text="second")


def test_required_items_and_na(adviser):
    advice = _intake(adviser)
    with pytest.raises(ValidationError) as exc:
        services.add_round(user=adviser, advice=advice, time_of_day="day", weather="",
                           walked_on=date.today(), scores={"crow_paving": {"value": "A"}})
    assert "crow_greenery" in exc.value.message_dict
    assert not advice.rounds.exists()


def test_versions_per_phase_old_stays(adviser, second):
    final = _final(adviser, second)
    fresh = services.new_version(user=adviser, advice=final, plan_phase="final")
    final.refresh_from_db()
    assert final.status == AdviceStatus.SUPERSEDED and final.rounds.count() == 1
    assert fresh.version == 2 and fresh.status == AdviceStatus.DRAFT
    services.add_round(user=adviser, advice=fresh, time_of_day="night", weather="rain",
                       walked_on=date.today(), scores=CROW_DAY | {"crow_graffiti":
                                                                  {"value": "A"}})
    changes = {r["item"]: r for r in follow_up.score_changes(fresh)}
    assert changes["crow_graffiti"]["before"] == 100.0
    assert changes["crow_graffiti"]["change"] == -75.0
    assert changes["crow_paving"]["change"] == 0.0


def test_follow_up_states_and_overdue(adviser):
    advice = _intake(adviser)
    late = services.add_condition(user=adviser, advice=advice, text="Light the tunnel",
                                  owner="Beheer", deadline=date.today() - timedelta(days=1))
    services.add_condition(user=adviser, advice=advice, text="Prune", owner="Groen",
                           deadline=date.today() + timedelta(days=9))
    overdue = follow_up.overdue_conditions(adviser.municipality_id).filter(advice=advice)
    assert list(overdue) == [late]
    with pytest.raises(ValidationError) as exc:
        services.set_condition_status(user=adviser, condition=late, status="rejected")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.set_condition_status(user=adviser, condition=late, status="done")
    services.set_condition_status(user=adviser, condition=late, status="accepted")
    done = services.set_condition_status(user=adviser, condition=late, status="done")
    assert done.status == ConditionStatus.DONE
    assert not follow_up.overdue_conditions(adviser.municipality_id).filter(
        advice=advice).exists()


def test_polygon_checks_and_mandatory_rule(adviser):
    MandatoryRule.objects.update_or_create(
        municipality=adviser.municipality,
        defaults={"triggers": ["masterplan"], "min_surface_m2": 100})
    inside = from_geojson(_buurt(adviser).geometry).representative_point()
    square = box(inside.x - 0.0005, inside.y - 0.0005, inside.x + 0.0005, inside.y + 0.0005)
    advice = _intake(adviser, area=None, trigger="masterplan",
                     geometry=square.__geo_interface__)
    assert advice.request.mandatory and advice.request.surface_m2 > 100
    assert not _intake(adviser).request.mandatory  # residence_space is not in the rule
    bowtie = {"type": "Polygon", "coordinates": [[[inside.x, inside.y],
              [inside.x + 0.001, inside.y + 0.001], [inside.x + 0.001, inside.y],
              [inside.x, inside.y + 0.001], [inside.x, inside.y]]]}
    with pytest.raises(ValidationError) as exc:
        _intake(adviser, area=None, geometry=bowtie)
    assert "geometry" in exc.value.message_dict
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _intake(adviser, area=None, geometry=box(-60, 10, -59, 11).__geo_interface__)
    assert "outside" in exc.value.message_dict["geometry"][0]


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0xA430] = "Owner Person"  # CameraOwnerName
    exif[0x0132] = "2026:11:30 21:15:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 5.0, 24.0), 3: "E", 4: (5.0, 7.0, 12.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_exif_stripped_location_and_time_kept(adviser):
    advice = _intake(adviser)
    scan = services.add_round(user=adviser, advice=advice, time_of_day="day", weather="",
                              walked_on=date.today(), scores=CROW_DAY)
    raw = _jpeg_with_exif()
    assert b"SERIAL-123456" in raw
    photo = services.add_photo(user=adviser, score=scan.scores.first(),
                               upload=SimpleUploadedFile("p.jpg", raw, "image/jpeg"))
    assert photo.lat == pytest.approx(52.09) and photo.lon == pytest.approx(5.12)
    assert photo.taken_at.hour == 21
    stored = photo.image.read()
    assert b"SERIAL-123456" not in stored and b"Owner Person" not in stored
    assert b"CameraMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_photo_wrong_type_or_too_big(adviser):
    advice = _intake(adviser)
    scan = services.add_round(user=adviser, advice=advice, time_of_day="day", weather="",
                              walked_on=date.today(), scores=CROW_DAY)
    with pytest.raises(ValidationError) as exc:
        services.add_photo(user=adviser, score=scan.scores.first(),
                           upload=SimpleUploadedFile("p.jpg", b"%PDF-1.4 nope", "image/jpeg"))
    assert "image" in exc.value.message_dict
    big = SimpleUploadedFile("p.jpg", b"0" * (services.MAX_PHOTO_BYTES + 1), "image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.add_photo(user=adviser, score=scan.scores.first(), upload=big)
    assert "10 MB" in exc.value.message_dict["image"][0]


def test_pdf_has_every_ver_section(adviser, second):
    import pypdf
    from django.utils import translation

    from wijkregie.safety_advice.pdf import advice_pdf

    final = _final(adviser, second)
    with translation.override("en"):
        reader = pypdf.PdfReader(io.BytesIO(advice_pdf(final)))
    text = " ".join(page.extract_text() for page in reader.pages)
    for heading in ("1. Reason and trigger", "2. Intent of the plan", "3. Analysis",
                    "4. Risk rating per theme", "5. Alternatives and measures",
                    "6. Verdict and conditions", "7. Implementation and management",
                    "8. Annex: full checklist"):
        assert heading in text
    assert "Graffiti and fly-posting" in text  # the annex lists every item
    assert "Stationsplein" in text


def test_desk_analysis_prefilled_disclosed_only(adviser):
    advice = _intake(adviser)
    rows = advice.desk_analysis["indicators"]
    assert rows, "the demo buurt has figures"
    assert all(r["value"] is None for r in rows if r["status"] == "suppressed")
    assert all(isinstance(v, int) and v >= 0 for v in advice.desk_analysis["signals"].values())
    assert rows[0]["name"] in advice.desk_text
