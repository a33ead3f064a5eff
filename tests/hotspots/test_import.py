from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.hotspots.helpers import clustered_rows, write_csv
from wijkregie.core.models import AuditEvent
from wijkregie.hotspots.incident_files import IncidentFileError, read_incidents
from wijkregie.hotspots.models import Incident, IncidentDataSet

pytestmark = pytest.mark.django_db


def _import(path, *extra: str) -> None:
    call_command("import_incidents", str(path), "--municipality", "GM9001", *extra,
                 verbosity=0)


def test_good_file_is_imported_in_full(demo, tmp_path):
    rows = clustered_rows()
    _import(write_csv(tmp_path / "inbraak.csv", rows), "--name", "Inbraken 2023")
    data_set = IncidentDataSet.objects.get(name="Inbraken 2023")
    assert data_set.municipality.code == "GM9001"
    assert data_set.n_incidents == len(rows) == data_set.incidents.count()
    assert data_set.crs == "EPSG:28992" and data_set.date_precision == "day"
    first = Incident.objects.filter(data_set=data_set).order_by("pk").first()
    assert first.x == pytest.approx(rows[0][0]) and str(first.date) == rows[0][2]
    # lon/lat derived from RD New: the demo towns lie in the Netherlands
    assert 3 < first.lon < 7.5 and 50.5 < first.lat < 53.7
    assert data_set.report["categories"] == {"vernieling": 72, "woninginbraak": 90}
    assert AuditEvent.objects.filter(action="create", object_type="hotspots.incidentdataset",
                                     object_id=str(data_set.pk)).exists()


def test_police_uk_format_with_months_and_rows_without_location(demo, tmp_path):
    path = tmp_path / "street.csv"
    path.write_text(
        "Crime ID,Month,Reported by,Longitude,Latitude,Location,Crime type\n"
        "a1,2019-01,GMP,-2.2446,53.4808,On or near X,Burglary\n"
        "a2,2019-02,GMP,,,No location,Burglary\n"
        "a3,2019-02,GMP,-2.2500,53.4700,On or near Y,Robbery\n", encoding="utf-8")
    _import(path, "--crs", "EPSG:27700")
    data_set = IncidentDataSet.objects.get(source_file="street.csv")
    assert data_set.n_incidents == 2 and data_set.n_without_location == 1
    assert data_set.report["rows_without_location_first"] == [3]
    assert data_set.date_precision == "month" and data_set.crs == "EPSG:27700"
    assert data_set.report["columns"] == {"lon": "Longitude", "lat": "Latitude",
                                          "month": "Month", "category": "Crime type"}
    incident = data_set.incidents.order_by("date").first()
    assert str(incident.date) == "2019-01-01"
    # British National Grid: Manchester is around E 384 km, N 398 km
    assert 380_000 < incident.x < 390_000 and 395_000 < incident.y < 400_000


def test_houston_columns_prefer_offense_and_iso_date(tmp_path):
    path = write_csv(tmp_path / "h.csv", [
        ("2010-01-01T06:00:00Z", "2010-01-01", "murder", "ln", "january", -95.43, 29.67)],
        header="time,date,offense,type,month,lon,lat")
    table = read_incidents(path)
    assert table.columns == {"lon": "lon", "lat": "lat", "date": "date", "category": "offense"}
    assert table.categories.tolist() == ["murder"]
    assert table.crs == "EPSG:32615"  # UTM 15N, chosen because Houston is not in NL
    assert any("UTM" in note for note in table.notes)


@pytest.mark.parametrize(("bad_row", "expected"), [
    ("abc,400000,2023-01-05,x", "bad.csv, row 4, field 'x': 'abc' is not a number"),
    ("110000,400000,2023-13-05,x", "bad.csv, row 4, field 'date': '2023-13-05' is not a date"),
    ("110000,400000,,x", "bad.csv, row 4, field 'date': '' is not a date"),
    ("110000,,2023-01-05,x", "bad.csv, row 4, field 'y': '' is not a number"),
    ("110000,400000,2023-01-05", "bad.csv, row 4: 3 fields, the header has 4"),
])
def test_each_kind_of_bad_row_imports_nothing(demo, tmp_path, bad_row, expected):
    good = "110010,400010,2023-01-05,x\n110020,400020,2023-01-06,x\n"
    path = tmp_path / "bad.csv"
    path.write_text("x,y,date,type\n" + good + bad_row + "\n" + good, encoding="utf-8")
    incidents_before = Incident.objects.count()
    with pytest.raises(CommandError) as info:
        _import(path)
    assert expected in str(info.value)
    assert "nothing imported" in str(info.value)
    assert not IncidentDataSet.objects.filter(is_demo=False).exists()
    assert Incident.objects.count() == incidents_before


def test_longitude_out_of_range_is_named(tmp_path):
    path = write_csv(tmp_path / "ll.csv", [("2023-01", 200.0, 52.0, "x")],
                     header="month,longitude,latitude,type")
    with pytest.raises(IncidentFileError, match=r"ll.csv, row 2, field 'longitude'/'latitude'"):
        read_incidents(path)


def test_all_errors_are_listed_not_only_the_first(tmp_path):
    path = write_csv(tmp_path / "two.csv", [(1, 2, "2023-01-01", "a"), ("q", 2, "2023-01-01", "a"),
                                            (1, 2, "gisteren", "a")])
    with pytest.raises(IncidentFileError) as info:
        read_incidents(path)
    assert [e.split(":")[0] for e in info.value.errors] == ["two.csv, row 3, field 'x'",
                                                            "two.csv, row 4, field 'date'"]


def test_missing_columns_and_bad_crs_are_explained(tmp_path):
    path = write_csv(tmp_path / "nocoords.csv", [("a", "2023-01-01")], header="street,date")
    with pytest.raises(IncidentFileError, match="no coordinate columns"):
        read_incidents(path)
    path = write_csv(tmp_path / "nodate.csv", [(1, 2)], header="x,y")
    with pytest.raises(IncidentFileError, match="no date or month column"):
        read_incidents(path)
    with pytest.raises(IncidentFileError, match="projected CRS in metres"):
        read_incidents(path, crs="EPSG:4326")


def test_upload_page_runs_the_import_as_a_job(login, tmp_path):
    client = login("analist")
    path = write_csv(tmp_path / "upload.csv", clustered_rows())
    with path.open("rb") as handle:
        response = client.post("/hotspots/import/", {"file": handle, "name": "Geupload"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    data_set = IncidentDataSet.objects.get(name="Geupload")
    assert data_set.n_incidents == 162 and data_set.imported_by.username == "analist"
    assert f"/hotspots/datasets/{data_set.pk}/" in job_page.content.decode()
    report = client.get(f"/hotspots/datasets/{data_set.pk}/")
    assert "woninginbraak" in report.content.decode()


def test_upload_of_a_bad_file_fails_the_job_and_saves_nothing(login, tmp_path):
    client = login("analist")
    path = write_csv(tmp_path / "broken.csv",
                     [(1, 2, "2023-01-01", "a"), ("q", 2, "2023-01-01", "a")])
    with path.open("rb") as handle:
        response = client.post("/hotspots/import/", {"file": handle})
    page = client.get(response["Location"]).content.decode()
    assert "broken.csv, row 3, field &#x27;x&#x27;" in page
    assert not IncidentDataSet.objects.filter(source_file="broken.csv").exists()
