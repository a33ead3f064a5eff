"""Parse CBS open data (OData v3) for "Kerncijfers wijken en buurten".

Three inputs are understood:

* ``DataProperties`` -> :class:`TableMetadata` (indicator metadata, keys without the
  CBS position suffix: ``AantalInwoners_5`` -> ``AantalInwoners``);
* ``TypedDataSet`` / ``UntypedDataSet`` rows -> :class:`ParsedDataSet` (regions + observations);
* the "stripped" variant (a JSON object keyed by region code) -> observations.

CBS special values are never turned into numbers. The mapping, following CBS's
"verklaring van tekens" (StatLine and printed publications):

=========  ==========================================  ===================================
symbol     CBS meaning                                 status here
=========  ==========================================  ===================================
``x``      geheim (secret)                             ``suppressed``
``.``      onbekend, onvoldoende betrouwbaar of geheim ``missing``
``?``      onvoldoende betrouwbaar                     ``missing``
(blank)    kan op logische gronden niet voorkomen      ``missing``
``-``      nihil (the value is zero)                   ``ok`` with value 0
null       TypedDataSet: secret *or* unknown           ``missing`` (configurable)
=========  ==========================================  ===================================

StatLine folds "secret" into ``.``, and the TypedDataSet folds it into ``null``, so
from those sources a secret value cannot be told apart from an unknown one; both end up
as non-numeric, which is what matters for aggregation and display.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

__all__ = [
    "AreaLevel",
    "CbsFormatError",
    "IndicatorMeta",
    "Observation",
    "ObservationStatus",
    "ParsedDataSet",
    "Region",
    "TableMetadata",
    "area_level",
    "gemeente_code_of",
    "load_data_properties",
    "normalise_area_code",
    "parse_cbs_cell",
    "parse_data_properties",
    "parse_stripped_dataset",
    "parse_typed_dataset",
    "parse_untyped_dataset",
    "strip_position_suffix",
]

NUMERIC_DATATYPES = frozenset({"Long", "Double", "Integer", "Float", "Decimal"})
_SUFFIX = re.compile(r"^(?P<key>\w+?)_(?P<position>\d+)$")
_AREA_CODE = re.compile(r"^(?:NL00|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
# Region-description topics in the Kerncijfers tables; they become Region attributes.
_NAME_KEY = "Gemeentenaam"
_KIND_KEY = "SoortRegio"


class CbsFormatError(ValueError):
    """Malformed CBS input; names the source, and where known the row index and field."""

    def __init__(
        self, source: str, message: str, *, row: int | None = None, field: str | None = None
    ) -> None:
        where = [source]
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}")
        self.source = source
        self.row = row
        self.field = field


class ObservationStatus(StrEnum):
    OK = "ok"
    SUPPRESSED = "suppressed"
    MISSING = "missing"


class AreaLevel(StrEnum):
    LAND = "land"
    GEMEENTE = "gemeente"
    WIJK = "wijk"
    BUURT = "buurt"


_LEVEL_BY_PREFIX = {
    "NL": AreaLevel.LAND,
    "GM": AreaLevel.GEMEENTE,
    "WK": AreaLevel.WIJK,
    "BU": AreaLevel.BUURT,
}


@dataclass(frozen=True)
class IndicatorMeta:
    """One CBS ``Topic``: ``key`` is the stable name without the position suffix."""

    key: str
    cbs_key: str
    position: int
    title: str
    description: str
    datatype: str
    unit: str
    decimals: int
    presentation_type: str
    theme_path: tuple[str, ...]

    @property
    def is_numeric(self) -> bool:
        return self.datatype in NUMERIC_DATATYPES


@dataclass(frozen=True)
class TableMetadata:
    indicators: tuple[IndicatorMeta, ...]
    topic_groups: tuple[str, ...]
    geo_key: str | None
    dimension_keys: tuple[str, ...]

    def by_cbs_key(self) -> dict[str, IndicatorMeta]:
        return {meta.cbs_key: meta for meta in self.indicators}

    @property
    def numeric_indicators(self) -> tuple[IndicatorMeta, ...]:
        return tuple(meta for meta in self.indicators if meta.is_numeric)


@dataclass(frozen=True)
class Observation:
    """A value for (area, indicator); ``value`` is None unless ``status`` is ``ok``."""

    area_code: str
    key: str
    value: float | None
    status: ObservationStatus

    def __post_init__(self) -> None:
        if (self.status is ObservationStatus.OK) != (self.value is not None):
            raise ValueError(f"status {self.status} is inconsistent with value {self.value!r}")


@dataclass(frozen=True)
class Region:
    code: str
    level: AreaLevel
    name: str
    kind: str


@dataclass(frozen=True)
class ParsedDataSet:
    regions: tuple[Region, ...]
    observations: tuple[Observation, ...]


def strip_position_suffix(cbs_key: str) -> str:
    """``AantalInwoners_5`` -> ``AantalInwoners``; keys without a suffix are returned as is."""
    match = _SUFFIX.match(cbs_key)
    return match["key"] if match else cbs_key


def normalise_area_code(raw: object, *, source: str = "<input>", row: int | None = None) -> str:
    """Strip CBS's space padding and validate the code (``GM0363``, ``WK0363AA``, ...)."""
    if not isinstance(raw, str):
        raise CbsFormatError(source, f"area code must be a string, got {raw!r}", row=row)
    code = raw.strip()
    if not _AREA_CODE.match(code):
        raise CbsFormatError(source, f"invalid area code {raw!r}", row=row)
    return code


