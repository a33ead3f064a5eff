"""Free text and exact points of personal-data records are stored only encrypted
(ADR 0028, issue 10 breach 6): signal descriptions, addresses and points, case reasons.
Pages and the API still show them to those who may see them; text search still finds
them; rotate-keys covers them; production refuses to start without configured keys."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from wijkregie.core.models import User
from wijkregie.signals import crypto
from wijkregie.signals.models import Case, CaseEvent, Signal
from wijkregie.signals.services import (
    SignalInput,
    register_signal,
    rotate_identity_keys,
    transition_case,
)
from wijkregie.signals.workflow import allowed_transitions

pytestmark = pytest.mark.django_db
DESCRIPTION = "Buurvrouw meldt GEHEIMEOMSCHRIJVING over psychische klachten"
ADDRESS = "Verstopstraat 99"
REASON = "GEHEIMEREDEN: betrokkene opgenomen"


def _raw(sql: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def _bytes(value: object) -> bytes:
    return bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()


@pytest.fixture
def secret_signal(demo) -> Signal:
    agent = User.objects.get(username="agent")
    x, y = Signal.objects.filter(municipality=agent.municipality,
                                 x_rd__isnull=False).values_list("x_rd", "y_rd").first()
    return register_signal(user=agent, data=SignalInput(
        category="overlast", pillar="safety", observed_on=date.today() - timedelta(days=1),
        description=DESCRIPTION, reliability="own", address=ADDRESS,
        x_rd=x + 0.25, y_rd=y - 0.75))


@pytest.fixture
def reasoned_event(demo) -> CaseEvent:
    director = User.objects.get(username="casusregisseur")
    case = Case.objects.filter(director=director, status="active").first()
    transition_case(user=director, case=case, to_status=allowed_transitions(case.status)[0],
                    reason=REASON)
    return case.history.latest("id")


def test_the_raw_signal_row_holds_no_description_address_or_point(secret_signal):
    description, address, x, y, grid_x, grid_y = _raw(
        "SELECT description, address, x_rd, y_rd, grid_x, grid_y FROM signals_signal "
        "WHERE id = %s", secret_signal.pk)
    stored = Signal.objects.get(pk=secret_signal.pk)
    for column in (description, address, x, y):
        raw = _bytes(column)
        assert raw.startswith(b"gAAAAA")  # a Fernet token
        for secret in ("GEHEIMEOMSCHRIJVING", "psychische", "Verstopstraat",
                       repr(stored.x_rd), repr(stored.y_rd), str(int(stored.x_rd))):
            assert secret.encode() not in raw
    # Only the 250 m grid cell stays plain (the map's aggregate).
    assert (grid_x, grid_y) == (math.floor(stored.x_rd / 250), math.floor(stored.y_rd / 250))
    assert stored.description == DESCRIPTION and stored.address == ADDRESS


def test_the_raw_case_event_holds_no_reason(reasoned_event):
    (reason,) = _raw("SELECT reason FROM signals_caseevent WHERE id = %s", reasoned_event.pk)
    assert b"GEHEIMEREDEN" not in _bytes(reason) and _bytes(reason).startswith(b"gAAAAA")
    assert CaseEvent.objects.get(pk=reasoned_event.pk).reason == REASON


def test_the_raw_case_row_holds_no_title(demo, login):
    """A case title is free text that may name someone (issue 10, breach 6)."""
    director = User.objects.get(username="casusregisseur")
    case = Case.objects.filter(director=director).first()
    case.title = "GEHEIMETITEL Jansen Kerkplein"
    case.save(update_fields=["title"])
    (title,) = _raw("SELECT title FROM signals_case WHERE id = %s", case.pk)
    assert b"GEHEIMETITEL" not in _bytes(title) and _bytes(title).startswith(b"gAAAAA")
    page = login("casusregisseur").get(f"/signals/cases/{case.pk}/").content.decode()
    assert "GEHEIMETITEL Jansen Kerkplein" in page
    assert "GEHEIMETITEL Jansen Kerkplein" in login("casusregisseur").get(
        "/signals/cases/").content.decode()


def test_pages_and_api_still_show_them_to_who_may_see_them(secret_signal, reasoned_event,
                                                          login):
    agent = login("agent")
    page = agent.get(f"/signals/{secret_signal.pk}/").content.decode()
    assert DESCRIPTION in page and ADDRESS in page
    api = agent.get(f"/api/signals/{secret_signal.pk}/").json()
    assert api["description"] == DESCRIPTION and api["x_rd"] == secret_signal.x_rd
    listed = agent.get("/api/signals/?q=geheimeomschrijving").json()
    assert [r["id"] for r in listed["results"]] == [secret_signal.pk]
    assert agent.get("/api/signals/?q=verstopstraat").json()["count"] == 1
    case_page = login("casusregisseur").get(f"/signals/cases/{reasoned_event.case_id}/")
    assert REASON in case_page.content.decode()
    # Who may not see the signal still does not (the care worker: overlast is shared,
    # so take the analyst, who sees aggregates only).
    assert login("analist").get(f"/signals/{secret_signal.pk}/").status_code == 403


def test_rotate_keys_reencrypts_signals_and_case_reasons(secret_signal, reasoned_event,
                                                         monkeypatch):
    from django.conf import settings

    new_key = Fernet.generate_key().decode()
    old = os.environ.get("WIJKREGIE_SIGNALS_KEYS") or (
        settings.VAR_DIR / "signals_keys").read_text().strip()
    monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", f"{new_key},{old}")
    crypto.reset_key_cache()
    try:
        rotate_identity_keys()
        new = Fernet(new_key)
        row = _raw("SELECT description, address, x_rd, y_rd FROM signals_signal "
                   "WHERE id = %s", secret_signal.pk)
        assert new.decrypt(_bytes(row[0])).decode() == DESCRIPTION
        assert new.decrypt(_bytes(row[1])).decode() == ADDRESS
        assert float(new.decrypt(_bytes(row[2]))) == secret_signal.x_rd
        (reason,) = _raw("SELECT reason FROM signals_caseevent WHERE id = %s",
                         reasoned_event.pk)
        assert new.decrypt(_bytes(reason)).decode() == REASON
        monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", new_key)  # the old key retired
        crypto.reset_key_cache()
        assert Signal.objects.get(pk=secret_signal.pk).description == DESCRIPTION
    finally:
        crypto.reset_key_cache()


def _import_settings(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("WIJKREGIE_") and k != "DJANGO_SETTINGS_MODULE"}
    clean |= {"WIJKREGIE_VAR_DIR": str(tmp_path), "WIJKREGIE_SECRET_KEY": "x"} | env
    return subprocess.run([sys.executable, "-c", "import wijkregie.settings"], env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_keys_and_names_the_variable(tmp_path):
    fernet = Fernet.generate_key().decode()
    hmac_key = "A" * 43 + "="
    no_keys = _import_settings({"WIJKREGIE_ENV": "production"}, tmp_path)
    assert no_keys.returncode != 0 and "WIJKREGIE_SIGNALS_KEYS is not set" in no_keys.stderr
    no_hmac = _import_settings({"WIJKREGIE_ENV": "production",
                                "WIJKREGIE_SIGNALS_KEYS": fernet}, tmp_path)
    assert no_hmac.returncode != 0
    assert "WIJKREGIE_SIGNALS_HMAC_KEY is not set" in no_hmac.stderr
    bad = _import_settings({"WIJKREGIE_ENV": "production",
                            "WIJKREGIE_SIGNALS_KEYS": "not-a-key",
                            "WIJKREGIE_SIGNALS_HMAC_KEY": hmac_key}, tmp_path)
    assert bad.returncode != 0 and "WIJKREGIE_SIGNALS_KEYS: key 1" in bad.stderr
    ok = _import_settings({"WIJKREGIE_ENV": "production", "WIJKREGIE_SIGNALS_KEYS": fernet,
                           "WIJKREGIE_SIGNALS_HMAC_KEY": hmac_key}, tmp_path)
    assert ok.returncode == 0, ok.stderr
    development = _import_settings({}, tmp_path)
    assert development.returncode == 0, development.stderr
    assert not list(tmp_path.glob("signals_*"))  # importing settings makes no key file


def test_key_files_are_refused_outside_development(monkeypatch):
    monkeypatch.delenv("WIJKREGIE_SIGNALS_KEYS", raising=False)
    crypto.reset_key_cache()
    try:
        with override_settings(SIGNALS_KEY_FILES=False), \
                pytest.raises(ImproperlyConfigured, match="WIJKREGIE_SIGNALS_KEYS"):
            crypto.encrypt_text("x")
    finally:
        crypto.reset_key_cache()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_can_go_back():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    # Every other app stays at its latest migration, so the old models are built on
    # today's core tables (a Municipality has its theme, for instance).
    # Apps built on a later signals schema (regie's case plans, for instance) step back
    # with it, so they are left out of the targets.
    graph = executor.loader.graph
    oldest = ("signals", "0005_partner_token_expiry_and_revocation")
    later = {n for leaf in graph.leaf_nodes() if leaf[0] == "signals"
             for n in graph.forwards_plan(leaf) if n[0] == "signals"} - set(
        graph.forwards_plan(oldest))
    others = [node for node in graph.leaf_nodes() if node[0] != "signals"
              and not later & set(graph.forwards_plan(node))]
    plain = [*others, ("signals", "0005_partner_token_expiry_and_revocation")]
    encrypted = [*others, ("signals", "0006_encrypt_signal_text_points_and_case_reasons")]
    executor.migrate(plain)
    apps = executor.loader.project_state(plain).apps
    municipality = apps.get_model("core", "Municipality").objects.create(
        code="GM0999", name="Migratiedorp")
    organisation = apps.get_model("core", "Organisation").objects.create(
        name="Migratiepolitie", type="police")
    category = apps.get_model("signals", "Category").objects.create(
        key="migratie", name="Migratie", retention_days=30)
    signal = apps.get_model("signals", "Signal").objects.create(
        municipality=municipality, category=category, pillar="safety",
        observed_on=date(2026, 1, 2), description=DESCRIPTION, reliability="own",
        address=ADDRESS, x_rd=93_210.5, y_rd=436_781.25, organisation=organisation)
    director = apps.get_model("core", "User").objects.create(username="migratie")
    case = apps.get_model("signals", "Case").objects.create(
        municipality=municipality, title="t", purpose="p", lead_organisation=organisation,
        director=director)
    event = apps.get_model("signals", "CaseEvent").objects.create(
        case=case, at="2026-01-03T10:00:00Z", kind="status", reason=REASON)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(encrypted)
        row = _raw("SELECT description, address, x_rd, y_rd, grid_x, grid_y "
                   "FROM signals_signal WHERE id = %s", signal.pk)
        assert all(_bytes(v).startswith(b"gAAAAA") for v in row[:4])
        assert b"GEHEIMEOMSCHRIJVING" not in _bytes(row[0])
        assert crypto.decrypt_text(_bytes(row[0])) == DESCRIPTION
        assert crypto.decrypt_number(_bytes(row[2])) == 93_210.5
        assert row[4:] == (math.floor(93_210.5 / 250), math.floor(436_781.25 / 250))
        (reason,) = _raw("SELECT reason FROM signals_caseevent WHERE id = %s", event.pk)
        assert crypto.decrypt_text(_bytes(reason)) == REASON
        executor = MigrationExecutor(connection)
        executor.migrate(plain)  # and back: plain columns again
        row = _raw("SELECT description, address, x_rd FROM signals_signal WHERE id = %s",
                   signal.pk)
        assert row == (DESCRIPTION, ADDRESS, 93_210.5)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
