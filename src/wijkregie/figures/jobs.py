"""Job handlers of the figures capability (run by the task queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wijkregie.core.jobs import Report, job_handler
from wijkregie.core.models import Job, Municipality
from wijkregie.figures.services import import_own_figures


@job_handler("figures.import")
def import_figures_job(job: Job, report: Report) -> dict[str, Any]:
    municipality = Municipality.objects.get(code=job.params["municipality"])
    result = import_own_figures(Path(job.params["path"]), municipality=municipality,
                                replace=job.params.get("replace", "cells"),
                                actor=job.created_by, progress=report)
    return result.as_dict()