def area_level(code: str) -> AreaLevel:
    if not _AREA_CODE.match(code):
        raise ValueError(f"invalid area code {code!r}")
    return _LEVEL_BY_PREFIX[code[:2]]


def gemeente_code_of(code: str) -> str:
    """The gemeente containing a wijk or buurt: the 4 digits after the prefix.

    ``WK0363AA`` -> ``GM0363``; ``BU16800001`` -> ``GM1680``.
    """
    if area_level(code) is AreaLevel.LAND:
        raise ValueError("the country is not part of a gemeente")
    return f"GM{code[2:6]}"


# --- DataProperties ---------------------------------------------------------------------


def load_data_properties(path: str | Path) -> TableMetadata:
    path = Path(path)
    return parse_data_properties(_load_json(path), source=str(path))


def parse_data_properties(payload: Any, *, source: str = "<DataProperties>") -> TableMetadata:
    """Parse CBS ``DataProperties``: a list of objects, or ``{"value": [...]}`` as served."""
    items = _unwrap_value_list(payload, source)
    groups = {
        _require(item, "ID", int, source, index): item
        for index, item in enumerate(items)
        if item.get("Type") == "TopicGroup"
    }
    indicators: list[IndicatorMeta] = []
    geo_key: str | None = None
    dimension_keys: list[str] = []
    for index, item in enumerate(items):
        kind = _require(item, "Type", str, source, index)
        if kind == "Topic":
            indicators.append(_parse_topic(item, groups, source, index))
        elif kind == "GeoDetail":
            geo_key = _require(item, "Key", str, source, index)
        elif kind.endswith("Dimension"):  # Dimension, TimeDimension, GeoDimension
            dimension_keys.append(_require(item, "Key", str, source, index))
    return TableMetadata(
        indicators=tuple(_disambiguate_keys(indicators)),
        topic_groups=tuple(str(group.get("Title", "")) for group in groups.values()),
        geo_key=geo_key,
        dimension_keys=tuple(dimension_keys),
    )


def _parse_topic(
    item: Mapping[str, Any], groups: Mapping[int, Mapping[str, Any]], source: str, index: int
) -> IndicatorMeta:
    cbs_key = _require(item, "Key", str, source, index)
    position = _require(item, "Position", int, source, index)
    match = _SUFFIX.match(cbs_key)
    if match is None or int(match["position"]) != position:
        raise CbsFormatError(
            source,
            f"key {cbs_key!r} does not end in _{position} (its Position)",
            row=index,
            field="Key",
        )
    return IndicatorMeta(
        key=match["key"],
        cbs_key=cbs_key,
        position=position,
        title=_require(item, "Title", str, source, index).strip(),
        description=(item.get("Description") or "").strip(),
        datatype=_require(item, "Datatype", str, source, index),
        unit=(item.get("Unit") or "").strip(),
        decimals=int(item.get("Decimals") or 0),
        presentation_type=item.get("PresentationType") or "",
        theme_path=_theme_path(item.get("ParentID"), groups, source, index),
    )


