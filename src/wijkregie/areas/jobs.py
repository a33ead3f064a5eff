"""Job handlers of the area register (run by the task queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wijkregie.areas.services import import_area_files
from wijkregie.core.jobs import Report, job_handler
from wijkregie.core.models import Job


@job_handler("areas.import")
def import_areas_job(job: Job, report: Report) -> dict[str, Any]:
    params = job.params
    result = import_area_files([Path(p) for p in params["paths"]], year=params.get("year"),
                               repair=params.get("repair", True), actor=job.created_by,
                               progress=report)
    return result.as_dict()
