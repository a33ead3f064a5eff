"""``wijkregie learning ...``: the federation's keys, publishing and hub members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.learning.federation import signing


class Command(BaseCommand):
    help = ("Learning circle federation: `keygen [--output FILE]`, `public-key`, "
            "`publish --hub URL [--municipality GM0000]`, `hub-register --code GM0000 "
            "--name NAME --public-key=KEY`, `hub-members`")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="create this instance's signing key pair and "
                                "print the public key to register at the hub")
        keygen.add_argument("--output", help="file for the private key (mode 0600; move it "
                            "to the secret store). Default in development: "
                            f"var/{signing.DEVELOPMENT_KEY_FILE}")
        sub.add_parser("public-key", help="print the configured key's public key")
        publish = sub.add_parser("publish", help="publish the programme document now")
        publish.add_argument("--hub", default=None, help="the hub's base URL (https://...); "
                             "default WIJKREGIE_FEDERATION_HUB_URL")
        publish.add_argument("--municipality", action="append", default=[],
                             help="CBS code (repeatable); default: all of this instance's")
        register = sub.add_parser("hub-register", help="register a municipality at this hub")
        register.add_argument("--code", required=True)
        register.add_argument("--name", required=True)
        register.add_argument("--public-key", required=True)
        sub.add_parser("hub-members", help="list this hub's members and when they last "
                       "published")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _keygen(self, options: dict[str, Any]) -> None:
        if options["output"]:
            path = Path(options["output"])
        elif settings.ENVIRONMENT == "development":
            path = signing.development_key_path()
        else:
            raise CommandError("In production give --output FILE and put the key in the "
                               f"secret store ({signing.KEY_VARIABLE} or "
                               f"{signing.KEY_FILE_VARIABLE}).")
        if path.exists():
            raise CommandError(f"{path} exists; a key is never overwritten (the hub knows "
                               "its public key). Remove it first to make a new one.")
        key = signing.generate_private_key()
        signing.write_key_file(path, key)
        self.stdout.write(f"Private key written to {path} (mode 0600).")
        self.stdout.write("Public key to register at the hub:")
        self.stdout.write(signing.public_key_text(key))

    def _public_key(self, options: dict[str, Any]) -> None:
        try:
            self.stdout.write(signing.public_key_text(signing.configured_private_key()))
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

    def _publish(self, options: dict[str, Any]) -> None:
        from wijkregie.core.models import Municipality
        from wijkregie.learning.federation.publisher import PublishError, publish

        hub = options["hub"] or settings.FEDERATION_HUB_URL
        if not hub:
            raise CommandError("give --hub URL or set WIJKREGIE_FEDERATION_HUB_URL")
        try:
            key = signing.configured_private_key()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        municipalities = Municipality.objects.order_by("code")
        if codes := options["municipality"]:
            municipalities = municipalities.filter(code__in=codes)
            missing = set(codes) - set(municipalities.values_list("code", flat=True))
            if missing:
                raise CommandError(f"no such municipality: {', '.join(sorted(missing))}")
        failed = []
        for municipality in municipalities:
            try:
                result = publish(municipality, hub, key)
            except PublishError as error:
                failed.append(municipality.code)
                self.stderr.write(str(error))
            else:
                self.stdout.write(f"{result.municipality}: stored by the hub "
                                  f"(document {result.response.get('id')}, received "
                                  f"{result.response.get('received_at')})")
        if failed:
            raise CommandError(f"not published: {', '.join(failed)}")

    def _hub_register(self, options: dict[str, Any]) -> None:
        from wijkregie.learning.federation.hub import register_member

        try:
            member = register_member(options["code"], options["name"], options["public_key"])
        except ValidationError as exc:
            raise CommandError(f"--code: {'; '.join(exc.messages)}") from exc
        except ValueError as exc:
            raise CommandError(f"--public-key: {exc}") from exc
        self.stdout.write(f"registered {member}")

    def _hub_members(self, options: dict[str, Any]) -> None:
        from wijkregie.learning.federation.hub import member_statuses

        for status in member_statuses():
            last = status.last_received_at.isoformat() if status.last_received_at else "never"
            state = "" if status.member.active else " (inactive)"
            self.stdout.write(f"{status.member.code}  {status.member.name}{state}  "
                              f"last published: {last}  documents: {status.documents}")

