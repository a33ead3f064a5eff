"""Learning circle: the practice library, local applications and learning sessions.

The federation (publishing aggregates to a programme hub) lives in ``learning/federation``
with its own models and migrations; this module holds what one instance keeps itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality
from wijkregie.figures.models import Indicator


class Pillar(models.TextChoices):
    """The composite index pillars (figures.models.PILLAR_OF_THEME)."""

    SAFETY = "safety", _("safety")
    SOCIAL = "social", _("social")
    PHYSICAL = "physical", _("physical")


class EvidenceLevel(models.TextChoices):
    """Steps practice databases (Movisie, Wat werkt in de wijk) use, from weak to strong."""

    DESCRIBED = "described", _("well described")
    THEORETICALLY_SOUND = "theoretically_sound", _("theoretically sound")
    INDICATIONS = "indications", _("first indications of effect")
    GOOD_INDICATIONS = "good_indications", _("good indications of effect")
    STRONG = "strong", _("strong indications of effect")


EVIDENCE_ORDER = [level.value for level in EvidenceLevel]


class Intervention(models.Model):
    """An intervention as practice databases describe it.

    ``municipality`` empty: shared with the whole programme; set: the municipality's own
    description, which only its users edit.
    """

    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="interventions",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    goal = models.TextField(_("goal"))
    target_group_end = models.TextField(_("end target group"))
    target_group_intermediate = models.TextField(_("intermediate target group"), blank=True)
    approach = models.TextField(_("approach"))
    working_elements = models.TextField(_("working elements"), blank=True)
    preconditions = models.TextField(_("preconditions"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    costs_and_time = models.TextField(_("costs and time"), blank=True)
    research = models.TextField(_("research"), blank=True)
    evidence_level = models.CharField(_("evidence level"), max_length=25,
                                      choices=EvidenceLevel.choices,
                                      default=EvidenceLevel.DESCRIBED)
    valid_until = models.DateField(_("description valid until"), null=True, blank=True)
    contact = models.CharField(_("contact (organisation or function)"), max_length=300,
                               blank=True)
    pillar = models.CharField(_("pillar"), max_length=10, choices=Pillar.choices)
    problem = models.CharField(_("problem addressed"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("view_practice", "Can view the practice library and learning circle")]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return self.name


class LocalPractice(models.Model):
    """Where an intervention was applied: one programme area, some years, some costs.

    ``regie_measure``: the measure of the area's plan of approach (regie app) the
    application belongs to, if any; removing the measure keeps the application.
    """

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE,
                                     related_name="local_practices",
                                     verbose_name=_("intervention"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="local_practices",
                                     verbose_name=_("municipality"))
    programme_area = models.ForeignKey(ProgrammeArea, on_delete=models.CASCADE,
                                       related_name="local_practices",
                                       verbose_name=_("programme area"))
    regie_measure = models.ForeignKey("regie.Measure", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="local_practices",
                                      verbose_name=_("measure of the plan of approach"))
    description = models.TextField(_("local description"), blank=True)
    costs_eur = models.DecimalField(_("costs (euro)"), max_digits=12, decimal_places=0,
                                    null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year applied"))
    end_year = models.PositiveSmallIntegerField(_("last year applied"), null=True, blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="local_practices",
                                        verbose_name=_("linked indicators"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["intervention__name", "programme_area__name", "start_year"]
        verbose_name = _("local practice")
        verbose_name_plural = _("local practices")

    def __str__(self) -> str:
        return f"{self.intervention} — {self.programme_area}"


class LearningSession(models.Model):
    """A meeting of the learning circle."""

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    practices = models.ManyToManyField(Intervention, blank=True, related_name="sessions",
                                       verbose_name=_("practices discussed"))
    programme_areas = models.ManyToManyField(ProgrammeArea, blank=True,
                                             related_name="learning_sessions",
                                             verbose_name=_("programme areas discussed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("learning session")
        verbose_name_plural = _("learning sessions")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class LessonLearned(models.Model):
    """A "what did we learn" item; may be turned into a practice (``intervention``)."""

    session = models.ForeignKey(LearningSession, on_delete=models.CASCADE,
                                related_name="lessons", verbose_name=_("session"))
    text = models.TextField(_("lesson"))
    intervention = models.ForeignKey(Intervention, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="lessons",
                                     verbose_name=_("turned into practice"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self) -> str:
        return self.text[:60]


# The hub's records (learning/federation; migration 0002_federation).
from wijkregie.learning.federation.models import HubMember, PublishedDocument  # noqa: E402, F401
