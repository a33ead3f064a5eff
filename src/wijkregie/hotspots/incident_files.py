"""Read incident CSV files into checked arrays (no Django).

Accepted: CSV (optionally .gz) with a header row and either x/y columns (metres in
``crs``, RD New by default) or longitude/latitude columns (WGS84), a date or month
column, and optionally a type/category column. Column names are detected from common
spellings (police.uk street-level files, their R re-exports, Houston's ggmap data,
Dutch exports); ``columns`` overrides the detection.

Every bad row is reported with file, row (line number, header = 1) and field; a file
with any error yields no incidents at all. Rows whose coordinates are both empty
(police.uk publishes crimes it could not locate that way) are not errors: they are
left out and listed in the report, never silently dropped (docs/adr/0030).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
MAX_ERRORS = 25
EMPTY = {"", "na", "nan", "null", "none"}

# Detection order matters: Houston has both "offense" (the crime) and "type" (the street
# type), and both "date" (ISO) and "month" (a month name).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "lon": ("longitude", "lon", "lng", "long"),
    "lat": ("latitude", "lat"),
    "x": ("x", "x_rd", "rd_x", "easting", "xcoord", "x_coordinate"),
    "y": ("y", "y_rd", "rd_y", "northing", "ycoord", "y_coordinate"),
    "date": ("date", "datum", "incident_date", "occurred", "datetime", "timestamp", "time"),
    "month": ("month", "maand"),
    "category": ("crime_type", "offense", "offence", "category", "categorie", "soort", "type"),
}

# Netherlands extent in WGS84, generous: data inside it goes to RD New by default.
_NL = (3.0, 50.6, 7.4, 53.7)


class IncidentFileError(ValueError):
    """The file cannot be imported; ``errors`` name the file, row and field."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class IncidentTable:
    """Checked incidents: x/y in ``crs`` (metres), lon/lat WGS84, dates per day."""

    source: str
    crs: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    dates: NDArray[np.datetime64]
    categories: NDArray[np.str_]
    date_precision: str
    columns: dict[str, str]
    rows_without_location: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.x.size)

    def report(self) -> dict[str, Any]:
        """The validation report stored with the data set and shown after an import."""
        missing = self.rows_without_location
        return {
            "file": self.source,
            "incidents": len(self),
            "crs": self.crs,
            "date_precision": self.date_precision,
            "columns": self.columns,
            "first_date": str(self.dates.min()) if len(self) else None,
            "last_date": str(self.dates.max()) if len(self) else None,
            "categories": dict(Counter(self.categories.tolist()).most_common()),
            "rows_without_location": len(missing),
            "rows_without_location_first": missing[:20],
            "notes": self.notes,
        }


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def detect_columns(header: list[str], overrides: dict[str, str] | None = None
                   ) -> dict[str, str]:
    """Map roles (lon, lat, x, y, date, month, category) to header names."""
    by_norm = {_normalise(h): h for h in header if h.strip()}
    found: dict[str, str] = {}
    for role, names in CANDIDATES.items():
        for name in names:
            if name in by_norm and by_norm[name] not in found.values():
                found[role] = by_norm[name]
                break
    for role, name in (overrides or {}).items():
        if name not in header:
            raise IncidentFileError([f"column {name!r} (given for {role}) is not in the header"])
        found[role] = name
    return found


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _count_lines(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return sum(1 for _ in handle)


_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DAY_NL = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` (optionally followed by a time) or Dutch ``DD-MM-YYYY``."""
    m = _DAY.match(text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = _DAY_NL.match(text)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError


def parse_month(text: str) -> date:
    m = _MONTH.match(text)
    if not m:
        raise ValueError
    return date(int(m[1]), int(m[2]), 1)


def _float(text: str) -> float:
    value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    if not math.isfinite(value):
        raise ValueError
    return value


def check_crs(crs: str) -> str:
    """The CRS name if it is a projected CRS in metres, else an :class:`IncidentFileError`."""
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        raise IncidentFileError([f"--crs {crs!r} is not a known coordinate reference system"]
                                ) from None
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else ""
    if not parsed.is_projected or unit not in ("metre", "meter"):
        raise IncidentFileError([f"--crs {crs!r} must be a projected CRS in metres "
                                 "(RD New EPSG:28992 for Dutch data, e.g. EPSG:27700 for Britain)"])
    return crs


def metric_crs_for(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> str:
    """RD New for Dutch data, else the UTM zone of the points' median (conformal, metres)."""
    if not lon.size:
        return RD_NEW
    mlon, mlat = float(np.median(lon)), float(np.median(lat))
    if _NL[0] <= mlon <= _NL[2] and _NL[1] <= mlat <= _NL[3]:
        return RD_NEW
    zone = int((mlon + 180) // 6) % 60 + 1
    return f"EPSG:{32600 + zone if mlat >= 0 else 32700 + zone}"


def read_incidents(
    path: Path,
    *,
    crs: str | None = None,
    columns: dict[str, str] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> IncidentTable:
    """Read and check one incident file; raise :class:`IncidentFileError` on any bad row.

    ``crs``: the projection of x/y columns, and the projection x/y are computed in for
    lon/lat files. Without it x/y columns are taken as RD New, and lon/lat files get
    RD New when they lie in the Netherlands, else their UTM zone (noted in the report).
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise IncidentFileError([f"{name}: file not found"])
    if crs:
        check_crs(crs)
    total_lines = max(_count_lines(path) - 1, 1) if progress else 1
    errors: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    days: list[date] = []
    cats: list[str] = []
    without: list[int] = []
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise IncidentFileError([f"{name}: the file is empty"]) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IncidentFileError([f"{name}: not a readable UTF-8 CSV file ({exc})"]) from None
        found = detect_columns(header, columns)
        geographic = "lon" in found and "lat" in found
        if not geographic and not ("x" in found and "y" in found):
            raise IncidentFileError([
                f"{name}: no coordinate columns; expected longitude/latitude or x/y "
                f"(header: {', '.join(header)})"])
        date_role = "date" if "date" in found else "month" if "month" in found else None
        if date_role is None:
            raise IncidentFileError([f"{name}: no date or month column "
                                     f"(header: {', '.join(header)})"])
        parse_date = parse_day if date_role == "date" else parse_month
        date_format = "YYYY-MM-DD or DD-MM-YYYY" if date_role == "date" else "YYYY-MM"
        c1, c2 = ("lon", "lat") if geographic else ("x", "y")
        index = {h: i for i, h in enumerate(header)}
        i1, i2, idate = index[found[c1]], index[found[c2]], index[found[date_role]]
        icat = index[found["category"]] if "category" in found else None
        width = len(header)
        try:
            for line, row in enumerate(reader, start=2):
                if progress and line % 20000 == 0:
                    progress(0.8 * line / total_lines, f"{name}: row {line}")
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(errors) >= MAX_ERRORS:
                    break
                if len(row) != width:
                    errors.append(f"{name}, row {line}: {len(row)} fields, the header has "
                                  f"{width}")
                    continue
                a, b = row[i1].strip(), row[i2].strip()
                if a.lower() in EMPTY and b.lower() in EMPTY:
                    without.append(line)
                    continue
                row_errors = []
                values = []
                for role, text in ((c1, a), (c2, b)):
                    try:
                        values.append(_float(text))
                    except ValueError:
                        row_errors.append(f"{name}, row {line}, field {found[role]!r}: "
                                          f"{text!r} is not a number")
                if not row_errors and geographic and not (
                        -180 <= values[0] <= 180 and -90 <= values[1] <= 90):
                    row_errors.append(f"{name}, row {line}, field {found[c1]!r}/{found[c2]!r}: "
                                      f"({a}, {b}) is not a longitude/latitude in degrees")
                text = row[idate].strip()
                try:
                    day = parse_date(text)
                except ValueError:
                    row_errors.append(f"{name}, row {line}, field {found[date_role]!r}: "
                                      f"{text!r} is not a date ({date_format})")
                if row_errors:
                    errors.extend(row_errors)
                    continue
                xs.append(values[0])
                ys.append(values[1])
                days.append(day)
                cats.append(row[icat].strip()[:100] if icat is not None else "")
        except (csv.Error, UnicodeDecodeError) as exc:
            errors.append(f"{name}, row {reader.line_num}: unreadable ({exc})")
    if errors:
        if len(errors) >= MAX_ERRORS:
            errors.append(f"{name}: stopped after {MAX_ERRORS} errors; nothing was imported")
        raise IncidentFileError(errors)
    if not xs:
        raise IncidentFileError([f"{name}: no incidents with a location"])
    a_arr, b_arr = np.array(xs), np.array(ys)
    notes = []
    if geographic:
        lon, lat = a_arr, b_arr
        target = crs or metric_crs_for(lon, lat)
        if not crs and target != RD_NEW:
            notes.append(f"outside the Netherlands: x/y computed in {target} (UTM); "
                         "pass --crs to choose another metric projection")
        x, y = Transformer.from_crs(WGS84, target, always_xy=True).transform(lon, lat)
    else:
        target = crs or RD_NEW
        x, y = a_arr, b_arr
        lon, lat = Transformer.from_crs(target, WGS84, always_xy=True).transform(x, y)
    return IncidentTable(
        source=name, crs=target, x=np.asarray(x, float), y=np.asarray(y, float),
        lon=np.asarray(lon, float), lat=np.asarray(lat, float),
        dates=np.array(days, dtype="datetime64[D]"), categories=np.array(cats, dtype=str),
        date_precision="day" if date_role == "date" else "month",
        columns={role: found[role] for role in (c1, c2, date_role, "category") if role in found},
        rows_without_location=without, notes=notes,
    )
