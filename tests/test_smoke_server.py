"""Start the real server process on a fresh SQLite database, as `make run` does."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from wijkregie.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.e2e
WIJKREGIE = [sys.executable, "-m", "wijkregie.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
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


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    var_dir: Path = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                            "DJANGO_SETTINGS_MODULE")}
    env |= {"WIJKREGIE_VAR_DIR": str(var_dir)}
    subprocess.run([*WIJKREGIE, "migrate", "-v0"], env=env, check=True, timeout=120)
    loaded = subprocess.run([*WIJKREGIE, "demo", "load", "--if-empty", "--seed", "1"], env=env,
                            check=True, timeout=120, capture_output=True, text=True).stdout
    assert "regisseur" in loaded and DEMO_PASSWORD in loaded  # the printed logins
    port = _free_port()
    process = subprocess.Popen([*WIJKREGIE, "runserver", "--noreload", f"127.0.0.1:{port}"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/login/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_root_redirects_to_login_page(server):
    response = urllib.request.urlopen(f"{server}/")
    assert response.url.startswith(f"{server}/login/")
    page = response.read().decode()
    assert "Wijkregie" in page and "demodata" in page


def test_printed_demo_login_works_and_shows_map(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{server}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    data = urllib.parse.urlencode({"username": "regisseur", "password": DEMO_PASSWORD,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{server}/login/", data=data,
                                     headers={"Referer": f"{server}/login/"})
    home = opener.open(request).read().decode()
    assert "Havenwaard" in home and 'id="map-data"' in home
    assert opener.open(f"{server}/static/leaflet/leaflet.js").status == 200
