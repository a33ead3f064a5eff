"""Signals of the area register (the figures app listens; areas does not import it)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction just before a programme area's buurten change or it is
#: deleted, with ``programme_area``: its figures were shown, so the figures app keeps the
#: old composition and its shown figures for the disclosure audit (ADR 0010).
programme_area_retiring = Signal()

#: Sent inside the transaction of every change to a municipality's programme areas
#: (created, its buurten changed, deleted), with ``municipality``: the figures app
#: recomputes that municipality's derived and disclosed figures before the change
#: commits (ADR 0010).
programme_areas_changed = Signal()
