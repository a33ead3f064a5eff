from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from wijkregie.demo.loader import DemoContext, load_demo

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("WIJKREGIE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (../shared/data is not "
                    "part of a clone)")
    return path


@pytest.fixture
def demo(db) -> DemoContext:
    """The demo data set at the test scale (2 towns of 24 buurten in 4 wijken)."""
    return load_demo(seed=1, scale="test")


@pytest.fixture
def login(demo) -> Callable[[str], Client]:
    """Client logged in as one of the demo users, e.g. ``login("regisseur")``."""
    from wijkregie.core.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    return make
