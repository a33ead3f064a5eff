from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.progress import command_progress
from wijkregie.figures.cbs_odata import CbsFormatError
from wijkregie.figures.services import CBS_FORMATS, FiguresImportError, import_cbs


class Command(BaseCommand):
    help = ("Import CBS 'Kerncijfers wijken en buurten' as CBS publishes it (OData): "
            "DataProperties for the indicator metadata, TypedDataSet/UntypedDataSet rows (or "
            "a stripped values file) for the values. The format is read from the data file, "
            "table id and year from TableInfos.json beside DataProperties when present. "
            "Areas must be in the register; any problem imports nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--properties", type=Path, required=True,
                            help="DataProperties.json of the table")
        parser.add_argument("--data", type=Path, required=True,
                            help="TypedDataSet / UntypedDataSet JSON, or a stripped values file")
        parser.add_argument("--format", choices=("auto", *CBS_FORMATS), default="auto",
                            help="data format (default: detected from the data file)")
        parser.add_argument("--year", type=int,
                            help="reference year (default: the Period in TableInfos.json)")
        parser.add_argument("--division-year", type=int,
                            help="area division year (default: --year)")
        parser.add_argument("--table", default="",
                            help="CBS table id, e.g. 85984NED (default: from TableInfos.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        with command_progress(self, options["verbosity"]) as progress:
            try:
                report = import_cbs(properties=options["properties"], data=options["data"],
                                    data_format=options["format"], year=options["year"],
                                    division_year=options["division_year"],
                                    table=options["table"], progress=progress)
            except (CbsFormatError, FiguresImportError, ValueError) as exc:
                raise CommandError(f"nothing imported: {exc}") from None
        self.stdout.write(self.style.SUCCESS(
            f"imported {report.observations} figures of {report.indicators} indicators for "
            f"{len(report.municipalities)} municipalities (format {report.data_format}, "
            f"table {report.table or 'not given'}, year {report.year})"))
        for cbs_key, key in sorted(report.mapped.items()):
            self.stdout.write(f"CBS column {cbs_key} fills catalogue indicator {key}")
