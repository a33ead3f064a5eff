"""CBS import: aggregation by what a column is, CBS's decimals, catalogue mapping, and the
import as a newcomer meets it (issue 11, points 6, 8, 9 and 14)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import shared_data
from tests.figures.factories import build_town, indicator, shown
from wijkregie.figures import cbs_columns, cbs_odata
from wijkregie.figures.models import Aggregation, Indicator, Observation
from wijkregie.figures.services import FiguresImportError, import_cbs, import_own_figures

pytestmark = pytest.mark.django_db

_TOPICS = {  # CBS key -> (title, unit, decimals, datatype), as in 85984NED
    "AantalInwoners_5": ("Aantal inwoners", "aantal", 0, "Long"),
    "HuishoudensTotaal_29": ("Huishoudens totaal", "aantal", 0, "Long"),
    "GemiddeldeHuishoudensgrootte_33": ("Gemiddelde huishoudensgrootte", "aantal", 1, "Double"),
    "Bevolkingsdichtheid_34": ("Bevolkingsdichtheid", "aantal inwoners per km²", 0, "Long"),
    "OppervlakteLand_123": ("Oppervlakte land", "ha", 0, "Long"),
    "OnbekendeKolom_200": ("Een kolom die niet in de mapping staat", "aantal", 0, "Long"),
}


def _properties(tmp_path, keys=tuple(_TOPICS)):
    items = [{"odata.type": "Cbs.OData.GeoDetail", "ID": 0, "Position": 0, "ParentID": None,
              "Type": "GeoDetail", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten"}]
    for index, key in enumerate(keys, start=1):
        title, unit, decimals, datatype = _TOPICS[key]
        items.append({"odata.type": "Cbs.OData.Topic", "ID": index,
                      "Position": int(key.rsplit("_", 1)[1]), "ParentID": None,
                      "Type": "Topic", "Key": key, "Title": title, "Description": title,
                      "Datatype": datatype, "Unit": unit, "Decimals": decimals})
    path = tmp_path / "DataProperties.json"
    path.write_text(json.dumps(items))
    return path


def _stripped(tmp_path, values: dict, name: str = "data.json"):
    path = tmp_path / name
    path.write_text(json.dumps(values))
    return path


@pytest.fixture
def town():
    return build_town()


# --- point 8: aggregation by what the column is ---------------------------------------

def test_household_size_is_a_mean_weighted_by_households_not_a_sum(town, tmp_path):
    b = [a.code for a in town.buurten]
    data = _stripped(tmp_path, {
        b[0]: {"HuishoudensTotaal_29": 100, "GemiddeldeHuishoudensgrootte_33": 2.1},
        b[1]: {"HuishoudensTotaal_29": 300, "GemiddeldeHuishoudensgrootte_33": 2.3},
        b[2]: {"HuishoudensTotaal_29": 100, "GemiddeldeHuishoudensgrootte_33": 2.0},
        b[3]: {"HuishoudensTotaal_29": 100, "GemiddeldeHuishoudensgrootte_33": 2.2}})
    import_cbs(properties=_properties(tmp_path), data=data, data_format="stripped",
               year=2024)
    size = Indicator.objects.get(key="GemiddeldeHuishoudensgrootte")
    assert size.aggregation == Aggregation.WEIGHTED_MEAN
    assert size.denominator.key == "huishoudens"  # CBS's households, in the catalogue key
    assert shown(size, town.wijken[0]).value == pytest.approx(2.25)  # (210 + 690) / 400
    assert shown(size, town.gemeente).value == pytest.approx(2.2)  # 1320 / 600, not 8.6
    assert shown(size, town.gemeente).shown_text == "2,2"


def test_density_is_weighted_by_land_surface(town, tmp_path):
    b = [a.code for a in town.buurten]
    data = _stripped(tmp_path, {code: {"Bevolkingsdichtheid_34": density,
                                       "OppervlakteLand_123": land}
                                for code, density, land in zip(b, (1000, 3000, 500, 500),
                                                               (300, 100, 50, 50),
                                                               strict=True)})
    import_cbs(properties=_properties(tmp_path), data=data, data_format="stripped",
               year=2024)
    density = Indicator.objects.get(key="Bevolkingsdichtheid")
    # (1000·300 + 3000·100) / 400 = 1500 inhabitants per km² land, not 4000 nor 2000.
    assert shown(density, town.wijken[0]).value == 1500


def test_a_column_outside_the_reviewed_mapping_is_not_aggregated(town, tmp_path):
    b = [a.code for a in town.buurten]
    data = _stripped(tmp_path, {code: {"OnbekendeKolom_200": 1} for code in b})
    import_cbs(properties=_properties(tmp_path), data=data, data_format="stripped",
               year=2024)
    unknown = Indicator.objects.get(key="OnbekendeKolom")
    assert unknown.aggregation == Aggregation.NONE
    assert not Observation.objects.filter(indicator=unknown, area=town.wijken[0]).exists()


@pytest.mark.shared_data
def test_every_kerncijfers_column_has_a_reviewed_rule():
    metadata = cbs_odata.load_data_properties(shared_data("cbs-kwb-2024") / "DataProperties.json")
    keys = {meta.key for meta in metadata.numeric_indicators}
    assert len(keys) == 123
    assert keys == set(cbs_columns.KERNCIJFERS)
    for key, rule in cbs_columns.KERNCIJFERS.items():
        if rule.weight is not None:
            assert rule.weight in keys, key
            assert cbs_columns.KERNCIJFERS[rule.weight].kind == "count", key
    assert cbs_columns.rule_for("GemiddeldeHuishoudensgrootte").kind == "mean"
    assert cbs_columns.rule_for("MediaanVermogenVanParticuliereHuish").kind == "none"


# --- point 9: CBS's decimals -----------------------------------------------------------

def test_cbs_decimals_are_shown_and_exported(town, tmp_path):
    data = _stripped(tmp_path, {town.buurten[0].code: {"GemiddeldeHuishoudensgrootte_33": 2.1}})
    import_cbs(properties=_properties(tmp_path), data=data, data_format="stripped",
               year=2024)
    figure = shown(Indicator.objects.get(key="GemiddeldeHuishoudensgrootte"), town.buurten[0])
    assert (figure.shown_value, figure.shown_text) == (2.1, "2,1")


# --- point 14: the catalogue holds CBS's inhabitants once, as the denominator ----------

def test_cbs_inhabitants_are_the_catalogues_inwoners_and_serve_rates(town, tmp_path):
    inwoners = indicator("inwoners", unit="aantal")
    Indicator.objects.filter(pk=inwoners.pk).update(name_nl="Aantal inwoners")
    indicator("bijstand_rate", Aggregation.RATE_PER_1000, denominator=inwoners,
              disclosure={"decimals": 1, "min_denominator": 50}, unit="per 1.000 inwoners")
    b = [a.code for a in town.buurten]
    own = tmp_path / "eigen.csv"
    own.write_text("gebiedscode,periode,indicator,waarde\n"
                   + "".join(f"{code},2024,bijstand_rate,{rate}\n"
                             for code, rate in zip(b, (40, 60, 50, 50), strict=True)))
    import_own_figures(own, municipality=town.municipality)
    data = _stripped(tmp_path, {code: {"AantalInwoners_5": 1000} for code in b})
    report = import_cbs(properties=_properties(tmp_path), data=data, data_format="stripped",
                        year=2024)
    assert Indicator.objects.filter(name_nl="Aantal inwoners").count() == 1
    assert not Indicator.objects.filter(key="AantalInwoners").exists()
    assert report.mapped == {"AantalInwoners": "inwoners"}
    rate = Indicator.objects.get(key="bijstand_rate")
    assert shown(rate, town.buurten[0]).shown_text == "40,0"  # was "x" (no denominator)
    assert shown(rate, town.wijken[0]).value == 50  # 1000 · 100 / 2000


# --- points 6 and 14: the command as a newcomer meets it ------------------------------

def test_format_and_table_are_detected_from_the_files(town, tmp_path, capsys):
    properties = _properties(tmp_path)
    (tmp_path / "TableInfos.json").write_text(json.dumps([
        {"ID": 0, "Identifier": "85984NED", "Period": "2024",
         "Title": "Kerncijfers wijken en buurten 2024"}]))
    stripped = _stripped(tmp_path, {town.buurten[0].code: {"AantalInwoners_5": 10}})
    call_command("import_cbs", "--properties", str(properties), "--data", str(stripped),
                 "--year", "2024")
    assert "format stripped, table 85984NED" in capsys.readouterr().out
    assert "85984NED" in Indicator.objects.get(key="inwoners").source
    typed = _stripped(tmp_path, {"value": [{"ID": 0, "WijkenEnBuurten": "BU09990001  ",
                                            "AantalInwoners_5": 12}]}, "TypedDataSet.json")
    call_command("import_cbs", "--properties", str(properties), "--data", str(typed))
    assert "format typed" in capsys.readouterr().out  # year from TableInfos
    untyped = _stripped(tmp_path, {"value": [{"ID": 0, "WijkenEnBuurten": "BU09990001",
                                              "AantalInwoners_5": "x"}]}, "Untyped.json")
    call_command("import_cbs", "--properties", str(properties), "--data", str(untyped),
                 "--year", "2024")
    assert "format untyped" in capsys.readouterr().out
    assert Observation.objects.get(area=town.buurten[1], derived=False).status == "suppressed"


def test_missing_cbs_file_gives_a_message(town, tmp_path):
    with pytest.raises(CommandError, match=r"(?s)DataProperties.json: .*file not found"):
        call_command("import_cbs", "--properties", str(tmp_path / "DataProperties.json"),
                     "--data", str(tmp_path / "data.json"), "--year", "2024")
    properties = _properties(tmp_path)
    with pytest.raises(CommandError, match=r"(?s)data.json: .*file not found"):
        call_command("import_cbs", "--properties", str(properties),
                     "--data", str(tmp_path / "data.json"), "--year", "2024")


def test_duplicate_area_row_in_a_cbs_file_gives_a_message(town, tmp_path):
    code = town.buurten[0].code
    typed = _stripped(tmp_path, {"value": [
        {"ID": 0, "WijkenEnBuurten": code, "AantalInwoners_5": 12},
        {"ID": 1, "WijkenEnBuurten": town.buurten[1].code, "AantalInwoners_5": 12},
        {"ID": 2, "WijkenEnBuurten": code.ljust(10), "AantalInwoners_5": 13}]})
    with pytest.raises(FiguresImportError, match=rf"row 2: area {code} is also in row 0"):
        import_cbs(properties=_properties(tmp_path), data=typed, data_format="typed",
                   year=2024)
    stripped = tmp_path / "dup.json"
    stripped.write_text(f'{{"{code}": {{"AantalInwoners_5": 1}}, '
                        f'"{code}": {{"AantalInwoners_5": 2}}}}')
    with pytest.raises(FiguresImportError, match=rf"{code} appears twice"):
        import_cbs(properties=_properties(tmp_path), data=stripped, data_format="stripped",
                   year=2024)
    assert not Observation.objects.exists()
