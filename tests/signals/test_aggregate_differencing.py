"""Aggregates cannot be differenced (ADR 0027, issue 10 breach 2).

The tests act as an attacker: a police user fetches every signal it may list (the API,
with coordinates) and every aggregate it may see (grid map, monthly table and totals,
the aggregates API, the "N more" texts of cases and groups, the group list), subtracts
what it lists from what each aggregate says about the same cell, and must never end up
with a count of 1 to 4 signals (or persons) kept from it. The hot spot source "signals"
is attacked by an analyst (who lists nothing) and by a user holding both an analyst and
a partner role.

The attack runs twice: under the covenant (which shares whole categories) and under a
scoping by registering organisation, which cuts through categories, so that a table
per category is attacked too.

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
from django.db.models import QuerySet
from django.test import Client

from wijkregie.areas.models import Area
from wijkregie.core import roles
from wijkregie.core.models import User
from wijkregie.hotspots.models import HotspotAnalysis
from wijkregie.signals import selectors
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
    subject = find_or_create_subjects(municipality=municipality, organisation=organisation,
                                      persons=[
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


def listed_ids_of(user: User) -> set[int]:
    return set(selectors.signals_for(user).values_list("pk", flat=True))


def _listed(client: Client) -> list[dict]:
    """Everything the user may list, with coordinates: the API list, page by page."""
    rows, offset = [], 0
    while True:
        page = client.get(f"/api/signals/?limit=500&offset={offset}").json()
        rows += page["results"]
        offset += 500
        if offset >= page["count"]:
            return rows


def _cells(html: str) -> list[int | None]:
    """The number cells of a table row; ``None`` for a cell that gives no number."""
    return [int(v) if v.isdigit() else None
            for v in re.findall(r"<td[^>]*>(.*?)</td>", html)]


def _candidates(numbers: list[int | None], listed: int) -> set[int]:
    """What an attacker can work out about the signals kept from it in one cell: each
    number it is told, each minus what it lists there, and their sum minus that. When a
    row has a column of its own for the listed signals, that column is not a guess."""
    told = [n for n in numbers if n is not None]
    guesses = {n - listed for n in told} | {sum(told) - listed}
    return guesses | {n for n in (numbers[1:] if len(numbers) > 1 else numbers)
                      if n is not None}


def _month_key(row: dict) -> tuple[str, str, int, int]:
    day = date.fromisoformat(row["observed_on"])
    return row["area_code"], row["category"], day.year, day.month


def _cell_of(x: float, y: float) -> tuple[int, int]:
    return math.floor(x / CELL), math.floor(y / CELL)


def _own_organisation_only(user: User) -> QuerySet[Signal]:
    """A scoping that does not follow categories: only signals the user's organisation
    registered. Aggregates must stay safe whatever the selector lets a user list."""
    return _covenant_scoping(user).filter(organisation_id=user.organisation_id)


_covenant_scoping = selectors.signals_for


@pytest.mark.parametrize("scoping", ["covenant", "own organisation"])
def test_police_user_cannot_difference_any_aggregate(planted, login, monkeypatch, scoping):
    if scoping == "own organisation":
        monkeypatch.setattr(selectors, "signals_for", _own_organisation_only)
    agent_user = User.objects.get(username="agent")
    municipality = agent_user.municipality
    agent = login("agent")
    listed = _listed(agent)
    assert listed and all(r["category"] != "zorgsignaal" for r in listed)
    assert listed_ids_of(agent_user) == {r["id"] for r in listed}
    # The truth the attacker is after: per cell, the signals it may not list.
    everything = Signal.objects.filter(municipality=municipality)
    listed_ids = {r["id"] for r in listed}
    hidden_in_cell = Counter(_cell_of(x, y) for pk, x, y in everything.filter(
        x_rd__isnull=False).values_list("pk", "x_rd", "y_rd") if pk not in listed_ids)
    hidden_in_month_cell = Counter(
        (code, key, day.year, day.month) for pk, code, key, day in everything.filter(
            area__isnull=False).values_list("pk", "area__code", "category__key",
                                            "observed_on") if pk not in listed_ids)
    assert hidden_in_cell[planted.cell] == 2
    leaks: list[tuple[str, object, int]] = []

    def check(kind: str, key: object, truth: int, candidates: set[int]) -> None:
        if truth in SMALL and truth in candidates:
            leaks.append((kind, key, truth))

    # Grid map: everything the page says about a cell, against the listed signals in it.
    in_cell = Counter(_cell_of(r["x_rd"], r["y_rd"]) for r in listed if r["x_rd"] is not None)
    page = agent.get("/signals/map/").content.decode()
    rows = re.findall(r"<tr><td>(\d+), (\d+)</td>(.*?)</tr>", page)
    assert rows
    for x0, y0, rest in rows:
        key = _cell_of(int(x0), int(y0))
        check("map cell", key, hidden_in_cell[key], _candidates(_cells(rest), in_cell[key]))
    assert planted.cell in {_cell_of(int(x0), int(y0)) for x0, y0, _r in rows}

    # Monthly table (API: all rows) and the month totals of the page.
    by_month_cell = Counter(_month_key(r) for r in listed if r["area_code"])
    table = agent.get(f"/api/aggregates/monthly/?municipality={municipality.code}").json()
    shown_cells: dict[tuple[int, int], list] = {}
    for row in table["results"]:
        key = (row["area_code"], row["category_key"], row["year"], row["month"])
        numbers = [row["listed"], row["count"]] if "listed" in row else [row["count"]]
        check("monthly cell", key, hidden_in_month_cell[key],
              _candidates(numbers, by_month_cell[key]))
        shown_cells.setdefault((row["year"], row["month"]), []).append(key)
    for year, month, *numbers in agent.get("/signals/").context["totals"]:
        known = sum(by_month_cell[k] for k in shown_cells.get((year, month), []))
        truth = sum(hidden_in_month_cell[k] for k in shown_cells.get((year, month), []))
        check("month total", (year, month), truth, _candidates(numbers, known))

    # Cases: "N more signals in this case are not shared with your organisation".
    cases = agent.get("/signals/cases/").context["cases"]
    assert planted.case in cases
    for case in cases:
        response = agent.get(f"/signals/cases/{case.pk}/")
        truth = case.signals.count() - len(response.context["signals"])
        check("case", case.pk, truth, {response.context["hidden_count"] or 0})
    assert planted.case.signals.exclude(pk__in=listed_ids).count() >= 2

    # Groups: the list's numbers against the members shown, and the page's "N more".
    groups = agent.get("/signals/groups/").content.decode()
    seen = set()
    for pk, rest in re.findall(r'href="/signals/groups/(\d+)/">[^<]*</a></td>(.*?)</tr>',
                               groups):
        response = agent.get(f"/signals/groups/{pk}/")
        shown = len(response.context["names"])
        truth = SubjectGroup.objects.get(pk=pk).members.count() - shown
        check("group list", pk, truth, _candidates(_cells(rest), shown))
        check("group page", pk, truth, {response.context["hidden_count"] or 0})
        seen.add(int(pk))
    assert planted.group.pk in seen

    kinds = sorted({kind for kind, _key, _n in leaks})
    assert not leaks, f"small hidden counts derivable through {kinds}: {leaks[:12]}"


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
