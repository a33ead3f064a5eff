"""The safety advice in the area approach: conditions become measures on the area's plan
(once), overdue conditions escalate through the regie rules on a frozen date (once), and
new or intensifying hot spots propose an intake."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.safety_advice.test_services import CROW_DAY, _intake
from wijkregie.areas.models import ProgrammeArea
from wijkregie.hotspots.models import AnalysisStatus, HotspotAnalysis
from wijkregie.regie import services_intervention as rules_services
from wijkregie.regie.models import Measure, Plan
from wijkregie.regie.models_intervention import Escalation, EscalationRule
from wijkregie.safety_advice import regie_link, services
from wijkregie.safety_advice.models import AdviceRequest, AdviceStatus, ConditionStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)  # the frozen clock of the rule


@pytest.fixture
def plan(adviser):
    """A plan of approach whose programme area holds a buurt of the adviser's town."""
    plan = (Plan.objects.filter(programme_area__municipality=adviser.municipality)
            .order_by("pk").first())
    assert plan is not None, "the demo has a plan of approach per programme area"
    return plan


def _final_with_condition(adviser, second, area, deadline):
    advice = _intake(adviser, area=area)
    services.add_round(user=adviser, advice=advice, time_of_day="night", weather="",
                       walked_on=TODAY, scores=CROW_DAY)
    advice = services.update_advice(user=adviser, advice=advice, verdict="conditional")
    condition = services.add_condition(user=adviser, advice=advice, text="Lampen bij tunnel",
                                       owner="Beheer OV", deadline=deadline)
    advice = services.submit(user=adviser, advice=advice)
    return services.sign_off(user=second, advice=advice), condition


def test_conditions_become_measures_on_the_area_plan_once(adviser, second, plan):
    buurt = plan.programme_area.buurten.order_by("code").first()
    final, condition = _final_with_condition(adviser, second, buurt,
                                             timezone.localdate() + timedelta(days=30))
    assert final.status == AdviceStatus.FINAL
    condition.refresh_from_db()
    measure = condition.measure
    assert measure is not None and measure.plan == plan
    assert measure.title == "Lampen bij tunnel" and measure.end == condition.deadline
    assert measure.lead_organisation == adviser.organisation
    before = Measure.objects.count()
    assert regie_link.conditions_to_measures(final, second) == []  # idempotent
    assert Measure.objects.count() == before


def test_no_plan_no_measure(adviser, second, plan):
    outside = (plan.programme_area.municipality.areas.filter(level="buurt")
               .exclude(programme_areas__isnull=False).first())
    if outside is None:
        pytest.skip("every demo buurt lies in a programme area")
    _final, condition = _final_with_condition(adviser, second, outside, TODAY)
    condition.refresh_from_db()
    assert condition.measure is None


def test_overdue_condition_rule_fires_once_on_a_frozen_date(adviser, second, plan):
    EscalationRule.objects.filter(municipality=adviser.municipality).delete()
    Escalation.objects.all().delete()
    buurt = plan.programme_area.buurten.order_by("code").first()
    _final, condition = _final_with_condition(adviser, second, buurt,
                                              TODAY - timedelta(days=5))
    rule = rules_services.create_rule(user=None, municipality=adviser.municipality,
                                      name="voorwaarden", kind=regie_link.CONDITION_OVERDUE,
                                      params={"days": 3}, programme_area=plan.programme_area)
    first = rules_services.evaluate(municipality=adviser.municipality, today=TODAY).raised
    mine = [e for e in first if f":{condition.pk}:" in e.dedup_key]
    assert len(mine) == 1 and mine[0].rule == rule
    assert mine[0].evidence["numbers"]["days_overdue"] == 5
    assert mine[0].programme_area == plan.programme_area
    assert rules_services.evaluate(municipality=adviser.municipality, today=TODAY).raised == []
    # Done conditions never fire, even much later.
    services.set_condition_status(user=adviser, condition=condition,
                                  status=ConditionStatus.ACCEPTED)
    services.set_condition_status(user=adviser, condition=condition, status=ConditionStatus.DONE)
    later = rules_services.evaluate(municipality=adviser.municipality,
                                    today=TODAY + timedelta(days=60)).raised
    assert not [e for e in later if f":{condition.pk}:" in e.dedup_key]


