"""Writes for the safety advice: each in one transaction, audited, with field errors."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from shapely.errors import GEOSException
from shapely.ops import unary_union

from wijkregie.areas.geometry import from_geojson, geojson_geometry, surface_m2
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, User
from wijkregie.safety_advice.models import (
    Advice,
    AdviceRequest,
    AdviceStatus,
    Condition,
    ConditionStatus,
    ItemScore,
    MandatoryRule,
    Photo,
    PlanPhase,
    ScanRound,
    ScanTemplate,
    TimeOfDay,
    Trigger,
    Verdict,
)
from wijkregie.safety_advice.templates import items, validate_definition

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A phone photo has 12–50 M pixels at most; a small file can declare far more (a
# "decompression bomb"), so the size in the header is checked before decoding.
MAX_PHOTO_PIXELS = 40_000_000
# EXIF times outside these bounds cannot be when a scan photo was taken (EXIF dates from
# 1995); one day ahead leaves room for a camera clock in another zone.
EARLIEST_PHOTO_TIME = datetime(1990, 1, 1)
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_FORMAT_NAMES = {"jpg": "JPEG", "png": "PNG"}

# The one transition table of the advice workflow: (from, to).
TRANSITIONS: set[tuple[str, str]] = {
    (AdviceStatus.DRAFT, AdviceStatus.SUBMITTED),
    (AdviceStatus.SUBMITTED, AdviceStatus.DRAFT),  # sent back by the second adviser
    (AdviceStatus.SUBMITTED, AdviceStatus.FINAL),  # four-eyes sign-off
    (AdviceStatus.FINAL, AdviceStatus.SUPERSEDED),  # a new plan phase made a new version
}


class AdviceChangedMeanwhile(ValidationError):
    """Another writer changed the advice after this writer loaded it."""


def _own(user: User, municipality_id: int) -> None:
    if not user.has_perm("safety_advice.view_advice") or user.municipality_id != municipality_id:
        raise ValidationError(_("you may not work on advices of this municipality"))


def create_template(*, user: User, key: str, name: str, definition: Any) -> ScanTemplate:
    validate_definition(definition)
    with transaction.atomic():
        template = ScanTemplate.objects.create(municipality_id=user.municipality_id, key=key,
                                               name=name, definition=definition)
        audit.record(AuditAction.CREATE, actor=user, obj=template)
    return template


def municipality_boundary(municipality_id: int) -> Any | None:
    """The municipality's outline from the areas register (its gemeente row, else the
    union of its neighbourhoods)."""
    for level in (AreaLevel.GEMEENTE, AreaLevel.BUURT):
        shapes = [from_geojson(g) for g in Area.objects.filter(
            municipality_id=municipality_id, level=level, geometry__isnull=False)
            .values_list("geometry", flat=True)]
        if shapes:
            return unary_union(shapes)
    return None


def clean_plan_polygon(municipality_id: int, geometry: Any) -> dict[str, Any]:
    """A drawn plan area: a valid polygon inside the municipality, else refused."""
    try:
        shape = from_geojson(geometry)
    except (GEOSException, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError({"geometry": _("the plan area is not a polygon")}) from exc
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        raise ValidationError({"geometry": _("the plan area is not a polygon")})
    if not shape.is_valid:
        raise ValidationError({"geometry": _("the plan area is not a valid polygon "
                                             "(its edges cross)")})
    boundary = municipality_boundary(municipality_id)
    if boundary is None or not boundary.buffer(1e-6).contains(shape):
        raise ValidationError({"geometry": _("the plan area lies outside the municipality")})
    return geojson_geometry(shape)


def create_request(*, user: User, title: str, trigger: str, requester: str, plan_phase: str,
                   due_date: date | None, template: ScanTemplate, area: Area | None = None,
                   geometry: Any = None, hotspot_location: Any = None,
                   intent: str = "") -> Advice:
    """The intake; returns the first (draft) version of the advice."""
    _own(user, user.municipality_id)
    errors = {}
    if not title.strip():
        errors["title"] = _("give the plan a title")
    if not requester.strip():
        errors["requester"] = _("say who asks for the advice")
    if trigger not in Trigger.values:
        errors["trigger"] = _("choose a trigger")
    if plan_phase not in PlanPhase.values:
        errors["plan_phase"] = _("choose a plan phase")
    if due_date is None:
        errors["due_date"] = _("give a due date")
    if area is None and geometry is None and hotspot_location is None:
        errors["area"] = _("choose an area or draw the plan area")
    if area is not None and area.municipality_id != user.municipality_id:
        errors["area"] = _("the area is not in your municipality")
    if hotspot_location is not None and hotspot_location.municipality_id != user.municipality_id:
        errors["hotspot_location"] = _("the location is not in your municipality")
    if template.municipality_id not in (None, user.municipality_id):
        errors["template"] = _("unknown template")
    if errors:
        raise ValidationError(errors)
    stored = clean_plan_polygon(user.municipality_id, geometry) if geometry is not None else None
    surface = (surface_m2(from_geojson(stored)) if stored
               else area.surface_m2 if area is not None else None)
    rule = MandatoryRule.objects.filter(municipality_id=user.municipality_id).first()
    with transaction.atomic():
        request = AdviceRequest.objects.create(
            municipality_id=user.municipality_id, title=title.strip(), trigger=trigger,
            hotspot_location=hotspot_location, area=area, geometry=stored,
            surface_m2=surface, requester=requester.strip(), intent=intent,
            due_date=due_date, template=template, created_by=user,
            mandatory=bool(rule and rule.requires(trigger, surface)))
        from wijkregie.safety_advice.desk import desk_analysis, desk_text

        analysis = desk_analysis(user, request)
        advice = Advice.objects.create(request=request, plan_phase=plan_phase, author=user,
                                       desk_analysis=analysis, desk_text=desk_text(analysis))
        audit.record(AuditAction.CREATE, actor=user, obj=request,
                     detail={"trigger": trigger, "mandatory": request.mandatory})
    return advice


def new_version(*, user: User, advice: Advice, plan_phase: str) -> Advice:
    """A new plan phase makes a new version; the final one before it stays readable
    (superseded); the re-assessment compares its rounds item by item."""
    _own(user, advice.request.municipality_id)
    with transaction.atomic():
        latest = (Advice.objects.select_for_update().filter(request=advice.request)
                  .order_by("-version").first())
        if latest.status != AdviceStatus.FINAL:
            raise ValidationError({"plan_phase": _("only a final advice gets a new version")})
        if latest.plan_phase == plan_phase:
            raise ValidationError({"plan_phase": _("the new version needs another plan phase")})
        _transition(latest, AdviceStatus.SUPERSEDED)
        number = (Advice.objects.filter(request=advice.request)
                  .aggregate(n=Max("version"))["n"] or 0) + 1
        fresh = Advice.objects.create(
            request=advice.request, version=number, plan_phase=plan_phase, author=user,
            desk_analysis=latest.desk_analysis, desk_text=latest.desk_text,
            alternatives=latest.alternatives, implementation=latest.implementation)
        audit.record(AuditAction.CREATE, actor=user, obj=fresh,
                     detail={"version": number, "previous": latest.pk})
    return fresh


def _transition(advice: Advice, to_status: str) -> None:
    if (advice.status, to_status) not in TRANSITIONS:
        raise ValidationError({"status": _("an advice cannot go from %(from)s to %(to)s") % {
            "from": AdviceStatus(advice.status).label, "to": AdviceStatus(to_status).label}})
    advice.status = to_status
    advice.row_version += 1
    advice.save(update_fields=["status", "row_version", "signed_off_by", "signed_off_at"])


def _edited_by(advice: Advice, user: User) -> None:
    """Record ``user`` as a writer of the advice's content (for four eyes)."""
    advice.content_editors.add(user)


