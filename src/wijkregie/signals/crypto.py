"""Encryption of identity fields, free text and points of personal-data records, and
attachments; keyed hashes for matching persons.

Keys never live in the database or in code: they come from the environment
(``WIJKREGIE_SIGNALS_KEYS``: comma-separated Fernet keys, newest first, and
``WIJKREGIE_SIGNALS_HMAC_KEY``) or, for a development installation only, from files
created once under ``var/`` with mode 0600. In production (``WIJKREGIE_ENV=production``)
the settings refuse to load without both variables (:func:`check_configured_keys`), and
no key file is ever created or read. Several Fernet keys allow rotation: the first
encrypts, all decrypt (``wijkregie signals rotate-keys`` re-encrypts with the first).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IDENTITY_FIELDS = ("name", "date_of_birth", "address", "bsn")


KEYS_VARIABLE = "WIJKREGIE_SIGNALS_KEYS"
HMAC_VARIABLE = "WIJKREGIE_SIGNALS_HMAC_KEY"


def check_configured_keys(environ: Mapping[str, str]) -> None:
    """Raise ImproperlyConfigured, naming the variable, unless both keys are set and
    well formed. Called by the settings in production, before anything else runs."""
    raw = environ.get(KEYS_VARIABLE, "")
    keys = [k for k in re.split(r"[,\s]+", raw) if k]
    if not keys:
        raise ImproperlyConfigured(
            f"{KEYS_VARIABLE} is not set. In production the signals encryption keys must "
            f"come from the environment (comma-separated Fernet keys, newest first); see "
            f"docs/operations/signals-keys.md. Key files are made only for development "
            f"(WIJKREGIE_ENV=development).")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{KEYS_VARIABLE}: key {number} is not a Fernet key (32 url-safe base64 "
                f"bytes)") from exc
    hmac_raw = environ.get(HMAC_VARIABLE, "").strip()
    if not hmac_raw:
        raise ImproperlyConfigured(
            f"{HMAC_VARIABLE} is not set. In production the matching key must come from "
            f"the environment (32 bytes, url-safe base64); see "
            f"docs/operations/signals-keys.md.")
    try:
        decoded = base64.urlsafe_b64decode(hmac_raw)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{HMAC_VARIABLE} is not url-safe base64") from exc
    if len(decoded) < 32:
        raise ImproperlyConfigured(f"{HMAC_VARIABLE} must decode to at least 32 bytes")


def _key_file(name: str, make: Any, variable: str) -> str:
    """A development key file under var/, made once; refused outside development."""
    if not getattr(settings, "SIGNALS_KEY_FILES", False):
        raise ImproperlyConfigured(
            f"{variable} is not set, and key files are allowed only in development "
            f"(WIJKREGIE_ENV=development); see docs/operations/signals-keys.md.")
    path = Path(settings.VAR_DIR) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    raw = os.environ.get(KEYS_VARIABLE) or _key_file(
        "signals_keys", lambda: Fernet.generate_key().decode(), KEYS_VARIABLE)
    keys = [k.strip() for k in re.split(r"[,\s]+", raw) if k.strip()]
    return MultiFernet([Fernet(k) for k in keys])


@lru_cache(maxsize=1)
def _hmac_key() -> bytes:
    raw = os.environ.get(HMAC_VARIABLE) or _key_file(
        "signals_hmac_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        HMAC_VARIABLE)
    return base64.urlsafe_b64decode(raw)


def reset_key_cache() -> None:
    """Forget cached keys (after rotation, or in tests that change the environment)."""
    _fernet.cache_clear()
    _hmac_key.cache_clear()


def encrypt_identity(identity: dict[str, str]) -> bytes:
    payload = json.dumps({k: identity.get(k, "") for k in IDENTITY_FIELDS}, sort_keys=True)
    return _fernet().encrypt(payload.encode())


def encrypt_identities(identities: list[dict[str, str]]) -> list[bytes]:
    fernet = _fernet()
    return [fernet.encrypt(json.dumps({k: i.get(k, "") for k in IDENTITY_FIELDS},
                                      sort_keys=True).encode()) for i in identities]


def decrypt_identity(token: bytes) -> dict[str, str]:
    return json.loads(_fernet().decrypt(bytes(token)))


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's content (attachments) with the same keys as identities."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))


def encrypt_text(text: str) -> bytes:
    """Free text of a personal-data record (signal description, address, case reason)."""
    return _fernet().encrypt(text.encode())


def decrypt_text(token: bytes) -> str:
    return _fernet().decrypt(bytes(token)).decode()


def encrypt_number(value: float) -> bytes:
    """An exact coordinate: ``repr`` keeps every digit of the float."""
    return _fernet().encrypt(repr(float(value)).encode())


def decrypt_number(token: bytes) -> float:
    return float(_fernet().decrypt(bytes(token)))


def rotate(token: bytes) -> bytes:
    return _fernet().rotate(bytes(token))


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z ]", " ", text).split())


def normalise_bsn(bsn: str) -> str:
    return re.sub(r"\D", "", bsn)


def valid_bsn(bsn: str) -> bool:
    """The Dutch 'elfproef': 9 digits, weighted sum divisible by 11 (last weight -1)."""
    digits = normalise_bsn(bsn)
    if len(digits) != 9 or len(bsn.strip()) > 11:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and digits != "000000000"


def keyed_hash(value: str) -> str:
    return hmac.new(_hmac_key(), value.encode(), hashlib.sha256).hexdigest()


def person_match_hash(name: str, date_of_birth: date | None) -> str:
    """Keyed hash of normalised name and date of birth: links duplicates without decrypting."""
    born = date_of_birth.isoformat() if date_of_birth else ""
    return keyed_hash(f"person|{normalise_name(name)}|{born}")


def bsn_hash(bsn: str) -> str:
    return keyed_hash(f"bsn|{normalise_bsn(bsn)}") if bsn else ""


def group_name_hash(name: str) -> str:
    """Keyed hash of a group's (stripped) name: signals name their groups, so look-up and
    uniqueness go through this column while the name itself is stored only encrypted."""
    return keyed_hash(f"group|{name.strip()}")
