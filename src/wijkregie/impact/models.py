"""MKBA analyses of programme areas, their edit history and the unit-value library.

The scenario is stored as a document in the documented scenario file format
(docs/analysts/mkba-scenario-format.md), so what the editor saves is exactly what
``wijkregie mkba run`` reads. Results are derived data, recomputed on every save.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality


class _ScenarioDocument:
    """``scenario`` as a document over the JSON text in ``scenario_text``."""

    scenario_text: str

    @property
    def scenario(self) -> Any:
        return json.loads(self.scenario_text) if self.scenario_text else None

    @scenario.setter
    def scenario(self, doc: Any) -> None:
        self.scenario_text = json.dumps(doc, ensure_ascii=False)


class Analysis(_ScenarioDocument, models.Model):
    """An ex ante social cost-benefit analysis (MKBA) of one programme area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="impact_analyses")
    programme_area = models.ForeignKey(ProgrammeArea, on_delete=models.CASCADE,
                                       related_name="impact_analyses",
                                       verbose_name=_("programme area"))
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("question"), blank=True,
        help_text=_("The question the council is asked to decide on."))
    # JSON text, not a JSONField: PostgreSQL's jsonb reorders object keys, and the order
    # of the parameters decides the order of the Monte Carlo draws.
    scenario_text = models.TextField(_("scenario (scenario file format, JSON)"))
    version = models.PositiveIntegerField(default=1)
    results = models.JSONField(null=True, blank=True)
    results_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["programme_area__name", "title"]
        permissions = [("compare_analyses",
                        "Can compare analysis results of programme areas")]
        verbose_name = _("impact analysis")
        verbose_name_plural = _("impact analyses")

    def __str__(self) -> str:
        return self.title



class AnalysisVersion(_ScenarioDocument, models.Model):
    """One saved state of an analysis' scenario: who changed it, when and how."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    scenario_text = models.TextField()
    question = models.TextField(blank=True)
    note = models.CharField(max_length=200, blank=True)
    # The version of the municipality's unit-value library the scenario was computed
    # with (UnitValueLibrary.version at save time); null for versions saved before.
    library_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["analysis", "number"],
                                               name="impact_version_unique")]

    def __str__(self) -> str:
        return f"{self.analysis} v{self.number}"


class UnitValue(models.Model):
    """A cited unit value ("kengetal") of a municipality's library.

    Scenarios use it as ``unit_value: {library: KEY}``; the citation travels with
    every result and export.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="impact_unit_values")
    key = models.SlugField(_("key"), max_length=80,
                           help_text=_("Used in scenarios as unit_value: {library: key}."))
    value = models.FloatField(_("value (euro per unit)"))
    unit = models.CharField(_("unit"), max_length=200)
    price_level = models.PositiveSmallIntegerField(_("price level (year of prices)"))
    year = models.PositiveSmallIntegerField(_("reference year of the estimate"))
    description = models.TextField(_("what is and is not included"), blank=True)
    source_title = models.CharField(_("source: title"), max_length=300)
    source_publisher = models.CharField(_("source: publisher"), max_length=200)
    source_year = models.PositiveSmallIntegerField(_("source: publication year"))
    source_locator = models.CharField(_("source: table or page"), max_length=200, blank=True)
    source_url = models.URLField(_("source: URL"), blank=True)
    # A retired value is no longer offered for new effects; scenarios that already use
    # it keep computing with it, and their results say it is retired.
    retired_at = models.DateTimeField(_("retired on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["municipality", "key"],
                                               name="impact_unit_value_key_unique")]
        verbose_name = _("unit value")
        verbose_name_plural = _("unit values")

    def __str__(self) -> str:
        return self.key


class UnitValueLibrary(models.Model):
    """The version counter of a municipality's unit-value library.

    Every addition, change, retirement or removal of a unit value raises ``version``
    by one in the same transaction, so "library version N" names one state of the
    library, and each saved scenario version records the N it was computed with.
    """

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE,
                                        related_name="impact_unit_value_library")
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit-value library")
        verbose_name_plural = _("unit-value libraries")

    def __str__(self) -> str:
        return f"{self.municipality} v{self.version}"
