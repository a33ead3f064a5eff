"""``wijkregie mkba run SCENARIO [--json]``: run an MKBA scenario file.

``wijkregie mkba library-import --municipality CODE``: copy the packaged unit values
into a municipality's unit-value library (keys it already has are kept).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.models import Municipality
from wijkregie.impact.engine import ScenarioError, analyse, load_scenario
from wijkregie.impact.report_text import analysis_to_dict, render_text
from wijkregie.impact.services import import_packaged_library


class Command(BaseCommand):
    help = ("Social cost-benefit analysis (MKBA): `mkba run SCENARIO [--json]`; "
            "`mkba library-import --municipality CODE`.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True,
                                    parser_class=type(parser), metavar="{run,library-import}")
        run = sub.add_parser("run", help="compute results, sensitivity and Monte Carlo",
                             called_from_command_line=getattr(parser,
                                                              "called_from_command_line", None))
        run.add_argument("scenario", type=Path, help="scenario file (.yaml, .yml or .json)")
        run.add_argument("--json", action="store_true", help="print JSON instead of tables")
        run.add_argument("--draws", type=int, help="override monte_carlo.draws")
        run.add_argument("--seed", type=int, help="override monte_carlo.seed")
        imp = sub.add_parser("library-import",
                             help="copy the packaged unit values into a municipality's library",
                             called_from_command_line=getattr(parser,
                                                              "called_from_command_line", None))
        imp.add_argument("--municipality", required=True, help="CBS code, e.g. GM0363")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "library-import":
            self._library_import(options["municipality"])
            return
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

    def _library_import(self, code: str) -> None:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"--municipality: {code} is not registered")
        try:
            added, kept = import_packaged_library(actor=None, municipality=municipality)
        except ScenarioError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{municipality.name}: {len(added)} unit values added"
                          + (f" ({', '.join(added)})" if added else "")
                          + f"; {len(kept)} already in the library, kept as they are"
                          + (f" ({', '.join(kept)})" if kept else "") + ".")
