"""Daily retention run through the task queue (huey's periodic tasks; needs the worker)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wijkregie.signals.retention import purge

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="15"))
def daily_retention_purge() -> None:
    report = purge(apply=True)
    log.info("retention: %s", report.summary())