def test_overdue_rule_within_its_threshold_is_quiet(adviser, second, plan):
    EscalationRule.objects.filter(municipality=adviser.municipality).delete()
    buurt = plan.programme_area.buurten.order_by("code").first()
    _final, condition = _final_with_condition(adviser, second, buurt,
                                              TODAY - timedelta(days=2))
    rules_services.create_rule(user=None, municipality=adviser.municipality, name="v",
                               kind=regie_link.CONDITION_OVERDUE, params={"days": 3})
    raised = rules_services.evaluate(municipality=adviser.municipality, today=TODAY).raised
    assert not [e for e in raised if f":{condition.pk}:" in e.dedup_key]


def test_rule_parameters_validated_naming_the_field(adviser):
    with pytest.raises(ValidationError) as exc:
        rules_services.create_rule(user=None, municipality=adviser.municipality, name="v",
                                   kind=regie_link.CONDITION_OVERDUE, params={"weeks": 2})
    assert "weeks" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rules_services.create_rule(user=None, municipality=adviser.municipality, name="v",
                                   kind=regie_link.CONDITION_OVERDUE, params={"days": -1})
    assert "days" in exc.value.message_dict


def _emerging(area: ProgrammeArea, classes: list[int]) -> HotspotAnalysis:
    return HotspotAnalysis.objects.create(
        municipality=area.municipality, programme_area=area, source="test", method="emerging",
        status=AnalysisStatus.DONE,
        result={"cells": [{"id": n, "class": c} for n, c in enumerate(classes)]})


def test_new_or_intensifying_hot_spot_proposes_an_intake(login, adviser):
    area = ProgrammeArea.objects.filter(municipality=adviser.municipality).order_by("pk").first()
    _emerging(area, [1, 3, 4, 0])  # new, intensifying, persistent, none
    proposal = next(p for p in regie_link.intake_proposals(adviser.municipality_id)
                    if p.programme_area == area)
    assert proposal.cells == 2
    page = login("adviseur").get("/veiligheidsadvies/")
    assert "/veiligheidsadvies/nieuw/?trigger=hotspot" in page.content.decode()
    # A hot spot request in the area since that analysis answers the proposal.
    _intake(adviser, trigger="hotspot", area=area.buurten.first())
    assert area not in [p.programme_area for p in
                        regie_link.intake_proposals(adviser.municipality_id)]
    # The latest analysis counts: one with only persistent cells proposes nothing.
    AdviceRequest.objects.filter(trigger="hotspot", municipality=adviser.municipality).delete()
    _emerging(area, [4, 4])
    assert area not in [p.programme_area for p in
                        regie_link.intake_proposals(adviser.municipality_id)]


def test_rule_list_shows_the_registered_kind_by_its_dutch_label(login, adviser, second, plan):
    """The kind is registered outside RuleKind's choices; its label, not its key, shows
    on the page that lists the rules and on the escalation it raised."""
    EscalationRule.objects.filter(municipality=adviser.municipality).delete()
    buurt = plan.programme_area.buurten.order_by("code").first()
    _final_with_condition(adviser, second, buurt, TODAY - timedelta(days=5))
    rules_services.create_rule(user=None, municipality=adviser.municipality,
                               name="Voorwaarden over tijd", kind=regie_link.CONDITION_OVERDUE,
                               params={"days": 3})
    [escalation] = rules_services.evaluate(municipality=adviser.municipality,
                                           today=TODAY).raised
    client = login("regisseur")
    label = "voorwaarde van een veiligheidsadvies N dagen over tijd"
    page = client.get("/regie/attention/").content.decode()
    row = page[page.index("Voorwaarden over tijd"):]
    row = row[:row.index("</tr>")]
    assert label in row and "dagen: 3" in row
    assert "condition_overdue" not in page
    detail = client.get(f"/regie/escalations/{escalation.pk}/").content.decode()
    assert f"Voorwaarden over tijd ({label})" in detail
