"""Two instances, two SQLite databases, two server processes on 127.0.0.1: the
municipality's instance publishes its programme document to the hub instance, which
stores it; a document signed with another key is refused and nothing more is stored.

Runs in the SQLite suite (marker ``e2e``: real server processes, no browser).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import WIJKREGIE, _free_port, _wait_for

pytestmark = pytest.mark.e2e


class Instance:
    def __init__(self, var_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                                 "WIJKREGIE_REDIS_URL", "WIJKREGIE_FEDERATION_SIGNING_KEY",
                                 "WIJKREGIE_FEDERATION_SIGNING_KEY_FILE",
                                 "WIJKREGIE_FEDERATION_HUB_URL")}
        self.env |= {"WIJKREGIE_VAR_DIR": str(var_dir), "WIJKREGIE_TASKS_IMMEDIATE": "1",
                     "WIJKREGIE_ENV": "development"}
        self.url = ""
        self.process: subprocess.Popen | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*WIJKREGIE, *args], env=self.env, check=check, timeout=600,
                              capture_output=True, text=True)

    def start(self) -> None:
        port = _free_port()
        self.process = subprocess.Popen(
            [*WIJKREGIE, "runserver", "--noreload", f"127.0.0.1:{port}"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        _wait_for(f"{self.url}/login/", self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def instances(tmp_path) -> Iterator[tuple[Instance, Instance]]:
    municipality, hub = Instance(tmp_path / "gemeente"), Instance(tmp_path / "hub")
    try:
        yield municipality, hub
    finally:
        municipality.stop()
        hub.stop()


def _members(hub: Instance) -> dict[str, str]:
    lines = hub.run("learning", "hub-members").stdout.splitlines()
    return {line.split()[0]: line for line in lines if line.strip()}


def test_publish_from_one_instance_to_another(instances):
    municipality, hub = instances
    municipality.run("migrate", "-v0")
    municipality.run("demo", "load", "--seed", "1", "--scale", "test")
    hub.run("migrate", "-v0")
    assert (Path(municipality.env["WIJKREGIE_VAR_DIR"]) / "wijkregie.sqlite3").exists()
    assert (Path(hub.env["WIJKREGIE_VAR_DIR"]) / "wijkregie.sqlite3").exists()

    keygen = municipality.run("learning", "keygen").stdout
    public_key = keygen.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}=", public_key)
    code = sorted(_members(municipality))[0]  # the demo made this instance its own hub
    hub.run("learning", "hub-register", "--code", code, "--name", "Demogemeente",
            f"--public-key={public_key}")
    assert "never" in _members(hub)[code]

    municipality.start()
    hub.start()
    published = municipality.run("learning", "publish", "--hub", hub.url,
                                 "--municipality", code)
    assert f"{code}: stored by the hub" in published.stdout
    line = _members(hub)[code]
    assert "never" not in line and "documents: 1" in line

    # A document for the same code signed with another instance's key is refused.
    other = Instance(Path(municipality.env["WIJKREGIE_VAR_DIR"]).parent / "other")
    other.env["WIJKREGIE_VAR_DIR"] = municipality.env["WIJKREGIE_VAR_DIR"]
    other.env["WIJKREGIE_FEDERATION_SIGNING_KEY"] = "A" * 43 + "="
    refused = other.run("learning", "publish", "--hub", hub.url, "--municipality", code,
                        check=False)
    assert refused.returncode != 0 and "bad_signature" in refused.stderr
    request = urllib.request.Request(f"{hub.url}/leerkring/hub/documents/",
                                     data=b'{"document": {}}', method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 400
    assert json.loads(error.value.read())["error"] == "malformed"
    assert "documents: 1" in _members(hub)[code]
    # The municipality's server keeps running beside the hub's.
    assert urllib.request.urlopen(f"{municipality.url}/login/", timeout=10).status == 200
