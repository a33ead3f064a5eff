"""CBS Kerncijfers wijken en buurten: real 2024 metadata and values, CBS's own formats."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import shared_data
from tests.figures.factories import build_town
from wijkregie.areas.services import import_area_files
from wijkregie.figures.models import Indicator, Observation
from wijkregie.figures.services import FiguresImportError, import_cbs

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def kwb():
    return shared_data("cbs-kwb-2024")


@pytest.fixture
def real_areas():
    folder = shared_data("cbs-wijken-2024")
    import_area_files([folder / "gemeente_2024.topojson", folder / "wijk_2024.geojson"])


def _typed_rows(stripped: dict) -> dict:
    """CBS's TypedDataSet shape, built from the stripped values as its README describes."""
    rows = []
    for index, (code, values) in enumerate(stripped.items()):
        padded = code.ljust(10)
        rows.append({"ID": index, "WijkenEnBuurten": padded, "Codering_3": padded,
                     "SoortRegio_2": ("Gemeente" if code.startswith("GM") else "Wijk").ljust(10),
                     **values})
    return {"value": rows}


@pytest.mark.shared_data
def test_real_cbs_data_end_to_end(kwb, real_areas, tmp_path, client):
    """One run over the real data (it takes a while): import in CBS's TypedDataSet
    shape, metadata, consistency of wijken with their gemeente, and the wijk map."""
    stripped = json.loads((kwb / "stripped_filtered_data_2024.json").read_text())
    typed = tmp_path / "TypedDataSet.json"
    typed.write_text(json.dumps(_typed_rows(stripped)))
    report = import_cbs(properties=kwb / "DataProperties.json", data=typed,
                        data_format="typed", year=2024, table="85984NED")
    assert report.indicators == 8 and len(report.municipalities) == 342
    _check_metadata(kwb, stripped)
    _check_readme_command(kwb, len(report.municipalities))
    _check_wijken_against_gemeenten()
    _check_wijk_map(client)


def _check_metadata(kwb, stripped: dict) -> None:
    properties = {p["Key"]: p for p in json.loads((kwb / "DataProperties.json").read_text())}
    # AantalInwoners_5 is the catalogue's "inwoners" (one indicator, the denominator).
    inhabitants = Indicator.objects.get(key="inwoners")
    assert not Indicator.objects.filter(key="AantalInwoners").exists()
    assert inhabitants.name_nl == "Aantal inwoners" and inhabitants.unit == "aantal"
    assert "85984NED" in inhabitants.source and inhabitants.aggregation == "sum"
    density = Indicator.objects.get(key="Bevolkingsdichtheid")
    assert density.definition.strip() == properties["Bevolkingsdichtheid_34"]["Description"].strip()
    # A density does not add up: inhabitants per km² land, weighted by land surface.
    assert density.aggregation == "weighted_mean"
    assert density.denominator.key == "OppervlakteLand"
    amsterdam = Observation.objects.get(indicator=inhabitants, area__code="GM0363", year=2024)
    assert amsterdam.value == stripped["GM0363"]["AantalInwoners_5"]
    assert not amsterdam.derived  # CBS's own gemeente figure, never replaced by a sum
    delivered = Observation.objects.filter(derived=False).count()
    assert delivered == sum(len(v) for v in stripped.values())


def _check_readme_command(kwb, municipalities: int) -> None:
    """The README's command on the shipped files, as a newcomer types it: no --format
    (the stripped file is recognised), no --table (TableInfos.json lies beside it)."""
    from io import StringIO

    out = StringIO()
    call_command("import_cbs", "--properties", str(kwb / "DataProperties.json"),
                 "--data", str(kwb / "stripped_filtered_data_2024.json"), "--year", "2024",
                 stdout=out)
    assert (f"for {municipalities} municipalities (format stripped, table 85984NED, "
            "year 2024)") in out.getvalue()
    assert "CBS column AantalInwoners fills catalogue indicator inwoners" in out.getvalue()


