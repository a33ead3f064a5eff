"""Benchmarks against areas of the same level, reference figures by the indicator's own
rule, reference groups (issue 11, point 10)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group

from tests.figures.factories import build_town, deliver, indicator
from wijkregie.core.models import Organisation, User
from wijkregie.figures.models import Aggregation, Polarity

pytestmark = pytest.mark.django_db


def _client(client, town):
    org = Organisation.objects.create(name=f"Gemeente {town.municipality.code}",
                                      type="municipality")
    user = User.objects.create(username=f"analist-{town.municipality.code}", organisation=org,
                               municipality=town.municipality)
    user.groups.add(Group.objects.get(name="analyst"))
    client.force_login(user)
    return client


def _colour(page: str, name: str) -> str:
    row = page.split(f"<summary>{name}")[1].split("</tr>")[0]
    return row.split('class="bench ')[1].split('"')[0]


def test_each_area_is_compared_with_areas_of_its_own_level(client):
    town, other = build_town(), build_town("GM0998")
    count = indicator("meldingen", polarity=Polarity.NEUTRAL)
    deliver(town, count, [10, 20, 30, 40])  # wijken 30 and 70, gemeente 100
    deliver(other, count, [10, 10, 20, 20])  # gemeente 60
    page = _client(client, town).get(f"/figures/areas/{town.wijken[1].code}/").content.decode()
    # Against the wijken (mean 50, SD 20) 70 is one SD higher; against the buurten
    # (mean 25, SD 11.2) it was four SDs: "much higher".
    assert _colour(page, "meldingen") == "bench-higher"
    page = client.get(f"/figures/areas/{town.gemeente.code}/").content.decode()
    # The gemeente against the gemeenten (100 and 60), not against its own buurten.
    assert _colour(page, "meldingen") == "bench-higher"


def _reference_column(client, url: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    header = next(r for r in rows if "key" in r)
    column = next(c for c in header if c.startswith(("reference", "all municipalities")))
    data = [dict(zip(header, r, strict=True)) for r in rows[rows.index(header) + 1:]]
    return {r["key"]: r[column] for r in data}


def test_reference_figures_follow_the_indicators_rule(client):
    small, large = build_town(), build_town("GM0998")
    inhabitants = indicator("inwoners")
    rate = indicator("meldingen_rate", Aggregation.RATE_PER_1000, denominator=inhabitants)
    # 24 per 1,000 of 250 inhabitants implies 6 cases per buurt: shown (a rate that
    # implies fewer than 5 is hidden, ADR 0010).
    for town, people, per_1000 in ((small, 250, 24), (large, 2250, 40)):
        deliver(town, inhabitants, [people] * 4)
        deliver(town, rate, [per_1000] * 4)
    client = _client(client, small)
    url = f"/figures/areas/{small.gemeente.code}/export.csv"
    reference = _reference_column(client, url)
    # Rates: 1000 · Σ cases / Σ inhabitants = (24 + 360) / 10,000 · 1000 = 38.4, not the
    # unweighted mean of the municipalities' rates (32). Counts: the total.
    assert float(reference["meldingen_rate"]) == pytest.approx(38.4)
    assert float(reference["inwoners"]) == 10_000
    # Municipalities of similar size (both under 20,000 inhabitants) and programme areas.
    assert float(_reference_column(client, url + "?reference=size")["meldingen_rate"]) \
        == pytest.approx(38.4)
    programme = f"/figures/programmes/{small.municipality.code}/kern/export.csv"
    assert float(_reference_column(client, programme)["meldingen_rate"]) \
        == pytest.approx(38.4)
    page = client.get(f"/figures/areas/{small.gemeente.code}/?reference=size").content.decode()
    assert "Referentie: gemeenten met &lt; 20.000 inwoners" in page.split("<thead>")[1]


def test_compare_view_picks_the_gemeente_and_a_programme_area(client):
    """Issue 11 ("Also"): the compare view offered only wijken and buurten."""
    town = build_town()
    count = indicator("meldingen")
    deliver(town, count, [10, 20, 30, 40])
    client = _client(client, town)
    page = client.get("/figures/compare/").content.decode()
    assert '<option value="GM0999">GM0999 (GM0999)</option>' in page
    assert '<option value="GM0999/kern">Kern (GM0999/kern)</option>' in page
    response = client.get("/figures/compare/?area=GM0999&area=GM0999/kern")
    assert response.status_code == 200
    table = response.content.decode().split('class="compare-row"')[1]
    # The gemeente's 100 and the programme area's 20 + 30 side by side.
    assert ">100</span>" in table and ">50</span>" in table
    export = client.get("/figures/compare/export.csv?area=GM0999&area=GM0999/kern")
    assert "indicator,key,unit,year,GM0999,GM0999/kern" in export.content.decode("utf-8-sig")
