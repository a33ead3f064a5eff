from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.demo_snapshot import DemoSnapshot, build_snapshot
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


DEMO_SEED, DEMO_SCALE = 1, "test"


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker) -> dict[str, DemoSnapshot]:
    """Holds the demo rows, built once per session (see tests/demo_snapshot.py)."""
    return {}


@pytest.fixture
def demo(request, db, demo_snapshots: dict[str, DemoSnapshot]) -> DemoContext:
    """The demo data set at the test scale (2 towns of 24 buurten in 4 wijken), as
    ``load_demo(seed=1, scale="test")`` leaves it, inside the test's transaction."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        # Committed rows outlive the test until its flush: load them for real.
        return load_demo(seed=DEMO_SEED, scale=DEMO_SCALE)
    snapshot = demo_snapshots.get("demo")
    if snapshot is None or not snapshot.fits_database():
        snapshot = demo_snapshots["demo"] = build_snapshot(seed=DEMO_SEED, scale=DEMO_SCALE)
    return snapshot.restore()


@pytest.fixture
def login(demo) -> Callable[[str], Client]:
    """Client logged in as one of the demo users, e.g. ``login("regisseur")``.

    The session counts as having passed the second factor (TOTP), as after a real login
    of a personal-data role; ``login(name, second_factor=False)`` leaves it out.
    """
    from tests.clients import client_for
    from wijkregie.core.models import User

    def make(username: str, second_factor: bool = True) -> Client:
        return client_for(User.objects.get(username=username), second_factor=second_factor)
    return make
