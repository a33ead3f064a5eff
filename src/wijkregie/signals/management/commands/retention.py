from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wijkregie.signals.retention import purge


class Command(BaseCommand):
    help = "Retention of signals: `retention purge` (dry run) or `retention purge --apply`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("purge", help="remove expired signals, orphaned persons and "
                             "closed cases past their term")
        run.add_argument("--apply", action="store_true",
                         help="really delete (default: only report what would go)")
        run.add_argument("--json", action="store_true",
                         help="print the deletion metadata (and the expired signals kept "
                              "for open cases) as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge(apply=options["apply"])
        if options["json"]:
            self.stdout.write(json.dumps({"applied": report.applied, "signals": report.signals,
                                          "subjects": report.subjects, "cases": report.cases,
                                          "held": report.held},
                                         indent=2))
        else:
            self.stdout.write(report.summary())
