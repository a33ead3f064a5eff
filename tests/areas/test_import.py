from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from tests.conftest import shared_data
from wijkregie.areas.area_files import AreaFileError, read_area_file
from wijkregie.areas.models import Area
from wijkregie.areas.services import import_area_files
from wijkregie.core.models import AuditEvent, Municipality

pytestmark = pytest.mark.django_db


def _square(x: float, y: float, size: float = 0.01) -> list[list[list[float]]]:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def _feature(code: str, name: str, coords, **props) -> dict:
    return {"type": "Feature", "properties": {"statcode": code, "statnaam": name,
                                              "jrstatcode": f"2024{code}", **props},
            "geometry": {"type": "Polygon", "coordinates": coords}}


def _write(tmp_path: Path, name: str, features: list[dict], **extra) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


@pytest.fixture
def small_files(tmp_path):
    gemeente = _write(tmp_path, "gm.geojson", [_feature("GM0999", "Testgem", _square(5, 52, .1))])
    wijken = _write(tmp_path, "wk.geojson", [
        _feature("WK099900", "Noord", _square(5, 52.05, .05)),
        _feature("WK0999AA", "Zuid", _square(5, 52, .05)),
    ])
    buurten = _write(tmp_path, "bu.geojson", [_feature("BU09990000", "Kern", _square(5, 52.05))])
    return gemeente, wijken, buurten


def test_import_builds_hierarchy_and_municipality(small_files):
    report = import_area_files(list(small_files))
    assert report.counts == {"gemeente": 1, "wijk": 2, "buurt": 1}
    buurt = Area.objects.get(code="BU09990000")
    assert buurt.parent.code == "WK099900" and buurt.parent.parent.code == "GM0999"
    assert buurt.year == 2024 and buurt.municipality.code == "GM0999"
    assert Municipality.objects.get(code="GM0999").name == "Testgem"
    assert Area.objects.get(code="WK0999AA").name == "Zuid"  # alphanumeric codes are fine
    # 0.01° × 0.01° near 52° N is about 1.1 km × 0.69 km
    assert 0.7e6 < buurt.surface_m2 < 0.8e6
    assert AuditEvent.objects.filter(object_type="areas.area", action="create").count() == 1


def test_reimport_updates_instead_of_duplicating(small_files):
    import_area_files(list(small_files))
    import_area_files(list(small_files))
    assert Area.objects.count() == 4


def test_rd_new_file_is_converted_to_wgs84(tmp_path):
    rd = {"type": "name", "properties": {"name": "EPSG:28992"}}
    square = [[[121000, 487000], [122000, 487000], [122000, 488000], [121000, 488000],
               [121000, 487000]]]
    path = _write(tmp_path, "rd.geojson", [_feature("GM0363", "Amsterdam", square)], crs=rd)
    import_area_files([path])
    area = Area.objects.get(code="GM0363")
    assert 4.8 < area.min_lon < 4.9 and 52.3 < area.min_lat < 52.4
    assert area.surface_m2 == pytest.approx(1e6, rel=1e-3)


