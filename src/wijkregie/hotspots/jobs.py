"""Job handlers of the hot spots capability (run by the task queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wijkregie.core.jobs import Report, job_handler
from wijkregie.core.models import Job, Municipality
from wijkregie.hotspots import services
from wijkregie.hotspots.models import HotspotAnalysis
from wijkregie.hotspots.sources import source_by_key


@job_handler("hotspots.import")
def import_incidents_job(job: Job, report: Report) -> dict[str, Any]:
    params = job.params
    data_set = services.import_incident_file(
        path=Path(params["path"]), municipality=Municipality.objects.get(pk=params["municipality"]),
        name=params.get("name", ""), crs=params.get("crs") or None, actor=job.created_by,
        progress=report)
    report_data = data_set.report
    return {"data set": data_set.name, "incidents": data_set.n_incidents,
            "rows without a location (not imported)": data_set.n_without_location,
            "projection": data_set.crs, "first date": report_data.get("first_date"),
            "last date": report_data.get("last_date"),
            "url": f"/hotspots/datasets/{data_set.pk}/"}


@job_handler("hotspots.analysis")
def analysis_job(job: Job, report: Report) -> dict[str, Any]:
    record = HotspotAnalysis.objects.select_related("municipality", "programme_area").get(
        pk=job.params["analysis"])
    source = source_by_key(record.municipality, record.source)
    if source is None:
        raise ValueError(f"the source {record.source!r} is no longer available")
    record = services.compute_analysis(record=record, source=source, progress=report)
    return {"cells analysed": record.result["n_analysed_cells"],
            "incidents": record.result["n_incidents"],
            "url": f"/hotspots/analyses/{record.pk}/"}
