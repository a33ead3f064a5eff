"""Publishing on a schedule through the task queue (huey; needs the worker).

``FEDERATION_PUBLISH_SCHEDULE`` (crontab fields ``minute hour day month weekday``) sets
when; with no ``FEDERATION_HUB_URL`` the task does nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


def _schedule() -> crontab:
    minute, hour, day, month, day_of_week = (
        getattr(settings, "FEDERATION_PUBLISH_SCHEDULE", "") or "30 4 * * *").split()
    return crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week)


def publish_configured() -> list[str]:
    """Publish every municipality named by ``FEDERATION_MUNICIPALITIES`` (all of the
    instance's when empty) to the configured hub; the codes that were stored."""
    from wijkregie.core.models import Municipality
    from wijkregie.learning.federation.publisher import PublishError, publish

    hub = getattr(settings, "FEDERATION_HUB_URL", "")
    if not hub:
        return []
    codes = getattr(settings, "FEDERATION_MUNICIPALITIES", [])
    municipalities = Municipality.objects.order_by("code")
    if codes:
        municipalities = municipalities.filter(code__in=codes)
    published = []
    for municipality in municipalities:
        try:
            publish(municipality, hub)
        except PublishError as error:
            log.warning("federation: %s", error)
        else:
            published.append(municipality.code)
    return published


@db_periodic_task(_schedule())
def scheduled_publish() -> None:
    if published := publish_configured():
        log.info("federation: published %s", ", ".join(published))
