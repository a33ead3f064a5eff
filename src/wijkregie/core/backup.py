"""Backup and restore of an installation: database, stored files, and a manifest (ADR 0054).

The keys are kept apart on purpose: a backup that carries the identity keys beside the
ciphertext would undo the encryption at rest for whoever holds the backup. The manifest
records the keys' fingerprints instead, and :func:`restore` refuses to restore under
keys that are not the ones the backup was made with; :func:`identity_keys_problem` is
the system check that refuses to run on a database the configured keys cannot read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"
# Job uploads are transient working files of running jobs, not data.
SKIPPED_MEDIA = ("uploads",)
KEYS_STATEMENT = (
    "The identity encryption keys (WIJKREGIE_SIGNALS_KEYS or var/signals_keys), the "
    "matching key (WIJKREGIE_SIGNALS_HMAC_KEY or var/signals_hmac_key) and the secret key "
    "are NOT in this backup. Keep them in your secret store; without them the identities "
    "in this backup cannot be read. The fingerprints below identify the keys it needs.")


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class KeyFingerprints:
    """One-way fingerprints: they say which keys, never reveal them."""

    encryption: list[str]  # per Fernet key, newest (encrypting) first
    matching: str

    @classmethod
    def configured(cls) -> KeyFingerprints | None:
        """Fingerprints of the configured keys, or None when a key is missing.

        Reads the environment or the key files without creating them: a restore must
        never quietly make new keys.
        """
        fernet = os.environ.get("WIJKREGIE_SIGNALS_KEYS") or _read_key_file("signals_keys")
        hmac_key = os.environ.get("WIJKREGIE_SIGNALS_HMAC_KEY") or _read_key_file(
            "signals_hmac_key")
        if not fernet or not hmac_key:
            return None
        keys = [k.strip() for k in re.split(r"[,\s]+", fernet) if k.strip()]
        return cls(encryption=[_fingerprint(base64.urlsafe_b64decode(k)) for k in keys],
                   matching=_fingerprint(base64.urlsafe_b64decode(hmac_key)))


def _read_key_file(name: str) -> str:
    path = Path(settings.VAR_DIR) / name
    return path.read_text().strip() if path.exists() else ""


def _fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"wijkregie key fingerprint\0" + key).hexdigest()[:16]


# --- what is in the database ------------------------------------------------------------

def row_counts() -> dict[str, int]:
    """Rows per model of Wijkregie's own apps: the manifest's and the restore's measure."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"core", "areas", "figures", "signals", "hotspots",
                                     "regie", "safety_advice", "impact", "learning"}:
            counts[model._meta.label] = model._default_manager.count()
    return dict(sorted(counts.items()))


def identity_keys_problem(sample: int = 2) -> str | None:
    """A message when the configured keys cannot read the stored identities, else None.

    Decrypts the oldest and newest person and recomputes their keyed match hash, which
    tests the encryption and the matching key together. Before ``migrate`` (no table)
    there is nothing to judge.
    """
    from cryptography.fernet import InvalidToken

    from wijkregie.signals import crypto
    from wijkregie.signals.models import Subject

    try:
        subjects = [s for s in (Subject.objects.order_by("pk").first(),
                                Subject.objects.order_by("-pk").first()) if s][:sample]
    except DatabaseError:
        return None
    if subjects and KeyFingerprints.configured() is None:
        # Decrypting would create new, useless key files: say what is missing instead.
        return ("this database holds persons but no identity keys are configured: set "
                "WIJKREGIE_SIGNALS_KEYS and WIJKREGIE_SIGNALS_HMAC_KEY (or put "
                "var/signals_keys and var/signals_hmac_key back) from the secret store; see "
                "docs/operations/backup-restore.md")
    for subject in subjects:
        try:
            identity = crypto.decrypt_identity(subject.identity)
        except InvalidToken:
            return (f"the configured identity keys cannot decrypt the persons in this "
                    f"database (person {subject.ref}): restore WIJKREGIE_SIGNALS_KEYS (or "
                    f"var/signals_keys) from the secret store this database was made with; "
                    f"see docs/operations/backup-restore.md")
        born = identity.get("date_of_birth") or ""
        expected = crypto.person_match_hash(identity.get("name", ""),
                                            date.fromisoformat(born) if born else None)
        if expected != subject.match_hash:
            return (f"the configured matching key does not match this database (person "
                    f"{subject.ref}): restore WIJKREGIE_SIGNALS_HMAC_KEY (or "
                    f"var/signals_hmac_key) from the secret store this database was made "
                    f"with; see docs/operations/backup-restore.md")
    return None


