"""Where other capabilities plug into the programme view.

The goal status comes from the regie capability (plan of approach), built on another
branch. The integrator connects it with ``register_goal_status_provider`` (e.g. in
``RegieConfig.ready``); until then the programme view shows no goal-status column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wijkregie.areas.models import ProgrammeArea


@dataclass(frozen=True)
class GoalStatus:
    """One goal of an area's plan of approach, as an aggregate: no personal data."""

    goal: str
    status: str  # e.g. "on track", "behind"; the provider's own wording, translated


GoalStatusProvider = Callable[[ProgrammeArea], list[GoalStatus]]
_provider: GoalStatusProvider | None = None


def register_goal_status_provider(provider: GoalStatusProvider | None) -> None:
    """Connect (or, with None, disconnect) the source of goal status per programme area."""
    global _provider
    _provider = provider


def goal_status_connected() -> bool:
    return _provider is not None


def goal_status(programme_area: ProgrammeArea) -> list[GoalStatus]:
    """The goals of the area's plan with their status; empty when nothing is connected."""
    return _provider(programme_area) if _provider is not None else []
