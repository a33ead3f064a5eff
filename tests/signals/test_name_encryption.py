"""Group names and attachment file names are stored only encrypted (ADR 0028, issue 10
breach 6): both may name a person ("Gezin Jansen", "verwijsbrief_Jansen.pdf"). Look-up
and uniqueness of a group name go through a keyed hash; pages, the API and the
registration still work by name; rotate-keys covers both; migration 0009 converts
existing rows and can go back."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection

from tests.signals.test_record_encryption import _bytes, _raw
from wijkregie.core.models import User
from wijkregie.signals import crypto
from wijkregie.signals.models import Attachment, Signal, SubjectGroup
from wijkregie.signals.services import (
    SignalInput,
    create_group,
    register_signal,
    rotate_identity_keys,
)

pytestmark = pytest.mark.django_db
GROUP = "GEHEIMEGROEP Gezin Jansen Kerkplein"
FILE_NAME = "GEHEIMBESTAND_verwijsbrief_Jansen.pdf"


@pytest.fixture
def secret_group(demo) -> SubjectGroup:
    return create_group(user=User.objects.get(username="agent"), name=GROUP, member_refs=[])


@pytest.fixture
def secret_attachment(demo) -> Attachment:
    signal = Signal.objects.filter(category__key="overlast").first()
    return Attachment.objects.create(
        signal=signal, file=ContentFile(crypto.encrypt_bytes(b"%PDF-1.4"), name="attachment"),
        original_name=FILE_NAME, content_type="application/pdf", size=8)


def test_the_raw_group_row_holds_no_name(secret_group):
    name, name_hash = _raw("SELECT name, name_hash FROM signals_subjectgroup WHERE id = %s",
                           secret_group.pk)
    raw = _bytes(name)
    assert raw.startswith(b"gAAAAA")  # a Fernet token
    for secret in ("GEHEIMEGROEP", "Jansen", "Kerkplein"):
        assert secret.encode() not in raw and secret not in name_hash
    assert name_hash == crypto.group_name_hash(GROUP)  # keyed: no plain name
    assert SubjectGroup.objects.get(pk=secret_group.pk).name == GROUP


def test_the_raw_attachment_row_holds_no_file_name(secret_attachment):
    (name,) = _raw("SELECT original_name FROM signals_attachment WHERE id = %s",
                   secret_attachment.pk)
    assert _bytes(name).startswith(b"gAAAAA")
    assert b"GEHEIMBESTAND" not in _bytes(name) and b"Jansen" not in _bytes(name)
    assert Attachment.objects.get(pk=secret_attachment.pk).original_name == FILE_NAME


def test_groups_still_work_by_name(secret_group, login):
    agent = User.objects.get(username="agent")
    with pytest.raises(ValidationError) as refused:
        create_group(user=agent, name=f"  {GROUP} ", member_refs=[])  # unique by hash
    assert "name" in refused.value.message_dict
    signal = register_signal(user=agent, data=SignalInput(
        category="overlast", pillar="safety", observed_on=date.today() - timedelta(days=1),
        description="Overlast bij de kade", reliability="own", group_names=[GROUP]))
    assert list(signal.groups.all()) == [secret_group]
    with pytest.raises(ValidationError) as unknown:
        register_signal(user=agent, data=SignalInput(
            category="overlast", pillar="safety", observed_on=date.today(),
            description="x", reliability="own", group_names=["Groep die niet bestaat"]))
    assert "groups" in unknown.value.message_dict
    client = login("agent")
    assert GROUP in client.get(f"/signals/{signal.pk}/").content.decode()
    assert client.get(f"/api/signals/{signal.pk}/").json()["groups"] == [GROUP]
    listed = client.get("/api/signals/", {"q": "Overlast bij de kade"}).json()["results"]
    assert [r["groups"] for r in listed if r["id"] == signal.pk] == [[GROUP]]
    page = client.get("/signals/groups/").content.decode()
    assert GROUP in page


def test_the_groups_page_lists_names_sorted_in_python(secret_group, login):
    agent = User.objects.get(username="agent")
    create_group(user=agent, name="aaa eerste groep", member_refs=[])
    from wijkregie.signals import selectors

    names = [g.name for g in selectors.list_groups(agent)]
    assert names == sorted(names, key=str.casefold) and names[0] == "aaa eerste groep"


def test_rotate_keys_reencrypts_group_and_file_names(secret_group, secret_attachment,
                                                     monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from django.conf import settings

    new_key = Fernet.generate_key().decode()
    old = os.environ.get("WIJKREGIE_SIGNALS_KEYS") or (
        settings.VAR_DIR / "signals_keys").read_text().strip()
    monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", f"{new_key},{old}")
    crypto.reset_key_cache()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rotate_identity_keys()
        new = Fernet(new_key)
        (name, name_hash) = _raw("SELECT name, name_hash FROM signals_subjectgroup "
                                 "WHERE id = %s", secret_group.pk)
        assert new.decrypt(_bytes(name)).decode() == GROUP
        assert name_hash == crypto.group_name_hash(GROUP)  # the HMAC key is separate
        (file_name,) = _raw("SELECT original_name FROM signals_attachment WHERE id = %s",
                            secret_attachment.pk)
        assert new.decrypt(_bytes(file_name)).decode() == FILE_NAME
    finally:
        crypto.reset_key_cache()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_names_and_can_go_back():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "signals"]
    plain = [*others, ("signals", "0008_encrypt_case_titles")]
    encrypted = [*others, ("signals", "0009_encrypt_group_names_and_attachment_names")]
    executor.migrate(plain)
    apps = executor.loader.project_state(plain).apps
    municipality = apps.get_model("core", "Municipality").objects.create(
        code="GM0998", name="Migratiestad")
    organisation = apps.get_model("core", "Organisation").objects.create(
        name="Migratiezorg", type="care")
    category = apps.get_model("signals", "Category").objects.create(
        key="migratie9", name="Migratie", retention_days=30)
    signal = apps.get_model("signals", "Signal").objects.create(
        municipality=municipality, category=category, pillar="social",
        observed_on=date(2026, 1, 2), description="d", reliability="own",
        organisation=organisation)
    group = apps.get_model("signals", "SubjectGroup").objects.create(
        municipality=municipality, name=GROUP)
    attachment = apps.get_model("signals", "Attachment").objects.create(
        signal=signal, file="signals/x/y", original_name=FILE_NAME,
        content_type="application/pdf", size=8)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(encrypted)
        name, name_hash = _raw("SELECT name, name_hash FROM signals_subjectgroup "
                               "WHERE id = %s", group.pk)
        assert _bytes(name).startswith(b"gAAAAA") and b"GEHEIMEGROEP" not in _bytes(name)
        assert crypto.decrypt_text(_bytes(name)) == GROUP
        assert name_hash == crypto.group_name_hash(GROUP)
        (file_name,) = _raw("SELECT original_name FROM signals_attachment WHERE id = %s",
                            attachment.pk)
        assert crypto.decrypt_text(_bytes(file_name)) == FILE_NAME
        executor = MigrationExecutor(connection)
        executor.migrate(plain)  # and back: plain columns again
        assert _raw("SELECT name FROM signals_subjectgroup WHERE id = %s",
                    group.pk) == (GROUP,)
        assert _raw("SELECT original_name FROM signals_attachment WHERE id = %s",
                    attachment.pk) == (FILE_NAME,)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
