"""Identity fields are not readable in the raw database row; matching works by keyed
hash without decrypting; keys come from outside the database and can be rotated."""

from __future__ import annotations

import os
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from wijkregie.core.models import User
from wijkregie.signals import crypto
from wijkregie.signals.models import Subject
from wijkregie.signals.services import PersonInput, find_or_create_subjects, rotate_identity_keys

pytestmark = pytest.mark.django_db
PERSON = PersonInput(name="Jantje Geheimnaam", date_of_birth=date(1971, 3, 14),
                     address="Verstopstraat 12", bsn="111222333")


def _find(user: User, person: PersonInput) -> Subject:
    return find_or_create_subjects(municipality=user.municipality,
                                   organisation=user.organisation, persons=[person])[0]


def test_identity_fields_not_in_the_raw_row(demo):
    agent = User.objects.get(username="agent")
    subject = _find(agent, PERSON)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM signals_subject WHERE id = %s", [subject.pk])
        row = cursor.fetchone()
    raw = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
                   for v in row)
    for secret in ("Jantje", "Geheimnaam", "1971-03-14", "Verstopstraat", "111222333"):
        assert secret.encode() not in raw
    assert crypto.decrypt_identity(subject.identity)["name"] == "Jantje Geheimnaam"


def test_duplicates_found_by_keyed_hash_of_normalised_identity(demo):
    agent = User.objects.get(username="agent")
    first = _find(agent, PERSON)
    again = _find(agent, PersonInput(
        name="  jantje GEHEIMNAAM ", date_of_birth=date(1971, 3, 14)))
    by_bsn = _find(agent, PersonInput(
        name="J. Geheimnaam", bsn="111 222 333"))
    assert first.pk == again.pk == by_bsn.pk
    other = _find(agent, PersonInput(
        name="Jantje Geheimnaam", date_of_birth=date(1972, 3, 14)))
    assert other.pk != first.pk


def test_bsn_elfproef():
    assert crypto.valid_bsn("111222333") and crypto.valid_bsn("111 222 333")
    assert not crypto.valid_bsn("111222334") and not crypto.valid_bsn("12345")


def test_key_rotation_reencrypts_with_the_new_key(demo, monkeypatch):
    agent = User.objects.get(username="agent")
    subject = _find(agent, PERSON)
    from django.conf import settings

    new_key = Fernet.generate_key().decode()
    old_text = os.environ.get("WIJKREGIE_SIGNALS_KEYS") or (
        settings.VAR_DIR / "signals_keys").read_text().strip()
    monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", f"{new_key},{old_text}")
    crypto.reset_key_cache()
    try:
        assert rotate_identity_keys() >= Subject.objects.count()
        subject.refresh_from_db()
        assert Fernet(new_key).decrypt(bytes(subject.identity))
        monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", new_key)  # old key retired
        crypto.reset_key_cache()
        assert crypto.decrypt_identity(subject.identity)["name"] == PERSON.name
    finally:
        crypto.reset_key_cache()
