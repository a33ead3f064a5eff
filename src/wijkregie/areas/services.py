"""Writes to the area register: file imports and programme areas (each one transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from wijkregie.areas.area_files import AreaFeature, AreaFileError, read_area_file
from wijkregie.areas.geometry import geojson_geometry, surface_m2
from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.areas.signals import programme_area_retiring, programme_areas_changed
from wijkregie.core import audit
from wijkregie.core.models import AuditAction, Municipality, User
from wijkregie.core.progress import Progress, no_progress

LEVEL_ORDER = (AreaLevel.GEMEENTE, AreaLevel.WIJK, AreaLevel.BUURT)
_UPDATED_FIELDS = ["name", "level", "parent", "municipality", "geometry", "min_lon", "min_lat",
                   "max_lon", "max_lat", "surface_m2"]


@dataclass
class AreaImportReport:
    files: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    municipalities_created: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"files": self.files, "counts": self.counts,
                "municipalities_created": self.municipalities_created,
                "repaired": self.repaired}



def import_area_files(
    paths: Sequence[Path], *, year: int | None = None, repair: bool = True,
    actor: User | None = None, progress: Progress = no_progress,
) -> AreaImportReport:
    """Import GeoJSON/TopoJSON boundary files: all of them, or nothing.

    Features of all files are checked together, so a file of gemeenten and a file of
    their wijken can be imported in one go; a wijk or buurt needs its parent either in
    these files or already in the register for the same division year.
    """
    features: list[AreaFeature] = []
    for index, path in enumerate(paths):
        progress(0.3 * index / len(paths), f"reading {path.name}")
        features.extend(read_area_file(Path(path), year=year, repair=repair))
    _check_years(features)
    _check_unique_across_files(features)
    _check_parents(features)
    report = AreaImportReport(files=[str(p) for p in paths],
                              repaired=[f"{f.source}: {f.repaired}" for f in features
                                        if f.repaired])
    with transaction.atomic():
        _upsert_municipalities(features, report)
        for step, level in enumerate(LEVEL_ORDER):
            progress(0.3 + 0.7 * step / 3, f"saving {level.label}")
            of_level = [f for f in features if f.level == level]
            if of_level:
                _upsert_level(of_level)
                report.counts[str(level)] = len(of_level)
        audit.record(AuditAction.CREATE, actor=actor, object_type="areas.area",
                     purpose="import area boundaries", detail=report.as_dict())
    progress(1.0, "done")
    return report


def _check_years(features: Iterable[AreaFeature]) -> None:
    for feature in features:
        if feature.year is None:
            raise AreaFileError(f"{feature.source}: no division year; give --year or a "
                                "'jrstatcode'/'jaar' property")


def _check_unique_across_files(features: Iterable[AreaFeature]) -> None:
    """One area (code and division year) in one feature of the run: two files carrying
    the same area would leave which one wins to the database."""
    seen: dict[tuple[str, int | None], str] = {}
    for feature in features:
        key = (feature.code, feature.year)
        if key in seen:
            raise AreaFileError(f"{feature.source}: area {feature.code} ({feature.year}) is "
                                f"also in {seen[key]}; give each area once")
        seen[key] = feature.source


def _check_parents(features: list[AreaFeature]) -> None:
    in_batch = {(f.code, f.year) for f in features}
    wanted = {(f.parent_code, f.year) for f in features if f.parent_code}
    missing_in_batch = wanted - in_batch
    known = set()
    if missing_in_batch:
        codes = {code for code, _ in missing_in_batch}
        known = set(Area.objects.filter(code__in=codes).values_list("code", "year"))
    for feature in features:
        key = (feature.parent_code, feature.year)
        if feature.parent_code and key not in in_batch and key not in known:
            parent_level = "gemeente" if feature.level == "wijk" else "wijk"
            raise AreaFileError(
                f"{feature.source}: its {parent_level} {feature.parent_code} ({feature.year}) "
                "is unknown; import it first or in the same run")


def _upsert_municipalities(features: list[AreaFeature], report: AreaImportReport) -> None:
    names = {f.code: f.name for f in features if f.level == AreaLevel.GEMEENTE}
    existing = set(Municipality.objects.filter(code__in=names).values_list("code", flat=True))
    for code, name in sorted(names.items()):
        if code not in existing:
            Municipality.objects.create(code=code, name=name)
            report.municipalities_created.append(code)


def _upsert_level(features: list[AreaFeature]) -> None:
    municipality_ids = dict(Municipality.objects.filter(
        code__in={f.gemeente_code for f in features}).values_list("code", "id"))
    parent_ids = {
        (code, year): pk for code, year, pk in Area.objects.filter(
            code__in={f.parent_code for f in features if f.parent_code}
        ).values_list("code", "year", "id")
    }
    rows = []
    for feature in features:
        if feature.gemeente_code not in municipality_ids:
            raise AreaFileError(f"{feature.source}: municipality {feature.gemeente_code} is "
                                "not registered; import its gemeente boundary first")
        min_lon, min_lat, max_lon, max_lat = feature.geometry.bounds
        rows.append(Area(
            code=feature.code, year=feature.year, level=feature.level, name=feature.name,
            parent_id=parent_ids.get((feature.parent_code, feature.year)),
            municipality_id=municipality_ids[feature.gemeente_code],
            geometry=geojson_geometry(feature.geometry),
            min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
            surface_m2=surface_m2(feature.geometry),
        ))
    Area.objects.bulk_create(rows, batch_size=500, update_conflicts=True,
                             unique_fields=["code", "year"], update_fields=_UPDATED_FIELDS)


def create_programme_area(*, municipality: Municipality, name: str, slug: str,
                          buurten: Iterable[Area], description: str = "",
                          actor: User | None = None) -> ProgrammeArea:
    """Create a programme area from buurten that all belong to its municipality; its
    figures (and the disclosure of every figure it overlaps) are computed at once."""
    buurten = _own_buurten(municipality, buurten)
    with transaction.atomic():
        programme_area = ProgrammeArea.objects.create(
            municipality=municipality, name=name, slug=slug, description=description)
        programme_area.buurten.set(buurten)
        audit.record(AuditAction.CREATE, actor=actor, obj=programme_area,
                     detail={"buurten": len(buurten)})
        programme_areas_changed.send(sender=ProgrammeArea, municipality=municipality)
    return programme_area


def update_programme_area(*, programme_area: ProgrammeArea, actor: User | None = None,
                          name: str | None = None, description: str | None = None,
                          buurten: Iterable[Area] | None = None) -> ProgrammeArea:
    """Rename, describe or recompose a programme area; a new composition recomputes the
    municipality's figures in the same transaction."""
    municipality = programme_area.municipality
    members = _own_buurten(municipality, buurten) if buurten is not None else None
    with transaction.atomic():
        if name is not None:
            programme_area.name = name
        if description is not None:
            programme_area.description = description
        programme_area.save()
        detail: dict[str, object] = {"name": programme_area.name}
        before = set(programme_area.buurten.values_list("id", flat=True))
        if members is not None and before != {b.pk for b in members}:
            programme_area_retiring.send(sender=ProgrammeArea, programme_area=programme_area)
        if members is not None:
            programme_area.buurten.set(members)
            detail |= {"buurten": len(members),
                       "composition_changed": before != {b.pk for b in members}}
        audit.record(AuditAction.UPDATE, actor=actor, obj=programme_area, detail=detail)
        if detail.get("composition_changed"):
            programme_areas_changed.send(sender=ProgrammeArea, municipality=municipality)
    return programme_area


def delete_programme_area(*, programme_area: ProgrammeArea, actor: User | None = None
                          ) -> None:
    """Delete a programme area (its figures go with it) and recompute the disclosure of
    the figures it overlapped, in one transaction."""
    municipality = programme_area.municipality
    with transaction.atomic():
        audit.record(AuditAction.DELETE, actor=actor, obj=programme_area,
                     detail={"name": programme_area.name})
        programme_area_retiring.send(sender=ProgrammeArea, programme_area=programme_area)
        programme_area.delete()
        programme_areas_changed.send(sender=ProgrammeArea, municipality=municipality)


def _own_buurten(municipality: Municipality, buurten: Iterable[Area]) -> list[Area]:
    buurten = list(buurten)
    foreign = [b.code for b in buurten
               if b.municipality_id != municipality.pk or b.level != AreaLevel.BUURT]
    if foreign:
        raise ValueError(f"not buurten of {municipality.code}: {', '.join(foreign)}")
    return buurten
