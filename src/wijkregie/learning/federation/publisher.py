"""Sending the signed document to a hub over HTTPS (urllib, certificates verified).

Plain http is refused except to the loopback address (127.0.0.1, ::1, localhost), which
the two-instance test and a hub on the same machine use.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wijkregie.core.models import Municipality
from wijkregie.learning.federation import signing
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.personal_data import personal_data
from wijkregie.learning.federation.schema import schema_errors

RECEIVE_PATH = "/leerkring/hub/documents/"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
TIMEOUT_SECONDS = 60


class PublishError(Exception):
    """The document was not accepted (or not sent); the message says why."""


@dataclass(frozen=True)
class PublishResult:
    municipality: str
    status: int
    response: dict[str, Any]


def receive_url(hub: str) -> str:
    """The hub's receiving URL from its base URL (a full receiving URL is kept)."""
    parsed = urllib.parse.urlsplit(hub.strip())
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise PublishError(f"not a hub URL: {hub!r} (expected https://host/...)")
    if parsed.scheme == "http" and parsed.hostname not in LOOPBACK:
        raise PublishError("the hub must be reached over https (http only to 127.0.0.1)")
    path = parsed.path.rstrip("/")
    if not path.endswith(RECEIVE_PATH.rstrip("/")):
        path += RECEIVE_PATH
    else:
        path += "/"
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


def post(url: str, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise PublishError(f"not a hub URL: {url!r}")
    body = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json"})
    context = ssl.create_default_context()  # verifies the certificate and host name
    try:
        # The URL comes from receive_url(), which admits https (http to loopback) only.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS,  # nosec B310
                                    context=context) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read() or b"{}")
        except ValueError:
            answer = {"error": "http_error", "message": error.reason}
        return error.code, answer
    except (urllib.error.URLError, OSError) as error:
        raise PublishError(f"the hub could not be reached: {error}") from error


def publish(municipality: Municipality, hub: str,
            key: Ed25519PrivateKey | None = None) -> PublishResult:
    """Build, check, sign and send one municipality's document; raise PublishError
    unless the hub stored it."""
    url = receive_url(hub)
    document = build_document(municipality)
    if problems := personal_data(document):
        raise PublishError(f"{municipality.code}: personal data in a practice, not published "
                           "(remove it from the practice): " + "; ".join(problems))
    if errors := schema_errors(document):
        raise PublishError("the document does not match its schema: " + "; ".join(errors))
    envelope = signing.sign(document, key or signing.configured_private_key())
    status, answer = post(url, envelope)
    if status != 201:
        raise PublishError(f"{municipality.code}: the hub refused the document ({status}): "
                           f"{answer.get('error', '')} {answer.get('message', '')} "
                           f"{'; '.join(answer.get('details') or [])}".strip())
    return PublishResult(municipality.code, status, answer)
