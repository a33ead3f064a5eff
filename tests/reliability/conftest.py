"""The reliability suite (issue 13): real workers, PostgreSQL and Redis, faults injected.

Not part of the fast suite: collected only with WIJKREGIE_RELIABILITY=1 (`.ci/run` runs it
in a bounded step on PostgreSQL with Redis).
"""

from __future__ import annotations

import os

import pytest

if not os.environ.get("WIJKREGIE_RELIABILITY"):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def services_required():
    """PostgreSQL and Redis, or skip (fail under WIJKREGIE_REQUIRE_SERVICES)."""
    import redis
    from django.db import connection

    url = os.environ.get("WIJKREGIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    problems = []
    if connection.vendor != "postgresql":
        problems.append("PostgreSQL (DATABASE_URL) required")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        problems.append(f"Redis not reachable at {url}")
    if problems:
        if os.environ.get("WIJKREGIE_REQUIRE_SERVICES"):
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))
    return url
