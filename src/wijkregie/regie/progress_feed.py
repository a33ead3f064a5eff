"""Goal status per programme area for the learning circle: statement and traffic light
only (aggregates computed from disclosed figures; no personal data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.learning.hooks import GoalStatus
from wijkregie.regie import services
from wijkregie.regie.models import Goal

LIGHT_WORDS = {services.GREEN: _("on track"), services.AMBER: _("behind"),
               services.RED: _("far behind"), services.NONE: _("no figure yet")}


def goal_statuses(programme_area: ProgrammeArea) -> list[GoalStatus]:
    goals = (Goal.objects.filter(plan__programme_area=programme_area)
             .select_related("plan", "indicator").prefetch_related("milestones")
             .order_by("pk"))
    return [GoalStatus(goal.statement, str(LIGHT_WORDS[services.goal_progress(None, goal).light]))
            for goal in goals]
