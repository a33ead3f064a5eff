"""Personal data in a document's free text: e-mail addresses and Dutch phone numbers.

A practice's local description (and its intervention's texts) are free text an analyst
writes; a contact person's e-mail address or phone number noted there must not cross to
the hub ("never personal data"). The publisher refuses to publish such a document and the
hub refuses to store one. Findings name the place, never the found text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Dutch numbers: 0 and nine digits (06-12345678, 010-1234567, 0591 123456), or +31 /
# 0031 and nine digits (+31 6 12345678, +31 (0)20 123 4567); spaces, dots, dashes and
# brackets ((020) 123 45 67) between the digits.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)[1-9](?:[\s.()-]{0,2}\d){8}(?!\d)")

KINDS = (("an e-mail address", EMAIL), ("a phone number", PHONE))


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}/{index}")


def found_in(text: str) -> list[str]:
    """The kinds of personal data in ``text`` ("an e-mail address", ...)."""
    return [kind for kind, pattern in KINDS if pattern.search(text)]


def _practice_name(practice: dict[str, Any]) -> str:
    intervention = practice.get("intervention")
    slug = intervention.get("slug") if isinstance(intervention, dict) else None
    return f"{slug or '?'} in {practice.get('programme_area') or '?'}"


def personal_data(document: Any) -> list[str]:
    """Where a document's practices carry personal data ("practices/0 (slug in area)
    description: an e-mail address")."""
    if not isinstance(document, dict) or not isinstance(document.get("practices"), list):
        return []
    problems = []
    for index, practice in enumerate(document["practices"]):
        if not isinstance(practice, dict):
            continue
        for path, text in _strings(practice, ""):
            for kind in found_in(text):
                problems.append(f"practices/{index} ({_practice_name(practice)}) "
                                f"{path.lstrip('/')}: {kind}")
    return problems
