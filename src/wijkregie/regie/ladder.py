"""The escalation ladder: the one table of allowed moves, colours and level names."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wijkregie.regie.models_intervention import CLOSED, Escalation, LadderName, Level

L = Level
ORDER: tuple[str, ...] = (L.CASUSOVERLEG, L.PROCESREGIE, L.STUURGROEP, L.BURGEMEESTER)

ESCALATE, DEESCALATE, DECIDE, CLOSE, REOPEN = "escalate", "deescalate", "decide", "close", "reopen"
ACTION_LABELS = {ESCALATE: _("escalate"), DEESCALATE: _("de-escalate"),
                 DECIDE: _("decide (same level)"), CLOSE: _("close"), REOPEN: _("reopen")}

# (state, action) -> new state. Everything not in this table is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (L.CASUSOVERLEG, ESCALATE): L.PROCESREGIE,
    (L.CASUSOVERLEG, DECIDE): L.CASUSOVERLEG,
    (L.CASUSOVERLEG, CLOSE): CLOSED,
    (L.PROCESREGIE, ESCALATE): L.STUURGROEP,
    (L.PROCESREGIE, DEESCALATE): L.CASUSOVERLEG,
    (L.PROCESREGIE, DECIDE): L.PROCESREGIE,
    (L.PROCESREGIE, CLOSE): CLOSED,
    (L.STUURGROEP, ESCALATE): L.BURGEMEESTER,
    (L.STUURGROEP, DEESCALATE): L.PROCESREGIE,
    (L.STUURGROEP, DECIDE): L.STUURGROEP,
    (L.STUURGROEP, CLOSE): CLOSED,
    (L.BURGEMEESTER, DEESCALATE): L.STUURGROEP,
    (L.BURGEMEESTER, DECIDE): L.BURGEMEESTER,
    (L.BURGEMEESTER, CLOSE): CLOSED,
    (CLOSED, REOPEN): L.CASUSOVERLEG,
}
# Every move but closing sets a new deadline; every move records a decision.
DEADLINE_REQUIRED = {action for action in ACTION_LABELS if action != CLOSE}

# Green (closed) to dark red (the mayor), as a CSS-safe attribute value.
COLOURS = {CLOSED: "green", L.CASUSOVERLEG: "yellow", L.PROCESREGIE: "orange",
           L.STUURGROEP: "red", L.BURGEMEESTER: "darkred"}


def allowed_actions(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]


def colour(escalation: Escalation) -> str:
    return COLOURS.get(escalation.state, "green")


def level_names(municipality_id: int) -> dict[str, str]:
    """The municipality's names for the levels, the defaults where it set none."""
    names = {level.value: str(level.label) for level in Level} | {CLOSED: str(_("closed"))}
    names.update(dict(LadderName.objects.filter(municipality_id=municipality_id)
                      .values_list("level", "name")))
    return names
