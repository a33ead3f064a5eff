"""Demo of intervention: rules for the demo towns, a case plan with agreements, and the
escalations that a real evaluation of those rules raises on the demo data."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wijkregie.demo.loader import DemoContext, demo_step
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import (
    Agreement,
    CasePlan,
    EscalationRule,
    RuleKind,
)
from wijkregie.signals.models import Case, CaseStatus


@demo_step(order=85)
def build(context: DemoContext) -> None:
    today = timezone.localdate()
    for town, municipality in enumerate(context.municipalities):
        EscalationRule.objects.filter(municipality=municipality).delete()
        areas = [a for a in context.programme_areas if a.municipality_id == municipality.pk]
        services.create_rule(user=None, municipality=municipality,
                             name="Afspraak over de termijn (14 dagen)",
                             kind=RuleKind.AGREEMENT_OVERDUE, params={"days": 14})
        if areas:
            services.create_rule(user=None, municipality=municipality,
                                 name=f"Nieuwe of toenemende hotspot in {areas[0].name}",
                                 kind=RuleKind.HOTSPOT_EMERGING,
                                 params={"classes": ["consecutive_hot_spot",
                                                     "intensifying_hot_spot",
                                                     "new_hot_spot"]},
                                 programme_area=areas[0])
        services.create_rule(user=None, municipality=municipality,
                             name="Maatregel over de einddatum (14 dagen)",
                             kind=RuleKind.MEASURE_OVERDUE, params={"days": 14})
        services.create_rule(user=None, municipality=municipality,
                             name="Signalen boven de verwachte band",
                             kind=RuleKind.SIGNAL_BAND, params={"quantile": 0.99})
        if town == 0:
            _case_plan(municipality, today)
    for municipality in context.municipalities:
        services.evaluate(municipality=municipality, today=today)


def _case_plan(municipality, today) -> None:  # type: ignore[no-untyped-def]
    case = (Case.objects.filter(municipality=municipality, status=CaseStatus.ACTIVE)
            .select_related("lead_organisation", "director").order_by("pk").first())
    if case is None:
        return
    plan = CasePlan.objects.create(case=case, director=case.director)
    partners = list(case.participants.order_by("pk"))
    police = next((o for o in partners if "olitie" in o.name), partners[0])
    Agreement.objects.bulk_create([
        Agreement(plan=plan, description="Huisbezoek en gesprek met bewoners (demo)",
                  owner=police, due_on=today - timedelta(days=21)),
        Agreement(plan=plan, description="Schoonmaak en verlichting portiek (demo)",
                  owner=case.lead_organisation, due_on=today + timedelta(days=14),
                  status="in_progress"),
        Agreement(plan=plan, description="Hulpaanbod jongeren (demo)",
                  owner=partners[-1], due_on=today - timedelta(days=3), status="done"),
    ])
