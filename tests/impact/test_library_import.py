"""``wijkregie mkba library-import``: packaged unit values copied into a municipality library."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wijkregie.core.models import AuditEvent, Municipality
from wijkregie.impact import services
from wijkregie.impact.models import UnitValue
from wijkregie.impact.unit_values import load_library

pytestmark = pytest.mark.django_db


def _import(code: str) -> str:
    out = StringIO()
    call_command("mkba", "library-import", "--municipality", code, stdout=out)
    return out.getvalue()


def test_import_copies_every_packaged_value_with_its_citation_once():
    municipality = Municipality.objects.create(code="GM9801", name="Importgemeente")
    packaged = load_library()
    events = AuditEvent.objects.count()
    out = _import("GM9801")
    assert f"{len(packaged)} unit values added" in out
    assert services.library_version(municipality) == len(packaged)
    assert AuditEvent.objects.count() == events + len(packaged)
    assert services.library_of(municipality) == packaged
    # A second run adds nothing and changes nothing.
    assert "0 unit values added" in _import("GM9801")
    assert services.library_version(municipality) == len(packaged)


def test_import_keeps_a_value_the_municipality_already_has():
    municipality = Municipality.objects.create(code="GM9802", name="Eigen waarden")
    key = sorted(load_library())[0]
    own = services.row_values_of(load_library()[key]) | {"value": 1.0,
                                                        "description": "our own reading"}
    services.save_unit_value(actor=None, municipality=municipality, values=own)
    out = _import("GM9802")
    assert f"already in the library, kept as they are ({key})" in out
    row = UnitValue.objects.get(municipality=municipality, key=key)
    assert (row.value, row.description) == (1.0, "our own reading")
    assert UnitValue.objects.filter(municipality=municipality).count() == len(load_library())


def test_import_into_an_unknown_municipality_is_refused():
    with pytest.raises(CommandError, match="--municipality: GM9899 is not registered"):
        _import("GM9899")


def test_library_page_shows_imported_values_to_the_cent_with_their_source(login):
    client = login("analist")
    municipality = Municipality.objects.get(code="GM9001")
    services.import_packaged_library(actor=None, municipality=municipality)
    key = "minimum_wage_hour_2024_jan"
    value = load_library()[key]
    page = client.get("/impact/library/").content.decode()
    row = page[page.index(f'<th scope="row">{key}</th>'):]
    row = row[:row.index("</tr>")]
    assert "13,27" in row and value.citation.url in row, row
