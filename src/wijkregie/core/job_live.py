"""The live state of a running job (progress, message, heartbeat), kept outside the database.

An import writes its rows in one transaction; progress written to the job's row inside
it stays invisible until the commit, and a heartbeat written there would wait for the
import's locks (on SQLite for its whole write phase). The live state therefore goes to
the task queue's own key-value storage (Redis in production, the queue's SQLite file
embedded, memory in tests), which no import transaction touches (ADR 0050).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

from huey.constants import EmptyData


class LiveStoreUnavailable(Exception):
    """The queue's storage could not be reached; nobody can judge a job's liveness now."""


@dataclass(frozen=True)
class LiveState:
    attempt: int
    progress: float
    message: str
    beat_at: float  # seconds since the epoch (time.time()), written by the worker
    worker: str


def _key(job_id: str) -> str:
    return f"wijkregie.job.{job_id}"


def _storage():  # type: ignore[no-untyped-def]
    from huey.contrib.djhuey import HUEY

    return HUEY.storage


def write(job_id: str, state: LiveState) -> None:
    try:
        _storage().put_data(_key(job_id), json.dumps(asdict(state)).encode())
    except Exception as exc:  # redis errors, sqlite errors: the same to the caller
        raise LiveStoreUnavailable(str(exc)) from exc


def read(job_id: str) -> LiveState | None:
    try:
        raw = _storage().peek_data(_key(job_id))
    except Exception as exc:
        raise LiveStoreUnavailable(str(exc)) from exc
    if raw is EmptyData or raw is None:
        return None
    return LiveState(**json.loads(raw))


def clear(job_id: str) -> None:
    try:
        _storage().delete_data(_key(job_id))
    except Exception as exc:
        raise LiveStoreUnavailable(str(exc)) from exc


def now() -> float:
    return time.time()
