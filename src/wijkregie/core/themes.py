"""House styles: one design-tokens file per theme, chosen per municipality (ADR 0060).

A theme is a CSS file of custom properties (NL Design System design tokens) in
``static/wijkregie/themes/<name>.css`` whose rules apply under the class
``wijkregie-theme--<name>``. It is layered over the NL Design System "voorbeeld" tokens,
so a theme only names what differs: its house colours mapped onto the basis tokens.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

THEMES_DIR = Path(__file__).resolve().parent.parent / "static" / "wijkregie" / "themes"
THEME_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def available_themes() -> list[str]:
    """The names of the tokens files shipped with Wijkregie, sorted."""
    return sorted(path.stem for path in THEMES_DIR.glob("*.css") if THEME_NAME.match(path.stem))


def validate_theme(value: str) -> None:
    """An empty theme means the NL Design System defaults; any other must have a file."""
    if value and value not in available_themes():
        raise ValidationError(
            _("Unknown theme %(theme)s: there is no tokens file static/wijkregie/themes/"
              "%(theme)s.css (available: %(available)s)."),
            params={"theme": value, "available": ", ".join(available_themes()) or "-"},
            code="unknown_theme",
        )


def theme_stylesheet(value: str) -> str | None:
    """The static path of a theme's tokens file, or None for the defaults."""
    return f"wijkregie/themes/{value}.css" if value else None
