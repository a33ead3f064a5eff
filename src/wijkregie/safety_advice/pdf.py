"""The formal advice document in the VER structure (reportlab)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import SimpleDocTemplate, Spacer, Table

from wijkregie.core.pdf import paragraph as _p
from wijkregie.safety_advice import photo_files
from wijkregie.safety_advice.models import Advice, Photo, Trigger, Verdict
from wijkregie.safety_advice.pdf_map import map_caption, map_drawing, map_layers
from wijkregie.safety_advice.rating import BAND_LABELS
from wijkregie.safety_advice.selectors import advice_rating
from wijkregie.safety_advice.templates import item_labels, items

MAX_PHOTOS = 12


def _map(advice: Advice, photos: list[Photo], body: ParagraphStyle) -> list:
    """The map of section 3 with its caption, or the sentence that there is none."""
    layers = map_layers(advice, photos)
    if layers.plan_undrawable:
        return [_p(_("No plan area is drawn: its geometry cannot be drawn (it crosses "
                     "itself beyond repair or lies outside the RD grid)."), body)]
    if layers.plan is None:
        return [_p(_("No plan area is drawn: the request has no plan area with a "
                     "geometry."), body)]
    return [Spacer(1, 0.2 * cm), map_drawing(layers), _p(map_caption(layers), body)]


def _photo_image(photo: Photo) -> PdfImage | None:
    """The photo for the document, or None when its file cannot be read. reportlab reads
    an image only when the document is built, so it is decoded here first."""
    try:
        raw = photo_files.stored_bytes(photo)
        photo_files.decode(raw)
        return PdfImage(io.BytesIO(raw), width=6 * cm, height=4.5 * cm, kind="proportional")
    except (photo_files.PhotoUnavailable, OSError, ValueError, NotImplementedError):
        return None


def advice_pdf(advice: Advice) -> bytes:
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    request = advice.request
    rating = advice_rating(advice)
    story: list = [_p(_("Spatial safety advice: %(title)s") % {"title": request.title}, h1),
                   _p(_("Version %(v)s, plan phase %(phase)s, status %(status)s") % {
                       "v": advice.version, "phase": advice.get_plan_phase_display(),
                       "status": advice.get_status_display()}, body)]

    def section(number: int, title: str) -> None:
        story.extend([Spacer(1, 0.3 * cm), _p(f"{number}. {title}", h2)])

    section(1, _("Reason and trigger"))
    story.append(_p(_("Trigger: %(t)s. Requested by %(r)s; due %(d)s.%(m)s") % {
        "t": Trigger(request.trigger).label, "r": request.requester,
        "d": request.due_date.strftime("%d-%m-%Y"),
        "m": (" " + _("The advice is mandatory.")) if request.mandatory else ""}, body))
    if request.hotspot_location_id:
        story.append(_p(_("Hot spot location: %(n)s") % {
            "n": request.hotspot_location.name}, body))
    section(2, _("Intent of the plan"))
    story.append(_p(request.intent or "—", body))
    section(3, _("Analysis"))
    story.append(_p(_("Desk analysis"), styles["Heading3"]))
    story.append(_p(advice.desk_text or "—", body))
    story.append(_p(_("Scan"), styles["Heading3"]))
    for scan in advice.rounds.all():
        story.append(_p(_("Round of %(d)s (%(t)s, weather: %(w)s)") % {
            "d": scan.walked_on.strftime("%d-%m-%Y"), "t": scan.get_time_of_day_display(),
            "w": scan.weather or "—"}, body))
    photos = list(Photo.objects.filter(score__round__advice=advice)
                  .select_related("score").order_by("pk")[:MAX_PHOTOS])
    story += _map(advice, photos, body)
    labels = item_labels(request.template.definition)
    for number, photo in enumerate(photos, 1):
        item = labels.get(photo.score.item_key, photo.score.item_key)
        image = _photo_image(photo)
        if image is None:
            story.append(_p(_("Photo %(n)d, %(item)s: its stored file cannot be read and "
                              "is left out.") % {"n": number, "item": item}, body))
            continue
        where = (f"{photo.lat:.5f}, {photo.lon:.5f}" if photo.lat is not None else "—")
        story += [image, _p(_("Photo %(n)d, %(item)s: at %(w)s, %(t)s") % {
            "n": number, "item": item, "w": where,
            "t": timezone.localtime(photo.taken_at).strftime("%d-%m-%Y %H:%M")
            if photo.taken_at else "—"}, body)]
    section(4, _("Risk rating per theme"))
    rows = [[_("Theme"), _("Risk (0–100)")]]
    for theme in request.template.definition["themes"]:
        value = rating.themes.get(theme["key"])
        rows.append([theme["label"], "—" if value is None else str(value).replace(".", ",")])
    if rating.overall is not None:
        rows.append([_("Overall"), f"{str(rating.overall).replace('.', ',')} "
                                   f"({BAND_LABELS[rating.band]})"])
    story.append(Table(rows))
    section(5, _("Alternatives and measures"))
    story.append(_p(advice.alternatives or "—", body))
    for rec in advice.recommendations:
        story.append(_p(f"• {rec.get('text', '')} ({rec.get('priority', '')})", body))
    section(6, _("Verdict and conditions"))
    story.append(_p(_("Verdict: %(v)s") % {
        "v": Verdict(advice.verdict).label if advice.verdict else "—"}, body))
    for condition in advice.conditions.all():
        story.append(_p(f"• {condition.text} — {condition.owner}, "
                        f"{condition.deadline.strftime('%d-%m-%Y')}", body))
    if advice.signed_off_by_id:
        story.append(_p(_("Signed off by %(u)s on %(d)s") % {
            "u": advice.signed_off_by.get_full_name() or advice.signed_off_by.username,
            "d": advice.signed_off_at.strftime("%d-%m-%Y")}, body))
    section(7, _("Implementation and management"))
    story.append(_p(advice.implementation or "—", body))
    section(8, _("Annex: full checklist"))
    scores: dict[str, list[str]] = {}
    for scan in advice.rounds.prefetch_related("scores"):
        for score in scan.scores.all():
            scores.setdefault(score.item_key, []).append(
                _("N/A") if score.not_applicable else (score.value or "—"))
    annex = [[_("Theme"), _("Item"), _("Scale"), _("Weight"), _("Scores")]]
    for theme, item in items(request.template.definition):
        annex.append([theme["label"], _p(item["label"], body), item["scale"],
                      str(item["weight"]), " / ".join(scores.get(item["key"], ["—"]))])
    story.append(Table(annex, colWidths=[3.5 * cm, 6 * cm, 2.5 * cm, 1.5 * cm, 3 * cm]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=request.title).build(story)
    return out.getvalue()
