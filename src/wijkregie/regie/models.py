"""The plan of approach of a programme area: pillars, goals, milestones, measures, updates.

Goal progress is never stored: it is computed from disclosed figures (services.progress).
A target relative to a benchmark stores the benchmark *reference* (which benchmark, which
year), not its number, so the benchmark can change without rewriting the goal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, Organisation

DEFAULT_PILLARS: list[tuple[str, str]] = [
    ("school", "School"), ("work", "Werk"), ("housing", "Wonen"), ("safety", "Veiligheid"),
    ("health", "Gezondheid"), ("poverty", "Armoede"), ("undermining", "Ondermijning"),
]


class Pillar(models.Model):
    """A pillar of the approach, configurable per municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="regie_pillars")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["municipality", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "key"],
                                               name="regie_pillar_key_unique")]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """The plan of approach of one programme area, with its traffic-light bands.

    The bands are the share of the planned progress (baseline to milestone) achieved:
    at least ``green_from`` is green, at least ``amber_from`` amber, below that red.
    """

    programme_area = models.OneToOneField(ProgrammeArea, on_delete=models.CASCADE,
                                          related_name="regie_plan",
                                          verbose_name=_("programme area"))
    title = models.CharField(_("title"), max_length=200)
    green_from = models.FloatField(_("green from (share of planned progress)"), default=0.9)
    amber_from = models.FloatField(_("amber from (share of planned progress)"), default=0.5)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme_area__name"]
        permissions = [
            ("edit_plan", "Can edit plans of approach (goals, measures)"),
            ("approve_measure_update", "Can approve or return measure updates"),
            ("submit_measure_update", "Can submit updates for own organisation's measures"),
        ]
        verbose_name = _("plan of approach")
        verbose_name_plural = _("plans of approach")

    def __str__(self) -> str:
        return self.title

    @property
    def municipality(self) -> Municipality:
        return self.programme_area.municipality


class TargetKind(models.TextChoices):
    ABSOLUTE = "absolute", _("absolute value")
    DIRECTION = "direction", _("direction (improve on the baseline)")
    BENCHMARK = "benchmark", _("relative to a benchmark")


class BenchmarkReference(models.TextChoices):
    CITY = "city", _("the city")
    PROGRAMME_AREAS = "programme_areas", _("the programme areas' average")
    NATIONAL = "national", _("the Netherlands")


class Goal(models.Model):
    """A goal of a plan: a target on a figures indicator for the plan's programme area."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="goals",
                               verbose_name=_("pillar"))
    statement = models.TextField(_("statement"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    indicator = models.ForeignKey("figures.Indicator", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("indicator"))
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_kind = models.CharField(_("target kind"), max_length=12,
                                   choices=TargetKind.choices)
    target_value = models.FloatField(
        _("target value"), null=True, blank=True,
        help_text=_("Absolute: the value; benchmark: the allowed distance to the benchmark"
                    " (0 = equal to it); direction: not used."))
    benchmark = models.CharField(_("benchmark"), max_length=20, blank=True, default="",
                                 choices=BenchmarkReference.choices)
    benchmark_year = models.PositiveSmallIntegerField(_("benchmark year"), null=True,
                                                      blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "pillar__order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.statement[:80]


class Milestone(models.Model):
    """A yearly milestone on the way to a goal's target (year at most the horizon)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["goal", "year"]
        constraints = [models.UniqueConstraint(fields=["goal", "year"],
                                               name="regie_milestone_year_unique")]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class MeasureKind(models.TextChoices):
    PREVENTIVE = "preventive", _("preventive")
    REPRESSIVE = "repressive", _("repressive")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    DELAYED = "delayed", _("delayed")
    DONE = "done", _("done")
    STOPPED = "stopped", _("stopped")


class Measure(models.Model):
    """A preventive or repressive measure of a plan, led by one partner."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    title = models.CharField(_("title"), max_length=200)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                          related_name="+",
                                          verbose_name=_("lead partner"))
    contributing_organisations = models.ManyToManyField(
        Organisation, related_name="+", blank=True,
        verbose_name=_("contributing partners"))
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    funding_stream = models.CharField(_("funding stream"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    deliverables = models.TextField(_("deliverables"), blank=True)
    goals = models.ManyToManyField(Goal, related_name="measures", blank=True,
                                   verbose_name=_("goals"))
    hotspots = models.ManyToManyField("hotspots.NamedLocation", related_name="+",
                                      blank=True, verbose_name=_("hot spots"))
    cases = models.ManyToManyField("signals.Case", related_name="+", blank=True,
                                   verbose_name=_("cases"))
    impact_analysis = models.ForeignKey("impact.Analysis", on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("MKBA analysis"))
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "end", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class MeasureUpdate(models.Model):
    """A partner's progress report on a measure for one period (year, quarter)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=10, choices=UpdateStatus.choices,
                              default=UpdateStatus.DRAFT)
    measure_status = models.CharField(_("measure status"), max_length=10,
                                      choices=MeasureStatus.choices,
                                      default=MeasureStatus.RUNNING)
    deliverables_done = models.TextField(_("deliverables done"), blank=True)
    spending = models.DecimalField(_("spending (EUR)"), max_digits=14, decimal_places=2,
                                   null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["measure", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "quarter"],
                                    name="regie_update_period_unique"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                   name="regie_update_quarter_range"),
        ]
        verbose_name = _("measure update")
        verbose_name_plural = _("measure updates")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year}-Q{self.quarter}"


# Case plans and intervention (regie-escalation) live in their own module.
from wijkregie.regie.models_intervention import *  # noqa: E402, F403
