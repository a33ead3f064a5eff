"""Database restarts and API errors (ADR 0052): kept connections are health-checked, API
errors are JSON with their status, and an unreachable database answers 503 with
Retry-After."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, connections
from django.test import Client

from wijkregie.signals import selectors as signal_selectors


@pytest.mark.django_db
def test_unknown_api_address_answers_json_404():
    response = Client().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": 404, "detail": response.json()["detail"]}


@pytest.mark.django_db
def test_unknown_page_answers_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


@pytest.mark.django_db
def test_api_errors_carry_their_status():
    response = Client().get("/api/signals/")
    assert response.status_code in (401, 403)
    assert response.json()["status"] == response.status_code


@pytest.mark.django_db
def test_api_answers_503_with_retry_after_while_the_database_is_unreachable(
        demo, login, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(signal_selectors, "list_signal_rows", unreachable)
    response = login("agent").get("/api/signals/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.json()["status"] == 503
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_page_answers_503_with_retry_after_while_the_database_is_unreachable(
        demo, login, monkeypatch):
    from wijkregie.core import views

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.area_selectors, "areas_of_municipality", unreachable)
    response = login("regisseur").get("/?overview=1")
    assert response.status_code == 503 and response["Retry-After"].isdigit()
    assert "text/html" in response["Content-Type"]


def test_kept_database_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_request_after_the_database_dropped_the_connection_reconnects():
    """What a PostgreSQL restart does to each worker's kept connection."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no connections (CONN_MAX_AGE 0)")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_health_endpoint_reports_database_and_queue(monkeypatch):
    healthy = Client().get("/healthz/")
    assert healthy.status_code == 200
    assert healthy.json()["database"] == "ok" and healthy.json()["queue"] == "ok"

    from huey.contrib import djhuey

    def unreachable() -> int:
        raise ConnectionError("Redis unreachable")

    monkeypatch.setattr(djhuey.HUEY, "pending_count", unreachable)
    sick = Client().get("/healthz/")
    assert sick.status_code == 503 and sick.json()["queue"] == "unavailable"


@pytest.mark.django_db
def test_only_the_jobs_creator_may_restart_it(demo, login):
    from wijkregie.core.models import Job, JobFailure, JobStatus, User

    job = Job.objects.create(kind="areas.import", params={}, status=JobStatus.FAILED,
                             failure=JobFailure.WORKER_LOST,
                             created_by=User.objects.get(username="analist"))
    assert login("regisseur").post(f"/jobs/{job.pk}/restart/").status_code == 404
    assert login("analist").get(f"/jobs/{job.pk}/restart/").status_code == 405
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 0
