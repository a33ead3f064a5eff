"""Test settings: the real settings, with tasks run in-process and files in a temp dir."""

import os
import tempfile

os.environ.setdefault("WIJKREGIE_SECRET_KEY", "test-only-not-secret")
_TMP = tempfile.mkdtemp(prefix="wijkregie-test-")
os.environ.setdefault("WIJKREGIE_VAR_DIR", _TMP)
# The signals demo step makes ~5,000 signals for `make run`; fewer keep tests fast.
os.environ.setdefault("WIJKREGIE_DEMO_SIGNALS", "2500")

from wijkregie.settings import *  # noqa: E402,F403

MEDIA_ROOT = os.path.join(_TMP, "media")
HUEY = {"huey_class": "huey.MemoryHuey", "name": "wijkregie-test", "immediate": True}
