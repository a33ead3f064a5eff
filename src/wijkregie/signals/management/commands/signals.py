from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals import crypto, services


class Command(BaseCommand):
    help = ("Signals administration: `signals issue-token --organisation NAME "
            "--municipality GM0000` or `signals rotate-keys`.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        token = sub.add_parser("issue-token", help="API token for a partner organisation")
        token.add_argument("--organisation", required=True, help="organisation name")
        token.add_argument("--municipality", required=True, help="CBS code, e.g. GM0363")
        token.add_argument("--days", type=int, default=None,
                           help="days the token works (default: WIJKREGIE_PARTNER_TOKEN_DAYS)")
        sub.add_parser("rotate-keys", help="re-encrypt identities, signal texts and points, "
                                           "case titles and reasons, group and file "
                                           "names, TOTP secrets and attachments with "
                                           "the newest key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate-keys":
            crypto.reset_key_cache()
            count = services.rotate_identity_keys()
            self.stdout.write(f"re-encrypted {count} records with the newest key")
            return
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if organisation is None:
            raise CommandError(f"unknown organisation {options['organisation']!r}")
        if municipality is None or not organisation.municipalities.filter(
                pk=municipality.pk).exists():
            raise CommandError(f"{organisation.name} does not work in "
                               f"{options['municipality']!r}")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1")
        raw = services.issue_partner_token(organisation=organisation, municipality=municipality,
                                           lifetime_days=options["days"])
        self.stdout.write("Token (shown once; store it in the partner system's secret "
                          f"store):\n{raw}")
