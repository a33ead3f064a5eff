from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chains and exits non-zero if broken."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify every lane's hash chain from its first event")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(
                f"audit chain intact: {report.checked} events in {len(report.lanes)} lanes"))
            # One line per lane head: what operations keeps outside the database as anchor.
            for lane, (count, last_hash) in report.lanes.items():
                self.stdout.write(f"lane {lane}: {count} events, head {last_hash}")
            return
        brk = report.first_break
        assert brk is not None
        event = f" (event {brk.seq})" if brk.seq is not None else ""
        raise CommandError(f"audit chain broken in lane {brk.lane} at position {brk.position}"
                           f"{event}: {brk.reason} ({report.checked} events verified before it)")