def _editable(advice: Advice) -> None:
    """Only a draft advice may change; a submitted or final one is what is signed."""
    if advice.status != AdviceStatus.DRAFT:
        raise ValidationError({"status": _(
            "the advice is %(status)s: only a draft advice can be changed") % {
            "status": AdviceStatus(advice.status).label}})


def _locked(advice: Advice, seen_version: int | None) -> Advice:
    current = Advice.objects.select_for_update().get(pk=advice.pk)
    seen = advice.row_version if seen_version is None else seen_version
    if current.row_version != seen:
        raise AdviceChangedMeanwhile(_("someone else changed this advice meanwhile; reload "
                                       "it and try again"), code="conflict")
    return current


def add_round(*, user: User, advice: Advice, time_of_day: str, weather: str,
              walked_on: date | None, scores: dict[str, dict[str, Any]],
              client_token: str = "") -> ScanRound:
    """One scan round; every required item scored (or N/A where allowed), every value on
    its item's scale. A round sent again with the same ``client_token`` (the browser
    resent work it kept offline) is the round saved the first time, not a second one."""
    from wijkregie.safety_advice.rating import item_risk

    _own(user, advice.request.municipality_id)
    client_token = client_token.strip()[:64]
    if client_token:
        done = ScanRound.objects.filter(advice=advice, client_token=client_token).first()
        if done is not None:
            return done
    if advice.status != AdviceStatus.DRAFT:
        raise ValidationError(_("only a draft advice takes scan rounds"))
    errors: dict[str, str] = {}
    if time_of_day not in TimeOfDay.values:
        errors["time_of_day"] = _("choose day or night")
    if walked_on is None:
        errors["walked_on"] = _("give the date of the walk")
    for _theme, item in items(advice.request.template.definition):
        entry = scores.get(item["key"], {})
        value = str(entry.get("value", "")).strip()
        if entry.get("na"):
            if not item.get("na_allowed", True):
                errors[item["key"]] = _("%(label)s cannot be N/A") % {"label": item["label"]}
        elif not value:
            if item.get("required", True):
                errors[item["key"]] = _("%(label)s is required") % {"label": item["label"]}
        else:
            try:
                item_risk(item, value)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        return _save_round(user, advice, time_of_day, weather, walked_on, scores, client_token)
    except IntegrityError:  # the same token saved by a concurrent resend meanwhile
        return ScanRound.objects.get(advice=advice, client_token=client_token)


