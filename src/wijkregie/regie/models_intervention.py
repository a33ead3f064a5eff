"""Case plans (agreements, meetings) and intervention (escalation rules, escalations,
the ladder's steps, notifications): the regie app's own models beside the plan's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals.fields import EncryptedTextField
from wijkregie.signals.models import Case


class CasePlan(models.Model):
    """The integrated plan of one signals case; need-to-know exactly as the case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan",
                                verbose_name=_("case"))
    director = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("case director"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")

    def __str__(self) -> str:
        return f"plan C-{self.case_id}"


class AgreementStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class Agreement(models.Model):
    """An agreement (afspraak) of a case plan; overdue is computed, never stored."""

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="agreements")
    description = EncryptedTextField(_("agreement"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owning partner"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=AgreementStatus.choices,
                              default=AgreementStatus.OPEN)
    meeting = models.ForeignKey("Meeting", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="new_agreements",
                                verbose_name=_("agreed in meeting"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"A-{self.pk}"

    def days_overdue(self, today=None) -> int:
        """Days past the due date while not done; 0 when not overdue."""
        if self.status == AgreementStatus.DONE:
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.due_on).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue() > 0


class Meeting(models.Model):
    """A casusoverleg: the agenda as generated when it was recorded, and the decisions."""

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date held"))
    agenda = models.JSONField(_("agenda"), default=dict)
    decisions = EncryptedTextField(_("decisions"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")

    def __str__(self) -> str:
        return f"{self.held_on}"


class RuleKind(models.TextChoices):
    AGREEMENT_OVERDUE = "agreement_overdue", _("agreement overdue by N days")
    MEASURE_OVERDUE = "measure_overdue", _("measure overdue by N days")
    GOAL_OFF_PATH = "goal_off_path", _("goal off its milestone path for K periods")
    HOTSPOT_EMERGING = "hotspot_emerging", _("hot spot turning new or intensifying")
    SIGNAL_BAND = "signal_band", _("signal counts above their expected band")


# Labels of the kinds other apps add through ``rules.register`` (outside RuleKind, so
# no migration of the choices).
REGISTERED_KIND_LABELS: dict[str, Promise] = {}


def rule_kind_label(kind: str) -> str:
    """The one translated label of a rule kind, built-in or registered; the key itself
    only for a kind nobody knows (a rule left by an app that is gone)."""
    if kind in RuleKind.values:
        return str(RuleKind(kind).label)
    return str(REGISTERED_KIND_LABELS.get(kind, kind))


class Level(models.TextChoices):
    """The ladder's rungs in order; their names per municipality: LadderName."""

    CASUSOVERLEG = "casusoverleg", _("case meeting (casusoverleg)")
    PROCESREGIE = "procesregie", _("process direction (procesregie)")
    STUURGROEP = "stuurgroep", _("steering group (stuurgroep)")
    BURGEMEESTER = "burgemeester", _("mayor (burgemeester)")


class EscalationRule(models.Model):
    """A rule as data: its kind and parameters (validated by ``rules.clean_params``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    programme_area = models.ForeignKey(ProgrammeArea, null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("programme area"),
                                       help_text=_("Empty: every programme area."))
    start_level = models.CharField(_("first level"), max_length=12, choices=Level.choices,
                                   default=Level.CASUSOVERLEG)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return self.name

    def get_kind_display(self) -> str:  # also the kinds registered by other apps
        return rule_kind_label(self.kind)

    @property
    def params_text(self) -> str:
        """The parameters as shown beside the kind, in the page's language and number
        format, e.g. "dagen: 14; kwantiel: 0,99"."""
        def shown(value: object) -> str:
            if isinstance(value, list):
                return ", ".join(shown(v) for v in value)
            if isinstance(value, float):
                return number_format(value, use_l10n=True)
            return str(value)
        return "; ".join(f"{PARAM_LABELS.get(name, name)}: {shown(v)}"
                         for name, v in sorted(self.params.items()))


# The rule parameters' names as people read them (rules.py validates the keys per kind).
PARAM_LABELS = {"days": _("days"), "periods": _("periods"), "indicator": _("indicator"),
                "classes": _("classes"), "category": _("category"),
                "quantile": _("quantile")}


class LadderName(models.Model):
    """A municipality's own name for a rung of the ladder."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "level"],
                                               name="regie_ladder_name_unique")]

    def __str__(self) -> str:
        return self.name


CLOSED = "closed"


class Escalation(models.Model):
    """An escalation raised once by a rule (``dedup_key`` unique), moved up and down the
    ladder by the steps of ``ladder.TRANSITIONS``; ``version`` guards the writers."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(EscalationRule, null=True, on_delete=models.SET_NULL,
                             related_name="escalations")
    dedup_key = models.CharField(max_length=200, unique=True)
    programme_area = models.ForeignKey(ProgrammeArea, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    evidence = models.JSONField(_("evidence"), default=dict)
    state = models.CharField(_("state"), max_length=12)  # a Level, or CLOSED
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+",
                                    verbose_name=_("owners"))
    version = models.PositiveIntegerField(default=1)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"E-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != CLOSED

    @property
    def colour(self) -> str:
        from wijkregie.regie.ladder import colour

        return colour(self)


class EscalationStep(models.Model):
    """One move on the ladder: who, when, what was decided, the new deadline."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    decision = models.TextField(_("decision"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.to_state}"


class Notification(models.Model):
    """An in-application message to one user (also sent by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="regie_notifications")
    escalation = models.ForeignKey(Escalation, null=True, on_delete=models.CASCADE,
                                   related_name="notifications")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text
