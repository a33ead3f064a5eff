from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.demo.loader import (
    DEMO_PASSWORD,
    SCALES,
    DemoError,
    database_empty,
    demo_present,
    load_demo,
)


class Command(BaseCommand):
    help = "Synthetic demo data: `demo load --seed N [--scale small|national] [--replace]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="build the deterministic demo data set")
        load.add_argument("--seed", type=int, default=1)
        load.add_argument("--scale", choices=sorted(SCALES), default="small")
        load.add_argument("--replace", action="store_true",
                          help="remove earlier demo data first")
        load.add_argument("--if-empty", action="store_true",
                          help="do nothing when the database already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not database_empty():
            if demo_present():
                self.stdout.write("demo data already present; nothing loaded")
                self._print_logins()
            else:
                self.stdout.write("database holds data; demo not loaded")
            return
        started = time.perf_counter()
        try:
            context = load_demo(seed=options["seed"], scale=options["scale"],
                                replace=options["replace"])
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"demo data loaded (seed {options['seed']}, scale {options['scale']}): "
            f"{len(context.municipalities)} municipalities in "
            f"{time.perf_counter() - started:.1f} s"))
        self._print_logins()

    def _print_logins(self) -> None:
        from wijkregie.core.models import User

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        users = (User.objects.filter(organisation__is_demo=True, partner_token__isnull=True)
                 .order_by("pk").prefetch_related("groups"))
        for user in users:
            roles = ", ".join(g.name for g in user.groups.all())
            self.stdout.write(f"  {user.username:<14} {roles}")
        from wijkregie.signals.demo_data import DEMO_TOTP_SECRET

        self.stdout.write("Roles that see personal data need a second factor: add the key "
                          f"{DEMO_TOTP_SECRET} to an authenticator app (TOTP).")
