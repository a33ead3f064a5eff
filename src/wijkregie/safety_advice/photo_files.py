"""The stored photo files as served to who may see the advice: the photo itself and a
thumbnail made on request. Both are EXIF-free: the stored photo was re-encoded from its
pixels at upload (services.add_photo), and the thumbnail is made from those pixels.

A stored file can still be gone (a media volume restored without it), cut short or not
an image at all: every read here then raises :class:`PhotoUnavailable`, never a 500."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from PIL import Image

from wijkregie.safety_advice.models import ItemScore, Photo

THUMBNAIL_PX = 320
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
# What Pillow raises on a file it cannot decode (UnidentifiedImageError and a truncated
# file are OSErrors); the bomb error guards a file swapped after the upload's check.
UNREADABLE = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)


class PhotoUnavailable(Exception):
    """The stored file is gone, cannot be read as an image or has a type never stored."""


def content_type(photo: Photo) -> str:
    """The stored photo's type, from the extension add_photo gave it."""
    try:
        return CONTENT_TYPES[PurePath(photo.image.name).suffix.lower()]
    except KeyError as exc:
        raise PhotoUnavailable(photo.image.name) from exc


def stored_bytes(photo: Photo) -> bytes:
    """The stored file as it is."""
    try:
        with photo.image.open("rb") as stored:
            return stored.read()
    except OSError as exc:  # FileNotFoundError: the file is gone
        raise PhotoUnavailable(photo.image.name) from exc


def decode(raw: bytes, fit: int | None = None) -> Image.Image:
    """The pixels of ``raw``, fully decoded (so a cut-short file fails here); a JPEG at
    a fraction of its size when ``fit`` pixels a side are enough."""
    try:
        image = Image.open(io.BytesIO(raw))
        if fit:
            image.draft("RGB", (fit, fit))
        image.load()
    except UNREADABLE as exc:
        raise PhotoUnavailable from exc
    return image


def thumbnail(photo: Photo, size: int = THUMBNAIL_PX) -> bytes:
    """The photo scaled to fit ``size`` × ``size`` pixels, in the format its type
    names; nothing but the pixels is written."""
    fmt = "PNG" if content_type(photo) == "image/png" else "JPEG"
    image = decode(stored_bytes(photo), fit=size)
    image.thumbnail((size, size))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def alt_text(photo: Photo, item_label: str) -> str:
    """What the photo shows for who cannot see it: its item, time and place."""
    parts = [_("Photo of %(item)s") % {"item": item_label}]
    if photo.taken_at:
        parts.append(_("taken %(when)s") % {
            "when": date_format(timezone.localtime(photo.taken_at), "d-m-Y H:i")})
    if photo.lat is not None and photo.lon is not None:
        parts.append(_("at latitude %(lat)s, longitude %(lon)s") % {
            # number_format cuts digits off; round first, as floatformat does
            "lat": number_format(round(photo.lat, 5), 5),
            "lon": number_format(round(photo.lon, 5), 5)})
    return ", ".join(parts)


def described(scores: list[ItemScore], labels: dict[str, str]
              ) -> list[tuple[str, ItemScore, list[tuple[Photo, str]]]]:
    """Each score with its item's label and its photos with their alt texts (the
    scores' photos prefetched)."""
    rows = []
    for score in scores:
        label = labels.get(score.item_key, score.item_key)
        rows.append((label, score, [(p, alt_text(p, label)) for p in score.photos.all()]))
    return rows


def round_photos(scores: list[ItemScore], labels: dict[str, str]
                 ) -> list[tuple[Photo, str, str]]:
    """A round's photos in item order, each with its alt text and item label."""
    return [(photo, alt, label) for label, _score, shots in described(scores, labels)
            for photo, alt in shots]
