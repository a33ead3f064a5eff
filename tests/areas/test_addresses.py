"""Address points (BAG) as the gazetteer of registration: an import that is checked whole
and changes only what its file names, and a look-up by street or postcode that finds the
house and its buurt."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command

from wijkregie.areas.addresses import AddressFileError, find_addresses, import_addresses
from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.areas.models import Address, Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.signals import geocoding

pytestmark = pytest.mark.django_db
HEADER = "openbare_ruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;x;y\n"


def _buurt_point(municipality, index: int = 0) -> tuple[Area, float, float]:  # type: ignore[no-untyped-def]
    buurt = Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT).order_by(
        "code")[index]
    point = shapely.point_on_surface(to_rd(from_geojson(buurt.geometry)))
    return buurt, round(point.x, 1), round(point.y, 1)


def _file(tmp_path: Path, body: str, name: str = "adressen.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _agent_town(demo):  # type: ignore[no-untyped-def]
    return User.objects.get(username="agent").municipality


def test_the_demo_has_addresses_and_a_typed_address_finds_its_house_and_buurt(demo):
    town = _agent_town(demo)
    kade = Address.objects.filter(municipality=town, street="Kade").order_by("number")
    assert kade.count() >= 4
    house = kade[2]
    places = geocoding.find_place(town, f"kade  {house.number}")
    assert places[0].address.startswith(f"Kade {house.number},")
    assert (places[0].x_rd, places[0].y_rd) == (house.x_rd, house.y_rd)
    buurt = places[0].area
    assert buurt.level == AreaLevel.BUURT
    assert to_rd(from_geojson(buurt.geometry)).contains(shapely.Point(house.x_rd, house.y_rd))
    by_postcode = geocoding.find_place(
        town, f"{house.postcode[:4]} {house.postcode[4:].lower()} {house.number}")
    assert by_postcode[0].address == places[0].address


def test_an_import_adds_and_updates_what_it_names_and_keeps_the_rest(demo, tmp_path):
    town = _agent_town(demo)
    before = Address.objects.filter(municipality=town).count()
    kept = Address.objects.filter(municipality=town, street="Kade").order_by("number")[0]
    _buurt, x, y = _buurt_point(town, 1)
    path = _file(tmp_path, f"Nieuwstraat;1;;;9999ZZ;{town.name};{x};{y}\n"
                           f"Nieuwstraat;1;a;2;9999ZZ;{town.name};{x + 5};{y}\n"
                           f"Kade;{kept.number};;;{kept.postcode};{town.name};{x};{y}\n")
    report = import_addresses(path, town)
    assert (report.created, report.updated, report.removed) == (2, 1, 0)
    assert Address.objects.filter(municipality=town).count() == before + 2
    kept.refresh_from_db()
    assert (kept.x_rd, kept.y_rd) == (x, y)
    found = find_addresses(town, "Nieuwstraat 1a-2")
    assert found[0].label == f"Nieuwstraat 1A-2, 9999 ZZ {town.name}"


def test_replace_removes_what_the_file_does_not_name_and_says_how_many(demo, tmp_path):
    town = _agent_town(demo)
    before = Address.objects.filter(municipality=town).count()
    _buurt, x, y = _buurt_point(town)
    report = import_addresses(_file(tmp_path, f"Kade;999;;;;{town.name};{x};{y}\n"), town,
                              replace=True)
    assert report.removed == before
    assert list(Address.objects.filter(municipality=town).values_list("number", flat=True)) \
        == [999]


@pytest.mark.parametrize(("row", "named"), [
    ("Kade;vier;;;;Plaats;{x};{y}", "row 3, huisnummer: 'vier' is not a house number"),
    ("Kade;4;ab;;;Plaats;{x};{y}", "row 3, huisletter: 'ab' is not one letter"),
    ("Kade;4;;;12345;Plaats;{x};{y}", "row 3, postcode: '12345' is not a postcode"),
    ("Kade;4;;;;Plaats;{x};abc", "row 3, x/y: not a number"),
    ("Kade;4;;;;Plaats;12;34", "row 3, x/y: (12.0, 34.0) is not an RD New point"),
    ("Kade;4;;;;Plaats;{far_x};{y}", "row 3: the point lies outside"),
    (";4;;;;Plaats;{x};{y}", "row 3, openbare_ruimte: empty"),
    ("Kade;1;;;;Plaats;{x};{y}", "row 3: the same address as row 2"),
])
def test_a_wrong_row_is_named_and_nothing_is_imported(demo, tmp_path, row, named):
    town = _agent_town(demo)
    before = set(Address.objects.filter(municipality=town).values_list("pk", "x_rd"))
    _buurt, x, y = _buurt_point(town)
    path = _file(tmp_path, f"Kade;1;;;;Plaats;{x};{y}\n"
                           + row.format(x=x, y=y, far_x=x + 40_000) + "\n")
    with pytest.raises(AddressFileError) as error:
        import_addresses(path, town, replace=True)
    assert any(named in problem and "adressen.csv" in problem
               for problem in error.value.problems), error.value.problems
    assert set(Address.objects.filter(municipality=town).values_list("pk", "x_rd")) == before


def test_lon_lat_files_and_missing_columns(demo, tmp_path):
    town = _agent_town(demo)
    buurt, _x, _y = _buurt_point(town)
    point = shapely.point_on_surface(from_geojson(buurt.geometry))
    path = tmp_path / "wgs84.csv"
    path.write_text(f"straat,huisnummer,woonplaats,lon,lat\nLaan,3,{town.name},{point.x},"
                    f"{point.y}\n", encoding="utf-8")
    assert import_addresses(path, town).created == 1
    assert geocoding.find_place(town, "Laan 3")[0].area == buurt
    bad = tmp_path / "geen-punt.csv"
    bad.write_text("straat,huisnummer\nLaan,3\n", encoding="utf-8")
    with pytest.raises(AddressFileError, match=r"geen-punt.csv: missing column\(s\) x and y"):
        import_addresses(bad, town)


def test_the_command_names_the_problem_and_reports_counts(demo, tmp_path, capsys):
    town = _agent_town(demo)
    _buurt, x, y = _buurt_point(town)
    with pytest.raises(CommandError, match="--municipality: no municipality GM0001"):
        call_command("import_addresses", str(_file(tmp_path, "")), municipality="GM0001")
    with pytest.raises(CommandError, match=r"(?s)nothing imported:.*no addresses in the file"):
        call_command("import_addresses", str(_file(tmp_path, "")), municipality=town.code)
    call_command("import_addresses", str(_file(tmp_path, f"Kade;501;;;;{town.name};{x};{y}\n")),
                 municipality=town.code)
    assert "1 addresses added, 0 updated, 0 removed" in capsys.readouterr().out


def test_the_registration_page_finds_an_address_and_fills_it_in(demo, login):
    town = _agent_town(demo)
    house = Address.objects.filter(municipality=town, street="Dorpsstraat").order_by(
        "number")[0]
    agent = login("agent")
    response = agent.post("/signals/register/", {
        "category": "overlast", "pillar": "safety", "reliability": "own",
        "sensitivity": "normal", "description": "Overlast",
        "observed_on": (date.today() - timedelta(days=1)).isoformat(),
        "place": f"Dorpsstraat {house.number}", "locate": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["address"] == house.label
    assert (float(form.initial["x_rd"]), float(form.initial["y_rd"])) == (house.x_rd, house.y_rd)
    assert form.initial["area_code"] == response.context["located"][0].area.code
