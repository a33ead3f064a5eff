"""The municipality's address points (BAG) as a gazetteer: import and look-up.

An address file is a CSV with one row per address, in the BAG's own names: street
(``openbare_ruimte`` or ``straat``), ``huisnummer``, ``huisletter``,
``huisnummertoevoeging`` (or ``toevoeging``), ``postcode``, ``woonplaats`` and the point
as ``x``/``y`` in RD New (EPSG:28992) or ``lon``/``lat`` in WGS84. Commas or semicolons.

An import is checked whole before anything is written: one wrong row and nothing
changes. It adds new addresses and updates those it names; addresses of the
municipality that are not in the file stay unless ``replace`` is asked, and then the
report says how many went.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.db import transaction

from wijkregie.areas.area_files import NL_BE_LAT, NL_BE_LON
from wijkregie.areas.geometry import RD_NEW, WGS84, from_geojson, to_rd, transformer
from wijkregie.areas.models import Address, Area, AreaLevel
from wijkregie.core.models import Municipality

MAX_ERRORS = 25
MAX_ROWS = 2_000_000  # the largest municipality (Amsterdam) has about 530,000 addresses
# RD New's valid extent (the Netherlands with its coastal waters), in metres.
RD_X, RD_Y = (-7_000.0, 300_000.0), (289_000.0, 629_000.0)
# Within this distance of the municipality's boundary a point still counts as inside:
# boundaries are simplified, address points on a border street are not.
BOUNDARY_TOLERANCE_M = 250.0

COLUMNS = {
    "street": ("openbare_ruimte", "openbareruimte", "straat", "straatnaam", "street"),
    "number": ("huisnummer", "number"),
    "letter": ("huisletter", "letter"),
    "addition": ("huisnummertoevoeging", "toevoeging", "addition"),
    "postcode": ("postcode",),
    "place": ("woonplaats", "plaats", "place"),
    "x": ("x",), "y": ("y",), "lon": ("lon", "lng", "longitude"),
    "lat": ("lat", "latitude"),
}
_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")


class AddressFileError(ValueError):
    """The file cannot be imported; ``problems`` name file, row and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AddressImportReport:
    created: int
    updated: int
    removed: int


def street_key(text: str) -> str:
    """"Burg. de Vlugtlaan" and "burg de vlugtlaan" alike: lower case, no accents, no
    punctuation, single spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def normal_postcode(text: str) -> str | None:
    """"9001 ab" → "9001AB"; None when it is not a Dutch postcode."""
    found = _POSTCODE.match(text.strip())
    return f"{found.group(1)}{found.group(2).upper()}" if found else None


def _columns(header: list[str], name: str) -> dict[str, str]:
    lowered = {column.strip().casefold().lstrip("\ufeff"): column for column in header}
    found = {}
    for field, names in COLUMNS.items():
        for candidate in names:
            if candidate in lowered:
                found[field] = lowered[candidate]
                break
    missing = [names[0] for field, names in COLUMNS.items()
               if field in ("street", "number") and field not in found]
    if not ({"x", "y"} <= found.keys() or {"lon", "lat"} <= found.keys()):
        missing.append("x and y (RD New) or lon and lat (WGS84)")
    if missing:
        raise AddressFileError([f"{name}: missing column(s) {', '.join(missing)}"])
    return found


def _rows(path: Path) -> tuple[list[str], Iterable[dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AddressFileError([f"{path.name}: not UTF-8 text"]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(reader.fieldnames or []), reader


def _inside(municipality: Municipality) -> shapely.Geometry | None:
    """The municipality's newest boundary in RD New (from its buurten when it has no
    gemeente boundary), widened by the tolerance; None when it has no boundary."""
    areas = list(Area.objects.filter(municipality=municipality,
                                     level__in=(AreaLevel.GEMEENTE, AreaLevel.BUURT))
                 .exclude(geometry__isnull=True).order_by("-year"))
    if not areas:
        return None
    for level in (AreaLevel.GEMEENTE, AreaLevel.BUURT):
        shapes = [a for a in areas if a.level == level and a.year == areas[0].year]
        if shapes:
            union = shapely.union_all([to_rd(from_geojson(a.geometry)) for a in shapes])
            return shapely.buffer(union, BOUNDARY_TOLERANCE_M)
    return None


def read_addresses(path: Path, municipality: Municipality) -> list[Address]:
    """Every row of the file as an unsaved Address, or AddressFileError naming each
    wrong row and field (at most MAX_ERRORS)."""
    header, reader = _rows(path)
    columns = _columns(header, path.name)
    to_rd_point = transformer(WGS84, RD_NEW)
    boundary = _inside(municipality)
    if boundary is not None:
        shapely.prepare(boundary)
    problems: list[str] = []
    found: list[Address] = []
    seen: dict[tuple[str, str, int, str, str], int] = {}

    def value(row: dict[str, str], field: str) -> str:
        return (row.get(columns[field]) or "").strip() if field in columns else ""

    for number, row in enumerate(reader, start=2):
        if len(found) >= MAX_ROWS:
            raise AddressFileError([f"{path.name}: more than {MAX_ROWS} rows"])
        where = f"{path.name}, row {number}"
        wrong = len(problems)
        street = value(row, "street")
        if not street:
            problems.append(f"{where}, {columns['street']}: empty")
        house = value(row, "number")
        if not house.isdigit() or not 0 < int(house) < 100_000:
            problems.append(f"{where}, {columns['number']}: {house!r} is not a house number")
        letter, addition = value(row, "letter"), value(row, "addition")
        if len(letter) > 1 or (letter and not letter.isalpha()):
            problems.append(f"{where}, {columns['letter']}: {letter!r} is not one letter")
        if len(addition) > 4:
            problems.append(f"{where}, {columns['addition']}: {addition!r} is longer than "
                            "4 characters")
        postcode = value(row, "postcode")
        if postcode and normal_postcode(postcode) is None:
            problems.append(f"{where}, {columns['postcode']}: {postcode!r} is not a postcode "
                            "(1234 AB)")
        point = _point(row, columns, value, where, to_rd_point, problems)
        if point is not None and boundary is not None and not boundary.contains(
                shapely.Point(point)):
            problems.append(f"{where}: the point lies outside {municipality.name}")
        if len(problems) > wrong:
            if len(problems) >= MAX_ERRORS:
                break
            continue
        address = Address(municipality=municipality, street=street,
                          street_key=street_key(street), number=int(house),
                          letter=letter.upper(), addition=addition.upper(),
                          postcode=normal_postcode(postcode) or "", place=value(row, "place"),
                          x_rd=round(point[0], 2), y_rd=round(point[1], 2))
        key = (address.place, address.street_key, address.number, address.letter,
               address.addition)
        if key in seen:
            problems.append(f"{where}: the same address as row {seen[key]}")
            continue
        seen[key] = number
        found.append(address)
    if problems:
        raise AddressFileError(problems[:MAX_ERRORS])
    if not found:
        raise AddressFileError([f"{path.name}: no addresses in the file"])
    return found


def _point(row, columns, value, where, to_rd_point, problems  # type: ignore[no-untyped-def]
           ) -> tuple[float, float] | None:
    """The row's point in RD New, or None after naming what is wrong."""
    rd = "x" in columns and value(row, "x") != ""
    names = ("x", "y") if rd else ("lon", "lat")
    try:
        a, b = (float(value(row, n).replace(",", ".")) for n in names)
    except ValueError:
        problems.append(f"{where}, {columns[names[0]]}/{columns[names[1]]}: not a number")
        return None
    if rd:
        if not (RD_X[0] <= a <= RD_X[1] and RD_Y[0] <= b <= RD_Y[1]):
            problems.append(f"{where}, {columns['x']}/{columns['y']}: ({a}, {b}) is not an "
                            "RD New point in the Netherlands")
            return None
        return a, b
    if not (NL_BE_LON[0] <= a <= NL_BE_LON[1] and NL_BE_LAT[0] <= b <= NL_BE_LAT[1]):
        problems.append(f"{where}, {columns['lon']}/{columns['lat']}: ({a}, {b}) lies outside "
                        "the Netherlands and Belgium")
        return None
    x, y = to_rd_point.transform(a, b)
    return float(x), float(y)


