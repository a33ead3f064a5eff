"""The regie app's models (the plan's models and those of intervention)."""

from wijkregie.regie.models_intervention import *  # noqa: F403  (models of cases, escalation)
