from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from wijkregie.core.models import Municipality
from wijkregie.core.themes import theme_stylesheet


def tenancy(request: HttpRequest) -> dict[str, Any]:
    """The user's municipality, its house style, and whether the page must say it shows
    synthetic data."""
    user = getattr(request, "user", None)
    municipality = getattr(user, "municipality", None) if user and user.is_authenticated else None
    if municipality is not None:
        shows_demo = municipality.is_demo
    else:
        shows_demo = Municipality.objects.filter(is_demo=True).exists()
    theme = municipality.theme if municipality is not None else ""
    return {"current_municipality": municipality, "shows_demo_data": shows_demo,
            "basemap_url": settings.BASEMAP_URL,
            "basemap_attribution": settings.BASEMAP_ATTRIBUTION,
            "theme": theme, "theme_stylesheet": theme_stylesheet(theme)}
