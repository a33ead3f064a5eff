"""Loader of the unit-value library (``unit_values.yaml`` or an edited copy).

Every entry carries its value, price level, reference year and a full citation,
so a scenario that uses ``unit_value: {library: KEY}`` stays traceable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .scenario import Problem, ScenarioError

DEFAULT_LIBRARY_PATH = Path(__file__).with_name("unit_values.yaml")


@dataclass(frozen=True)
class Citation:
    title: str
    publisher: str
    year: int
    locator: str = ""
    url: str = ""

    def __str__(self) -> str:
        parts = [self.title, self.publisher, str(self.year), self.locator, self.url]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class LibraryValue:
    """One unit value: ``value`` euros per ``unit`` at ``price_level`` prices."""

    key: str
    value: float
    unit: str
    price_level: int
    year: int
    citation: Citation
    description: str = ""


def load_library(path: str | Path | None = None) -> dict[str, LibraryValue]:
    """Read a unit-value library file (YAML or JSON); the packaged one by default."""
    source = Path(path) if path is not None else DEFAULT_LIBRARY_PATH
    with source.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return parse_library(data, origin=str(source))


def parse_library(data: Any, origin: str = "library") -> dict[str, LibraryValue]:
    """Validate library data ``{values: {key: {...}}}``; raises :class:`ScenarioError`."""
    problems: list[Problem] = []
    entries = data.get("values", {}) if isinstance(data, Mapping) else None
    if not isinstance(entries, Mapping):
        raise ScenarioError([Problem(f"{origin}.values", "must be a mapping of key -> entry")])
    library: dict[str, LibraryValue] = {}
    for key, entry in entries.items():
        path = f"{origin}.values.{key}"
        try:
            library[str(key)] = _entry(str(key), entry)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(path, f"invalid entry ({exc!r})"))
    if problems:
        raise ScenarioError(problems)
    return library


def _entry(key: str, entry: Mapping[str, Any]) -> LibraryValue:
    cite = entry["source"]
    citation = Citation(
        title=str(cite["title"]),
        publisher=str(cite["publisher"]),
        year=int(cite["year"]),
        locator=str(cite.get("locator", "")),
        url=str(cite.get("url", "")),
    )
    return LibraryValue(
        key=key,
        value=float(entry["value"]),
        unit=str(entry["unit"]),
        price_level=int(entry["price_level"]),
        year=int(entry["year"]),
        citation=citation,
        description=str(entry.get("description", "")),
    )
