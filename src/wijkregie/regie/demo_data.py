"""Demo plans of approach: a plan per demo programme area, goals on demo indicators,
measures in every status and updates in every workflow state (some awaiting approval).

Goal progress is not stored here: it follows from the demo figures.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from wijkregie.core.models import Municipality, User
from wijkregie.demo.loader import DemoContext, demo_cleanup, demo_step
from wijkregie.figures.models import Indicator
from wijkregie.regie.models import (
    BenchmarkReference,
    Goal,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureUpdate,
    Milestone,
    Pillar,
    Plan,
    TargetKind,
    UpdateStatus,
)
from wijkregie.regie.services import ensure_pillars

# (pillar, indicator key, statement, target kind, target value, benchmark, milestone step)
GOALS = [
    ("work", "werkloos_pct", "Minder werkloosheid in het gebied", TargetKind.ABSOLUTE, None,
     "", -0.4),
    ("school", "startkwalificatie_pct",
     "Even veel jongeren met een startkwalificatie als gemiddeld in de stad",
     TargetKind.BENCHMARK, 2.0, BenchmarkReference.CITY, 1.0),
    ("safety", "woninginbraak_rate", "Minder woninginbraken", TargetKind.DIRECTION, None, "",
     None),
    ("health", "eenzaam_pct", "Minder ernstige eenzaamheid", TargetKind.ABSOLUTE, None, "",
     -0.5),
]
BASELINE_YEAR, HORIZON = 2020, 2028


def _indicator(municipality_id: int, key: str) -> Indicator | None:
    return (Indicator.objects.filter(key=key).filter(
        Q(municipality_id=municipality_id) | Q(municipality__isnull=True))
        .order_by("-municipality_id").first())


def _baseline(indicator: Indicator, programme_area_id: int) -> float | None:
    from wijkregie.figures.models import Observation
    return (Observation.objects.filter(indicator=indicator, programme_area_id=programme_area_id,
                                       year=BASELINE_YEAR, month=0)
            .values_list("shown_value", flat=True).first())


@demo_cleanup
def remove_plan_demo() -> None:
    """Plans first: their goals, measures and updates protect organisations and users."""
    demo = Municipality.objects.filter(is_demo=True)
    Plan.objects.filter(programme_area__municipality__in=demo).delete()
    Pillar.objects.filter(municipality__in=demo).delete()


@demo_step(order=80)
def build_plans(context: DemoContext) -> None:
    today = timezone.localdate()
    director = User.objects.filter(username="regisseur").first()
    worker = User.objects.filter(username="agent").first()
    for area in context.programme_areas:
        municipality = area.municipality
        code = municipality.code
        orgs = context.organisations
        if f"gemeente:{code}" not in orgs:
            continue
        pillars = {p.key: p for p in ensure_pillars(municipality)}
        plan = Plan.objects.create(programme_area=area, title=f"Plan van aanpak {area.name}")
        goals = []
        for pillar, key, statement, kind, value, benchmark, step in GOALS:
            indicator = _indicator(municipality.pk, key)
            if indicator is None:
                continue
            baseline = _baseline(indicator, area.pk)
            target = value
            if kind == TargetKind.ABSOLUTE and baseline is not None:
                target = round(baseline + 4 * (step or 0), 1)
            elif kind == TargetKind.ABSOLUTE:
                target = 0.0
            goal = Goal.objects.create(
                plan=plan, pillar=pillars[pillar], statement=statement,
                owner=orgs[f"gemeente:{code}"], horizon_year=HORIZON, indicator=indicator,
                baseline_value=baseline, baseline_year=BASELINE_YEAR, target_kind=kind,
                target_value=target, benchmark=benchmark,
                benchmark_year=2024 if benchmark else None)
            if step is not None and baseline is not None:
                Milestone.objects.bulk_create([
                    Milestone(goal=goal, year=year, value=round(baseline + step * (i + 1), 2))
                    for i, year in enumerate(range(2022, HORIZON + 1, 2))])
            goals.append(goal)
        specs = [
            ("Jongerenwerk in de avonduren", MeasureKind.PREVENTIVE, "welzijn",
             MeasureStatus.RUNNING, -400, 400, "150000"),
            # Led by the police, past its end: the demo's partner worker (agent) owns the
            # escalation the measure rule raises on it.
            ("Cameratoezicht en extra surveillance", MeasureKind.REPRESSIVE, "politie",
             MeasureStatus.DELAYED, -300, -20, "85000"),
            ("Schuldhulp aan de keukentafel", MeasureKind.PREVENTIVE, "gemeente",
             MeasureStatus.DELAYED, -500, -30, "120000"),
            ("Aanpak woonfraude en ondermijning", MeasureKind.REPRESSIVE, "om",
             MeasureStatus.DONE, -700, -60, "60000"),
            ("Schoolmaatschappelijk werk", MeasureKind.PREVENTIVE, "ggd",
             MeasureStatus.PLANNED, 60, 800, "90000"),
            ("Buurtbemiddeling", MeasureKind.PREVENTIVE, "corporatie",
             MeasureStatus.STOPPED, -600, -200, "20000"),
        ]
        for i, (title, kind, lead, status, start, end, budget) in enumerate(specs):
            measure = Measure.objects.create(
                plan=plan, kind=kind, title=title, lead_organisation=orgs[f"{lead}:{code}"],
                budget=Decimal(budget), funding_stream="Nationaal Programma Leefbaarheid en "
                "Veiligheid (demo)", start=today + datetime.timedelta(days=start),
                end=today + datetime.timedelta(days=end), status=status,
                deliverables="Zie de afspraken in het plan van aanpak (demo).")
            if lead != "politie":
                measure.contributing_organisations.add(orgs[f"politie:{code}"])
            measure.goals.set(goals[i % len(goals):i % len(goals) + 1] if goals else [])
            _updates(measure, today, director if director and
                     director.municipality_id == municipality.pk else None,
                     worker if worker and worker.municipality_id == municipality.pk else None)


def _updates(measure: Measure, today: datetime.date, director: User | None,
             worker: User | None) -> None:
    """Quarterly updates in the measure's past quarters, in every workflow state:
    older ones approved, then returned, then submitted (awaiting approval), then draft."""
    now = timezone.now()
    quarters = []
    day = measure.start
    while day <= min(measure.end, today) and len(quarters) < 4:
        quarters.append((day.year, (day.month - 1) // 3 + 1))
        day += datetime.timedelta(days=92)
    states = [UpdateStatus.APPROVED, UpdateStatus.RETURNED, UpdateStatus.SUBMITTED,
              UpdateStatus.DRAFT][-len(quarters):] if quarters else []
    for (year, quarter), state in zip(quarters, states, strict=True):
        submitted = state != UpdateStatus.DRAFT
        MeasureUpdate.objects.get_or_create(
            measure=measure, year=year, quarter=quarter, defaults={
                "status": state, "measure_status": measure.status,
                "deliverables_done": "Bijeenkomsten gehouden volgens planning (demo).",
                "spending": (measure.budget or Decimal(0)) / 8,
                "narrative": "Voortgang volgens plan; zie toelichting (demo).",
                "review_note": "Graag de uitgaven per activiteit toelichten (demo)."
                if state == UpdateStatus.RETURNED else "",
                "created_by": worker, "submitted_by": worker if submitted else None,
                "submitted_at": now if submitted else None,
                "approved_by": director if state == UpdateStatus.APPROVED else None,
                "approved_at": now if state == UpdateStatus.APPROVED else None})


# The intervention demo (order 85) registers its own step.
from wijkregie.regie import demo_escalation  # noqa: E402, F401
