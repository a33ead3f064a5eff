"""No suppressed figure can be read back from any view or export, nor recomputed from a
shown total and its shown parts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.figures import disclosure_attack as attack
from tests.figures.factories import build_town, deliver, indicator, shown
from wijkregie.core.models import Organisation, OrganisationType, User
from wijkregie.core.roles import ANALYST
from wijkregie.figures.models import Aggregation

pytestmark = pytest.mark.django_db

SECRET_SHARE = 37.777  # a percentage in a buurt too small to publish it


@pytest.fixture
def town_with_secrets(client):
    from django.contrib.auth.models import Group

    town = build_town()
    people = indicator("inwoners")
    deliver(town, people, [1500, 30, 900, 1200])  # buurt 1 has only 30 inhabitants
    share = indicator("aandeel", Aggregation.WEIGHTED_MEAN, denominator=people,
                      disclosure={"min_denominator": 50, "decimals": 1})
    deliver(town, share, [12.0, SECRET_SHARE, 20.0, 25.0])
    count = indicator("meldingen", disclosure={"small_count_threshold": 5})
    deliver(town, count, [40, 3, 25, 31])
    org = Organisation.objects.create(name="Gemeente Teststad", type=OrganisationType.MUNICIPALITY)
    user = User.objects.create(username="ana", organisation=org, municipality=town.municipality)
    user.groups.add(Group.objects.get(name=ANALYST))
    client.force_login(user)
    return town, people, share, count, client


def test_primary_and_secondary_suppression(town_with_secrets):
    town, _people, share, count, _client = town_with_secrets
    assert shown(share, town.buurten[1]).shown_text == "x"
    assert shown(share, town.buurten[1]).shown_value is None
    assert shown(count, town.buurten[1]).shown_text == "< 5"
    # The wijk total of the counts may not reveal the hidden 3: its sibling (40) or the
    # total itself must be hidden as well.
    total, sibling = shown(count, town.wijken[0]), shown(count, town.buurten[0])
    assert total.shown_value is None or sibling.shown_value is None
    # The weighted mean: wijk share × wijk population − the visible buurt bounds the
    # hidden buurt's share, within the rounding of the shown figures: the exact attack
    # must leave it its protection interval (37,8 ± 3,8), whatever is shown.
    user = User.objects.get(username="ana")
    seen = attack.visible(user, town.municipality, 2024)
    intervals = attack.attack(town.municipality, seen)
    hidden_share = [i for i in intervals if i.indicator == share
                    and i.place == ("A", town.buurten[1].pk)]
    assert hidden_share and hidden_share[0].low < 34.0 and hidden_share[0].high > 41.5
    assert attack.findings(intervals, 2024) == []


def _pages(town, client) -> dict[str, bytes]:
    urls = [f"/figures/areas/{a.code}/" for a in [town.gemeente, *town.wijken, *town.buurten]]
    urls += [f"/figures/areas/{a.code}/export.{fmt}" for a in [town.gemeente, *town.wijken,
                                                                *town.buurten]
             for fmt in ("csv", "xlsx")]
    for key in ("aandeel", "meldingen"):
        for level in ("buurt", "wijk", "programme"):
            base = f"/figures/indicators/{key}/"
            urls.append(f"{base}?level={level}")
            urls += [f"{base}export.{fmt}?level={level}" for fmt in ("csv", "xlsx", "geojson")]
    urls += [f"/api/figures/indicators/{key}/?level={level}" for key in ("aandeel", "meldingen")
             for level in ("buurt", "wijk", "programme")]
    urls.append(f"/figures/programmes/{town.municipality.code}/kern/")
    urls.append(f"/figures/compare/?area={town.buurten[0].code}&area={town.buurten[1].code}")
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def _texts(content: bytes) -> str:
    if content[:2] == b"PK":  # XLSX
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows()
                         for cell in row)
    return content.decode("utf-8-sig")


def test_hidden_values_never_leave_through_pages_or_exports(town_with_secrets):
    town, _people, _share, _count, client = town_with_secrets
    for url, content in _pages(town, client).items():
        text = _texts(content)
        for leak in ("37.777", "37,777", "37.8", "37,8", "37.78", "37,78"):
            assert leak not in text, (url, leak)


def _csv_rows(content: bytes) -> dict[str, str]:
    rows = [r for r in csv.reader(io.StringIO(content.decode("utf-8-sig")))
            if r and not r[0].startswith("#")]
    header = rows[0]
    return {r[header.index("code")]: r[header.index("value")] for r in rows[1:]}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def test_hidden_count_cannot_be_recomputed_from_exports(town_with_secrets):
    town, _people, _share, _count, client = town_with_secrets
    buurten = _csv_rows(client.get("/figures/indicators/meldingen/export.csv?level=buurt").content)
    wijken = _csv_rows(client.get("/figures/indicators/meldingen/export.csv?level=wijk").content)
    gemeente = json.loads(client.get("/figures/indicators/meldingen/export.geojson?level=wijk")
                          .content)
    assert gemeente["metadata"]["meldingen: name"] == "meldingen"
    for wijk in town.wijken:
        parts = [buurten[b.code] for b in town.buurten if b.parent_id == wijk.pk]
        hidden = [p for p in parts if _number(p) is None]
        total = _number(wijken[wijk.code])
        # Recomputable = a shown total with exactly one hidden part.
        assert not (total is not None and len(hidden) == 1), (wijk.code, wijken[wijk.code],
                                                               parts)


def test_programme_area_total_does_not_reveal_its_hidden_buurt(town_with_secrets):
    town, _people, _share, count, _client = town_with_secrets
    members = [shown(count, b) for b in town.buurten[1:3]]
    total = shown(count, town.programme_area)
    hidden = [m for m in members if m.shown_value is None]
    assert not (total.shown_value is not None and len(hidden) == 1), (
        total.shown_text, [m.shown_text for m in members])


def test_api_serves_the_disclosed_figures_only(town_with_secrets):
    town, _people, _share, _count, client = town_with_secrets
    data = client.get("/api/figures/indicators/meldingen/?level=buurt").json()
    by_code = {v["code"]: v for v in data["values"]}
    hidden = by_code[town.buurten[1].code]
    assert hidden["value"] is None and hidden["text"] == "< 5" and hidden["status"] == "bounded"
    assert data["indicator"]["key"] == "meldingen"
    catalogue = client.get("/api/figures/indicators/").json()["indicators"]
    assert {"aandeel", "meldingen", "inwoners"} <= {i["key"] for i in catalogue}
