"""System checks: every command (and the WSGI application) refuses to run on a database
whose identities the configured keys cannot decrypt (ADR 0054)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register("wijkregie_keys")
def identity_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from wijkregie.core.backup import identity_keys_problem

    problem = identity_keys_problem()
    if problem is None:
        return []
    return [Error(problem, hint="Wijkregie refuses to run rather than create new keys or "
                                "answer with errors; the data is unchanged.",
                  id="wijkregie.E001")]
