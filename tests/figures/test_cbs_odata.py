"""CBS OData parsing, on small hand-made payloads and on the real 2024 files."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from wijkregie.figures.aggregation import GroupMembership, PartValues, aggregate
from wijkregie.figures.cbs_odata import (
    AreaLevel,
    CbsFormatError,
    ObservationStatus,
    area_level,
    gemeente_code_of,
    load_data_properties,
    parse_cbs_cell,
    parse_data_properties,
    parse_stripped_dataset,
    parse_typed_dataset,
    parse_untyped_dataset,
    strip_position_suffix,
)

# Same location rule as tests/conftest.py, restated so these tests stay Django-free.
SHARED_DATA = Path(
    os.environ.get("WIJKREGIE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
DATA_DIR = SHARED_DATA / "cbs-kwb-2024"

PROPERTIES = [
    {
        "odata.type": "Cbs.OData.GeoDetail",
        "ID": 0,
        "Position": 0,
        "ParentID": None,
        "Type": "GeoDetail",
        "Key": "WijkenEnBuurten",
        "Title": "Wijken en buurten",
    },
    {
        "odata.type": "Cbs.OData.TopicGroup",
        "ID": 1,
        "Position": None,
        "ParentID": None,
        "Type": "TopicGroup",
        "Key": "",
        "Title": "Regioaanduiding",
    },
    {
        "odata.type": "Cbs.OData.Topic",
        "ID": 2,
        "Position": 1,
        "ParentID": 1,
        "Type": "Topic",
        "Key": "Gemeentenaam_1",
        "Title": "Gemeentenaam",
        "Description": "Naam",
        "Datatype": "String",
        "Unit": "naam",
        "Decimals": 0,
    },
    {
        "odata.type": "Cbs.OData.Topic",
        "ID": 3,
        "Position": 2,
        "ParentID": 1,
        "Type": "Topic",
        "Key": "SoortRegio_2",
        "Title": "Soort regio",
        "Description": None,
        "Datatype": "String",
        "Unit": "omschrijving",
        "Decimals": 0,
    },
    {
        "odata.type": "Cbs.OData.TopicGroup",
        "ID": 4,
        "Position": None,
        "ParentID": None,
        "Type": "TopicGroup",
        "Key": "",
        "Title": "Bevolking",
    },
    {
        "odata.type": "Cbs.OData.Topic",
        "ID": 5,
        "Position": 5,
        "ParentID": 4,
        "Type": "Topic",
        "Key": "AantalInwoners_5",
        "Title": "Aantal inwoners ",
        "Description": None,
        "Datatype": "Long",
        "Unit": "aantal",
        "Decimals": 0,
    },
    {
        "odata.type": "Cbs.OData.TopicGroup",
        "ID": 6,
        "Position": None,
        "ParentID": 4,
        "Type": "TopicGroup",
        "Key": "",
        "Title": "Leeftijdsgroepen",
    },
    {
        "odata.type": "Cbs.OData.Topic",
        "ID": 7,
        "Position": 8,
        "ParentID": 6,
        "Type": "Topic",
        "Key": "k_0Tot15Jaar_8",
        "Title": "0 tot 15 jaar",
        "Description": "Jong",
        "Datatype": "Long",
        "Unit": "aantal",
        "Decimals": 0,
    },
    {
        "odata.type": "Cbs.OData.Topic",
        "ID": 8,
        "Position": 9,
        "ParentID": 4,
        "Type": "Topic",
        "Key": "Bevolkingsdichtheid_9",
        "Title": "Bevolkingsdichtheid",
        "Description": "",
        "Datatype": "Double",
        "Unit": "per km²",
        "Decimals": 1,
    },
]


@pytest.fixture
def metadata():
    return parse_data_properties({"value": PROPERTIES})


def test_data_properties_strip_suffix_and_keep_theme_path(metadata):
    by_key = {meta.key: meta for meta in metadata.indicators}
    assert metadata.geo_key == "WijkenEnBuurten"
    assert set(by_key) == {
        "Gemeentenaam",
        "SoortRegio",
        "AantalInwoners",
        "k_0Tot15Jaar",
        "Bevolkingsdichtheid",
    }
    young = by_key["k_0Tot15Jaar"]
    assert young.cbs_key == "k_0Tot15Jaar_8"
    assert young.theme_path == ("Bevolking", "Leeftijdsgroepen")
    assert by_key["AantalInwoners"].title == "Aantal inwoners"
    assert by_key["Bevolkingsdichtheid"].decimals == 1
    assert [meta.key for meta in metadata.numeric_indicators] == [
        "AantalInwoners",
        "k_0Tot15Jaar",
        "Bevolkingsdichtheid",
    ]


def test_colliding_keys_are_qualified_by_the_group_that_differs():
    properties = [
        {"ID": 1, "ParentID": None, "Type": "TopicGroup", "Title": "Herkomstland"},
        {"ID": 2, "ParentID": None, "Type": "TopicGroup", "Title": "Geboren in Nederland"},
        {
            "ID": 3,
            "ParentID": 1,
            "Type": "Topic",
            "Key": "Nederland_17",
            "Position": 17,
            "Title": "Nederland",
            "Datatype": "Long",
        },
        {
            "ID": 4,
            "ParentID": 2,
            "Type": "Topic",
            "Key": "Nederland_20",
            "Position": 20,
            "Title": "Nederland",
            "Datatype": "Long",
        },
    ]
    keys = [meta.key for meta in parse_data_properties(properties).indicators]
    assert keys == ["Nederland__Herkomstland", "Nederland__GeborenInNederland"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"Key": "AantalInwoners_6"}, "Key"),
        ({"Position": None}, "Position"),
        ({"ParentID": 99}, "ParentID"),
        ({"Datatype": 3}, "Datatype"),
    ],
)
def test_malformed_data_properties_name_row_and_field(change, field):
    properties = [dict(item) for item in PROPERTIES]
    properties[5].update(change)
    with pytest.raises(CbsFormatError) as error:
        parse_data_properties(properties, source="props.json")
    assert (error.value.source, error.value.row, error.value.field) == ("props.json", 5, field)
    assert "props.json, row 5" in str(error.value)


def test_typed_rows_strip_padding_and_keep_nulls_non_numeric(metadata):
    payload = {
        "value": [
            {
                "ID": 0,
                "WijkenEnBuurten": "GM1680    ",
                "Gemeentenaam_1": "Aa en Hunze    ",
                "SoortRegio_2": "Gemeente  ",
                "AantalInwoners_5": 25845,
                "k_0Tot15Jaar_8": None,
            },
            {
                "ID": 1,
                "WijkenEnBuurten": "WK0363AA  ",
                "SoortRegio_2": "Wijk      ",
                "AantalInwoners_5": 1200,
                "Bevolkingsdichtheid_9": 5230.5,
            },
        ]
    }
    parsed = parse_typed_dataset(payload, metadata)
    assert [(r.code, r.level, r.name, r.kind) for r in parsed.regions] == [
        ("GM1680", AreaLevel.GEMEENTE, "Aa en Hunze", "Gemeente"),
        ("WK0363AA", AreaLevel.WIJK, "", "Wijk"),
    ]
    found = {(o.area_code, o.key): (o.value, o.status) for o in parsed.observations}
    assert found == {
        ("GM1680", "AantalInwoners"): (25845, ObservationStatus.OK),
        ("GM1680", "k_0Tot15Jaar"): (None, ObservationStatus.MISSING),
        ("WK0363AA", "AantalInwoners"): (1200, ObservationStatus.OK),
        ("WK0363AA", "Bevolkingsdichtheid"): (5230.5, ObservationStatus.OK),
    }


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"WijkenEnBuurten": "XX1234"}, None, "invalid area code"),
        ({"WijkenEnBuurten": "WK03631"}, None, "invalid area code"),
        ({"AantalInwoners_5": "25845"}, "AantalInwoners_5", "expected a number"),
        ({"AantalInwoners_5": True}, "AantalInwoners_5", "expected a number"),
        ({"Onbekend_99": 1}, "Onbekend_99", "not in DataProperties"),
    ],
)
def test_malformed_typed_rows_name_row_and_field(metadata, row, field, message):
    rows = [{"ID": 0, "WijkenEnBuurten": "GM0363"}, {"ID": 1, "WijkenEnBuurten": "GM0344", **row}]
    with pytest.raises(CbsFormatError, match=message) as error:
        parse_typed_dataset(rows, metadata, source="typed.json")
    assert (error.value.row, error.value.field) == (1, field)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  25845", (25845, ObservationStatus.OK)),
        ("12.5", (12.5, ObservationStatus.OK)),
        ("x", (None, ObservationStatus.SUPPRESSED)),
        ("       .", (None, ObservationStatus.MISSING)),
        ("?", (None, ObservationStatus.MISSING)),
        ("", (None, ObservationStatus.MISSING)),
        ("-", (0, ObservationStatus.OK)),
    ],
)
def test_cbs_symbols(cell, expected):
    assert parse_cbs_cell(cell) == expected


def test_untyped_rows_map_symbols_and_reject_text(metadata):
    rows = [
        {
            "ID": 0,
            "WijkenEnBuurten": "BU0363AA01",
            "AantalInwoners_5": "x",
            "k_0Tot15Jaar_8": "     .",
        }
    ]
    statuses = [o.status for o in parse_untyped_dataset(rows, metadata).observations]
    assert statuses == [ObservationStatus.SUPPRESSED, ObservationStatus.MISSING]
    rows[0]["AantalInwoners_5"] = "veel"
    with pytest.raises(CbsFormatError) as error:
        parse_untyped_dataset(rows, metadata, source="untyped.csv")
    assert (error.value.row, error.value.field) == (0, "AantalInwoners_5")


def test_stripped_variant(metadata):
    observations = parse_stripped_dataset(
        {"WK036300": {"AantalInwoners_5": 100, "k_0Tot15Jaar_8": None}}, metadata=metadata
    )
    assert [(o.key, o.value, o.status.value) for o in observations] == [
        ("AantalInwoners", 100, "ok"),
        ("k_0Tot15Jaar", None, "missing"),
    ]
    with pytest.raises(CbsFormatError, match="unknown numeric property"):
        parse_stripped_dataset({"GM0363": {"Gemeentenaam_1": 1}}, metadata=metadata)


def test_area_codes():
    assert strip_position_suffix("AantalInwoners_5") == "AantalInwoners"
    assert gemeente_code_of("WK0363AA") == "GM0363"
    assert gemeente_code_of("BU16800001") == "GM1680"
    assert area_level("NL00") is AreaLevel.LAND
    with pytest.raises(ValueError):
        area_level("GM363")


# --- real CBS data -------------------------------------------------------------------------

_skip_without_data = pytest.mark.skipif(
    not DATA_DIR.is_dir(), reason=f"CBS sample data folder {DATA_DIR} is absent"
)


def needs_shared_data(test):
    return pytest.mark.shared_data(_skip_without_data(test))


def typed_rows_from_stripped(stripped: dict) -> dict:
    """The TypedDataSet shape CBS serves, rebuilt from the stripped file (see its README)."""
    kinds = {"GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}
    return {
        "value": [
            {
                "ID": index,
                "WijkenEnBuurten": code.ljust(10),
                "SoortRegio_2": kinds[code[:2]].ljust(10),
                "Codering_3": code.ljust(10),
                **properties,
            }
            for index, (code, properties) in enumerate(stripped.items())
        ]
    }


def inhabitants_consistency(observations) -> tuple[list[str], dict[str, tuple[float, float]]]:
    """Gemeenten whose wijken add up to the gemeente figure, and the others with
    (gemeente figure, sum of wijken); a gemeente with an incomplete wijk sum differs."""
    inhabitants = {o.area_code: o for o in observations if o.key == "AantalInwoners"}
    wijken = [code for code in inhabitants if area_level(code) is AreaLevel.WIJK]
    parts = PartValues.from_lists(
        [inhabitants[code].value for code in wijken],
        [inhabitants[code].status.value for code in wijken],
    )
    groups = GroupMembership.from_parent_map(wijken, {c: gemeente_code_of(c) for c in wijken})
    sums = aggregate("sum", parts, groups)
    wijk_sum = dict(zip(groups.group_codes, sums.values[:, 0], strict=True))
    consistent, differing = [], {}
    for code, observation in inhabitants.items():
        if area_level(code) is not AreaLevel.GEMEENTE:
            continue
        total = wijk_sum.get(code, np.nan)
        if observation.value is not None and total == observation.value:
            consistent.append(code)
        else:
            differing[code] = (observation.value, total)
    return consistent, differing


@needs_shared_data
def test_real_data_properties():
    metadata = load_data_properties(DATA_DIR / "DataProperties.json")
    raw = json.loads((DATA_DIR / "DataProperties.json").read_text(encoding="utf-8"))
    assert len(raw) == 172
    kinds = Counter(item["Type"] for item in raw)
    assert len(metadata.indicators) == kinds["Topic"] == 128
    assert len(metadata.topic_groups) == kinds["TopicGroup"]
    assert len({meta.key for meta in metadata.indicators}) == 128
    assert metadata.by_cbs_key()["AantalInwoners_5"].key == "AantalInwoners"


@needs_shared_data
def test_real_data_wijken_add_up_to_gemeenten(record_property):
    metadata = load_data_properties(DATA_DIR / "DataProperties.json")
    stripped = json.loads((DATA_DIR / "stripped_filtered_data_2024.json").read_text())
    parsed = parse_typed_dataset(typed_rows_from_stripped(stripped), metadata)
    consistent, differing = inhabitants_consistency(parsed.observations)

    # Independent recount straight from the JSON, with plain Python.
    wijk_totals: dict[str, int] = {}
    for code, properties in stripped.items():
        if code.startswith("WK"):
            gemeente = "GM" + code[2:6]
            wijk_totals[gemeente] = wijk_totals.get(gemeente, 0) + properties["AantalInwoners_5"]
    gemeenten = [code for code in stripped if code.startswith("GM")]
    expected = sorted(g for g in gemeenten if wijk_totals[g] == stripped[g]["AantalInwoners_5"])

    assert sorted(consistent) == expected
    assert len(consistent) + len(differing) == len(gemeenten) == 342
    largest = max(differing.items(), key=lambda item: abs(item[1][0] - item[1][1]))
    report = (
        f"{len(consistent)} of {len(gemeenten)} gemeenten equal the sum of their wijken; "
        f"{len(differing)} differ (largest: {largest[0]} {largest[1][0]:.0f} vs "
        f"{largest[1][1]:.0f})"
    )
    print(report)
    record_property("cbs_consistency", report)
