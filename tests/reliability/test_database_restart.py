"""After the database drops every connection (what a PostgreSQL restart does), gunicorn's
workers answer the next requests normally instead of failing the first one of each
(issue 13, point 6). Only this test database's connections are terminated."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import connection


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": "Token wr_not-a-token"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_workers_reconnect_after_the_database_dropped_their_connections(services_required,
                                                                        tmp_path):
    db = connection.settings_dict
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "WIJKREGIE_VAR_DIR": str(tmp_path / "var"), "WIJKREGIE_SECRET_KEY": "reliability-only",
        "WIJKREGIE_REDIS_URL": services_required}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "wijkregie.wsgi:application",
                               "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/signals/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _status(url)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.3)
        warm = Counter(_status(url)[0] for _ in range(20))  # each worker keeps a connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                           "AND pid <> pg_backend_pid()", [db["NAME"]])
            kept = cursor.fetchone()[0]
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [db["NAME"]])
        after = [_status(url) for _ in range(20)]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert set(warm) == {401} and kept >= 1
    statuses = Counter(status for status, _body in after)
    assert statuses == {401: 20}, after
    assert all(body["status"] == 401 for _status_code, body in after)
