"""Indicator catalogue and observations per area and period."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import Area, ProgrammeArea
from wijkregie.core.models import Municipality


class Theme(models.TextChoices):
    """The programme's domains, plus population and surface as context."""

    ONDERWIJS = "onderwijs", _("education")
    WERK_INKOMEN = "werk_inkomen", _("work and income")
    PARTICIPATIE_ZORG = "participatie_zorg", _("participation and care")
    WONEN = "wonen", _("housing")
    VEILIGHEID = "veiligheid", _("safety")
    LEEFOMGEVING = "leefomgeving", _("living environment")
    ONDERMIJNING = "ondermijning", _("subversive crime")
    BEVOLKING = "bevolking", _("population")


# Composite index pillars (Wijkprofiel manner): safety, social, physical.
PILLAR_OF_THEME = {
    Theme.VEILIGHEID: "safety", Theme.ONDERMIJNING: "safety",
    Theme.ONDERWIJS: "social", Theme.WERK_INKOMEN: "social", Theme.PARTICIPATIE_ZORG: "social",
    Theme.WONEN: "physical", Theme.LEEFOMGEVING: "physical",
}


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("higher is better")
    HIGHER_IS_WORSE = "higher_is_worse", _("higher is worse")
    NEUTRAL = "neutral", _("neutral")


class Kind(models.TextChoices):
    REGISTERED = "registered", _("registered (objective)")
    SURVEY = "survey", _("survey (subjective)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    WEIGHTED_MEAN = "weighted_mean", _("mean weighted by the denominator")
    RATE_PER_1000 = "rate_per_1000", _("rate per 1,000 of the denominator")
    NONE = "none", _("not aggregable")


class BenchmarkMethod(models.TextChoices):
    ROTTERDAM = "rotterdam", _("index: 100 = city average in the base year")
    AMSTERDAM = "amsterdam", _("standard deviations from the city mean")
    REFERENCE = "reference", _("fixed reference value")


class Indicator(models.Model):
    """One indicator with the metadata that travels with every figure shown or exported.

    ``municipality`` is empty for the shared catalogue (CBS, demo) and set for a
    municipality's own indicators, which only its users see.
    """

    key = models.CharField(_("key"), max_length=100)
    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="indicators")
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    reference_date = models.CharField(_("reference date"), max_length=100, blank=True,
                                      help_text=_("e.g. '1 January' or 'survey autumn'"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    polarity = models.CharField(_("polarity"), max_length=20, choices=Polarity.choices,
                                default=Polarity.NEUTRAL)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.REGISTERED)
    aggregation = models.CharField(_("aggregation"), max_length=15, choices=Aggregation.choices,
                                   default=Aggregation.NONE)
    denominator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("denominator"))
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("numerator"),
        help_text=_("the count this rate, share or mean is computed from: both are "
                    "disclosed together"))
    disclosure = models.JSONField(_("disclosure rule"), default=dict, blank=True)
    benchmark_method = models.CharField(_("benchmark method"), max_length=10,
                                        choices=BenchmarkMethod.choices,
                                        default=BenchmarkMethod.AMSTERDAM)
    reference_value = models.FloatField(_("reference value"), null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    in_composite = models.BooleanField(_("part of the composite index"), default=False)

    class Meta:
        ordering = ["theme", "name_nl"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(municipality__isnull=True),
                                    name="indicator_key_unique_shared"),
            models.UniqueConstraint(fields=["municipality", "key"],
                                    condition=Q(municipality__isnull=False),
                                    name="indicator_key_unique_own"),
        ]
        permissions = [("import_figures", "Can import figures"),
                       ("export_figures", "Can export figures")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name_nl


class ObservationStatus(models.TextChoices):
    VALUE = "value", _("value")
    SUPPRESSED = "suppressed", _("suppressed")
    MISSING = "missing", _("missing")


class Observation(models.Model):
    """A value of an indicator for an area (or programme area) and period.

    ``month`` 0 means the whole year. ``derived`` marks values aggregated from buurten by
    the indicator's rule, as opposed to values delivered for the area itself.

    ``value``/``status`` are the figure as delivered. ``shown_*`` are the same figure
    after disclosure control (primary rules and secondary suppression over the whole
    area hierarchy, see ``figures.pipeline``): pages, maps, exports and the API read only
    these, so a suppressed value never leaves the database.
    """

    # No single-column indexes on indicator and area: the composite indexes below start
    # with them, and every index is one more B-tree per row in a bulk load of millions.
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, db_index=False,
                                  related_name="observations")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE,
                             db_index=False, related_name="observations")
    programme_area = models.ForeignKey(ProgrammeArea, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="observations")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)
    value = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ObservationStatus.choices,
                              default=ObservationStatus.VALUE)
    derived = models.BooleanField(default=False)
    shown_value = models.FloatField(null=True, blank=True)
    shown_text = models.CharField(max_length=40, default="")
    shown_status = models.CharField(max_length=10, default="missing")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False, programme_area__isnull=True)
                           | Q(area__isnull=True, programme_area__isnull=False)),
                name="observation_one_place"),
            models.CheckConstraint(
                condition=(Q(status="value", value__isnull=False)
                           | (~Q(status="value") & Q(value__isnull=True))),
                name="observation_value_matches_status"),
            models.UniqueConstraint(fields=["indicator", "area", "year", "month"],
                                    condition=Q(area__isnull=False),
                                    name="observation_unique_area"),
            models.UniqueConstraint(fields=["indicator", "programme_area", "year", "month"],
                                    condition=Q(programme_area__isnull=False),
                                    name="observation_unique_programme_area"),
        ]
        indexes = [
            models.Index(fields=["area", "indicator", "year"]),
            models.Index(fields=["indicator", "year", "month"]),
            # Covers the programme areas' base-year read of the composite (every programme
            # area, one year): without it the rows are fetched one heap page each.
            models.Index(fields=["year", "month", "indicator", "programme_area", "shown_value"],
                         condition=Q(programme_area__isnull=False),
                         name="observation_programme_year"),
        ]


    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.area_id or self.programme_area_id} {self.year}"

