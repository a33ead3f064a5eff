from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkregie.core import jobs
from wijkregie.core.models import Job, JobStatus


class Command(BaseCommand):
    help = ("Long jobs: `jobs list [--status S]`, `jobs check` (fail jobs whose queue entry "
            "or worker was lost), `jobs restart ID`.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the newest jobs with status and progress")
        listing.add_argument("--status", choices=JobStatus.values)
        listing.add_argument("--limit", type=int, default=50)
        sub.add_parser("check", help="end lost jobs as failed (also runs every minute in "
                                     "the worker)")
        restart = sub.add_parser("restart", help="queue a job that failed because its queue "
                                                 "entry or worker was lost")
        restart.add_argument("job_id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            queryset = Job.objects.all()
            if options["status"]:
                queryset = queryset.filter(status=options["status"])
            for job in queryset[:options["limit"]]:
                progress, message = jobs.live_progress(job)
                line = (f"{job.pk}  {job.kind:<18} {job.status:<8} {progress:4.0%}  "
                        f"attempt {job.attempts + 1}  {job.created_at:%Y-%m-%d %H:%M}")
                if job.failure:
                    line += f"  [{job.failure}{', restartable' if jobs.can_restart(job) else ''}]"
                if message and not job.is_finished:
                    line += f"  {message}"
                self.stdout.write(line)
        elif action == "check":
            failed = jobs.check_jobs()
            for job in failed:
                job.refresh_from_db()
                self.stdout.write(f"{job.pk}  {job.kind}: failed ({job.failure})")
            self.stdout.write(self.style.SUCCESS(f"{len(failed)} lost job(s) ended as failed"))
        elif action == "restart":
            try:
                job = Job.objects.get(pk=uuid.UUID(options["job_id"]))
            except (ValueError, Job.DoesNotExist):
                raise CommandError(f"no job {options['job_id']!r}") from None
            if not jobs.restart_job(job):
                reason = (f"it is {job.status}" if job.status != JobStatus.FAILED else
                          "it failed on its input" if job.failure == "error" else
                          "its uploaded files are gone")
                raise CommandError(f"job {job.pk} cannot be restarted: {reason}")
            job.refresh_from_db()
            self.stdout.write(self.style.SUCCESS(f"job {job.pk} queued again "
                                                 f"(attempt {job.attempts + 1}): {job.status}"))