def _save_round(user: User, advice: Advice, time_of_day: str, weather: str, walked_on: date,
                scores: dict[str, dict[str, Any]], client_token: str) -> ScanRound:
    with transaction.atomic():
        scan = ScanRound.objects.create(advice=advice, time_of_day=time_of_day,
                                        weather=weather.strip(), walked_on=walked_on,
                                        client_token=client_token)
        for _theme, item in items(advice.request.template.definition):
            entry = scores.get(item["key"], {})
            ItemScore.objects.create(round=scan, item_key=item["key"],
                                     value=str(entry.get("value", "")).strip(),
                                     not_applicable=bool(entry.get("na")),
                                     note=entry.get("note", ""))
        _edited_by(advice, user)
        audit.record(AuditAction.CREATE, actor=user, obj=scan)
    return scan


def _gps_degrees(values: Any, ref: str) -> float:
    degrees, minutes, seconds = (float(v) for v in values)
    sign = -1 if ref in ("S", "W") else 1
    return sign * (degrees + minutes / 60 + seconds / 3600)


def read_location_and_time(image: Image.Image) -> tuple[float | None, float | None,
                                                         datetime | None]:
    exif = image.getexif()
    lat = lon = None
    gps = exif.get_ifd(0x8825)
    try:
        if 2 in gps and 4 in gps:
            lat = _gps_degrees(gps[2], gps.get(1, "N"))
            lon = _gps_degrees(gps[4], gps.get(3, "E"))
    except (TypeError, ValueError, ZeroDivisionError):
        lat = lon = None
    stamp = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    return lat, lon, _taken_at(stamp) if stamp else None