def _check_wijken_against_gemeenten() -> None:
    """Per municipality: do its wijken add up to the gemeente figure? CBS rounds wijk
    figures, so many do not; the differences are reported, never forced."""
    inhabitants = Indicator.objects.get(key="inwoners")
    gemeente = dict(Observation.objects.filter(indicator=inhabitants, area__level="gemeente")
                    .values_list("area__code", "value"))
    sums: dict[str, float] = {}
    for code, value in Observation.objects.filter(
            indicator=inhabitants, area__level="wijk").values_list("area__parent__code",
                                                                   "value"):
        sums[code] = sums.get(code, 0) + value
    differing = {code: (gemeente[code], sums[code]) for code in gemeente
                 if sums.get(code) != gemeente[code]}
    largest = max(differing.items(), key=lambda i: abs(i[1][0] - i[1][1]))
    print(f"\n{len(differing)} of {len(gemeente)} gemeenten differ from the sum of their "
          f"wijken; largest difference: {largest}")
    assert len(gemeente) == 342
    assert len(differing) == 305  # as the parser-level report finds (37 add up exactly)
    assert all(abs(g - s) / g < 0.01 for g, s in differing.values())


def _check_wijk_map(client) -> None:
    from django.contrib.auth.models import Group

    from wijkregie.core.models import Municipality, Organisation, User

    org = Organisation.objects.create(name="Gemeente Utrecht", type="municipality")
    user = User.objects.create(username="u", organisation=org,
                               municipality=Municipality.objects.get(code="GM0344"))
    user.groups.add(Group.objects.get(name="analyst"))
    client.force_login(user)
    page = client.get("/figures/indicators/inwoners/?level=wijk").content.decode()
    data = json.loads(page.split('id="map-data" type="application/json">')[1]
                      .split("</script>")[0])
    expected = Observation.objects.filter(area__parent__code="GM0344",
                                          indicator__key="inwoners").count()
    assert len(data["features"]) == expected > 5
    assert all(f["properties"]["class"] is not None for f in data["features"])


def test_secret_and_unknown_cbs_cells_are_not_numbers(tmp_path):
    town = build_town("GM0999")
    properties = tmp_path / "DataProperties.json"
    properties.write_text(json.dumps([
        {"odata.type": "Cbs.OData.GeoDetail", "ID": 0, "Position": 0, "ParentID": None,
         "Type": "GeoDetail", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten"},
        {"odata.type": "Cbs.OData.Topic", "ID": 1, "Position": 5, "ParentID": None,
         "Type": "Topic", "Key": "AantalInwoners_5", "Title": "Aantal inwoners",
         "Description": "Inwoners op 1 januari", "Datatype": "Long", "Unit": "aantal",
         "Decimals": 0},
    ]))
    data = tmp_path / "UntypedDataSet.json"
    data.write_text(json.dumps({"value": [
        {"ID": 0, "WijkenEnBuurten": "BU09990000", "AantalInwoners_5": "x"},
        {"ID": 1, "WijkenEnBuurten": "BU09990001", "AantalInwoners_5": "."},
        {"ID": 2, "WijkenEnBuurten": "BU09990100", "AantalInwoners_5": "1234"},
    ]}))
    import_cbs(properties=properties, data=data, data_format="untyped", year=2024)
    statuses = dict(Observation.objects.filter(area__level="buurt").values_list(
        "area__code", "status"))
    assert statuses == {"BU09990000": "suppressed", "BU09990001": "missing",
                        "BU09990100": "value"}
    assert Observation.objects.get(area__code="BU09990000").value is None
    assert town.gemeente.code == "GM0999"


def test_unknown_area_imports_nothing(tmp_path):
    build_town("GM0999")
    properties = tmp_path / "p.json"
    properties.write_text(json.dumps([
        {"odata.type": "Cbs.OData.Topic", "ID": 1, "Position": 5, "ParentID": None,
         "Type": "Topic", "Key": "AantalInwoners_5", "Title": "Aantal inwoners",
         "Datatype": "Long", "Unit": "aantal", "Decimals": 0}]))
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"GM0999": {"AantalInwoners_5": 10},
                                "GM0123": {"AantalInwoners_5": 5}}))
    with pytest.raises(FiguresImportError, match="GM0123 is not in the register"):
        import_cbs(properties=properties, data=data, data_format="stripped", year=2024)
    assert not Observation.objects.exists() and not Indicator.objects.exists()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_cbs", "--properties", str(properties), "--data", str(data),
                     "--format", "stripped", "--year", "2024")
