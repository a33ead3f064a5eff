from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.models import Municipality
from wijkregie.figures.services import REPLACE_SCOPES, FiguresImportError, import_own_figures


class Command(BaseCommand):
    help = ("Import a municipality's own figures from CSV or XLSX with columns area code, "
            "period (2024 or 2024-05), indicator (key) and value ('x' suppressed, '.' "
            "missing). Every problem is reported; any problem imports nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="CBS code, e.g. GM0363")
        parser.add_argument(
            "--replace", choices=list(REPLACE_SCOPES), default="cells",
            help="what the file replaces: 'cells' (default) changes only the (indicator, "
                 "area, period) cells in the file; 'indicator-periods' first removes every "
                 "figure of the municipality for the indicators and periods in the file")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"--municipality: {options['municipality']} is not registered")
        try:
            report = import_own_figures(options["file"], municipality=municipality,
                                        replace=options["replace"])
        except FiguresImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