def _theme_path(
    parent_id: int | None, groups: Mapping[int, Mapping[str, Any]], source: str, index: int
) -> tuple[str, ...]:
    """Titles of the enclosing TopicGroups, outermost first (the theme hint)."""
    path: list[str] = []
    seen: set[int] = set()
    while parent_id is not None:
        if parent_id in seen or parent_id not in groups:
            raise CbsFormatError(
                source, f"ParentID {parent_id} is not a TopicGroup", row=index, field="ParentID"
            )
        seen.add(parent_id)
        group = groups[parent_id]
        path.append(str(group.get("Title", "")).strip())
        parent_id = group.get("ParentID")
    return tuple(reversed(path))


def _disambiguate_keys(indicators: list[IndicatorMeta]) -> list[IndicatorMeta]:
    """Make suffix-less keys unique, as some CBS tables reuse a name in several groups.

    In 85984NED ``Nederland_17`` (Herkomstland) and ``Nederland_20`` (Geboren in
    Nederland) both strip to ``Nederland``. Colliding keys are qualified with the first
    theme-group title on which their paths differ: ``Nederland__Herkomstland``. Group
    titles, unlike positions, are stable between yearly editions.
    """
    by_key: dict[str, list[IndicatorMeta]] = defaultdict(list)
    for meta in indicators:
        by_key[meta.key].append(meta)
    renamed: dict[str, str] = {}
    for clashing in by_key.values():
        if len(clashing) > 1:
            renamed.update({meta.cbs_key: _qualified_key(meta, clashing) for meta in clashing})
    return [
        replace(meta, key=renamed[meta.cbs_key]) if meta.cbs_key in renamed else meta
        for meta in indicators
    ]


def _qualified_key(meta: IndicatorMeta, clashing: list[IndicatorMeta]) -> str:
    paths = [other.theme_path for other in clashing]
    for depth in range(max(len(path) for path in paths)):
        titles = [path[depth] if depth < len(path) else "" for path in paths]
        if len(set(titles)) == len(titles):
            return f"{meta.key}__{_camel_case(titles[clashing.index(meta)])}"
    return meta.cbs_key  # no group tells them apart: keep CBS's own unique key


