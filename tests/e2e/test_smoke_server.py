"""Start the real server process on a fresh SQLite database, as `make run` does."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from wijkregie.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_demo_load_prints_the_logins(app_server):
    assert DEMO_PASSWORD in app_server.demo_output
    for username in ("beheerder", "regisseur", "analist", "agent", "adviseur", "programma"):
        assert username in app_server.demo_output


def test_root_redirects_to_login_page(app_server):
    response = urllib.request.urlopen(f"{app_server.url}/")
    assert response.url.startswith(f"{app_server.url}/login/")
    page = response.read().decode()
    assert "Wijkregie" in page and "demodata" in page


def test_printed_demo_login_works_and_shows_map(app_server):
    server = app_server.url
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{server}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    data = urllib.parse.urlencode({"username": "regisseur", "password": DEMO_PASSWORD,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{server}/login/", data=data,
                                     headers={"Referer": f"{server}/login/"})
    home = opener.open(request).read().decode()  # the director's home: the plans
    assert "Havenwaard" in home
    overview = opener.open(f"{server}/?overview=1").read().decode()
    assert "Havenwaard" in overview and 'id="map-data"' in overview
    assert opener.open(f"{server}/static/leaflet/leaflet.js").status == 200


def test_home_map_renders_in_browser(page_as, app_server):
    page = page_as("regisseur")
    page.goto(f"{app_server.url}/?overview=1")  # the director's home is the plans page
    page.wait_for_selector(".leaflet-interactive")
    assert page.locator(".leaflet-interactive").count() == 6  # the six demo wijken
    assert page.locator("html").get_attribute("lang") == "nl"
