"""The map of the municipalities: the programme view's and the hub's, each with the same
places in a table beside it; and the hub in the navigation."""

from __future__ import annotations

import re

import pytest

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import Municipality
from wijkregie.learning.federation.models import HubMember, PublishedDocument
from wijkregie.learning.municipality_map import MapPlace, svg

PATH = re.compile(r'<path d="([^"]+)"')


def _square(lon: float, lat: float, size: float = 0.05) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
            [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _xs(path: str) -> list[float]:
    return [float(p.split(",")[0]) for p in re.findall(r"[\d.]+,[\d.]+", path)]


def test_svg_draws_places_where_they_lie_inside_the_view():
    west = MapPlace(1, "GM0001", "West", _square(4.0, 52.0))
    east = MapPlace(2, "GM0002", "Oost", _square(6.0, 52.0))
    nowhere = MapPlace(3, "GM0003", "Zonder grens", None)
    drawn = str(svg([west, east, nowhere], "Kaart"))
    paths = PATH.findall(drawn)
    assert len(paths) == 2  # the place without a boundary is not drawn
    assert max(_xs(paths[0])) < min(_xs(paths[1]))  # west of east
    assert all(0 <= x <= 360 for path in paths for x in _xs(path))
    assert 'aria-hidden="true"' in drawn and ">1</text>" in drawn and ">2</text>" in drawn
    assert ">3</text>" not in drawn
    assert str(svg([nowhere], "Kaart")) == ""


def _programme_municipalities(demo) -> list[Municipality]:
    return list(Municipality.objects.filter(programme_areas__isnull=False).distinct())


@pytest.mark.django_db
def test_programme_view_map_and_table_show_every_programme_municipality(demo, login):
    text = login("programma").get("/leerkring/").content.decode()
    municipalities = _programme_municipalities(demo)
    assert len(municipalities) >= 2
    drawn = text.split('<svg class="municipality-map"')[1].split("</svg>")[0]
    assert len(PATH.findall(drawn)) == len(municipalities)
    table = text.split('id="municipality-table"')[1].split("</table>")[0]
    for municipality in municipalities:
        assert municipality.name in table
        for area in municipality.programme_areas.all():
            assert f'href="/leerkring/areas/{municipality.code}/{area.slug}/"' in table


@pytest.mark.django_db
def test_map_falls_back_to_buurten_and_lists_a_municipality_without_boundary(demo, login):
    first, second = _programme_municipalities(demo)[:2]
    # Only buurten: the union of their boundaries is drawn.
    Area.objects.filter(municipality=first, level=AreaLevel.GEMEENTE).update(geometry=None)
    # No boundary at all: listed in the table, not drawn.
    Area.objects.filter(municipality=second).update(geometry=None)
    text = login("programma").get("/leerkring/").content.decode()
    drawn = text.split('<svg class="municipality-map"')[1].split("</svg>")[0]
    assert len(PATH.findall(drawn)) == len(_programme_municipalities(demo)) - 1
    table = text.split('id="municipality-table"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>") if second.name in r)
    assert "not on the map" in row or "niet op de kaart" in row


@pytest.mark.django_db
def test_hub_page_maps_the_municipalities_that_published(demo, login):
    published = list(HubMember.objects.filter(documents__isnull=False).distinct()
                     .order_by("name").values_list("code", flat=True))
    assert published  # the demo publishes every demo municipality once
    silent = Municipality.objects.filter(code=published[0]).get()
    PublishedDocument.objects.filter(member__code=silent.code).delete()
    text = login("programma").get("/leerkring/hub/").content.decode()
    drawn = text.split('<svg class="municipality-map"')[1].split("</svg>")[0]
    assert len(PATH.findall(drawn)) == len(published) - 1
    table = text.split('id="hub-members"')[1].split("</table>")[0]
    def row(name: str) -> str:
        return next(r for r in table.split("<tr>") if f"<td>{name}</td>" in r)

    assert "<time datetime=" not in row(silent.name)  # never published: not on the map
    assert '<td class="num">—</td>' in row(silent.name)
    for number, code in enumerate(published[1:], start=1):
        published_row = row(Municipality.objects.get(code=code).name)
        assert "<time datetime=" in published_row
        assert f'<td class="num">{number}</td>' in published_row


@pytest.mark.django_db
def test_hub_is_in_the_navigation_for_who_may_see_it(demo, login):
    for username in ("programma", "platformbeheerder"):
        response = login(username).get("/", follow=True)
        page = response.content.decode()
        nav = page.split('class="utrecht-nav-bar site-nav"')[1].split("</nav>")[0]
        assert 'href="/leerkring/hub/"' in nav, username
        assert login(username).get("/leerkring/hub/").status_code == 200
    page = login("regisseur").get("/", follow=True).content.decode()
    assert 'href="/leerkring/hub/"' not in page
    assert login("regisseur").get("/leerkring/hub/").status_code == 403
