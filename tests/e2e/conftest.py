"""A real server process on its own SQLite database with the demo data, and a real
browser (Debian's chromium through Playwright) to drive it.

The server runs as `make run` runs it, so these tests also cover start-up, static
files and the printed demo logins.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.browser_login import log_in

WIJKREGIE = [sys.executable, "-m", "wijkregie.cli"]
CHROMIUM = os.environ.get("WIJKREGIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer at {url} within {timeout} s")


class AppServer:
    def __init__(self, url: str, env: dict[str, str], demo_output: str) -> None:
        self.url, self.env, self.demo_output = url, env, demo_output

    def command(self, *args: str) -> str:
        """Run a `wijkregie` command against the server's database."""
        return subprocess.run([*WIJKREGIE, *args], env=self.env, check=True, timeout=300,
                              capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "WIJKREGIE_REDIS_URL")}
    env |= {"WIJKREGIE_VAR_DIR": str(var_dir), "WIJKREGIE_TASKS_IMMEDIATE": "1"}
    subprocess.run([*WIJKREGIE, "migrate", "-v0"], env=env, check=True, timeout=300)
    demo_output = subprocess.run(
        [*WIJKREGIE, "demo", "load", "--if-empty", "--seed", "1"], env=env, check=True,
        timeout=600, capture_output=True, text=True).stdout
    port = _free_port()
    process = subprocess.Popen([*WIJKREGIE, "runserver", "--noreload", f"127.0.0.1:{port}"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/login/", process)
        yield AppServer(url, env, demo_output)
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Five failed logins from one address lock every login from it for 15 minutes, so a
    # test that sends a wrong password or a used code breaks the tests after it, at random.
    with sqlite3.connect(var_dir / "wijkregie.sqlite3") as database:
        (failed,) = database.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'login_failed'").fetchone()
    assert failed == 0, f"the e2e tests made {failed} failed logins (see the audit trail)"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("WIJKREGIE_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_as(app_server, browser) -> Iterator[Callable[[str], object]]:
    """A logged-in browser page for a demo user: ``page = page_as("analist")``."""
    contexts = []

    def make(username: str):
        context = browser.new_context(accept_downloads=True, locale="nl-NL")
        contexts.append(context)
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, app_server.url, username)
        return page

    yield make
    for context in contexts:
        context.close()