def _camel_case(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", ascii_title))


# --- data rows ---------------------------------------------------------------------------

_Cell = tuple[float | None, ObservationStatus]
_CellReader = Callable[[object], _Cell]

_SYMBOL_STATUS = {
    "x": ObservationStatus.SUPPRESSED,
    ".": ObservationStatus.MISSING,
    "?": ObservationStatus.MISSING,
    "": ObservationStatus.MISSING,
}


def parse_cbs_cell(raw: str) -> _Cell:
    """Read one untyped (CSV / UntypedDataSet) cell: a number or a CBS symbol.

    Raises ValueError for anything else; callers add row and field context.
    """
    text = raw.strip()
    if text in _SYMBOL_STATUS:
        return None, _SYMBOL_STATUS[text]
    if text == "-":  # CBS "nihil": the value is zero, not unknown
        return 0, ObservationStatus.OK
    number = float(text)  # CBS open data uses a decimal point and no thousands separator
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {raw!r}")
    return _as_int_when_whole(number, text), ObservationStatus.OK


def parse_typed_dataset(
    payload: Any,
    metadata: TableMetadata,
    *,
    source: str = "<TypedDataSet>",
    null_status: ObservationStatus = ObservationStatus.MISSING,
) -> ParsedDataSet:
    """Parse ``{"value": [row, ...]}`` (or a bare list) of TypedDataSet rows.

    A numeric field holding null becomes ``null_status`` (default ``missing``: the typed
    set cannot tell secret from unknown). Fields absent from a row are not observed
    (CBS serves column subsets on ``$select``); fields unknown to ``metadata`` are errors.
    """
    return _parse_rows(payload, metadata, source, partial(_typed_value, null_status=null_status))


def parse_untyped_dataset(
    payload: Any, metadata: TableMetadata, *, source: str = "<UntypedDataSet>"
) -> ParsedDataSet:
    """Parse UntypedDataSet rows, where every value is a string and may be a CBS symbol."""
    return _parse_rows(payload, metadata, source, _untyped_value)


def parse_stripped_dataset(
    payload: Any, *, metadata: TableMetadata | None = None, source: str = "<stripped>"
) -> tuple[Observation, ...]:
    """Parse ``{"GM0363": {"AantalInwoners_5": 931298, ...}, ...}`` (values typed, null allowed).

    With ``metadata`` every key must be a known numeric topic and gets its metadata key
    (collision-free); without it the position suffix is simply stripped.
    """
    if not isinstance(payload, Mapping):
        raise CbsFormatError(source, "expected a JSON object keyed by region code")
    known = {meta.cbs_key: meta.key for meta in metadata.numeric_indicators} if metadata else None
    observations: list[Observation] = []
    for index, (raw_code, properties) in enumerate(payload.items()):
        code = normalise_area_code(raw_code, source=source, row=index)
        if not isinstance(properties, Mapping):
            raise CbsFormatError(source, "expected an object of properties", row=index)
        for cbs_key, raw in properties.items():
            if known is not None and cbs_key not in known:
                raise CbsFormatError(source, "unknown numeric property", row=index, field=cbs_key)
            value, status = _read_field(_typed_or_missing, raw, source, index, cbs_key)
            key = known[cbs_key] if known is not None else strip_position_suffix(cbs_key)
            observations.append(Observation(code, key, value, status))
    return tuple(observations)


def _parse_rows(
    payload: Any, metadata: TableMetadata, source: str, read_value: _CellReader
) -> ParsedDataSet:
    rows = _unwrap_value_list(payload, source)
    if metadata.geo_key is None:
        raise CbsFormatError(source, "metadata has no GeoDetail/region key")
    numeric = {meta.cbs_key: meta for meta in metadata.numeric_indicators}
    descriptive = {meta.cbs_key: meta.key for meta in metadata.indicators if not meta.is_numeric}
    ignored = {"ID", *metadata.dimension_keys}
    regions: list[Region] = []
    observations: list[Observation] = []
    for index, row in enumerate(rows):
        code = normalise_area_code(row.get(metadata.geo_key), source=source, row=index)
        texts: dict[str, str] = {}
        for field, raw in row.items():
            if field in numeric:
                value, status = _read_field(read_value, raw, source, index, field)
                observations.append(Observation(code, numeric[field].key, value, status))
            elif field in descriptive:
                texts[descriptive[field]] = raw.strip() if isinstance(raw, str) else ""
            elif field not in ignored and field != metadata.geo_key:
                raise CbsFormatError(source, "field not in DataProperties", row=index, field=field)
        regions.append(
            Region(code, area_level(code), texts.get(_NAME_KEY, ""), texts.get(_KIND_KEY, ""))
        )
    return ParsedDataSet(tuple(regions), tuple(observations))


def _read_field(read_value: _CellReader, raw: object, source: str, row: int, field: str) -> _Cell:
    try:
        return read_value(raw)
    except (TypeError, ValueError) as error:
        raise CbsFormatError(source, str(error), row=row, field=field) from error


def _typed_value(raw: object, null_status: ObservationStatus) -> _Cell:
    if raw is None:
        return None, null_status
    # bool is an int subclass in Python; a JSON true/false is never a CBS figure.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise TypeError(f"expected a number or null, got {raw!r}")
    if not math.isfinite(raw):
        raise ValueError(f"not a finite number: {raw!r}")
    return raw, ObservationStatus.OK


def _typed_or_missing(raw: object) -> _Cell:
    return _typed_value(raw, ObservationStatus.MISSING)


def _untyped_value(raw: object) -> _Cell:
    if not isinstance(raw, str):
        raise TypeError(f"expected a string cell, got {raw!r}")
    return parse_cbs_cell(raw)


def _as_int_when_whole(number: float, text: str) -> float:
    return int(number) if number.is_integer() and "." not in text else number


# --- helpers -----------------------------------------------------------------------------


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as handle:  # CBS downloads may carry a BOM
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise CbsFormatError(str(path), f"invalid JSON: {error}") from error


def _unwrap_value_list(payload: Any, source: str) -> list[Mapping[str, Any]]:
    items = payload.get("value") if isinstance(payload, Mapping) else payload
    if not isinstance(items, list):
        raise CbsFormatError(source, 'expected a JSON array or {"value": [...]}')
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise CbsFormatError(source, "expected an object", row=index)
    return items


def _require(item: Mapping[str, Any], field: str, kind: type, source: str, index: int) -> Any:
    value = item.get(field)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise CbsFormatError(
            source, f"expected {kind.__name__}, got {value!r}", row=index, field=field
        )
    return value
