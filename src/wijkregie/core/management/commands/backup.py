from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wijkregie.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, or SQLite's backup API) and stored files into a "
            "new folder, with a manifest of row counts and key fingerprints. The keys are "
            "not included: keep them in your secret store.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", help="new folder for the backup (default: "
                                                      "var/backups/wijkregie-<time>)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["folder"] or Path(settings.VAR_DIR) / "backups" /
                      f"wijkregie-{timezone.now():%Y%m%d-%H%M%S}")
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = manifest["counts"]
        self.stdout.write(f"backup written to {target}")
        self.stdout.write(f"  database: {manifest['database']['file']} "
                          f"({sum(counts.values())} rows in {len(counts)} tables)")
        self.stdout.write(f"  files: {manifest['media'] or 'none'}")
        self.stdout.write(self.style.WARNING(f"  keys: {manifest['keys']['statement']}"))
        fingerprints = manifest["keys"]["fingerprints"]
        if fingerprints:
            self.stdout.write(f"  key fingerprints: encryption "
                              f"{', '.join(fingerprints['encryption'])}; matching "
                              f"{fingerprints['matching']}")
