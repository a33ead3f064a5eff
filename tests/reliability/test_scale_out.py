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
from django.db.models import Max

WIJKREGIE = [sys.executable, "-m", "wijkregie.cli"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(redis_url: str, var_dir: Path) -> dict[str, str]:
    """What every node gets alike: the database, the queue, the shared media folder and
    the same secrets (scale-out.md, step 3)."""
    from cryptography.fernet import Fernet

    db = connection.settings_dict
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
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
    import pyotp

    from wijkregie.demo.loader import DEMO_PASSWORD
    from wijkregie.signals.demo_data import DEMO_TOTP_SECRET

    token = _form_token(session, f"{login_on}/login/")
    answer = session.post(f"{login_on}/login/", data={
        "csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        timeout=20, allow_redirects=False)
    assert answer.status_code == 302, f"login on {login_on} refused ({answer.status_code})"
    for _attempt in range(8):  # a TOTP code is accepted once: wait for the next step
        token = _form_token(session, f"{second_factor_on}/signals/2fa/")
        answer = session.post(f"{second_factor_on}/signals/2fa/", timeout=20,
                              allow_redirects=False, data={
                                  "csrfmiddlewaretoken": token,
                                  "code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        if answer.status_code == 302:
            return
        time.sleep(5)
    pytest.fail("the second factor was not accepted on the other server")


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_and_a_worker_act_as_one_installation(services_required, tmp_path):
    from wijkregie.areas.models import Area, AreaLevel
    from wijkregie.core.models import Job, JobStatus, User
    from wijkregie.figures.models import Indicator, Observation
    from wijkregie.signals.models import Case, CaseEvent, CaseStatus

    env = _environment(services_required, tmp_path / "shared-var")
    subprocess.run([*WIJKREGIE, "demo", "load", "--seed", "1", "--scale", "test"], env=env,
                   check=True, timeout=600, capture_output=True)
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
        user = User.objects.get(username="casusregisseur")
        # (Only unencrypted columns are read here: this process has not the nodes' keys.)
        case_pk = Case.objects.filter(director=user, status=CaseStatus.INTAKE).order_by(
            "pk").values_list("pk", flat=True)[0]
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
        assert Case.objects.filter(pk=case_pk).values_list("status", flat=True).get() == \
            changes[made]["to_status"]
        assert list(CaseEvent.objects.filter(case_id=case_pk, kind="status").values_list(
            "from_status", "to_status")) == [("intake", changes[made]["to_status"])]

        # 3. Shared media and queue: a figures file uploaded to A is read by the worker;
        # the job it started is followed on B until it is done, and its figure is there.
        analyst = requests.Session()
        _log_in(analyst, url_b, url_a, "analist")
        municipality = User.objects.get(username="analist").municipality
        buurt = Area.objects.filter(municipality=municipality,
                                    level=AreaLevel.BUURT).order_by("code")[0]
        indicator = Indicator.objects.get(key="inwoners")
        year = Observation.objects.filter(indicator=indicator, area=buurt).aggregate(
            latest=Max("year"))["latest"]
        csv = f"gebiedscode,periode,indicator,waarde\n{buurt.code},{year},inwoners,4321\n"
        token = _form_token(analyst, f"{url_a}/figures/import/")
        upload = analyst.post(f"{url_a}/figures/import/", timeout=30, allow_redirects=False,
                              data={"csrfmiddlewaretoken": token, "replace": "cells"},
                              files={"file": ("schaal.csv", csv.encode(), "text/csv")})
        assert upload.status_code == 302, upload.status_code
        job_path = upload.headers["Location"]
        job_id = job_path.rstrip("/").rsplit("/", 1)[-1]
        deadline = time.monotonic() + 120
        while Job.objects.get(pk=job_id).status in (JobStatus.QUEUED, JobStatus.RUNNING):
            assert time.monotonic() < deadline, "the worker did not finish the job"
            time.sleep(0.5)
        job = Job.objects.get(pk=job_id)
        assert job.status == JobStatus.DONE, (job.status, job.message)
        page = analyst.get(f"{url_b}{job_path}", timeout=20)
        assert page.status_code == 200
        assert Observation.objects.get(area=buurt, indicator=indicator, year=year,
                                       month=0).value == 4321
    finally:
        for process in (worker, first, second):
            process.terminate()
        for process in (worker, first, second):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
