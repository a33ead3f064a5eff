"""Canonical JSON, Ed25519 signatures and where the signing key comes from."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from wijkregie.learning.federation import signing


def test_canonical_json_sorts_keys_without_spaces_in_utf8():
    assert signing.canonical_json({"b": 1, "a": "ë", "c": [1.5, None]}) == \
        '{"a":"ë","b":1,"c":[1.5,null]}'.encode()
    with pytest.raises(ValueError):
        signing.canonical_json({"x": float("nan")})


def test_signature_survives_reserialisation_but_not_a_changed_value():
    key = signing.generate_private_key()
    public = signing.load_public_key(signing.public_key_text(key))
    envelope = signing.sign({"a": 1, "b": {"c": 2.25}}, key)
    transported = json.loads(json.dumps(envelope, indent=4))
    assert signing.verify(transported["document"], transported["signature"], public)
    transported["document"]["b"]["c"] = 2.5
    assert not signing.verify(transported["document"], transported["signature"], public)
    other = signing.load_public_key(signing.public_key_text(signing.generate_private_key()))
    assert not signing.verify(envelope["document"], envelope["signature"], other)
    assert not signing.verify(envelope["document"], "not base64 !", public)


def test_public_key_text_round_trips_and_rejects_garbage():
    key = signing.generate_private_key()
    text = signing.public_key_text(key)
    assert signing.public_key_text(signing.load_public_key(text)) == text
    for bad in ("", "abc", "x" * 44):
        with pytest.raises(ValueError):
            signing.load_public_key(bad)


def test_key_from_environment_before_file(monkeypatch, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(signing.KEY_VARIABLE, raising=False)
    monkeypatch.delenv(signing.KEY_FILE_VARIABLE, raising=False)
    with pytest.raises(ImproperlyConfigured, match=signing.KEY_VARIABLE):
        signing.configured_private_key()
    key = signing.generate_private_key()
    monkeypatch.setenv(signing.KEY_VARIABLE, signing.private_key_text(key))
    assert signing.public_key_text(signing.configured_private_key()) == \
        signing.public_key_text(key)
    monkeypatch.setenv(signing.KEY_VARIABLE, "broken")
    with pytest.raises(ImproperlyConfigured):
        signing.configured_private_key()


def test_production_never_reads_the_development_file(monkeypatch, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(signing.KEY_VARIABLE, raising=False)
    monkeypatch.delenv(signing.KEY_FILE_VARIABLE, raising=False)
    signing.write_key_file(signing.development_key_path(), signing.generate_private_key())
    settings.ENVIRONMENT = "production"
    with pytest.raises(ImproperlyConfigured):
        signing.configured_private_key()
    with pytest.raises(CommandError, match="--output"):
        call_command("learning", "keygen")


def test_keygen_writes_a_private_file_prints_only_the_public_key(
        monkeypatch, tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    settings.ENVIRONMENT = "development"
    monkeypatch.delenv(signing.KEY_VARIABLE, raising=False)
    monkeypatch.delenv(signing.KEY_FILE_VARIABLE, raising=False)
    call_command("learning", "keygen")
    out = capsys.readouterr().out
    path = signing.development_key_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private = path.read_text().strip()
    assert private not in out
    public = signing.public_key_text(signing.load_private_key(private))
    assert public in out
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("learning", "keygen")
    assert path.read_text().strip() == private
    call_command("learning", "public-key")
    assert capsys.readouterr().out.strip() == public
    # A mounted secret file is read too.
    monkeypatch.setenv(signing.KEY_FILE_VARIABLE, str(path))
    assert signing.public_key_text(signing.configured_private_key()) == public
