"""The hook through which the regie capability adds goal status to the programme
document (the regie app is built separately; it registers a provider in its
``AppConfig.ready``)::

    from wijkregie.learning.federation.goals import register_goal_status_provider
    register_goal_status_provider(my_provider)

A provider takes a programme area and returns a list of :class:`GoalStatus`. It must
return aggregates only (a goal's wording and status, never a person or a case). With
no provider registered the document's ``goals`` lists are empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wijkregie.areas.models import ProgrammeArea


@dataclass(frozen=True)
class GoalStatus:
    goal: str
    status: str  # a lower-case code, e.g. "on_track"
    status_label: str = ""
    indicator: str | None = None  # an indicator key
    target_year: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"goal": self.goal, "status": self.status, "status_label": self.status_label,
                "indicator": self.indicator, "target_year": self.target_year}


GoalStatusProvider = Callable[[ProgrammeArea], list[GoalStatus]]
_providers: list[GoalStatusProvider] = []


def register_goal_status_provider(provider: GoalStatusProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_goal_status_provider(provider: GoalStatusProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def goal_status_for(programme_area: ProgrammeArea) -> list[dict[str, Any]]:
    return [status.to_json() for provider in _providers
            for status in provider(programme_area)]
