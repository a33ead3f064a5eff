from __future__ import annotations

import subprocess
import sys


def test_help_lists_wijkregie_commands():
    out = subprocess.run([sys.executable, "-m", "wijkregie.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("import-areas", "audit", "demo", "run_huey"):
        assert command in out


def test_help_lists_the_figures_imports():
    """Issue 11: `wijkregie --help` did not list import-cbs and import-figures."""
    out = subprocess.run([sys.executable, "-m", "wijkregie.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    lines = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    assert {"import-cbs", "import-figures"} <= lines
