"""Signals about persons, groups and locations; pseudonymised subjects; cases; covenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import Area
from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals.fields import (
    EncryptedFloatField,
    EncryptedTextField,
    GridIndexField,
    KeyedHashField,
)


class Category(models.Model):
    """A node of the signal category tree; global (no municipality) or municipal."""

    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent category"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+",
                                     help_text=_("Empty: the category applies everywhere."))
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        help_text=_("Signals are deleted this many days after the date observed."))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["key", "municipality"],
                                               name="signal_category_key_unique")]
        verbose_name = _("signal category")
        verbose_name_plural = _("signal categories")

    def __str__(self) -> str:
        return self.name


class Covenant(models.Model):
    """The data-sharing covenant of one municipality: who takes part, who sees what."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE,
                                        related_name="signal_covenant")
    name = models.CharField(_("name"), max_length=200)
    participants = models.ManyToManyField(Organisation, related_name="covenants",
                                          verbose_name=_("participating organisations"))

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")
        permissions = [("view_personal_signals",
                        "Can see signals and cases with personal data (covenant applies)"),
                       ("export_subject", "Can make a data subject access export")]

    def __str__(self) -> str:
        return self.name


class CovenantRule(models.Model):
    """One organisation may see signals of one category, for a stated purpose."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="rules")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["covenant", "category", "organisation"],
                                               name="covenant_rule_unique")]
        verbose_name = _("covenant rule")
        verbose_name_plural = _("covenant rules")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.category}: {self.purpose}"


class Subject(models.Model):
    """A person, pseudonymised: identity fields only as ciphertext, matched by keyed hash.

    A pseudonym belongs to one linkage domain: the organisation whose registrations it
    links (ADR 0025). A registration matches only persons of its own organisation's
    domain, so it never hands over another partner's pseudonym or identity. Within a
    domain one person is one row, enforced by the database: one per BSN hash, and one
    per name-and-birth-date hash among persons recorded without BSN. Persons recorded
    before domains existed, and those whose signals came from several organisations,
    have no domain; new registrations never match them.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(
        # An organisation removed: its persons are no longer matched by anyone.
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("linkage domain"),
        help_text=_("The organisation whose registrations this pseudonym links; empty for "
                    "persons recorded before linkage domains."))
    ref = models.CharField(_("pseudonym"), max_length=20, unique=True)
    identity = models.BinaryField(_("identity (encrypted)"))
    match_hash = models.CharField(max_length=64, db_index=True)
    bsn_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "domain", "bsn_hash"],
                                    condition=~models.Q(bsn_hash=""),
                                    name="subject_one_per_bsn_in_domain"),
            models.UniqueConstraint(fields=["municipality", "domain", "match_hash"],
                                    condition=models.Q(bsn_hash=""),
                                    name="subject_one_per_identity_in_domain"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.ref


class SubjectGroup(models.Model):
    """A named set of persons (e.g. a group of youths hanging around a square).

    The name may point at persons ("Groep Jansen", a street), so it is stored only
    encrypted (ADR 0028); ``name_hash`` (keyed) serves look-up by name and uniqueness.
    The database cannot sort on the name: lists sort in Python (``sorted_groups``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    name = EncryptedTextField(_("name"))
    name_hash = KeyedHashField(source="name", db_index=True)
    members = models.ManyToManyField(Subject, related_name="groups", blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


def sorted_groups(groups: Iterable[SubjectGroup]) -> list[SubjectGroup]:
    """Groups by name, sorted in Python (the column holds a Fernet token)."""
    return sorted(groups, key=lambda g: (g.name.casefold(), g.pk or 0))


class Pillar(models.TextChoices):
    SOCIAL = "social", _("social")
    PHYSICAL = "physical", _("physical")
    SAFETY = "safety", _("safety")


class Reliability(models.TextChoices):
    OWN = "own", _("own observation")
    REPORTED = "reported", _("reported by others")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    SPECIAL = "special", _("special category (health, crime)")


class Signal(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="signals",
                                 verbose_name=_("category"))
    pillar = models.CharField(_("pillar"), max_length=10, choices=Pillar.choices)
    observed_on = models.DateField(_("date observed"))
    # Free text and the exact point are stored only encrypted (ADR 0028); the buurt
    # (area) and the 250 m grid cell stay plain for aggregates and the map.
    description = EncryptedTextField(_("description"))
    reliability = models.CharField(_("source reliability"), max_length=10,
                                   choices=Reliability.choices)
    sensitivity = models.CharField(_("sensitivity"), max_length=10, choices=Sensitivity.choices,
                                   default=Sensitivity.NORMAL)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("area"))
    address = EncryptedTextField(_("address"), blank=True)
    # A point location in RD New metres (EPSG:28992), encrypted.
    x_rd = EncryptedFloatField(null=True, blank=True)
    y_rd = EncryptedFloatField(null=True, blank=True)
    # The grid cell of the point (floor of metres / GRID_CELL_M), set on every save.
    grid_x = GridIndexField(source="x_rd", null=True, blank=True, editable=False)
    grid_y = GridIndexField(source="y_rd", null=True, blank=True, editable=False)
    subjects = models.ManyToManyField(Subject, related_name="signals", blank=True,
                                      verbose_name=_("persons"))
    groups = models.ManyToManyField(SubjectGroup, related_name="signals", blank=True,
                                    verbose_name=_("groups"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("registered by organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [
            models.Index(fields=["municipality", "category", "observed_on"],
                         name="signal_muni_category_date"),
            # The list's order: pages are read from the index, not sorted per request.
            models.Index(fields=["municipality", "-observed_on", "-id"], name="signal_list_order"),
        ]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return f"S-{self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"signals/{instance.signal.municipality_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file of a signal; ``file`` holds only its Fernet-encrypted content (crypto.py),
    under a random name; ``original_name`` (it may name a person) only encrypted as well.
    ``size`` is the size of the original."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


@receiver(post_delete, sender=Attachment)
def _delete_attachment_file(sender: type[Attachment], instance: Attachment,
                            **kwargs: object) -> None:
    """The stored file goes with its row (retention purge, cascades from a signal), but
    only once the deletion commits: a rolled-back purge keeps its files."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("intake")
    ACTIVE = "active", _("active")
    MONITORING = "monitoring", _("monitoring")
    CLOSED = "closed", _("closed")


class Case(models.Model):
    """A casus: signals about a person, group or location bundled for a joint approach."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    # Free text that may name someone: stored only encrypted (ADR 0028). The purpose is
    # the covenant purpose of the processing, a label that the audit trail records.
    title = EncryptedTextField(_("title"))
    purpose = models.CharField(_("purpose"), max_length=300)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                          related_name="+",
                                          verbose_name=_("lead organisation"))
    director = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("case director"))
    participants = models.ManyToManyField(Organisation, related_name="+",
                                          verbose_name=_("participating organisations"))
    signals = models.ManyToManyField(Signal, related_name="cases", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.INTAKE)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"C-{self.pk} {self.title}"


class CaseEvent(models.Model):
    """History of a case: creation, status changes (with reason), bundled signals."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    reason = EncryptedTextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class SubjectAccess(models.Model):
    """Index from an audit event to the persons it showed: a person's access log.

    The audit event (core) holds at most one subject reference; a list or search hit
    shows several persons, so each is linked here in the same transaction.
    """

    event_seq = models.PositiveBigIntegerField(db_index=True)
    subject_ref = models.CharField(max_length=20, db_index=True)

    def __str__(self) -> str:
        return f"#{self.event_seq} {self.subject_ref}"


class PartnerToken(models.Model):
    """API token of one organisation in one municipality; only its SHA-256 is stored.

    A token works until ``expires_at`` and never again once revoked (services.py;
    ADR 0009). ``last_audited_at`` paces the login-like event of its use.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                        related_name="partner_token")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"


class TotpDevice(models.Model):
    """A user's TOTP secret (encrypted like identity fields) for two-factor login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="totp_device")
    secret = models.BinaryField()
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP for user {self.user_id}"


class AccessRequestStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("in review")
    RELEASED = "released", _("released")


class SubjectAccessRequest(models.Model):
    """A data subject's access request (AVG art. 15): who asked, why, when it came in,
    who reviewed it and when it was answered. The export is released only after review,
    because police data under the Wpg may have to be withheld; each withheld item keeps
    the reviewer's reason. ``requester`` (who asked, how their identity was checked) is
    encrypted like identity fields."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    subject_refs = models.JSONField(_("pseudonyms"), default=list)
    requester = models.BinaryField(_("requester (encrypted)"))
    reason = models.CharField(_("reason"), max_length=300)
    received_on = models.DateField(_("received on"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=AccessRequestStatus.choices,
                              default=AccessRequestStatus.IN_REVIEW)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # [{"item": "signal:12" | "attachment:3" | "case:4", "reason": "..."}]
    withheld = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("subject access request")
        verbose_name_plural = _("subject access requests")

    def __str__(self) -> str:
        return f"AR-{self.pk}"
