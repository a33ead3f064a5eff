from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.areas.area_files import AreaFileError
from wijkregie.areas.services import import_area_files
from wijkregie.core.progress import command_progress


class Command(BaseCommand):
    help = ("Import gemeente/wijk/buurt boundaries (GeoJSON or TopoJSON, WGS84 or RD New) "
            "with CBS codes. All files are checked together; any error imports nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--year", type=int, help="division year when the files lack one")
        parser.add_argument("--no-repair", action="store_true",
                            help="refuse self-intersecting polygons instead of repairing them")

    def handle(self, *args: Any, **options: Any) -> None:
        with command_progress(self, options["verbosity"]) as progress:
            try:
                report = import_area_files(options["files"], year=options["year"],
                                           repair=not options["no_repair"], progress=progress)
            except AreaFileError as exc:
                raise CommandError(f"nothing imported: {exc}") from None
        counts = ", ".join(f"{n} {level}" for level, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"imported {counts}"))
        if report.municipalities_created:
            self.stdout.write(f"new municipalities: {len(report.municipalities_created)}")
        for line in report.repaired:
            self.stdout.write(f"repaired: {line}")
