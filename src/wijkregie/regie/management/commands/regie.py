"""``wijkregie regie evaluate [--municipality GM0000] [--date YYYY-MM-DD]``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.models import Municipality
from wijkregie.regie.services_intervention import evaluate


class Command(BaseCommand):
    help = "Regie: evaluate the escalation rules (raises each escalation once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("evaluate")
        run.add_argument("--municipality", default="", help="CBS code, e.g. GM0363")
        run.add_argument("--date", default="", help="evaluate as on this day")

    def handle(self, *args: object, **options: object) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"unknown municipality {options['municipality']}")
        try:
            today = date.fromisoformat(str(options["date"])) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        report = evaluate(municipality=municipality, today=today)
        self.stdout.write(report.summary())
        for escalation in report.raised:
            self.stdout.write(f"E-{escalation.pk}: {escalation.reason}")
