from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class

from wijkregie.cli import main


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


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _help_cases() -> list[list[str]]:
    """``wijkregie NAME --help`` for every command, and for each of its subcommands."""
    cases = []
    for name in sorted(get_commands()):
        cli_name = name.replace("_", "-")
        cases.append([cli_name])
        parser = load_command_class(get_commands()[name], name).create_parser("wijkregie", name)
        cases += [[cli_name, sub] for sub in sorted(_subcommands(parser))]
    return cases


@pytest.mark.parametrize("words", _help_cases(), ids=" ".join)
def test_every_command_help_works(words, capsys):
    # --help prints and exits 0 for subcommands (argparse) and returns for commands.
    try:
        main(["wijkregie", *words, "--help"])
    except SystemExit as exc:
        assert exc.code in (0, None), exc
    out = capsys.readouterr().out
    assert out.startswith("usage:") or "\nusage:" in out or "Usage:" in out, out[:200]
