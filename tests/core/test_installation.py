"""The `wijkregie` command finds its installation's data wherever it runs, and never
creates an empty database by accident (ADR 0053)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("WIJKREGIE_HOME", "WIJKREGIE_VAR_DIR", "DATABASE_URL",
                        "DJANGO_SETTINGS_MODULE", "WIJKREGIE_REDIS_URL")}
    return env | {"WIJKREGIE_SECRET_KEY": "test-only-not-secret"} | extra


def _wijkregie(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wijkregie.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_data_folder_is_the_installations_wherever_the_command_runs(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.VAR_DIR)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                         env=_env(DJANGO_SETTINGS_MODULE="wijkregie.settings"),
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert Path(out.strip()) == REPO_ROOT / "var"
    assert not (tmp_path / "var").exists()


def test_command_refuses_to_create_a_database_other_than_by_migrate(tmp_path):
    var = tmp_path / "elsewhere"
    result = _wijkregie("audit", "verify", cwd=tmp_path, env=_env(WIJKREGIE_VAR_DIR=str(var)))
    assert result.returncode != 0
    assert f"no database at {var / 'wijkregie.sqlite3'}" in result.stderr
    assert "wijkregie migrate" in result.stderr
    assert not (var / "wijkregie.sqlite3").exists()