# --- backup ---------------------------------------------------------------------------

def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    # A fixed client program (pg_dump, pg_restore, createdb) with argument list, no shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into the new folder ``target``; returns its manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} exists and is not empty")
    target.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump is not installed (PostgreSQL client tools)")
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target / PG_DUMP}", str(db["NAME"])], _pg_env(db))
        database_file = PG_DUMP
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target / SQLITE_COPY) as copy:
            connection.connection.backup(copy)  # consistent while others write
        copy.close()
        database_file = SQLITE_COPY
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, target / MEDIA, ignore=lambda folder, names: [
            n for n in names if Path(folder) == media and n in SKIPPED_MEDIA])
    keys = KeyFingerprints.configured()
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "media": MEDIA if (target / MEDIA).is_dir() else None,
        "counts": row_counts(),
        "keys": {"included": False, "statement": KEYS_STATEMENT,
                 "fingerprints": None if keys is None else {
                     "encryption": keys.encryption, "matching": keys.matching}},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# --- restore ---------------------------------------------------------------------------

def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source}: no {MANIFEST}; not a Wijkregie backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r} is not "
                          f"{FORMAT}")
    return manifest


def keys_problem(manifest: dict[str, Any]) -> str | None:
    """Why the configured keys cannot read this backup, or None."""
    wanted = (manifest.get("keys") or {}).get("fingerprints")
    if wanted is None:
        return None  # made without keys (no personal data yet)
    keys = KeyFingerprints.configured()
    if keys is None:
        return ("no identity keys are configured: set WIJKREGIE_SIGNALS_KEYS and "
                "WIJKREGIE_SIGNALS_HMAC_KEY (or put var/signals_keys and "
                "var/signals_hmac_key back) from the secret store first")
    if keys.matching != wanted["matching"]:
        return (f"the configured matching key (fingerprint {keys.matching}) is not the "
                f"backup's ({wanted['matching']})")
    missing = [f for f in wanted["encryption"] if f not in keys.encryption]
    if missing:
        return (f"the configured encryption keys lack the backup's key(s) with fingerprint "
                f"{', '.join(missing)}")
    return None


def _ensure_pg_database(db: dict[str, Any]) -> None:
    import psycopg

    params = {k: v for k, v in {"host": db.get("HOST"), "port": db.get("PORT"),
                                "user": db.get("USER"), "password": db.get("PASSWORD")
                                }.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               [db["NAME"]]).fetchone()
    if not exists:
        _run(["createdb", str(db["NAME"])], _pg_env(db))


def restore(source: Path) -> dict[str, Any]:
    """Replace this installation's database and stored files by the backup's.

    Refuses before changing anything when the backup is of another database engine or
    the configured keys are not the backup's. Returns the manifest.
    """
    manifest = read_manifest(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the backup is of a {vendor} database, this installation uses "
                          f"{connection.vendor}")
    if problem := keys_problem(manifest):
        raise BackupError(f"not restored: {problem}")
    db = connection.settings_dict
    connection.close()
    if vendor == "postgresql":
        _ensure_pg_database(db)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={db['NAME']}", str(source / PG_DUMP)],
             _pg_env(db))
    else:
        connection.ensure_connection()
        with sqlite3.connect(source / SQLITE_COPY) as copy:
            copy.backup(connection.connection)
        copy.close()
    media = Path(settings.MEDIA_ROOT)
    if manifest.get("media"):
        if media.is_dir():
            for child in media.iterdir():
                if child.name in SKIPPED_MEDIA:
                    continue
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        shutil.copytree(source / MEDIA, media, dirs_exist_ok=True)
    return manifest