def _taken_at(stamp: Any) -> datetime | None:
    """The EXIF time (local, without zone) as an aware time; None when it is not a time
    a photo can have been taken (year 1 would even overflow when stored in UTC)."""
    try:
        naive = datetime.strptime(str(stamp), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    latest = timezone.localtime().replace(tzinfo=None) + timedelta(days=1)
    if not EARLIEST_PHOTO_TIME <= naive <= latest:
        return None
    return timezone.make_aware(naive)


def _decoded_upload(upload: Any) -> Image.Image:
    """The uploaded JPEG or PNG, decoded once its header shows a sane pixel count."""
    too_large = ValidationError({"image": _("the photo has more than %(n)d million pixels")
                                 % {"n": MAX_PHOTO_PIXELS // 1_000_000}})
    try:
        image = Image.open(upload)  # reads the header only
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise too_large
        image.load()
    except Image.DecompressionBombError as exc:  # Pillow's own, far higher limit
        raise too_large from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"image": _("the file is not a JPEG or PNG photo")}) from exc
    if image.format not in PHOTO_FORMATS:
        raise ValidationError({"image": _("the file is not a JPEG or PNG photo")})
    return image


def add_photo(*, user: User, score: ItemScore, upload: Any) -> Photo:
    """Read location and time, then store the pixels only: re-encoding without the EXIF
    block drops camera serial, owner and every other field."""
    _own(user, score.round.advice.request.municipality_id)
    _editable(Advice.objects.get(pk=score.round.advice_id))
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"image": _("the photo is larger than 10 MB")})
    image = _decoded_upload(upload)
    fmt = image.format
    lat, lon, taken = read_location_and_time(image)
    image = ImageOps.exif_transpose(image)  # the pixels upright before the EXIF goes
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if fmt == "PNG" else "RGB")
    # Only the pixels travel to the new image: no EXIF, XMP, ICC or text chunks.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if fmt == "JPEG" and clean.mode == "RGBA":
        clean = clean.convert("RGB")
    out = io.BytesIO()
    clean.save(out, format=PHOTO_FORMAT_NAMES[PHOTO_FORMATS[fmt]])
    with transaction.atomic():
        advice = Advice.objects.select_for_update().get(pk=score.round.advice_id)
        _editable(advice)
        photo = Photo(score=score, lat=lat, lon=lon, taken_at=taken)
        photo.image.save(f"photo.{PHOTO_FORMATS[fmt]}", ContentFile(out.getvalue()),
                         save=False)
        photo.save()
        _edited_by(advice, user)
        audit.record(AuditAction.CREATE, actor=user, obj=photo)
    return photo


def update_advice(*, user: User, advice: Advice, seen_version: int | None = None,
                  **fields: Any) -> Advice:
    """Edit texts, recommendations and verdict of a draft, version-checked."""
    _own(user, advice.request.municipality_id)
    allowed = {"desk_text", "alternatives", "implementation", "recommendations", "verdict",
               "desk_analysis"}
    if set(fields) - allowed:
        raise ValidationError(_("unknown fields"))
    if fields.get("verdict") and fields["verdict"] not in Verdict.values:
        raise ValidationError({"verdict": _("unknown verdict")})
    with transaction.atomic():
        current = _locked(advice, seen_version)
        if current.status != AdviceStatus.DRAFT:
            raise ValidationError(_("only a draft advice can be edited"))
        for name, value in fields.items():
            setattr(current, name, value)
        current.row_version += 1
        current.save()
        _edited_by(current, user)
        audit.record(AuditAction.UPDATE, actor=user, obj=current, detail={"fields": sorted(fields)})
    return current


