"""Each rule kind with a frozen clock: it fires once, and not again on the next run;
parameters refused naming the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from wijkregie.areas.models import ProgrammeArea
from wijkregie.core.models import User
from wijkregie.regie import rules
from wijkregie.regie import services_intervention as services
from wijkregie.regie.models_intervention import (
    Agreement,
    CasePlan,
    Escalation,
    EscalationRule,
    Notification,
    RuleKind,
)
from wijkregie.signals import feeds
from wijkregie.signals.models import Case

FROZEN = date(2026, 3, 10)


@pytest.fixture
def frozen(monkeypatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: FROZEN)
    return FROZEN


@pytest.fixture
def town(demo):
    director = User.objects.get(username="regisseur")
    EscalationRule.objects.filter(municipality=director.municipality).delete()
    Escalation.objects.all().delete()
    return director.municipality


def _twice(municipality) -> tuple[list[Escalation], list[Escalation]]:
    first = services.evaluate(municipality=municipality).raised
    second = services.evaluate(municipality=municipality).raised
    return first, second


def test_agreement_overdue_fires_once(town, frozen) -> None:
    case = Case.objects.filter(municipality=town).order_by("pk").first()
    plan = CasePlan.objects.get_or_create(case=case, defaults={"director": case.director})[0]
    late = Agreement.objects.create(plan=plan, description="x", owner=case.lead_organisation,
                                    due_on=frozen - timedelta(days=15))
    edge = Agreement.objects.create(plan=plan, description="y", owner=case.lead_organisation,
                             due_on=frozen - timedelta(days=14))  # not beyond 14 days
    Agreement.objects.create(plan=plan, description="z", owner=case.lead_organisation,
                             due_on=frozen - timedelta(days=40), status="done")
    services.create_rule(user=None, municipality=town, name="r",
                         kind=RuleKind.AGREEMENT_OVERDUE, params={"days": 14})
    first, second = _twice(town)
    assert len(first) == 1 and second == []
    escalation = first[0]
    assert escalation.case_id == case.pk
    assert escalation.evidence["numbers"]["days_overdue"] == 15
    assert f"A-{late.pk}" in escalation.reason and "x" not in escalation.reason.split()
    assert list(escalation.owners.all()) == [case.director]
    assert Notification.objects.filter(escalation=escalation, user=case.director).exists()
    # The next day the first one is not raised again; the one on the edge now is.
    later = services.evaluate(municipality=town, today=frozen + timedelta(days=1)).raised
    assert [e.reason for e in later] == [
        f"Agreement A-{edge.pk} of case C-{case.pk} is 15 days overdue"]
    assert services.evaluate(municipality=town, today=frozen + timedelta(days=2)).raised == []


def test_hotspot_emerging_fires_once_per_situation(town, frozen) -> None:
    area = ProgrammeArea.objects.filter(municipality=town).order_by("pk").first()
    services.create_rule(user=None, municipality=town, name="h",
                         kind=RuleKind.HOTSPOT_EMERGING,
                         params={"classes": ["new_hot_spot", "intensifying_hot_spot"]},
                         programme_area=area)
    # The test-scale demo's latest analysis has no new or intensifying cells ...
    assert services.evaluate(municipality=town).raised == []
    # ... but consecutive ones, which a rule may also watch.
    rule = EscalationRule.objects.get(municipality=town, name="h")
    rule.params = {"classes": ["consecutive_hot_spot", "new_hot_spot"]}
    rule.save()
    first, second = _twice(town)
    assert len(first) == 1 and second == []
    numbers = first[0].evidence["numbers"]
    assert list(numbers) == ["consecutive_hot_spot"] and numbers["consecutive_hot_spot"] > 0
    assert first[0].evidence["links"][0]["url"].startswith("/hotspots/analyses/")
    assert first[0].programme_area == area


def test_signal_band_fires_once(town, frozen, monkeypatch) -> None:
    area = ProgrammeArea.objects.filter(municipality=town).order_by("pk").first()
    code = area.buurten.values_list("code", flat=True).first()
    rows = [feeds.MonthlyCount(code, "overlast", y, m, 6, 0)
            for y, m in (rules._month_back(2026, 2, n) for n in range(1, 25))]
    rows.append(feeds.MonthlyCount(code, "overlast", 2026, 2, 30, 0))
    rows.append(feeds.MonthlyCount("elsewhere", "overlast", 2026, 2, 400, 0))
    calls = []

    def fake(*, municipality, viewer, min_count=feeds.DEFAULT_MIN_COUNT):
        calls.append(viewer)
        return rows
    monkeypatch.setattr(feeds, "monthly_counts", fake)
    services.create_rule(user=None, municipality=town, name="b", kind=RuleKind.SIGNAL_BAND,
                         params={"quantile": 0.99}, programme_area=area)
    first, second = _twice(town)
    assert calls == [None, None]  # as a consumer that may list nothing: published counts
    assert len(first) == 1 and second == []
    numbers = first[0].evidence["numbers"]
    assert numbers["observed"] == 30 and numbers["expected_mean"] == 6.0
    # P(X <= 11 | 6) = 0.980, P(X <= 12 | 6) = 0.991: the 99 % upper limit is 12.
    assert numbers["upper_limit"] == 12
    assert numbers["month"] == "2026-02"


def test_signal_band_within_band_does_not_fire(town, frozen, monkeypatch) -> None:
    area = ProgrammeArea.objects.filter(municipality=town).order_by("pk").first()
    code = area.buurten.values_list("code", flat=True).first()
    rows = [feeds.MonthlyCount(code, "overlast", y, m, 6, 0)
            for y, m in (rules._month_back(2026, 3, n) for n in range(1, 26))]
    monkeypatch.setattr(feeds, "monthly_counts", lambda **kwargs: rows)
    services.create_rule(user=None, municipality=town, name="b", kind=RuleKind.SIGNAL_BAND,
                         params={}, programme_area=area)
    assert services.evaluate(municipality=town).raised == []


def test_command_evaluates(town, frozen, capsys) -> None:
    area = ProgrammeArea.objects.filter(municipality=town).order_by("pk").first()
    services.create_rule(user=None, municipality=town, name="h",
                         kind=RuleKind.HOTSPOT_EMERGING,
                         params={"classes": ["consecutive_hot_spot"]}, programme_area=area)
    call_command("regie", "evaluate", "--municipality", town.code)
    call_command("regie", "evaluate", "--municipality", town.code)
    out = capsys.readouterr().out
    assert "1 escalations raised" in out and "0 escalations raised" in out


def test_button_evaluates(town, frozen, login) -> None:
    area = ProgrammeArea.objects.filter(municipality=town).order_by("pk").first()
    services.create_rule(user=None, municipality=town, name="h",
                         kind=RuleKind.HOTSPOT_EMERGING,
                         params={"classes": ["consecutive_hot_spot"]}, programme_area=area)
    assert login("agent").post("/regie/attention/evaluate/").status_code == 403
    response = login("regisseur").post("/regie/attention/evaluate/", follow=True)
    assert Escalation.objects.filter(municipality=town).count() == 1
    assert "E-" in response.content.decode()


@pytest.mark.parametrize(("kind", "params", "field"), [
    (RuleKind.SIGNAL_BAND, {"category": "no-such-category"}, "category"),
    (RuleKind.GOAL_OFF_PATH, {"indicator": "no-such-indicator"}, "indicator"),
    (RuleKind.AGREEMENT_OVERDUE, {"days": -1}, "days"),
    (RuleKind.AGREEMENT_OVERDUE, {"days": "3"}, "days"),
    (RuleKind.AGREEMENT_OVERDUE, {"weeks": 3}, "weeks"),
    (RuleKind.HOTSPOT_EMERGING, {"classes": ["hot"]}, "classes"),
    (RuleKind.SIGNAL_BAND, {"quantile": 1.5}, "quantile"),
    ("nonsense", {}, "kind"),
])
def test_bad_params_are_refused_naming_the_field(town, kind, params, field) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_rule(user=None, municipality=town, name="r", kind=kind,
                             params=params)
    assert field in info.value.error_dict
    assert not EscalationRule.objects.filter(municipality=town).exists()


def test_rule_list_labels_every_kind_and_shows_own_municipality_only(login, town):
    """The needs-attention page lists the municipality's rules by their translated kind;
    a kind nobody registers (an app gone) shows its key; another town's rules are not
    listed."""
    from wijkregie.core.models import Municipality
    from wijkregie.regie.models_intervention import rule_kind_label

    EscalationRule.objects.create(municipality=town, name="Afspraken", kind="agreement_overdue",
                                  params={"days": 14})
    EscalationRule.objects.create(municipality=town, name="Verdwenen", kind="gone_kind")
    other = Municipality.objects.exclude(pk=town.pk).filter(is_demo=True).first()
    EscalationRule.objects.create(municipality=other, name="Regel van elders",
                                  kind="agreement_overdue")
    page = login("regisseur").get("/regie/attention/").content.decode()
    assert "<td>afspraak N dagen over de termijn</td>" in page
    assert rule_kind_label("agreement_overdue") == "afspraak N dagen over de termijn"
    assert "agreement_overdue" not in page
    assert "<td>gone_kind</td>" in page
    assert "Regel van elders" not in page
