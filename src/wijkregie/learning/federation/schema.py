"""The programme document's JSON Schema (a copy is docs/federation/, kept equal by a
test) and its validation."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("data") / "programme-document.schema.json"
SCHEMA_VERSION = 1
DOCUMENT_TYPE = "wijkregie.programme-document"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(document: Any, limit: int = 10) -> list[str]:
    """Readable errors, each naming the place in the document ("programme_areas/0/...")."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: "
            f"{error.message[:300]}" for error in errors[:limit]]
