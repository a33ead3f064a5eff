"""Tenancy, partner organisations, users, long jobs and the audit trail."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.core.themes import validate_theme

municipality_code_validator = RegexValidator(
    r"^GM\d{4}$", _("A municipality code is GM followed by four digits, e.g. GM0363.")
)


class Municipality(models.Model):
    """The tenant: every protected object belongs to exactly one municipality."""

    code = models.CharField(_("CBS code"), max_length=6, unique=True,
                            validators=[municipality_code_validator])
    name = models.CharField(_("name"), max_length=200)
    is_demo = models.BooleanField(
        _("synthetic demo data"), default=False,
        help_text=_("Fictional municipality created by the demo data generator."),
    )
    theme = models.CharField(
        _("house style"), max_length=40, blank=True, default="", validators=[validate_theme],
        help_text=_("Name of a design-tokens file in static/wijkregie/themes/ (without .css);"
                    " empty: the NL Design System defaults."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        permissions = [
            ("view_audit_log", "Can read the audit trail"),
            ("view_programme_aggregates", "Can view aggregates across municipalities"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality department")
    POLICE = "police", _("police")
    HOUSING = "housing", _("housing corporation")
    SOCIAL_WORK = "social_work", _("social work")
    GGD = "ggd", _("GGD (public health service)")
    PROSECUTOR = "prosecutor", _("public prosecutor")
    PROGRAMME = "programme", _("programme (ministry, learning circle)")
    OTHER = "other", _("other")


class Organisation(models.Model):
    """A partner in the area approach, working in one or more municipalities."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", blank=True,
        verbose_name=_("municipalities worked in"),
    )
    is_demo = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person working for one organisation, for one municipality (none for programme viewers).

    Permissions come only from roles (groups); ``user_permissions`` stays empty.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("municipality"),
        help_text=_("The municipality whose protected data this user works with."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class JobFailure(models.TextChoices):
    ERROR = "error", _("the job itself failed")
    ENQUEUE_FAILED = "enqueue_failed", _("the task queue could not be reached")
    QUEUE_LOST = "queue_lost", _("the queue entry was lost")
    WORKER_LOST = "worker_lost", _("the worker stopped")


class Job(models.Model):
    """A long-running piece of work (import, analysis, retention run) executed by the queue."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    failure = models.CharField(max_length=20, choices=JobFailure.choices, blank=True)
    # Every restart is a new attempt; a worker writes the outcome of its own attempt only.
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # The job's uploaded files, relative to MEDIA_ROOT; emptied once they are deleted.
    upload_dir = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="core_job_status")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class AuditAction(models.TextChoices):
    VIEW = "view", _("view")
    LIST = "list", _("list")
    SEARCH = "search", _("search")
    EXPORT = "export", _("export")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("login failed")
    PERMISSION_DENIED = "permission_denied", _("permission denied")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILURE = "failure", _("failure")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit events are append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One append-only, hash-chained audit record.

    ``hash`` = SHA-256 over the canonical form of this event including ``prev_hash``;
    the database refuses UPDATE and DELETE (triggers), and ``wijkregie audit verify``
    detects any edit or removal done around them. Events form independent chains, one
    per ``lane`` (ADR 0024): ``lane_seq`` numbers an event within its lane without gaps,
    ``seq`` identifies it across lanes and follows the order of appending.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    lane = models.PositiveSmallIntegerField(default=1)
    lane_seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.DO_NOTHING, db_constraint=False,
                                     related_name="+")
    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.DO_NOTHING, db_constraint=False,
                                     related_name="+")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    subject_ref = models.CharField(
        max_length=100, blank=True, db_index=True,
        help_text="Pseudonymous reference of the person concerned, never an identity.",
    )
    purpose = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices,
                               default=AuditOutcome.SUCCESS)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action", "created_at"]),
            models.Index(fields=["actor_username", "action", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lane", "lane_seq"], name="core_auditevent_lane_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """The newest position (``lane_seq``) and hash of one lane; ``id`` is the lane.

    Locked (SELECT ... FOR UPDATE) while appending so that the writers of a lane form
    one chain; its copy of the last hash also reveals removal of the lane's newest events.
    Lane 1 is the chain of ADR 0003, from before lanes existed.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit lane {self.id} at position {self.last_seq}"
