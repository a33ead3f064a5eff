"""`wijkregie backup` / `restore` round trip and the key check (ADR 0054)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from wijkregie.core.backup import identity_keys_problem, row_counts
from wijkregie.core.models import Municipality, Organisation
from wijkregie.signals import crypto, services
from wijkregie.signals.models import Subject
from wijkregie.signals.services import PersonInput


@pytest.fixture
def fresh_keys(monkeypatch):
    """Keys of this test only (environment), forgotten afterwards."""
    monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("WIJKREGIE_SIGNALS_HMAC_KEY",
                       base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    crypto.reset_key_cache()
    yield monkeypatch
    crypto.reset_key_cache()


def _persons(n: int = 12) -> dict[str, dict[str, str]]:
    municipality = Municipality.objects.create(code="GM0996", name="Back-updorp")
    organisation = Organisation.objects.create(name="Back-upwelzijn", type="social_work")
    services.find_or_create_subjects(municipality=municipality, organisation=organisation,
                                     persons=[
        PersonInput(name=f"Fictief Persoon {i}", date_of_birth=date(1970, 1, 1 + i),
                    address=f"Dijk {i}", bsn="") for i in range(n)])
    return _identities()


def _identities() -> dict[str, dict[str, str]]:
    return {s.ref: crypto.decrypt_identity(s.identity) for s in Subject.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_is_lossless(fresh_keys, tmp_path):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    identities = _persons()
    stored = Path(settings.MEDIA_ROOT) / "signals" / "attachment.bin"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"encrypted attachment")
    counts = row_counts()
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["keys"]["included"] is False and "NOT in this backup" in \
        manifest["keys"]["statement"]
    assert manifest["counts"] == counts
    # Then things go wrong: persons lost, a stray row, a file gone.
    Subject.objects.all().delete()
    Municipality.objects.create(code="GM0995", name="Verdwaald")
    stored.unlink()
    call_command("restore", str(tmp_path / "backup"), "--yes")
    assert row_counts() == counts
    assert _identities() == identities and len(identities) == 12
    assert stored.read_bytes() == b"encrypted attachment"


@pytest.mark.django_db(transaction=True)
def test_backup_holds_no_key(fresh_keys, tmp_path):
    _persons(2)
    call_command("backup", str(tmp_path / "backup"))
    keys = [os.environ["WIJKREGIE_SIGNALS_KEYS"], os.environ["WIJKREGIE_SIGNALS_HMAC_KEY"]]
    for path in (tmp_path / "backup").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(key.encode() in content for key in keys), path


@pytest.mark.django_db(transaction=True)
def test_restore_under_other_keys_is_refused_and_changes_nothing(fresh_keys, tmp_path):
    _persons(3)
    call_command("backup", str(tmp_path / "backup"))
    Subject.objects.all().delete()
    fresh_keys.setenv("WIJKREGIE_SIGNALS_HMAC_KEY",
                      base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    crypto.reset_key_cache()
    with pytest.raises(CommandError, match="matching key"):
        call_command("restore", str(tmp_path / "backup"), "--yes")
    assert Subject.objects.count() == 0


@pytest.mark.django_db
def test_commands_refuse_a_database_the_configured_keys_cannot_decrypt(fresh_keys):
    _persons(2)
    assert identity_keys_problem() is None
    call_command("check")
    fresh_keys.setenv("WIJKREGIE_SIGNALS_KEYS", Fernet.generate_key().decode())
    crypto.reset_key_cache()
    assert "cannot decrypt" in identity_keys_problem()
    with pytest.raises(SystemCheckError, match="cannot decrypt"):
        call_command("check")


@pytest.mark.django_db
def test_wrong_matching_key_is_found_too(fresh_keys):
    _persons(2)
    fresh_keys.setenv("WIJKREGIE_SIGNALS_HMAC_KEY",
                      base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    crypto.reset_key_cache()
    assert "matching key does not match" in identity_keys_problem()