BAD_CASES = {
    "invalid JSON": ("{not json", "not valid JSON"),
    "unknown CRS": ({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "EPSG:3857"}}, "features": [_feature("GM0999", "X", _square(5, 52))]},
        "unknown CRS"),
    "missing code": ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"statnaam": "X"},
         "geometry": {"type": "Polygon", "coordinates": _square(5, 52)}}]}, "no area code"),
    "bad code": ({"type": "FeatureCollection", "features": [
        _feature("WK12", "X", _square(5, 52))]}, "is not a CBS code"),
    "unknown wijk": ({"type": "FeatureCollection", "features": [
        _feature("BU09990101", "Verweesd", _square(5, 52))]}, "WK099901 (2024) is unknown"),
    "bow tie": ({"type": "FeatureCollection", "features": [
        _feature("GM0998", "Strik", [[[5, 52], [5.1, 52.1], [5.1, 52], [5, 52.1], [5, 52]]])]},
        "invalid geometry"),
    "unclosed ring": ({"type": "FeatureCollection", "features": [
        _feature("GM0998", "Open", [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.1]]])]},
        "not closed"),
    "metres without CRS": ({"type": "FeatureCollection", "features": [
        _feature("GM0998", "Meters", _square(121000, 487000, 1000))]}, "not longitude/latitude"),
    "point geometry": ({"type": "FeatureCollection", "features": [
        {**_feature("GM0998", "Punt", None), "geometry": {"type": "Point",
                                                          "coordinates": [5, 52]}}]},
        "is not a polygon"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_rejected_naming_file_and_feature_and_imports_nothing(
        tmp_path, small_files, case):
    content, expected = BAD_CASES[case]
    bad = tmp_path / "bad.geojson"
    bad.write_text(content if isinstance(content, str) else json.dumps(content))
    before = (Area.objects.count(), Municipality.objects.count(), AuditEvent.objects.count())
    with pytest.raises(AreaFileError) as excinfo:
        # good files first: they must not be imported either
        import_area_files([*small_files, bad])
    message = str(excinfo.value)
    assert "bad.geojson" in message and expected in message
    if case not in ("invalid JSON", "unknown CRS"):
        assert "feature 1" in message
    assert (Area.objects.count(), Municipality.objects.count(),
            AuditEvent.objects.count()) == before


def test_duplicate_codes_are_rejected(tmp_path):
    path = _write(tmp_path, "dup.geojson", [_feature("GM0999", "A", _square(5, 52)),
                                             _feature("GM0999", "B", _square(6, 52))])
    with pytest.raises(AreaFileError, match=r"feature 2 \(GM0999\): duplicate code"):
        read_area_file(path)


def test_command_exits_non_zero_and_imports_nothing(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("[]")
    with pytest.raises(CommandError, match=r"nothing imported: .*bad.geojson: expected a GeoJSON"):
        call_command("import_areas", str(bad))
    assert not Area.objects.exists()


@pytest.mark.shared_data
def test_real_cbs_gemeenten_and_wijken_import():
    folder = shared_data("cbs-wijken-2024")
    report = import_area_files([folder / "gemeente_2024.topojson", folder / "wijk_2024.geojson"])
    assert report.counts == {"gemeente": 342, "wijk": 3393}
    assert Municipality.objects.count() == 342
    amsterdam = Area.objects.get(code="GM0363", year=2024)
    assert amsterdam.name == "Amsterdam"
    assert amsterdam.children.filter(code="WK0363AA").exists()
    assert not Area.objects.filter(level="wijk", parent__isnull=True).exists()
    # Wijken lie within their gemeente (the two files were simplified separately,
    # so allow about 500 m of slack; two tiny wijken still fall just outside).
    gemeenten = {a.pk: shape(a.geometry).buffer(0.005) for a in Area.objects.filter(
        level="gemeente")}
    wijken = Area.objects.filter(level="wijk")
    inside = sum(gemeenten[w.parent_id].contains(shape(w.geometry).representative_point())
                 for w in wijken)
    assert inside >= wijken.count() - 2
    # Dutch land is about 33,700 km²; the boundaries add inland water (the file
    # measures 35,051 km²), but not all of the 41,500 km² that includes coastal waters.
    total_km2 = sum(Area.objects.filter(level="gemeente").values_list("surface_m2", flat=True))
    assert 33_700 < total_km2 / 1e6 < 41_500


@pytest.mark.shared_data
def test_real_wijken_without_gemeenten_are_refused():
    folder = shared_data("cbs-wijken-2024")
    with pytest.raises(AreaFileError, match=r"gemeente GM0014 .* is unknown"):
        import_area_files([folder / "wijk_2024.geojson"])
    assert not Area.objects.exists()


def test_same_area_in_two_files_of_one_run_is_refused(tmp_path):
    """Issue 11, point 6: silently "last wins" on SQLite, ProgrammingError on PostgreSQL."""
    first = _write(tmp_path, "a.geojson", [_feature("GM0999", "Een", _square(5, 52))])
    second = _write(tmp_path, "b.geojson", [_feature("GM0999", "Twee", _square(5.1, 52))])
    with pytest.raises(AreaFileError, match=r"b.geojson, feature 1 \(GM0999\): area GM0999 "
                                            r"\(2024\) is also in a.geojson, feature 1"):
        import_area_files([first, second])
    assert not Area.objects.exists() and not Municipality.objects.exists()


def test_swapped_longitude_and_latitude_are_refused_naming_the_feature(tmp_path):
    """Issue 11, point 6: a gemeente at longitude 52 was accepted."""
    swapped = _write(tmp_path, "omgedraaid.geojson", [
        _feature("GM0999", "Testgem", [[[y, x] for x, y in _square(5, 52, .1)[0]]])])
    with pytest.raises(AreaFileError) as excinfo:
        import_area_files([swapped])
    message = str(excinfo.value)
    assert message.startswith("omgedraaid.geojson, feature 1 (GM0999): lies outside the "
                              "Netherlands and Belgium")
    assert "look swapped" in message
    elsewhere = _write(tmp_path, "ver.geojson", [_feature("GM0998", "Ver", _square(-3, 40))])
    with pytest.raises(AreaFileError, match=r"feature 1 \(GM0998\): lies outside"):
        read_area_file(elsewhere)
    # Belgium is inside: Antwerp, Liège.
    read_area_file(_write(tmp_path, "be.geojson", [_feature("GM0997", "Antwerpen",
                                                            _square(4.4, 51.2)),
                                                   _feature("GM0996", "Luik",
                                                            _square(5.55, 50.6))]))
