"""Benchmark-only settings: the real settings plus URLs that switch scoping and audit
off, so their cost can be measured. Never used by the application or the tests."""

from wijkregie.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.signals.bench_urls"
DEBUG = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405  (no per-request log lines)
