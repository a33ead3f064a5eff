"""The optional basemap (issue 17, ADR 0063): a tile or WMTS (REST, XYZ-style) URL
template under the boundaries, off by default so that closed municipal networks work
without it. Imported by settings: no Django models here."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def tile_origin(url: str) -> str:
    """The origin the Content-Security-Policy must allow images from; '' when no
    basemap is configured. Only https templates with {z}, {x} and {y} are accepted."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ImproperlyConfigured("WIJKREGIE_BASEMAP_URL must be an https URL")
    if not all(marker in url for marker in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured("WIJKREGIE_BASEMAP_URL needs {z}, {x} and {y} in it")
    return f"{parts.scheme}://{parts.netloc}"
