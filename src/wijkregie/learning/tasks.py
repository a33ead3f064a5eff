"""Task modules of the learning app (huey discovers ``<app>.tasks``)."""

from wijkregie.learning.federation.tasks import scheduled_publish  # noqa: F401
