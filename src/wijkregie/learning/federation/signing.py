"""Ed25519 signatures over canonical JSON, and the instance's signing key.

The key never lives in the database, in code or in a log (as the other keys, ADR 0054):
``WIJKREGIE_FEDERATION_SIGNING_KEY`` (the 32-byte private key, url-safe base64),
else the file named by ``WIJKREGIE_FEDERATION_SIGNING_KEY_FILE`` (a mounted secret),
else — in development only — ``var/federation_signing_key`` written by
``wijkregie learning keygen``. A backup does not carry it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_VARIABLE = "WIJKREGIE_FEDERATION_SIGNING_KEY"
KEY_FILE_VARIABLE = "WIJKREGIE_FEDERATION_SIGNING_KEY_FILE"
DEVELOPMENT_KEY_FILE = "federation_signing_key"
ALGORITHM = "Ed25519"


def canonical_json(value: Any) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8, no NaN.

    Publisher and hub both re-serialise the parsed document this way, so whitespace or
    key order added in transit does not matter; any change of a value does."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_text(key: Ed25519PrivateKey) -> str:
    """The private key as the variable holds it (raw 32 bytes, url-safe base64)."""
    return _b64encode(key.private_bytes(serialization.Encoding.Raw,
                                        serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption()))


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as registered at the hub (raw 32 bytes, url-safe base64)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return _b64encode(public.public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw))


def load_private_key(text: str) -> Ed25519PrivateKey:
    try:
        raw = _b64decode(text.strip())
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured(
            "the federation signing key is not a 32-byte Ed25519 key in url-safe "
            "base64") from exc


def load_public_key(text: str) -> Ed25519PublicKey:
    """Raise ValueError for anything but a 32-byte Ed25519 public key in base64."""
    try:
        return Ed25519PublicKey.from_public_bytes(_b64decode(text.strip()))
    except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not an Ed25519 public key (32 bytes, url-safe base64)") from exc


def development_key_path() -> Path:
    return Path(settings.VAR_DIR) / DEVELOPMENT_KEY_FILE


def configured_private_key() -> Ed25519PrivateKey:
    """The instance's signing key from its configured place; never created here."""
    if text := os.environ.get(KEY_VARIABLE, "").strip():
        return load_private_key(text)
    if path := os.environ.get(KEY_FILE_VARIABLE, "").strip():
        return load_private_key(Path(path).read_text())
    if getattr(settings, "ENVIRONMENT", "development") == "development":
        path = development_key_path()
        if path.exists():
            return load_private_key(path.read_text())
    raise ImproperlyConfigured(
        f"No federation signing key: set {KEY_VARIABLE} or {KEY_FILE_VARIABLE} "
        f"(development: `wijkregie learning keygen` writes var/{DEVELOPMENT_KEY_FILE}); "
        f"see docs/federation/README.md.")


def write_key_file(path: Path, key: Ed25519PrivateKey) -> None:
    """Write a private key file readable by its owner only; never overwrites."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(private_key_text(key) + "\n")


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The envelope sent to the hub: the document and its signature."""
    return {"algorithm": ALGORITHM, "document": document,
            "signature": _b64encode(key.sign(canonical_json(document)))}


def verify(document: Any, signature: str, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(_b64decode(signature), canonical_json(document))
    except (InvalidSignature, ValueError, binascii.Error, UnicodeEncodeError, TypeError):
        return False
    return True
