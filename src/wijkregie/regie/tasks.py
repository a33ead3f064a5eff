"""Nightly evaluation of the escalation rules (huey's periodic tasks; needs the worker)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wijkregie.regie.services_intervention import evaluate

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="4", minute="0"))
def nightly_escalation_evaluation() -> None:
    log.info("escalation rules: %s", evaluate().summary())
