from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.models import Municipality, User
from wijkregie.core.progress import command_progress
from wijkregie.hotspots.incident_files import IncidentFileError
from wijkregie.hotspots.services import import_incident_file


class Command(BaseCommand):
    help = ("Import incidents from a CSV file (x/y in RD New or --crs, or longitude/latitude; "
            "a date or month column; optionally a type column) into one municipality's "
            "incident data set. Any bad row imports nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", help="CBS code, e.g. GM0363 (default: the only "
                                                  "municipality, if there is exactly one)")
        parser.add_argument("--name", default="", help="name of the data set (default: file)")
        parser.add_argument("--crs", help="projection of x/y columns, or the one to compute "
                                          "x/y in for lon/lat files (e.g. EPSG:27700)")
        parser.add_argument("--column", action="append", default=[], metavar="ROLE=NAME",
                            help="override column detection, e.g. --column date=Datum "
                                 "(roles: lon, lat, x, y, date, month, category)")
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = _municipality(options["municipality"])
        columns = {}
        for item in options["column"]:
            role, sep, name = item.partition("=")
            if not sep:
                raise CommandError(f"--column {item!r}: write ROLE=NAME")
            columns[role.strip()] = name.strip()
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"--user {options['user']!r}: no such user")
        with command_progress(self, options["verbosity"]) as progress:
            try:
                data_set = import_incident_file(
                    path=options["file"], municipality=municipality, name=options["name"],
                    crs=options["crs"], columns=columns or None, actor=actor, progress=progress)
            except IncidentFileError as exc:
                raise CommandError("nothing imported:\n" + str(exc)) from None
        report = data_set.report
        self.stdout.write(self.style.SUCCESS(
            f"imported {data_set.n_incidents} incidents into data set {data_set.pk} "
            f"“{data_set.name}” of {municipality.name} ({municipality.code})"))
        self.stdout.write(f"projection {data_set.crs}; dates {report['first_date']} – "
                          f"{report['last_date']} (per {data_set.date_precision}); columns "
                          + ", ".join(f"{k}={v}" for k, v in report["columns"].items()))
        if data_set.n_without_location:
            first = ", ".join(map(str, report["rows_without_location_first"]))
            self.stdout.write(f"{data_set.n_without_location} rows without a location were "
                              f"not imported (rows {first}"
                              f"{', …' if data_set.n_without_location > 20 else ''})")
        for note in report["notes"]:
            self.stdout.write(f"note: {note}")


def _municipality(code: str | None) -> Municipality:
    if code:
        found = Municipality.objects.filter(code=code.upper()).first()
        if found is None:
            raise CommandError(f"--municipality {code!r}: no such municipality")
        return found
    only = list(Municipality.objects.all()[:2])
    if len(only) != 1:
        raise CommandError("give --municipality CODE (there is not exactly one municipality)")
    return only[0]
