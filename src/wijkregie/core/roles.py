"""Roles are groups carrying permissions; this table is the single definition of them.

Permissions are never granted to users directly. ``sync_roles`` (run after every
migrate) makes the groups match this table, so a new capability adds its permissions
here and every installation follows.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
# Administers every municipality (tenants, shared organisations, global categories);
# sees no personal data. A municipal administrator is scoped to its own municipality.
PLATFORM_ADMINISTRATOR = "platform_administrator"
GEBIEDSREGISSEUR = "gebiedsregisseur"
ANALYST = "analyst"
PARTNER_WORKER = "partner_worker"
SAFETY_ADVISER = "safety_adviser"
PROGRAMME_VIEWER = "programme_viewer"
CASE_DIRECTOR = "case_director"

ROLE_LABELS = {
    ADMINISTRATOR: _("administrator"),
    PLATFORM_ADMINISTRATOR: _("platform administrator"),
    GEBIEDSREGISSEUR: _("area director (gebiedsregisseur)"),
    ANALYST: _("analyst"),
    PARTNER_WORKER: _("partner worker"),
    SAFETY_ADVISER: _("safety adviser"),
    PROGRAMME_VIEWER: _("programme viewer"),
    CASE_DIRECTOR: _("case director (casusregisseur)"),
}

# Impact analysis (MKBA): analysts build analyses and keep the unit-value library;
# directors and safety advisers read them; partner workers have no part in the
# municipal business case; programme viewers compare results only (ADR 0041).
_IMPACT_READ = {"impact.view_analysis", "impact.compare_analyses", "impact.view_unitvalue"}
_IMPACT_EDIT = _IMPACT_READ | {
    "impact.add_analysis", "impact.change_analysis",
    "impact.add_unitvalue", "impact.change_unitvalue", "impact.delete_unitvalue",
}
# Signals: everyone may see aggregates (minimum counts); personal data only through the
# covenant for the roles holding view_personal_signals.
SIGNALS_AGGREGATES = ("signals.view_signal",)
SIGNALS_PERSONAL = ("signals.view_signal", "signals.view_personal_signals",
                    "signals.add_signal", "signals.view_case")

# Regie, plan of approach (ADR 0070): the area director edits plans and approves measure
# updates; partner workers submit updates for their organisation's measures; analysts read.
_REGIE_PLAN_READ = {"regie.view_plan"}
_REGIE_PLAN_DIRECT = _REGIE_PLAN_READ | {"regie.edit_plan", "regie.approve_measure_update"}
_REGIE_PLAN_SUBMIT = _REGIE_PLAN_READ | {"regie.submit_measure_update"}
# Learning circle (learning app, ADR 0085): everyone in the programme reads the practice
# library; directors and analysts describe their own municipality's applications;
# the programme viewer keeps the sessions and shared practices (aggregates only).
_LEARNING_READ = {"learning.view_practice", "learning.view_intervention",
                  "learning.view_localpractice", "learning.view_learningsession"}
_LEARNING_LOCAL = _LEARNING_READ | {
    "learning.add_intervention", "learning.change_intervention",
    "learning.add_localpractice", "learning.change_localpractice",
}
_LEARNING_PROGRAMME = _LEARNING_READ | {
    "learning.add_intervention", "learning.change_intervention",
    "learning.add_learningsession", "learning.change_learningsession",
    "learning.add_lessonlearned", "learning.change_lessonlearned",
}
# Safety advice (issue 15): the safety adviser writes and signs off advices; the
# services check the municipality and four eyes.
_SAFETY_ADVICE = {"safety_advice.view_advice"}

# The administrator of one municipality (scoped by core/administration.py).
_ADMINISTRATION = {
    "core.view_audit_log",
    "core.add_organisation", "core.change_organisation", "core.view_organisation",
    "core.add_user", "core.change_user", "core.view_user",
    "core.view_municipality", "core.change_municipality", "core.view_job",
    "auth.view_group",
    "areas.view_area", "areas.change_area", "areas.import_areas",
    "areas.view_programmearea", "areas.add_programmearea", "areas.change_programmearea",
    "figures.view_indicator", "figures.add_indicator", "figures.change_indicator",
    "figures.import_figures", "figures.export_figures",
    *SIGNALS_AGGREGATES, "signals.export_subject", "signals.view_covenant",
    "signals.add_covenant", "signals.change_covenant", "signals.view_category",
    "signals.add_category", "signals.change_category", "signals.add_covenantrule",
    "signals.change_covenantrule", "signals.delete_covenantrule",
    "signals.view_covenantrule", "signals.view_partnertoken", "signals.change_partnertoken",
}

# Learning circle federation: who sees the programme hub's members (issue 16).
_LEARNING_HUB = {"learning.view_hubmember", "learning.view_publisheddocument"}

# "app_label.codename" per role.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    ADMINISTRATOR: _ADMINISTRATION,
    # Across municipalities, so without the subject access export (personal data) and
    # with the creation of tenants.
    PLATFORM_ADMINISTRATOR: (_ADMINISTRATION - {"signals.export_subject"})
    | {"core.add_municipality"} | _LEARNING_HUB,
    GEBIEDSREGISSEUR: {
        "areas.view_area", "areas.view_programmearea", "areas.change_programmearea",
        "figures.view_indicator", "figures.export_figures", *SIGNALS_AGGREGATES,
        "hotspots.view_hotspotanalysis", "hotspots.view_namedlocation",
        *_IMPACT_READ, *_REGIE_PLAN_DIRECT, *_LEARNING_LOCAL,
    },
    ANALYST: {
        "areas.view_area", "areas.import_areas", "areas.view_programmearea",
        "areas.add_programmearea", "areas.change_programmearea",
        "figures.view_indicator", "figures.import_figures", "figures.export_figures",
        "hotspots.view_incidentdataset", "hotspots.add_incidentdataset",
        "hotspots.view_hotspotanalysis", "hotspots.add_hotspotanalysis",
        "hotspots.view_namedlocation", "hotspots.add_namedlocation",
        *_IMPACT_EDIT, *SIGNALS_AGGREGATES, *_REGIE_PLAN_READ, *_LEARNING_LOCAL,
    },
    PARTNER_WORKER: {"areas.view_area", "areas.view_programmearea", "figures.view_indicator",
                     *SIGNALS_PERSONAL, *_REGIE_PLAN_SUBMIT},
    SAFETY_ADVISER: {"areas.view_area", "areas.view_programmearea", "figures.view_indicator",
                     "figures.export_figures",
                     "hotspots.view_hotspotanalysis", "hotspots.view_namedlocation",
                     *_IMPACT_READ, *SIGNALS_AGGREGATES, *_LEARNING_READ, *_SAFETY_ADVICE},
    PROGRAMME_VIEWER: {"core.view_programme_aggregates", "areas.view_area",
                       "figures.view_indicator", "figures.export_figures",
                       "impact.compare_analyses", *SIGNALS_AGGREGATES,
                       *_LEARNING_PROGRAMME, *_LEARNING_HUB},
    CASE_DIRECTOR: {"areas.view_area", "areas.view_programmearea", "figures.view_indicator",
                    *SIGNALS_PERSONAL, "signals.add_case", "signals.change_case"},
}

# Regie, intervention and case plans (regie-escalation): area directors see and move
# escalations and keep the rules; case directors keep case plans and move case
# escalations; partner workers read the plans of cases they take part in.
_REGIE_ESCALATION_DIRECT = {"regie.view_escalation", "regie.change_escalation",
                            "regie.view_escalationrule", "regie.add_escalationrule",
                            "regie.change_escalationrule"}
_REGIE_CASE_PLAN = {"regie.view_caseplan", "regie.change_caseplan",
                    "regie.view_escalation", "regie.change_escalation"}
_REGIE_CASE_PLAN_READ = {"regie.view_caseplan", "regie.view_escalation"}
for _role, _perms in ((GEBIEDSREGISSEUR, _REGIE_ESCALATION_DIRECT),
                      (CASE_DIRECTOR, _REGIE_CASE_PLAN),
                      (PARTNER_WORKER, _REGIE_CASE_PLAN_READ)):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# Roles whose permissions include personal data must log in with a second factor.
PERSONAL_DATA_PERMISSIONS = {"signals.view_personal_signals", "signals.export_subject"}
# So must roles that decide who may see what (users, roles, organisations, covenant,
# tokens): changing those is as good as reading what they open (ADR 0009).
ACCESS_CONTROL_PERMISSIONS = {
    "core.add_user", "core.change_user", "core.add_organisation", "core.change_organisation",
    "core.change_municipality", "signals.add_covenant", "signals.change_covenant",
    "signals.add_covenantrule", "signals.change_covenantrule", "signals.delete_covenantrule",
    "signals.change_partnertoken", "signals.change_category",
}
SECOND_FACTOR_PERMISSIONS = PERSONAL_DATA_PERMISSIONS | ACCESS_CONTROL_PERMISSIONS
# Roles only a platform administrator may give or take: they reach beyond one
# municipality.
PLATFORM_ONLY_ROLES = {PLATFORM_ADMINISTRATOR, PROGRAMME_VIEWER}


def _permission_filter(perms: set[str]) -> Q:
    query = Q(pk__in=[])
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def sync_roles() -> None:
    """Create the role groups and set their permissions exactly as in ROLE_PERMISSIONS."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.filter(_permission_filter(perms))
        group.permissions.set(wanted)
