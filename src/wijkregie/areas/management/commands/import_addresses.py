from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.areas.addresses import AddressFileError, import_addresses
from wijkregie.core.models import Municipality


class Command(BaseCommand):
    help = ("Import a municipality's address points (BAG) for locating registrations: a "
            "CSV with openbare_ruimte (or straat), huisnummer, huisletter, "
            "huisnummertoevoeging, postcode, woonplaats and x/y (RD New) or lon/lat. "
            "The whole file is checked first; any error imports nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="CBS code, e.g. GM0363")
        parser.add_argument("--replace", action="store_true",
                            help="also remove the municipality's addresses not in the file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        code = options["municipality"].upper()
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"--municipality: no municipality {code} (import its "
                               "boundaries first: wijkregie import-areas)")
        try:
            report = import_addresses(path, municipality, replace=options["replace"])
        except AddressFileError as exc:
            raise CommandError("nothing imported:\n  " + "\n  ".join(exc.problems)) from None
        self.stdout.write(self.style.SUCCESS(
            f"{municipality.name}: {report.created} addresses added, {report.updated} "
            f"updated, {report.removed} removed"))
