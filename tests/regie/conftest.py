"""The regie tests read the services' messages and reasons in English (the source
language); the pages' Dutch is checked where a test asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield
