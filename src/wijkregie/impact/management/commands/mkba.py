"""``wijkregie mkba run SCENARIO [--json]``: run an MKBA scenario file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.impact.engine import ScenarioError, analyse, load_scenario
from wijkregie.impact.report_text import analysis_to_dict, render_text


class Command(BaseCommand):
    help = "Social cost-benefit analysis (MKBA): `mkba run SCENARIO [--json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True,
                                    parser_class=type(parser), metavar="{run}")
        run = sub.add_parser("run", help="compute results, sensitivity and Monte Carlo",
                             called_from_command_line=getattr(parser,
                                                              "called_from_command_line", None))
        run.add_argument("scenario", type=Path, help="scenario file (.yaml, .yml or .json)")
        run.add_argument("--json", action="store_true", help="print JSON instead of tables")
        run.add_argument("--draws", type=int, help="override monte_carlo.draws")
        run.add_argument("--seed", type=int, help="override monte_carlo.seed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scenario = load_scenario(options["scenario"])
        except ScenarioError as exc:
            raise CommandError(str(exc)) from None
        if options.get("draws") is not None and options["draws"] < 1:
            raise CommandError("--draws must be at least 1")
        analysis = analyse(scenario, draws=options.get("draws"), seed=options.get("seed"))
        if options["json"]:
            self.stdout.write(json.dumps(analysis_to_dict(analysis), indent=2,
                                         ensure_ascii=False))
        else:
            self.stdout.write(render_text(analysis))
