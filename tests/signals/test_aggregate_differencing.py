"""Aggregates cannot be differenced (ADR 0027, issue 10 breach 2).

The tests act as an attacker: a police user fetches every signal it may list (the API,
with coordinates) and every aggregate it may see (grid map, monthly table and totals,
the aggregates API, the "N more" texts of cases and groups, the group list), subtracts
what it lists from what each aggregate says about the same cell, and must never end up
with a count of 1 to 4 signals (or persons) kept from it. The hot spot source "signals"
is attacked by an analyst (who lists nothing) and by a user holding both an analyst and
a partner role.

The planted data make the attack succeed on code that counts every category in one
total: an empty 250 m cell gets 5 police signals and 2 care signals (hidden from the
police), a police case gets those 2 care signals, a group gets 2 persons known only
from care signals.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from wijkregie.areas.models import Area
from wijkregie.core import roles
from wijkregie.core.models import User
from wijkregie.hotspots.models import HotspotAnalysis
from wijkregie.signals.models import Case, Category, Signal, SubjectGroup
from wijkregie.signals.services import PersonInput, find_or_create_subjects

pytestmark = pytest.mark.django_db

MIN = 5
CELL = 250.0
SMALL = range(1, MIN)  # the counts that must never be derivable


@dataclass
class Planted:
    cell: tuple[int, int]
    case: Case
    group: SubjectGroup


def _signal(municipality, organisation, category: str, x: float, y: float, area: Area,
            person: str) -> Signal:
    subject = find_or_create_subjects(municipality=municipality, persons=[
        PersonInput(name=person, date_of_birth=date(1980, 5, 5))])[0]
    signal = Signal.objects.create(
        municipality=municipality, category=Category.objects.get(key=category),
        pillar="safety", observed_on=date.today().replace(day=1), description="planted",
        reliability="own", area=area, x_rd=x, y_rd=y, organisation=organisation)
    signal.subjects.add(subject)
    return signal


@pytest.fixture
def planted(demo) -> Planted:
    agent = User.objects.get(username="agent")
    municipality = agent.municipality
    orgs = dict(demo.organisations)
    police, care_org = orgs[f"politie:{municipality.code}"], orgs[f"welzijn:{municipality.code}"]
    area = Area.objects.filter(parent__isnull=False, code__startswith="BU").first() or \
        Signal.objects.filter(municipality=municipality).first().area
    # An empty cell well outside the demo's signals.
    xs = Signal.objects.filter(municipality=municipality).values_list("x_rd", flat=True)
    ys = Signal.objects.filter(municipality=municipality).values_list("y_rd", flat=True)
    cx, cy = math.floor((max(xs) + 2000) / CELL), math.floor((max(ys) + 2000) / CELL)
    x, y = cx * CELL + 100, cy * CELL + 100
    mine = [_signal(municipality, police, "overlast", x, y, area, f"Zichtbaar {i}")
            for i in range(5)]
    care = [_signal(municipality, care_org, "zorgsignaal", x + 10, y, area, f"Verborgen {i}")
            for i in range(2)]
    case = Case.objects.filter(municipality=municipality,
                               participants=police).first()
    case.signals.add(*care)
    group = SubjectGroup.objects.create(municipality=municipality, name="Geplante groep")
    group.members.add(*[s.subjects.get() for s in mine[:3] + care])
    return Planted((cx, cy), case, group)


def _listed(client: Client) -> list[dict]:
    """Everything the user may list, with coordinates: the API list, page by page."""
    rows, offset = [], 0
    while True:
        page = client.get(f"/api/signals/?limit=500&offset={offset}").json()
        rows += page["results"]
        offset += 500
        if offset >= page["count"]:
            return rows


def _ints(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", html)]


def _month_key(row: dict) -> tuple[str, str, int, int]:
    day = date.fromisoformat(row["observed_on"])
    return row["area_code"], row["category"], day.year, day.month


def test_police_user_cannot_difference_any_aggregate(planted, login):
    agent = login("agent")
    listed = _listed(agent)
    assert listed and all(r["category"] != "zorgsignaal" for r in listed)
    derived: list[tuple[str, object, int]] = []

    # Grid map: everything the page says about a cell, minus the listed signals in it.
    in_cell = Counter((math.floor(r["x_rd"] / CELL), math.floor(r["y_rd"] / CELL))
                      for r in listed if r["x_rd"] is not None)
    page = agent.get("/signals/map/").content.decode()
    rows = re.findall(r"<tr><td>(\d+), (\d+)</td>(.*?)</tr>", page)
    assert rows
    cells = {}
    for x0, y0, rest in rows:
        key = (math.floor(int(x0) / CELL), math.floor(int(y0) / CELL))
        cells[key] = sum(_ints(rest))
        derived.append(("map cell", key, cells[key] - in_cell[key]))
    assert planted.cell in cells, "the planted cell is on the map"

    # Monthly table (API: all rows) and the month totals of the page.
    by_month_cell = Counter(_month_key(r) for r in listed if r["area_code"])
    code = User.objects.get(username="agent").municipality.code
    table = agent.get(f"/api/aggregates/monthly/?municipality={code}").json()
    shown_cells: dict[tuple[int, int], list] = {}
    for row in table["results"]:
        key = (row["area_code"], row["category_key"], row["year"], row["month"])
        said = (row["count"] or 0) + row.get("listed", 0)
        derived.append(("monthly cell", key, said - by_month_cell[key]))
        shown_cells.setdefault((row["year"], row["month"]), []).append(key)
    index = agent.get("/signals/")
    for year, month, *numbers in index.context["totals"]:
        known = sum(by_month_cell[k] for k in shown_cells.get((year, month), []))
        derived.append(("month total", (year, month), sum(numbers) - known))

    # Cases: "N more signals in this case are not shared with your organisation".
    cases = agent.get("/signals/cases/").context["cases"]
    assert planted.case in cases
    for case in cases:
        response = agent.get(f"/signals/cases/{case.pk}/")
        derived.append(("case", case.pk, response.context["hidden_count"] or 0))

    # Groups: the list's numbers minus the members shown, and the page's "N more".
    groups = agent.get("/signals/groups/").content.decode()
    for pk, rest in re.findall(r'href="/signals/groups/(\d+)/">[^<]*</a></td>(.*?)</tr>',
                               groups):
        response = agent.get(f"/signals/groups/{pk}/")
        derived.append(("group list", pk, sum(_ints(rest)) - len(response.context["names"])))
        derived.append(("group page", pk, response.context["hidden_count"] or 0))
    assert any(kind == "group page" and int(pk) == planted.group.pk
               for kind, pk, _n in derived)

    leaks = [d for d in derived if d[2] in SMALL]
    assert not leaks, f"small hidden counts derivable: {leaks[:10]}"


def _run_signal_analysis(client: Client, method: str = "gistar") -> HotspotAnalysis:
    client.post("/hotspots/run/", {"source": "signals", "method": method, "period": "M",
                                   "cell_size": 250, "permutations": 0})
    return HotspotAnalysis.objects.filter(source="signals").latest("pk")


def _count(value) -> int | None:  # type: ignore[no-untyped-def]
    if value in (None, "") or str(value).startswith("<"):
        return None
    return int(value)


def test_hot_spot_results_over_signals_reveal_no_small_count(planted, login):
    """An analyst lists no signals; what a signal-based result shows must not contain,
    or let it work out, a count of 1 to 4 (per cell, per period, or as the rest of the
    total)."""
    analyst = login("analist")
    analysis = _run_signal_analysis(analyst)
    assert analysis.status == "done"
    stored = analysis.result
    assert any(0 < c["total"] < MIN for c in stored["cells"])  # there is something to hide
    assert any(0 < n < MIN for c in stored["cells"] if c["total"] >= MIN for n in c["counts"])

    geo = analyst.get(f"/hotspots/analyses/{analysis.pk}/export.geojson").json()
    said = [p["total"] for f in geo["features"] for p in [f["properties"]]]
    said += [n for f in geo["features"] for n in (f["properties"]["counts"] or [])]
    shown_totals = sum(t for t in (p["properties"]["total"] for p in geo["features"]) if t)
    rest = geo["metadata"]["n_incidents"] - shown_totals

    text = analyst.get(f"/hotspots/analyses/{analysis.pk}/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(
        "\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    said += [_count(r["total"]) for r in rows]
    said += [_count(v) for r in rows for k, v in r.items() if k.startswith("count_")]
    incidents = int(re.search(r"# incidents: (\d+)", text).group(1))

    page = analyst.get(f"/hotspots/analyses/{analysis.pk}/")
    said += [_count(r["total"]) for r in page.context["top_rows"]]
    said += [_count(r["last"]) for r in page.context["top_rows"]]

    assert not [n for n in said if n is not None and n in SMALL]
    assert rest not in SMALL and incidents - shown_totals not in SMALL
    assert page.context["result"]["n_incidents"] - shown_totals not in SMALL
    # Statistics that are functions of the counts (Gi* z and p, densities) could be
    # solved for a suppressed count together with the shown totals: withheld.
    assert not any("z" in f["properties"] for f in geo["features"])
    assert "z" not in rows[0] or all(r["z"] == "" for r in rows)


def test_a_user_who_also_lists_signals_gets_no_signal_hot_spots(planted, login, demo):
    """Results over every signal cannot be split per viewer: someone who lists some of
    them (here a police worker who is also an analyst) is not offered the source and
    does not see analyses made from it."""
    analysis = _run_signal_analysis(login("analist"))
    agent = User.objects.get(username="agent")
    agent.groups.add(Group.objects.get(name=roles.ANALYST))
    both = login("agent")
    assert 'value="signals"' not in both.get("/hotspots/").content.decode()
    for url in (f"/hotspots/analyses/{analysis.pk}/",
                f"/hotspots/analyses/{analysis.pk}/export.geojson",
                f"/hotspots/analyses/{analysis.pk}/export.csv"):
        assert both.get(url).status_code == 404, url
    refused = both.post("/hotspots/run/", {"source": "signals", "method": "gistar",
                                           "period": "M", "cell_size": 250,
                                           "permutations": 0})
    assert refused.status_code == 200  # the form again: "signals" is not a valid choice
    assert HotspotAnalysis.objects.filter(source="signals").count() == 1
