from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.backup import BackupError, identity_keys_problem, restore, row_counts


class Command(BaseCommand):
    help = ("Restore a backup made by `wijkregie backup`: replaces the database and stored "
            "files. Refuses unless the configured keys are the backup's.")
    # The database may be empty or another one before the restore; judge it afterwards.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the backup's folder")
        parser.add_argument("--yes", action="store_true",
                            help="do not ask before replacing the current data")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["folder"])
        if not options["yes"]:
            answer = input(f"Replace this installation's database and files by {source}? "
                           "Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("not restored")
        try:
            manifest = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts, expected = row_counts(), manifest["counts"]
        differing = {k: (expected.get(k), counts.get(k)) for k in expected
                     if counts.get(k) != expected[k]}
        if differing:
            raise CommandError(f"restored, but row counts differ from the backup's: {differing}")
        if problem := identity_keys_problem():
            raise CommandError(f"restored, but {problem}")
        self.stdout.write(self.style.SUCCESS(
            f"restored {sum(counts.values())} rows in {len(counts)} tables from {source}; "
            "identities decrypt with the configured keys. Run `wijkregie audit verify` next."))
