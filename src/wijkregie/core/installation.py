"""Where the installation's data is, and refusing to create an empty database by accident.

SQLite creates its file on the first connection: a command run against the wrong folder
would silently start a new, empty database (and then fail with "no such table"). Only
``migrate`` creates the database (ADR 0053).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Commands that may create the SQLite database, or never open it.
MAY_CREATE = {"migrate"}
NEVER_OPEN = {"help", "version", "makemessages", "compilemessages", "collectstatic",
              "check", "--version", "-h", "--help"}


def sqlite_file() -> Path | None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def require_database(command: str | None = None) -> None:
    """Raise ImproperlyConfigured when the SQLite database is missing and ``command`` is
    not one that creates it; ``None`` stands for the web application."""
    if command in MAY_CREATE or command in NEVER_OPEN:
        return
    path = sqlite_file()
    if path is not None and not path.exists():
        raise ImproperlyConfigured(
            f"no database at {path}: run `wijkregie migrate` to create it, or point "
            "WIJKREGIE_HOME (or WIJKREGIE_VAR_DIR, DATABASE_URL) at the installation's data. "
            f"This installation's home is {settings.PROJECT_DIR}.")