def submit(*, user: User, advice: Advice, seen_version: int | None = None) -> Advice:
    _own(user, advice.request.municipality_id)
    with transaction.atomic():
        current = _locked(advice, seen_version)
        errors = {}
        if not current.verdict:
            errors["verdict"] = _("give a verdict before submitting")
        if not current.rounds.exists():
            errors["rounds"] = _("an advice needs at least one scan round")
        if current.verdict == Verdict.CONDITIONAL and not current.conditions.exists():
            errors["conditions"] = _("a conditionally favourable advice needs conditions")
        if errors:
            raise ValidationError(errors)
        _transition(current, AdviceStatus.SUBMITTED)
        audit.record(AuditAction.UPDATE, actor=user, obj=current, detail={"to": "submitted"})
    return current


def sign_off(*, user: User, advice: Advice, seen_version: int | None = None) -> Advice:
    """Four eyes: a second adviser makes the advice final; the author cannot."""
    _own(user, advice.request.municipality_id)
    with transaction.atomic():
        current = _locked(advice, seen_version)
        if current.author_id == user.pk:
            raise ValidationError({"signed_off_by": _(
                "the author cannot sign off their own advice: a second adviser must")})
        if current.content_editors.filter(pk=user.pk).exists():
            raise ValidationError({"signed_off_by": _(
                "you edited this advice, so you cannot sign it off: an adviser who did "
                "not write it must")})
        current.signed_off_by = user
        current.signed_off_at = timezone.now()
        _transition(current, AdviceStatus.FINAL)
        audit.record(AuditAction.UPDATE, actor=user, obj=current, detail={"to": "final"})
        from wijkregie.safety_advice.regie_link import conditions_to_measures

        conditions_to_measures(current, user)
    return current


def send_back(*, user: User, advice: Advice, seen_version: int | None = None) -> Advice:
    _own(user, advice.request.municipality_id)
    with transaction.atomic():
        current = _locked(advice, seen_version)
        _transition(current, AdviceStatus.DRAFT)
        audit.record(AuditAction.UPDATE, actor=user, obj=current, detail={"to": "draft"})
    return current


def add_condition(*, user: User, advice: Advice, text: str, owner: str,
                  deadline: date | None) -> Condition:
    _own(user, advice.request.municipality_id)
    _editable(Advice.objects.get(pk=advice.pk))
    errors = {}
    if not text.strip():
        errors["text"] = _("describe the condition")
    if not owner.strip():
        errors["owner"] = _("say who owns the condition")
    if deadline is None:
        errors["deadline"] = _("give a deadline")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Advice.objects.select_for_update().get(pk=advice.pk)
        _editable(current)
        condition = Condition.objects.create(advice=current, text=text.strip(),
                                             owner=owner.strip(), deadline=deadline)
        _edited_by(current, user)
        audit.record(AuditAction.CREATE, actor=user, obj=condition)
    return condition


CONDITION_TRANSITIONS: set[tuple[str, str]] = {
    (ConditionStatus.OPEN, ConditionStatus.ACCEPTED),
    (ConditionStatus.OPEN, ConditionStatus.REJECTED),
    (ConditionStatus.ACCEPTED, ConditionStatus.DONE),
}


def set_condition_status(*, user: User, condition: Condition, status: str,
                         reason: str = "") -> Condition:
    _own(user, condition.advice.request.municipality_id)
    with transaction.atomic():
        current = Condition.objects.select_for_update().get(pk=condition.pk)
        if (current.status, status) not in CONDITION_TRANSITIONS:
            raise ValidationError({"status": _("a condition cannot go from %(from)s to "
                                               "%(to)s") % {"from": current.status,
                                                            "to": status}})
        if status == ConditionStatus.REJECTED and not reason.strip():
            raise ValidationError({"reason": _("a rejection needs a reason")})
        previous = current.status
        current.status, current.reason = status, reason.strip()
        current.save(update_fields=["status", "reason"])
        audit.record(AuditAction.UPDATE, actor=user, obj=current,
                     detail={"from": previous, "to": status})
    return current
