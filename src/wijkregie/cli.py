"""The ``wijkregie`` console command: Django's management commands with hyphenated names.

``wijkregie import-areas FILE`` runs the ``import_areas`` command; ``wijkregie --help``
lists Wijkregie's own commands first, then Django's.
"""

from __future__ import annotations

import os
import sys

# Commands a user or operator runs; shown first by `wijkregie --help`.
OWN_COMMANDS = {
    "import-areas": "import gemeente/wijk/buurt boundaries from GeoJSON or TopoJSON",
    "import-cbs": "import CBS Kerncijfers wijken en buurten: `import-cbs --properties "
                  "DataProperties.json --data TypedDataSet.json` (format, table and year are "
                  "read from the files)",
    "import-figures": "import a municipality's own figures (CSV/XLSX): `import-figures FILE "
                      "--municipality GM0363 [--replace cells|indicator-periods]`",
    "import-addresses": "import a municipality's address points (BAG CSV) for locating "
                        "registrations: `import-addresses FILE --municipality GM0363 "
                        "[--replace]`",
    "import-incidents": "import incidents (CSV: x/y or lon/lat, date or month, type)",
    "hotspots": "hot spot analyses on a file: `hotspots emerging|gistar|kde|forecast FILE`",
    "audit": "audit trail tools: `audit verify` checks the hash chain",
    "demo": "demo data: `demo load --seed N [--scale national]`",
    "retention": "signals retention: `retention purge` (dry run) or `retention purge --apply`",
    "signals": "signals: `signals issue-token --organisation NAME --municipality GM0000`, "
               "`signals rotate-keys`",
    "mkba": "social cost-benefit analysis: `mkba run SCENARIO [--json]`, `mkba "
            "library-import --municipality GM0363` (the packaged unit values)",
    "jobs": "long jobs: `jobs list`, `jobs check` (fail lost jobs), `jobs restart ID`",
    "access-review": "yearly access review of accounts, roles and last use: "
                     "`access-review [--municipality GM0363] [--format csv|table]`",
    "backup": "back up database and files (keys stay apart): `backup [FOLDER]`",
    "restore": "restore a backup: `restore FOLDER [--yes]` (refuses under other keys)",
    "learning": "learning circle federation: `learning keygen`, `learning publish --hub URL`, "
                "`learning hub-register --code GM0000 --name NAME --public-key=KEY`",
    "run_huey": "run the task queue worker (long jobs: imports, analyses)",
    "migrate": "create or update the database schema",
    "runserver": "development web server",
    "createsuperuser": "create an administrator account",
}


def _help() -> str:
    width = max(map(len, OWN_COMMANDS))
    lines = ["usage: wijkregie COMMAND [options]", "",
             "Wijkregie commands (wijkregie COMMAND --help for details):"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in OWN_COMMANDS.items()]
    lines += ["", "All Django management commands are available as well: "
              "`wijkregie help --commands` lists them."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkregie.settings")
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(_help())
        return
    argv[1] = argv[1].replace("-", "_") if not argv[1].startswith("-") else argv[1]
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
        from wijkregie.core.installation import require_database

        require_database(argv[1])
    except ImproperlyConfigured as exc:
        sys.exit(f"wijkregie: {exc}")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
