"""Production headers (issue 13, point 7): a strict Content-Security-Policy on every page
(nothing inline to allow), HSTS behind the documented proxy, `check --deploy` clean."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)

PRODUCTION = {
    "WIJKREGIE_ENV": "production",
    "WIJKREGIE_SIGNALS_KEYS": Fernet.generate_key().decode(),
    "WIJKREGIE_SIGNALS_HMAC_KEY": base64.urlsafe_b64encode(b"m" * 32).decode(),
    "WIJKREGIE_SECRET_KEY": "x" * 60 + "production-like-secret-for-the-check",
    "WIJKREGIE_ALLOWED_HOSTS": "wijkregie.gemeente.example",
    "WIJKREGIE_SECURE_COOKIES": "1", "WIJKREGIE_TRUSTED_PROXY_COUNT": "1",
}


def _production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "WIJKREGIE_VAR_DIR")}
    # The NL Design System CSS comes from the checkout's npm ci, as deployment.md says.
    return env | PRODUCTION | {"WIJKREGIE_HOME": str(tmp_path),
                               "WIJKREGIE_NODE_MODULES": str(settings.NODE_MODULES_DIR)}


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "path"), [
    ("regisseur", "/?overview=1"), ("analist", "/api/docs/"), ("agent", "/signals/map/"),
    ("analist", "/areas/import/"),
])
def test_pages_send_a_strict_policy_and_contain_nothing_inline(demo, login, user, path):
    response = login(user).get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


@pytest.mark.django_db
def test_api_docs_configuration_comes_as_a_script_file(demo, login):
    client = login("analist")
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page)
    assert script, page
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_https_settings_behind_the_documented_proxy(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
            "s.SESSION_COOKIE_SECURE)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120,
                         env=_production_env(tmp_path) | {
                             "DJANGO_SETTINGS_MODULE": "wijkregie.settings"}).stdout
    assert out.split() [:2] == ["31536000", "True"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in out and out.split()[-1] == "True"


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wijkregie.cli", "check", "--deploy",
                             "--fail-level", "WARNING"], capture_output=True, text=True,
                            timeout=300, env=_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
