"""Partner API: token per organisation, posting signals, bulk CSV import (all or
nothing, with a validation report), aggregates, schema and docs without a CDN."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from wijkregie.areas.models import Area
from wijkregie.core.models import AuditEvent, Organisation
from wijkregie.signals.models import PartnerToken, Signal

pytestmark = pytest.mark.django_db
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def _token(name_start: str, code: str = "GM9001") -> dict[str, str]:
    from io import StringIO

    org = Organisation.objects.get(name__startswith=name_start,
                                   municipalities__code=code)
    out = StringIO()
    call_command("signals", "issue-token", "--organisation", org.name, "--municipality", code,
                 stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_token_is_stored_hashed_and_scoped_to_its_organisation(demo):
    headers = _token("Buurtwerk")
    raw = headers["HTTP_AUTHORIZATION"].split()[1]
    assert not PartnerToken.objects.filter(key_hash=raw).exists()
    client = Client()
    care = client.get("/api/signals/?category=zorgsignaal&limit=5", **headers)
    assert care.status_code == 200 and care.json()["count"] > 0
    assert client.get("/api/signals/?category=drugs-ondermijning", **headers).json()[
        "count"] == 0
    assert client.get("/api/signals/", HTTP_AUTHORIZATION="Token wr_wrong").status_code == 401
    assert client.get("/api/signals/").status_code in (401, 403)


def test_partner_posts_a_signal_and_bad_input_is_refused(demo):
    headers = _token("Woonstichting")
    client = Client()
    body = {"category": "woonfraude", "pillar": "physical", "observed_on": YESTERDAY,
            "description": "Wisselende bewoners", "reliability": "reported",
            "address": "Kade 4", "persons": [{"name": "Fictieve Huurder", "bsn": "111222333"}]}
    created = client.post("/api/signals/", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert created.json()["persons"][0].startswith("P-")
    before = Signal.objects.count()
    bad = client.post("/api/signals/", body | {"category": "zorgsignaal"},
                      content_type="application/json", **headers)
    assert bad.status_code == 400 and "category" in bad.json()
    future = client.post("/api/signals/", body | {"observed_on": "2999-01-01"},
                         content_type="application/json", **headers)
    assert future.status_code == 400 and "toekomst" in future.json()["observed_on"][0]
    assert Signal.objects.count() == before


def _csv(rows: list[str]) -> SimpleUploadedFile:
    header = "category,pillar,observed_on,description,reliability,area_code,person_name,person_bsn"
    return SimpleUploadedFile("signalen.csv", ("\n".join([header, *rows]) + "\n").encode(),
                              content_type="text/csv")


def test_csv_import_is_all_or_nothing_with_a_report(demo):
    headers = _token("Politie")
    buurt = Area.objects.filter(municipality__code="GM9001", level="buurt").first().code
    good = f"overlast,safety,{YESTERDAY},Lawaai,own,{buurt},,"
    client = Client()
    before = Signal.objects.count()
    report = client.post("/api/signals/import/", {"file": _csv([
        good, f"zorgsignaal,social,{YESTERDAY},x,own,{buurt},,",
        f"overlast,safety,gisteren,x,own,{buurt},,",
        f"overlast,safety,{YESTERDAY},x,own,BU00000000,,",
        f"overlast,safety,{YESTERDAY},x,own,{buurt},Iemand,12345"])}, **headers)
    assert report.status_code == 400
    errors = report.json()["errors"]
    assert any(e.startswith("rij 3, category") for e in errors)
    assert any(e.startswith("rij 4, observed_on") for e in errors)
    assert any(e.startswith("rij 5, area_code") for e in errors)
    assert any(e.startswith("rij 6, person 1 bsn") for e in errors)
    assert Signal.objects.count() == before  # nothing saved, not even the good row
    ok = client.post("/api/signals/import/", {"file": _csv([good, good])}, **headers)
    assert ok.status_code == 201 and ok.json()["created"] == 2
    assert Signal.objects.count() == before + 2
    assert AuditEvent.objects.filter(action="create", purpose="bulk import").count() == 1


@pytest.mark.parametrize(("language", "words"), [
    ("nl", ["datum waarneming 2999-01-01 ligt in de toekomst"]),
    ("en", ["date observed 2999-01-01 lies in the future"]),
])
def test_api_messages_follow_accept_language(demo, language, words):
    headers = _token("Woonstichting") | {"HTTP_ACCEPT_LANGUAGE": language}
    body = {"category": "woonfraude", "pillar": "physical", "observed_on": "2999-01-01",
            "description": "x", "reliability": "own", "address": "Kade 4"}
    response = Client().post("/api/signals/", body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["observed_on"] == words  # the field key stays as it is
    bad_limit = Client().get("/api/signals/?limit=veel", **headers)
    assert bad_limit.status_code == 400
    assert bad_limit.json()["limit"] == {"nl": "moet een geheel getal van 0 of meer zijn",
                                         "en": "must be a non-negative integer"}[language]


def test_csv_import_report_is_dutch_and_names_file_row_and_field(demo):
    headers = _token("Politie") | {"HTTP_ACCEPT_LANGUAGE": "nl"}
    report = Client().post("/api/signals/import/", {"file": _csv([
        "overlast,safety,gisteren,x,own,,,", "overlast,safety,,x,own,,,"])}, **headers)
    assert report.status_code == 400
    errors = report.json()["errors"]
    assert "rij 2, observed_on: 'gisteren' is geen datum (JJJJ-MM-DD)" in errors
    assert "rij 3, observed_on: datum waarneming is verplicht (JJJJ-MM-DD)" in errors
    missing = Client().post("/api/signals/import/", {"file": SimpleUploadedFile(
        "leeg.csv", b"category,pillar\n", content_type="text/csv")}, **headers)
    assert missing.json()["errors"] == [
        "leeg.csv: ontbrekende kolom(men) observed_on, description, reliability"]


def test_aggregates_api_applies_the_minimum_count(demo, login):
    data = login("analist").get("/api/aggregates/monthly/?municipality=GM9001").json()
    assert data["results"] and all(row["count"] >= data["min_count"] for row in data["results"])
    assert set(data["results"][0]) == {"area_code", "category_key", "year", "month", "count",
                                       "listed"}
    assert all(row["listed"] == 0 for row in data["results"])  # the analyst lists nothing
    assert login("analist").get("/api/aggregates/monthly/?municipality=GM9002").status_code == 404


def test_schema_and_docs_served_without_cdn(demo, login):
    client = login("analist")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/signals/import/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "/static/" in docs


def test_list_rows_carry_exactly_each_signals_pseudonyms_and_groups(demo):
    from wijkregie.signals.models import SubjectAccess

    headers = _token("Politie")
    body = Client().get("/api/signals/?limit=500", **headers).json()
    rows = {row["id"]: row for row in body["results"]}
    signals = Signal.objects.filter(pk__in=rows).prefetch_related("subjects", "groups")
    assert any(s.groups.exists() for s in signals), "the demo page should hold a group"
    for signal in signals:
        assert sorted(rows[signal.pk]["persons"]) == sorted(s.ref for s in signal.subjects.all())
        assert sorted(rows[signal.pk]["groups"]) == sorted(g.name for g in signal.groups.all())
    event = AuditEvent.objects.filter(detail__via="api").latest("seq")
    indexed = set(SubjectAccess.objects.filter(event_seq=event.seq)
                  .values_list("subject_ref", flat=True))
    assert indexed == {ref for row in rows.values() for ref in row["persons"]}
