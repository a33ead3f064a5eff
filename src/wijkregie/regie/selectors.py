"""Reads of the plan of approach, scoped to the user's municipality (ADR 0070)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from wijkregie.core.models import User
from wijkregie.core.scoping import get_scoped_or_404, scope_to_municipality
from wijkregie.regie import services
from wijkregie.regie.models import Goal, Measure, MeasureUpdate, Pillar, Plan

FIELD = "programme_area__municipality"


def plans_for(user: User) -> QuerySet[Plan]:
    if not user.has_perm("regie.view_plan"):
        return Plan.objects.none()
    return scope_to_municipality(Plan.objects.all(), user, FIELD).select_related(
        "programme_area", "programme_area__municipality")


def get_plan(user: User, pk: int, request: HttpRequest | None = None) -> Plan:
    return get_scoped_or_404(plans_for(user), user=user, request=request,
                             purpose="plan of approach", pk=pk)


def get_goal(user: User, pk: int, request: HttpRequest | None = None) -> Goal:
    goals = Goal.objects.filter(plan__in=plans_for(user)).select_related(
        "plan__programme_area", "pillar", "indicator", "owner")
    return get_scoped_or_404(goals, user=user, request=request,
                             purpose="plan of approach", pk=pk)


def get_measure(user: User, pk: int, request: HttpRequest | None = None) -> Measure:
    measures = Measure.objects.filter(plan__in=plans_for(user)).select_related(
        "plan__programme_area", "lead_organisation", "impact_analysis")
    return get_scoped_or_404(measures, user=user, request=request,
                             purpose="plan of approach", pk=pk)


def get_update(user: User, pk: int, request: HttpRequest | None = None) -> MeasureUpdate:
    updates = MeasureUpdate.objects.filter(measure__plan__in=plans_for(user)).select_related(
        "measure__plan__programme_area", "measure__lead_organisation")
    return get_scoped_or_404(updates, user=user, request=request,
                             purpose="plan of approach", pk=pk)


@dataclass
class GoalRow:
    goal: Goal
    progress: services.Progress


@dataclass
class PillarBlock:
    pillar: Pillar
    goals: list[GoalRow] = field(default_factory=list)


@dataclass
class MeasureRow:
    measure: Measure
    overdue: bool
    latest_update: MeasureUpdate | None
    awaiting: int


def pillar_blocks(user: User, plan: Plan) -> list[PillarBlock]:
    goals = (plan.goals.select_related("pillar", "indicator", "owner")
             .prefetch_related("milestones"))
    blocks: dict[int, PillarBlock] = {}
    for goal in goals:
        block = blocks.setdefault(goal.pillar_id, PillarBlock(goal.pillar))
        block.goals.append(GoalRow(goal, services.goal_progress(user, goal, plan)))
    return sorted(blocks.values(), key=lambda b: (b.pillar.order, b.pillar.name))


def measure_rows(plan: Plan) -> list[MeasureRow]:
    measures = plan.measures.select_related("lead_organisation").prefetch_related(
        Prefetch("updates", queryset=MeasureUpdate.objects.order_by("-year", "-quarter")))
    rows = []
    for m in measures:
        updates = list(m.updates.all())
        rows.append(MeasureRow(m, services.measure_overdue(m), updates[0] if updates else None,
                               sum(u.status == "submitted" for u in updates)))
    return rows
