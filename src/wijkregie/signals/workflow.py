"""The case status workflow: the one table of allowed transitions."""

from __future__ import annotations

from wijkregie.signals.models import CaseStatus

S = CaseStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.INTAKE: (S.ACTIVE, S.CLOSED),
    S.ACTIVE: (S.MONITORING, S.CLOSED),
    S.MONITORING: (S.ACTIVE, S.CLOSED),
    S.CLOSED: (S.ACTIVE,),  # reopening
}
# Closing and reopening must be explained; the reason is kept in the case history.
REASON_REQUIRED = {(source, S.CLOSED) for source in (S.INTAKE, S.ACTIVE, S.MONITORING)} | {
    (S.CLOSED, S.ACTIVE)}


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
