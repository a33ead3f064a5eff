"""The README's screenshots, made from the demo in Debian's chromium.

    .venv/bin/python docs/screenshots/make_screenshots.py

Starts the application on a fresh SQLite database with the demo data (seed 1), as
`make run` does, logs in as the demo roles and saves one PNG per page in this folder.
Run it again after a change of the pages; the PNGs are committed, this script is how
they are made.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIJKREGIE = [sys.executable, "-m", "wijkregie.cli"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking"]
# (file name, demo user, path or a callable that finds the path on the page, viewport)
SHOTS = [
    ("figures-dashboard.png", "analist", "/figures/", (1280, 900)),
    ("figures-area-profile.png", "analist", "/figures/areas/GM9001/", (1280, 1000)),
    ("signals-overview.png", "agent", "/signals/", (1280, 1000)),
    ("signals-register-tablet.png", "agent", "/signals/register/", (820, 1180)),
    ("hotspots.png", "analist", "/hotspots/", (1280, 900)),
    ("mkba.png", "analist", "/impact/", (1280, 900)),
    ("regie-area-picture.png", "regisseur", "/", (1280, 1200)),
    ("regie-plan.png", "regisseur", "/regie/", (1280, 1000)),
    ("safety-advice.png", "adviseur", "/veiligheidsadvies/", (1280, 900)),
    ("learning-programme.png", "programma", "/leerkring/", (1280, 1000)),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _target(page, url: str, path: str) -> str:  # type: ignore[no-untyped-def]
    """A fixed path, or ``first:PREFIX``: the first link on the page whose path starts
    with PREFIX (an area whose code the demo chose)."""
    if not path.startswith("first:"):
        return url + path
    prefix = path.removeprefix("first:")
    page.goto(url + prefix.rsplit("/", 2)[0] + "/")
    link = page.locator(f"main a[href^='{prefix}']").first
    return url + link.get_attribute("href")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkregie.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(HERE.parents[1]))  # the repository root, for tests.e2e
    from tests.e2e.browser_login import log_in

    var_dir = tempfile.mkdtemp(prefix="wr-screenshots-")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "WIJKREGIE_REDIS_URL")}
    env |= {"WIJKREGIE_VAR_DIR": var_dir, "WIJKREGIE_TASKS_IMMEDIATE": "1"}
    subprocess.run([*WIJKREGIE, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*WIJKREGIE, "demo", "load", "--seed", "1"], env=env, check=True,
                   capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*WIJKREGIE, "runserver", "--noreload", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            contexts: dict[str, object] = {}
            for name, user, path, (width, height) in SHOTS:
                if user not in contexts:
                    context = browser.new_context(locale="nl-NL",
                                                  viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    log_in(page, url, user)
                    contexts[user] = page
                page = contexts[user]
                page.set_viewport_size({"width": width, "height": height})
                page.goto(_target(page, url, path))
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(HERE / name))
                print(f"{name}: {page.url.removeprefix(url)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
