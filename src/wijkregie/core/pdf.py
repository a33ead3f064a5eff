"""Shared reportlab helpers."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph


def paragraph(text: object, style) -> Paragraph:
    """A Paragraph of plain (user) text: ``&``, ``<`` and ``>`` escaped, since Paragraph
    parses its text as markup; line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
