from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain and exits non-zero if broken."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain from the first event")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events"))
            return
        brk = report.first_break
        assert brk is not None
        raise CommandError(f"audit chain broken at event {brk.seq}: {brk.reason} "
                           f"({report.checked} events verified before it)")