class CityStatistic(models.Model):
    """Mean and spread of an indicator over the areas of one level (buurt, wijk or
    programme area) of one municipality in one year: what the benchmark colours compare
    with. Recomputed with the aggregates.

    Without a municipality: a reference group (``reference_group``: all municipalities,
    a size class, all programme areas; see ``figures.statistics``) — the distribution of its
    members' figures, and ``reference``, the group's own figure by the indicator's
    aggregation rule."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10)
    reference_group = models.CharField(max_length=20, default="", blank=True)
    mean = models.FloatField()
    sd = models.FloatField()
    n = models.PositiveIntegerField()
    reference = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "municipality", "year", "level"],
                                    condition=Q(municipality__isnull=False),
                                    name="city_statistic_unique_level"),
            models.UniqueConstraint(fields=["indicator", "year", "reference_group"],
                                    condition=Q(municipality__isnull=True),
                                    name="reference_statistic_unique_group"),
        ]

    def __str__(self) -> str:
        place = self.municipality_id or self.reference_group
        return f"{self.indicator_id} {place} {self.year}: {self.mean:.2f}"



class RetiredComposition(models.Model):
    """The buurten of a programme area before it was recomposed or deleted.

    Its figures were shown, so a reader may still remember them: the old total of these
    buurten minus the new one is a buurt's figure. The disclosure step keeps every
    retired composition in its audit as a total the reader knows as it was shown
    (:class:`RetiredFigure`), and never hides anything to do with it (ADR 0010).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    buurten = models.ManyToManyField(Area, related_name="+")
    retired_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.retired_at:%Y-%m-%d})"


class RetiredFigure(models.Model):
    """A figure of a retired composition as it was shown when the composition ended."""

    composition = models.ForeignKey(RetiredComposition, on_delete=models.CASCADE,
                                    related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)
    shown_value = models.FloatField(null=True, blank=True)
    shown_text = models.CharField(max_length=40, default="")
    shown_status = models.CharField(max_length=10, default="missing")

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.composition_id} {self.year}: {self.shown_text}"