def import_addresses(path: Path, municipality: Municipality, *,
                     replace: bool = False) -> AddressImportReport:
    """Check the whole file, then write it in one transaction (see the module's text)."""
    rows = read_addresses(path, municipality)
    fields = ["street", "postcode", "x_rd", "y_rd"]
    with transaction.atomic():
        existing = {(a.place, a.street_key, a.number, a.letter, a.addition): a
                    for a in Address.objects.select_for_update().filter(
                        municipality=municipality)}
        new, changed = [], []
        for row in rows:
            key = (row.place, row.street_key, row.number, row.letter, row.addition)
            old = existing.pop(key, None)
            if old is None:
                new.append(row)
            elif any(getattr(old, f) != getattr(row, f) for f in fields):
                for f in fields:
                    setattr(old, f, getattr(row, f))
                changed.append(old)
        Address.objects.bulk_create(new, batch_size=2000)
        Address.objects.bulk_update(changed, fields, batch_size=2000)
        removed = 0
        if replace and existing:
            removed, _ = Address.objects.filter(
                pk__in=[a.pk for a in existing.values()]).delete()
    return AddressImportReport(created=len(new), updated=len(changed), removed=removed)


# --- look-up -------------------------------------------------------------------------

_BY_POSTCODE = re.compile(
    r"^([1-9]\d{3})\s?([A-Za-z]{2})\s*(\d+)?\s*([A-Za-z])?(?:\s*[-/ ]\s*(\w{1,4}))?$")
_BY_STREET = re.compile(
    r"^(?P<street>.*?\D)\s+(?P<number>\d+)\s*(?P<letter>[A-Za-z](?![\w]))?"
    r"(?:\s*[-/ ]\s*(?P<addition>\w{1,4}))?\s*(?:,\s*(?P<place>.+))?$")


def find_addresses(municipality: Municipality, text: str, limit: int = 10) -> list[Address]:
    """Addresses for a typed "street number[letter][-addition][, place]" or
    "postcode number": the exact house first, then the other houses at that number."""
    typed = " ".join(text.split())
    by_postcode = _BY_POSTCODE.match(typed)
    query = Address.objects.filter(municipality=municipality)
    if by_postcode:
        postcode, number, letter, addition = (
            f"{by_postcode.group(1)}{by_postcode.group(2).upper()}", by_postcode.group(3),
            by_postcode.group(4) or "", by_postcode.group(5) or "")
        query = query.filter(postcode=postcode)
    else:
        by_street = _BY_STREET.match(typed)
        if not by_street:
            return []
        number, letter, addition = (by_street["number"], by_street["letter"] or "",
                                    by_street["addition"] or "")
        query = query.filter(street_key=street_key(by_street["street"]))
        if by_street["place"]:
            query = query.filter(place__iexact=by_street["place"].strip())
    if number:
        query = query.filter(number=int(number))
    found = list(query[:200])
    exact = [a for a in found if a.letter == letter.upper() and a.addition == addition.upper()]
    return (exact + [a for a in found if a not in exact])[:limit]
