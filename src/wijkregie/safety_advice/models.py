"""Spatial safety advice: scan templates as data, requests, scan rounds, advice versions.

A template is data (themes → items → scale) so a municipality can add its own checklist
without code; the shipped presets (CPTED, ZETA, CROW, walk audit) are loaded by a data
migration. An advice has one version per plan phase; old versions stay readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.core.models import Municipality


class Scale(models.TextChoices):
    """The scales an item may use; each maps to a risk value 0 (fine) … 1 (worst)."""

    ONE_TO_FIVE = "1-5", _("1–5 (5 is best)")
    ZERO_TO_THREE = "0-3", _("0–3 (3 is best)")
    CROW = "crow", _("CROW level A+–D")
    TRAFFIC_LIGHT = "traffic_light", _("traffic light")
    YES_NO = "yes_no", _("yes/no (yes is good)")
    MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
    LUX = "lux", _("lux reading")


class ScanTemplate(models.Model):
    """A checklist; ``definition`` holds the themes and items (validated by
    :func:`wijkregie.safety_advice.templates.validate_definition`)."""

    municipality = models.ForeignKey(Municipality, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="scan_templates",
                                     help_text=_("empty for a shipped preset"))
    key = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    definition = models.JSONField(_("themes and items"))
    is_preset = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "key"],
                                               name="safety_template_key_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Trigger(models.TextChoices):
    RESIDENCE_SPACE = "residence_space", _("public space with a residence function")
    MASTERPLAN = "masterplan", _("masterplan of a neighbourhood, district or city quarter")
    HOTSPOT = "hotspot", _("safety hot spot")


class PlanPhase(models.TextChoices):
    INITIATIVE = "initiative", _("initiative")
    SKETCH = "sketch", _("sketch design")
    PRELIMINARY = "preliminary", _("preliminary design")
    FINAL = "final", _("final design")
    EXECUTION = "execution", _("execution")


class MandatoryRule(models.Model):
    """The municipality's rule of when an advice is mandatory (data, not code): the
    triggers that need one and the plan surface from which a masterplan needs one."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE,
                                        related_name="safety_advice_rule")
    triggers = models.JSONField(_("triggers that require an advice"), default=list)
    min_surface_m2 = models.FloatField(_("minimum plan surface (m²)"), default=0)

    def __str__(self) -> str:
        return f"rule {self.municipality_id}"

    def requires(self, trigger: str, surface_m2: float | None) -> bool:
        if trigger not in self.triggers:
            return False
        return surface_m2 is None or surface_m2 >= self.min_surface_m2


class AdviceRequest(models.Model):
    """The intake: why an advice is asked, for which plan area, by whom and when."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="advice_requests")
    title = models.CharField(_("title"), max_length=200)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    hotspot_location = models.ForeignKey("hotspots.NamedLocation", null=True, blank=True,
                                         on_delete=models.SET_NULL,
                                         related_name="advice_requests",
                                         verbose_name=_("hot spot location"))
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("plan area"))
    # Drawn polygon stored as the areas app stores geometry (ADR 0004): GeoJSON, WGS84.
    geometry = models.JSONField(_("plan area (GeoJSON, WGS84)"), null=True, blank=True)
    surface_m2 = models.FloatField(null=True, blank=True)
    requester = models.CharField(_("requester"), max_length=200)
    intent = models.TextField(_("intent of the plan"), blank=True)
    due_date = models.DateField(_("due date"))
    mandatory = models.BooleanField(_("advice mandatory"), default=False)
    template = models.ForeignKey(ScanTemplate, on_delete=models.PROTECT,
                                 verbose_name=_("scan template"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_advice", "Can view safety advices")]

    def __str__(self) -> str:
        return self.title


class AdviceStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting sign-off")
    FINAL = "final", _("final")
    SUPERSEDED = "superseded", _("superseded by a newer version")


class Verdict(models.TextChoices):
    FAVOURABLE = "favourable", _("favourable")
    CONDITIONAL = "conditional", _("conditionally favourable")
    UNFAVOURABLE = "unfavourable", _("unfavourable")


class Advice(models.Model):
    """One version of the advice, for one plan phase."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.CASCADE,
                                related_name="advices")
    version = models.PositiveSmallIntegerField(default=1)
    plan_phase = models.CharField(_("plan phase"), max_length=20, choices=PlanPhase.choices)
    status = models.CharField(max_length=20, choices=AdviceStatus.choices,
                              default=AdviceStatus.DRAFT)
    desk_analysis = models.JSONField(_("desk analysis (pre-filled)"), default=dict)
    desk_text = models.TextField(_("desk analysis"), blank=True)
    alternatives = models.TextField(_("alternatives and measures"), blank=True)
    implementation = models.TextField(_("implementation and management"), blank=True)
    recommendations = models.JSONField(_("recommendations"), default=list)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices,
                               blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    # Everyone who wrote content of this version (texts, verdict, rounds, photos,
    # conditions); four eyes: none of them, nor the author, may sign it off.
    content_editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                             related_name="+")
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"],
                                               name="safety_advice_version_unique")]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"


class TimeOfDay(models.TextChoices):
    DAY = "day", _("day")
    NIGHT = "night", _("night")


class ScanRound(models.Model):
    advice = models.ForeignKey(Advice, on_delete=models.CASCADE, related_name="rounds")
    time_of_day = models.CharField(_("time of day"), max_length=10, choices=TimeOfDay.choices)
    weather = models.CharField(_("weather"), max_length=100, blank=True)
    walked_on = models.DateField(_("date"))
    # The entry form's token: a resend of the same form (the browser kept it while
    # offline) finds this round instead of saving a second one.
    client_token = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["walked_on", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["advice", "client_token"], condition=~models.Q(client_token=""),
            name="safety_round_client_token_unique")]

    def __str__(self) -> str:
        return f"{self.walked_on} {self.time_of_day}"


class ItemScore(models.Model):
    """One item's score; ``value`` is as entered on the item's scale ("" with N/A)."""

    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="scores")
    item_key = models.CharField(max_length=60)
    value = models.CharField(_("score"), max_length=40, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "item_key"],
                                               name="safety_score_unique")]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class Photo(models.Model):
    """Evidence; stored with every EXIF field stripped, the location and time read
    first and kept here."""

    score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="safety_advice/%Y/%m/")
    taken_at = models.DateTimeField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo {self.pk}"


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    DONE = "done", _("done")


class Condition(models.Model):
    advice = models.ForeignKey(Advice, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField(_("condition"))
    owner = models.CharField(_("owner"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(max_length=10, choices=ConditionStatus.choices,
                              default=ConditionStatus.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    # The measure on the area's plan of approach made for this condition when the
    # advice became final (once: a second sign-off path finds it linked).
    measure = models.OneToOneField("regie.Measure", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="safety_condition")

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
