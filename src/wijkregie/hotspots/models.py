"""Incident data sets, stored hot spot analyses and named locations (per municipality)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Job, Municipality
from wijkregie.hotspots.labels import class_label


class IncidentDataSet(models.Model):
    """One imported incident file. Its incidents are aggregates' raw material, not persons.

    ``crs`` is the metric projection the incidents' x/y are in: RD New (EPSG:28992) for
    Dutch data, a local one (e.g. EPSG:27700) for data from elsewhere.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="incident_data_sets",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    source_file = models.CharField(_("source file"), max_length=300)
    crs = models.CharField(_("projection of x/y"), max_length=20, default="EPSG:28992")
    date_precision = models.CharField(_("date precision"), max_length=5,
                                      choices=[("day", _("day")), ("month", _("month"))])
    n_incidents = models.PositiveIntegerField(_("incidents"), default=0)
    n_without_location = models.PositiveIntegerField(_("rows without a location"), default=0)
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    is_demo = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("incident data set")
        verbose_name_plural = _("incident data sets")

    def __str__(self) -> str:
        return self.name

    @property
    def hotspot_class_label(self) -> str:
        """The class name in the user's language (stored in English, as in exports)."""
        return class_label(self.hotspot_class)


class Incident(models.Model):
    """One located incident: only place, date and category, nothing about persons.

    Months (police.uk publishes no days) are stored as the first day of the month with
    ``date_precision = "month"`` on the data set.
    """

    data_set = models.ForeignKey(IncidentDataSet, on_delete=models.CASCADE,
                                 related_name="incidents")
    x = models.FloatField()
    y = models.FloatField()
    lon = models.FloatField()
    lat = models.FloatField()
    date = models.DateField()
    category = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["data_set", "category", "date"])]

    def __str__(self) -> str:
        return f"{self.category or '-'} {self.date}"


class AnalysisStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class HotspotAnalysis(models.Model):
    """A hot spot analysis with its parameters and its result, so a page can be revisited.

    ``result`` is the JSON of :func:`wijkregie.hotspots.analysis.run_analysis`: the
    grid, the periods and the analysed cells with counts, statistics and classes.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="hotspot_analyses",
                                     verbose_name=_("municipality"))
    programme_area = models.ForeignKey(ProgrammeArea, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="hotspot_analyses",
                                       verbose_name=_("programme area"))
    source = models.CharField(_("source"), max_length=40)
    data_set = models.ForeignKey(IncidentDataSet, null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="analyses",
                                 verbose_name=_("incident data set"))
    method = models.CharField(_("method"), max_length=20)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=AnalysisStatus.choices,
                              default=AnalysisStatus.RUNNING)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hot spot analysis")
        verbose_name_plural = _("hot spot analyses")

    def __str__(self) -> str:
        return f"{self.method} ({self.created_at:%Y-%m-%d %H:%M})"


class NamedLocation(models.Model):
    """A hot spot saved under a name, for plans of approach and spatial safety advice.

    The geometry is GeoJSON in WGS84 like area boundaries; the bounding box is in the
    analysis' metric projection (RD New for Dutch data) for quick spatial lookups.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="named_locations",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))
    crs = models.CharField(_("projection of the bounding box"), max_length=20,
                           default="EPSG:28992")
    min_x = models.FloatField()
    min_y = models.FloatField()
    max_x = models.FloatField()
    max_y = models.FloatField()
    analysis = models.ForeignKey(HotspotAnalysis, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="named_locations",
                                 verbose_name=_("analysis"))
    params = models.JSONField(_("analysis parameters"), default=dict)
    hotspot_class = models.CharField(_("hot spot class"), max_length=40)
    cell_ids = models.JSONField(_("cells"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("named location")
        verbose_name_plural = _("named locations")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"],
                                               name="named_location_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def hotspot_class_label(self) -> str:
        """The class name in the user's language (stored in English, as in exports)."""
        return class_label(self.hotspot_class)
