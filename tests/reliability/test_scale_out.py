"""Scale-out (issue 13, "beyond the fixes"): two app servers and a task worker on one
PostgreSQL and one Redis serve the same users as one installation, as
docs/operations/scale-out.md describes. A session made on one server is valid on the
other, an upload taken by one server is read by the worker, the job it started is
followed on the other server, and two status changes of one case sent to the two servers
at once leave one change and one writer told, never a lost update."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection

WIJKREGIE = [sys.executable, "-m", "wijkregie.cli"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fresh_database() -> str:
    """A database of its own (the test database may have been flushed by an earlier
    transactional test, which removes the rows migrations wrote); its URL."""
    import psycopg

    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"{db['NAME']}_scale_out"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _one(url: str, sql: str, *args: object) -> tuple:
    """One row from the nodes' database (unencrypted columns only: this process has not
    the nodes' keys)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchone()


def _environment(redis_url: str, var_dir: Path, database_url: str) -> dict[str, str]:
    """What every node gets alike: the database, the queue, the shared media folder and
    the same secrets (scale-out.md, step 3)."""
    from cryptography.fernet import Fernet

    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": database_url,
        "WIJKREGIE_REDIS_URL": redis_url,
        "WIJKREGIE_QUEUE_NAME": f"scale-out-{uuid.uuid4().hex[:8]}",
        "WIJKREGIE_VAR_DIR": str(var_dir),
        "WIJKREGIE_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(40)).decode(),
        "WIJKREGIE_SIGNALS_KEYS": Fernet.generate_key().decode(),
        "WIJKREGIE_SIGNALS_HMAC_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }


def _start_app_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "wijkregie.wsgi:application",
                                "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def _wait_until_up(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{url}/login/", timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn at {url} did not start")
            time.sleep(0.3)


def _form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=20)
    assert page.status_code == 200, (url, page.status_code)
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def _log_in(session: requests.Session, login_on: str, second_factor_on: str,
            username: str) -> None:
    """Password on one server, the second factor on the other: both read one session."""
    from wijkregie.demo.loader import DEMO_PASSWORD
    from wijkregie.signals.demo_data import demo_totp_code

    token = _form_token(session, f"{login_on}/login/")
    answer = session.post(f"{login_on}/login/", data={
        "csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        timeout=20, allow_redirects=False)
    assert answer.status_code == 302, f"login on {login_on} refused ({answer.status_code})"
    token = _form_token(session, f"{second_factor_on}/signals/2fa/")
    answer = session.post(f"{second_factor_on}/signals/2fa/", timeout=20, allow_redirects=False,
                          data={"csrfmiddlewaretoken": token, "code": demo_totp_code(username)})
    assert answer.status_code == 302, "the second factor was not accepted on the other server"


def test_two_app_servers_and_a_worker_act_as_one_installation(services_required, tmp_path):
    database = _fresh_database()
    env = _environment(services_required, tmp_path / "shared-var", database)
    for command in (["migrate", "-v0"], ["demo", "load", "--seed", "1", "--scale", "test"]):
        done = subprocess.run([*WIJKREGIE, *command], env=env, timeout=600,
                              capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    first, url_a = _start_app_server(env)
    second, url_b = _start_app_server(env)
    worker = subprocess.Popen([*WIJKREGIE, "run_huey", "--quiet"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(first, url_a)
        _wait_until_up(second, url_b)

        # 1. Sessions: logged in on A (password) and B (second factor); pages on both.
        director = requests.Session()
        _log_in(director, url_a, url_b, "casusregisseur")
        for url in (url_a, url_b):
            cases = director.get(f"{url}/signals/cases/", timeout=20, allow_redirects=False)
            assert cases.status_code == 200, (url, cases.status_code)

        # 2. Lost updates: one case, two status changes from "intake" at once, one per
        # server. One is made, the other is refused with 409 and told.
        (case_pk,) = _one(database, "SELECT c.id FROM signals_case c JOIN core_user u ON "
                          "u.id = c.director_id WHERE u.username = 'casusregisseur' AND "
                          "c.status = 'intake' ORDER BY c.id LIMIT 1")
        tokens = {url: _form_token(director, f"{url}/signals/cases/{case_pk}/")
                  for url in (url_a, url_b)}
        changes = {url_a: {"to_status": "active"},
                   url_b: {"to_status": "closed", "reason": "dubbel gemeld"}}
        barrier = threading.Barrier(2)
        answers: dict[str, int] = {}

        def send(url: str) -> None:
            barrier.wait()
            answers[url] = director.post(
                f"{url}/signals/cases/{case_pk}/transition/", timeout=30,
                allow_redirects=False, data={"csrfmiddlewaretoken": tokens[url],
                                             "from_status": "intake", **changes[url]}
            ).status_code

        threads = [threading.Thread(target=send, args=(url,)) for url in changes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(answers.values()) == [302, 409], answers
        made = url_a if answers[url_a] == 302 else url_b
        assert _one(database, "SELECT status FROM signals_case WHERE id = %s", case_pk) == (
            changes[made]["to_status"],)
        import psycopg

        with psycopg.connect(database) as conn:
            history = conn.execute("SELECT from_status, to_status FROM signals_caseevent "
                                   "WHERE case_id = %s AND kind = 'status'",
                                   (case_pk,)).fetchall()
        assert history == [("intake", changes[made]["to_status"])]

        # 3. Shared media and queue: a figures file uploaded to A is read by the worker;
        # the job it started is followed on B until it is done, and its figure is there.
        analyst = requests.Session()
        _log_in(analyst, url_b, url_a, "analist")
        buurt_id, buurt_code = _one(
            database, "SELECT a.id, a.code FROM areas_area a JOIN core_user u ON "
            "u.municipality_id = a.municipality_id WHERE u.username = 'analist' AND "
            "a.level = 'buurt' ORDER BY a.code LIMIT 1")
        (indicator_id,) = _one(database, "SELECT id FROM figures_indicator WHERE key = "
                               "'inwoners' ORDER BY id LIMIT 1")
        (year,) = _one(database, "SELECT max(year) FROM figures_observation WHERE "
                       "indicator_id = %s AND area_id = %s", indicator_id, buurt_id)
        csv = f"gebiedscode,periode,indicator,waarde\n{buurt_code},{year},inwoners,4321\n"
        token = _form_token(analyst, f"{url_a}/figures/import/")
        upload = analyst.post(f"{url_a}/figures/import/", timeout=30, allow_redirects=False,
                              data={"csrfmiddlewaretoken": token, "replace": "cells"},
                              files={"file": ("schaal.csv", csv.encode(), "text/csv")})
        assert upload.status_code == 302, upload.status_code
        job_path = upload.headers["Location"]
        job_id = job_path.rstrip("/").rsplit("/", 1)[-1]
        deadline = time.monotonic() + 120
        job_sql = "SELECT status, message FROM core_job WHERE id = %s"
        job_id = uuid.UUID(job_id)
        while _one(database, job_sql, job_id)[0] in ("queued", "running"):
            assert time.monotonic() < deadline, "the worker did not finish the job"
            time.sleep(0.5)
        status, message = _one(database, job_sql, job_id)
        assert status == "done", (status, message)
        page = analyst.get(f"{url_b}{job_path}", timeout=20)
        assert page.status_code == 200
        assert _one(database, "SELECT value FROM figures_observation WHERE area_id = %s AND "
                    "indicator_id = %s AND year = %s AND month = 0", buurt_id,
                    indicator_id, year) == (4321,)
    finally:
        for process in (worker, first, second):
            process.terminate()
        for process in (worker, first, second):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
