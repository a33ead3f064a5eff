"""The measure-update transition table, locking, versions, permissions and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wijkregie.core.models import AuditEvent, User
from wijkregie.regie import services
from wijkregie.regie.models import Measure, MeasureUpdate, Plan, UpdateStatus

S = UpdateStatus
ALLOWED = {(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.RETURNED),
           (S.RETURNED, S.SUBMITTED)}
ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.fixture
def setting(demo):
    director = User.objects.get(username="regisseur")
    worker = User.objects.get(username="agent")
    plan = Plan.objects.filter(programme_area__municipality=director.municipality).first()
    measure = plan.measures.exclude(lead_organisation=worker.organisation).first()
    measure.contributing_organisations.add(worker.organisation)
    measure.start, measure.end = datetime.date(2030, 1, 1), datetime.date(2031, 12, 31)
    measure.save()
    return director, worker, measure


def _update(measure: Measure, status: str) -> MeasureUpdate:
    return MeasureUpdate.objects.create(measure=measure, year=2030, quarter=1, status=status)


def test_the_table_is_exactly_the_allowed_moves():
    assert set(services.TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("frm", "to"), ALL_MOVES)
def test_every_move(setting, frm, to):
    director, worker, measure = setting
    update = _update(measure, frm)
    actor = worker if to == S.SUBMITTED else director
    if (frm, to) in ALLOWED:
        done = services.transition_update(user=actor, update=update, to_status=to,
                                          version=update.version, note="reden")
        assert done.status == to and done.version == update.version + 1
        assert AuditEvent.objects.filter(object_type="regie.measureupdate",
                                         object_id=str(update.pk)).exists()
    else:
        with pytest.raises(ValidationError) as error:
            services.transition_update(user=actor, update=update, to_status=to,
                                       version=update.version, note="reden")
        assert "status" in error.value.error_dict
        update.refresh_from_db()
        assert update.status == frm


def test_partner_worker_may_not_approve_and_director_may(setting):
    director, worker, measure = setting
    update = _update(measure, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.transition_update(user=worker, update=update, to_status=S.APPROVED,
                                   version=1)
    services.transition_update(user=director, update=update, to_status=S.APPROVED, version=1)


def test_worker_of_an_unrelated_organisation_may_not_submit(setting):
    _director, worker, measure = setting
    measure.contributing_organisations.remove(worker.organisation)
    update = _update(measure, S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.transition_update(user=worker, update=update, to_status=S.SUBMITTED,
                                   version=1)


def test_returning_needs_a_note(setting):
    director, _worker, measure = setting
    update = _update(measure, S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.transition_update(user=director, update=update, to_status=S.RETURNED,
                                   version=1, note=" ")
    assert "note" in error.value.error_dict


def test_a_stale_version_is_refused(setting):
    director, _worker, measure = setting
    update = _update(measure, S.SUBMITTED)
    services.transition_update(user=director, update=update, to_status=S.RETURNED, version=1,
                               note="graag aanvullen")
    with pytest.raises(services.ChangedMeanwhile):
        services.transition_update(user=director, update=update, to_status=S.APPROVED,
                                   version=1)


def test_an_approved_period_is_locked(setting):
    director, worker, measure = setting
    update = services.create_update(user=worker, measure=measure, year=2030, quarter=2,
                                    narrative="eerste")
    update = services.transition_update(user=worker, update=update, to_status=S.SUBMITTED,
                                        version=update.version)
    update = services.transition_update(user=director, update=update, to_status=S.APPROVED,
                                        version=update.version)
    with pytest.raises(ValidationError) as error:
        services.edit_update(user=worker, update=update, version=update.version,
                             narrative="later veranderd")
    assert "quarter" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.create_update(user=worker, measure=measure, year=2030, quarter=2)
    assert "quarter" in error.value.error_dict
    assert "locked" in str(error.value)
    update.refresh_from_db()
    assert update.narrative == "eerste"


def test_edit_of_a_submitted_update_is_refused_and_of_a_draft_allowed(setting):
    _director, worker, measure = setting
    update = services.create_update(user=worker, measure=measure, year=2030, quarter=3)
    update = services.edit_update(user=worker, update=update, version=update.version,
                                  narrative="bijgewerkt")
    assert update.narrative == "bijgewerkt"
    update = services.transition_update(user=worker, update=update, to_status=S.SUBMITTED,
                                        version=update.version)
    with pytest.raises(ValidationError) as error:
        services.edit_update(user=worker, update=update, version=update.version,
                             narrative="x")
    assert "status" in error.value.error_dict


@pytest.mark.parametrize(("year", "quarter", "field"), [(2030, 5, "quarter"),
                                                         (2029, 1, "year")])
def test_bad_period_names_the_field(setting, year, quarter, field):
    _director, worker, measure = setting
    with pytest.raises(ValidationError) as error:
        services.create_update(user=worker, measure=measure, year=year, quarter=quarter)
    assert field in error.value.error_dict
    assert not MeasureUpdate.objects.filter(measure=measure, year=year).exists()


def test_negative_spending_names_the_field(setting):
    _director, worker, measure = setting
    with pytest.raises(ValidationError) as error:
        services.create_update(user=worker, measure=measure, year=2030, quarter=4,
                               spending=-5)
    assert "spending" in error.value.error_dict


def test_measure_end_before_start_is_refused(setting):
    director, _worker, measure = setting
    with pytest.raises(ValidationError) as error:
        services.create_measure(user=director, plan=measure.plan, kind="preventive",
                                title="Nieuw", lead_organisation=measure.lead_organisation,
                                start=datetime.date(2027, 5, 1), end=datetime.date(2027, 1, 1))
    assert "end" in error.value.error_dict
    assert not Measure.objects.filter(title="Nieuw").exists()


def test_measure_edit_checks_version_and_dates(setting):
    director, _worker, measure = setting
    edited = services.edit_measure(user=director, measure=measure, version=measure.version,
                                   title="Herzien")
    assert edited.version == measure.version + 1
    with pytest.raises(services.ChangedMeanwhile):
        services.edit_measure(user=director, measure=measure, version=measure.version,
                              title="Te laat")
    with pytest.raises(ValidationError) as error:
        services.edit_measure(user=director, measure=edited, version=edited.version,
                              end=datetime.date(2000, 1, 1))
    assert "end" in error.value.error_dict
    edited.refresh_from_db()
    assert edited.title == "Herzien"


def test_another_municipalitys_director_may_not_edit(setting):
    _director, _worker, measure = setting
    other = User.objects.get(username="regisseur2")
    assert other.municipality_id != measure.plan.programme_area.municipality_id
    with pytest.raises(PermissionDenied):
        services.edit_measure(user=other, measure=measure, version=measure.version,
                              title="Overgenomen")
    update = _update(measure, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.transition_update(user=other, update=update, to_status=S.APPROVED,
                                   version=1)
