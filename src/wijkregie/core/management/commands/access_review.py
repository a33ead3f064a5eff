"""`wijkregie access-review [--municipality GM0363] [--format csv|table]`: the yearly
access review for an operator; platform-wide without --municipality. The run is
audited as an export."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core import access_review, audit
from wijkregie.core.models import AuditAction, Municipality


class Command(BaseCommand):
    help = "Accounts, roles, second factor, partner tokens and last use, with flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="CBS code, e.g. GM0363 (default: all)")
        parser.add_argument("--format", choices=("csv", "table"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = None
        code = options["municipality"]
        if code:
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                raise CommandError(f"--municipality: no municipality with code {code!r}")
        rows = access_review.review(access_review.accounts_of(municipality))
        audit.record(AuditAction.EXPORT, object_type="core.user", purpose="access review",
                     detail={"accounts": len(rows), "scope": code or "platform",
                             "channel": "command"})
        if options["format"] == "csv":
            self.stdout.write(access_review.as_csv(rows), ending="")
            return
        self._table(rows)

    def _table(self, rows: list[access_review.AccountReview]) -> None:
        header = ("username", "organisation", "municipality", "roles", "active", "2fa",
                  "token", "last use", "flags")
        lines = [header] + [(
            r.username, r.organisation, r.municipality, ",".join(r.roles),
            "yes" if r.is_active else "no", "yes" if r.second_factor else "no",
            ("revoked" if r.token_revoked else f"until {r.token_expires_at:%Y-%m-%d}")
            if r.partner_token else "",
            f"{r.last_use:%Y-%m-%d %H:%M}" if r.last_use else "never",
            ",".join(r.flags)) for r in rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths,
                                                                        strict=True)).rstrip())
        flagged = sum(1 for r in rows if r.flags)
        self.stdout.write(f"{len(rows)} accounts, {flagged} flagged")
