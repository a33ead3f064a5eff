"""The hub's records: registered municipalities and what they published.

Imported by ``learning/models.py`` (app label ``learning``). A published document is
stored as received and validated, with its arrival time; nothing is derived from it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.core.models import municipality_code_validator


class HubMember(models.Model):
    """A municipality the hub accepts documents from, with its registered public key.

    Not a foreign key to ``Municipality``: a hub's members usually run their own
    instances and have no tenant on the hub."""

    code = models.CharField(_("municipality code"), max_length=6, unique=True,
                            validators=[municipality_code_validator])
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("public key (Ed25519, base64)"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub member")
        verbose_name_plural = _("hub members")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PublishedDocument(models.Model):
    member = models.ForeignKey(HubMember, on_delete=models.PROTECT,
                               related_name="documents")
    version = models.PositiveSmallIntegerField(_("schema version"))
    generated_at = models.DateTimeField(_("generated at (by the publisher)"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    payload = models.JSONField(_("document"))
    signature = models.CharField(_("signature"), max_length=128)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["member", "-received_at"],
                                name="learning_pubdoc_member_recv")]
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")

    def __str__(self) -> str:
        return f"{self.member.code} {self.generated_at:%Y-%m-%d %H:%M}"
