"""Shared helpers of the federation tests."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wijkregie.core.models import Municipality
from wijkregie.learning.federation import signing
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.hub import register_member


def member_with_key(municipality: Municipality) -> Ed25519PrivateKey:
    key = signing.generate_private_key()
    register_member(municipality.code, municipality.name, signing.public_key_text(key))
    return key


def envelope_bytes(document: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    return json.dumps(signing.sign(document, key)).encode()


def demo_document(municipality: Municipality) -> dict[str, Any]:
    return build_document(municipality)
