"""Attachments are encrypted at rest, downloaded only through the covenant's scope with
one audit event, re-encrypted on key rotation, and removed with their signal."""

from __future__ import annotations

import importlib
import os
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wijkregie.core.models import AuditEvent, User
from wijkregie.signals import crypto, services
from wijkregie.signals.models import Attachment, Signal
from wijkregie.signals.services import PersonInput, SignalInput

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 Vertrouwelijk verslag over Fictief Persoon\n%%EOF"


def _care_signal_with_pdf(observed_on: date | None = None) -> tuple[Signal, Attachment]:
    worker = User.objects.get(username="hulpverlener")
    data = SignalInput(category="zorgsignaal", pillar="social",
                       observed_on=observed_on or date.today() - timedelta(days=1),
                       description="Bewoner vereenzaamt", reliability="own",
                       address="Dorpsstraat 1",
                       persons=[PersonInput(name="Fictief Persoon",
                                            date_of_birth=date(1950, 1, 1))])
    upload = SimpleUploadedFile("verslag juni.pdf", PDF, content_type="application/pdf")
    signal = services.register_signal(user=worker, data=data, attachments=[upload])
    return signal, signal.attachments.get()


def _new_events(client, url: str):  # type: ignore[no-untyped-def]
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.get(url)
    return response, list(AuditEvent.objects.filter(seq__gt=last))


def test_the_file_on_disk_holds_no_plaintext(demo):
    _signal, attachment = _care_signal_with_pdf()
    raw = Path(attachment.file.path).read_bytes()
    assert b"Vertrouwelijk" not in raw and not raw.startswith(b"%PDF")
    assert crypto.decrypt_bytes(raw) == PDF
    assert "verslag" not in attachment.file.name  # the stored name says nothing either
    assert attachment.size == len(PDF)


def test_allowed_user_downloads_the_original_with_one_audit_event(demo, login):
    signal, attachment = _care_signal_with_pdf()
    url = f"/signals/{signal.pk}/attachments/{attachment.pk}/"
    worker = login("hulpverlener")
    assert url in worker.get(f"/signals/{signal.pk}/").content.decode()  # linked on detail
    response, events = _new_events(worker, url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "verslag" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.outcome, event.object_type, event.object_id) == (
        "export", "success", "signals.attachment", str(attachment.pk))
    assert event.purpose and event.actor_username == "hulpverlener"
    assert event.subject_ref == signal.subjects.get().ref


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 404),    # police: the covenant does not share care signals (404 as for the
                       # signal's own page, so the attachment's existence is not revealed)
    ("analist", 403),  # a role without personal data at all
])
def test_refused_download_writes_a_denied_event(demo, login, username, status):
    signal, attachment = _care_signal_with_pdf()
    client = login(username)
    response, events = _new_events(client, f"/signals/{signal.pk}/attachments/{attachment.pk}/")
    assert response.status_code == status
    assert PDF not in response.content
    assert [(e.action, e.outcome, e.object_type) for e in events] == [
        ("permission_denied", "denied", "signals.attachment")]
    if status == 404:
        assert events[0].object_id == str(attachment.pk)


def test_an_attachment_of_another_signal_is_not_found(demo, login):
    _signal, attachment = _care_signal_with_pdf()
    other = Signal.objects.filter(category__key="zorgsignaal").exclude(
        pk=attachment.signal_id).first()
    response = login("hulpverlener").get(f"/signals/{other.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_purge_removes_the_stored_file(demo, django_capture_on_commit_callbacks):
    long_ago = date.today() - timedelta(days=20 * 365)
    signal, attachment = _care_signal_with_pdf(observed_on=long_ago)
    path = Path(attachment.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention", "purge", "--apply", stdout=StringIO())
    assert not Signal.objects.filter(pk=signal.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()


def test_key_rotation_reencrypts_attachments(demo, monkeypatch,
                                             django_capture_on_commit_callbacks):
    from django.conf import settings

    _signal, attachment = _care_signal_with_pdf()
    old_path = Path(attachment.file.path)
    new_key = Fernet.generate_key().decode()
    old_keys = os.environ.get("WIJKREGIE_SIGNALS_KEYS") or (
        settings.VAR_DIR / "signals_keys").read_text().strip()
    monkeypatch.setenv("WIJKREGIE_SIGNALS_KEYS", f"{new_key},{old_keys}")
    crypto.reset_key_cache()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.rotate_identity_keys()
        attachment.refresh_from_db()
        assert Fernet(new_key).decrypt(Path(attachment.file.path).read_bytes()) == PDF
        assert not old_path.exists()  # the file under the old key is gone
    finally:
        crypto.reset_key_cache()


def test_migration_encrypts_plaintext_files_once(demo, django_capture_on_commit_callbacks):
    migration = importlib.import_module(
        "wijkregie.signals.migrations.0002_encrypt_attachment_files")
    signal = Signal.objects.filter(category__key="zorgsignaal").first()
    # As stored before encryption at rest: the upload's bytes as they came.
    legacy = Attachment.objects.create(signal=signal, file=ContentFile(PDF, name="x.pdf"),
                                       original_name="oud.pdf", content_type="application/pdf",
                                       size=len(PDF))
    plain_path = Path(legacy.file.path)
    assert plain_path.read_bytes() == PDF
    with django_capture_on_commit_callbacks(execute=True):
        migration.encrypt_plaintext(apps, None)
    legacy.refresh_from_db()
    encrypted = Path(legacy.file.path).read_bytes()
    assert not plain_path.exists() and b"Vertrouwelijk" not in encrypted
    assert crypto.decrypt_bytes(encrypted) == PDF
    with django_capture_on_commit_callbacks(execute=True):
        migration.encrypt_plaintext(apps, None)  # a second run leaves it alone
    legacy.refresh_from_db()
    assert Path(legacy.file.path).read_bytes() == encrypted


def test_a_registration_that_fails_leaves_no_file_behind(demo, monkeypatch):
    from django.core.files.storage import default_storage

    def broken_audit(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store unavailable")

    folder = Path(default_storage.location)
    before = {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()
    signals_before = Signal.objects.count()
    monkeypatch.setattr(services.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        _care_signal_with_pdf()
    after = {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()
    assert after == before
    assert Signal.objects.count() == signals_before and not Attachment.objects.exists()
