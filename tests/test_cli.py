from __future__ import annotations

import subprocess
import sys


def test_help_lists_wijkregie_commands():
    out = subprocess.run([sys.executable, "-m", "wijkregie.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("import-areas", "audit", "demo", "run_huey"):
        assert command in out
