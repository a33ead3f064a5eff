"""Encrypt attachment files stored before attachments were encrypted at rest.

Every such file passed ``validate_attachment`` and so starts with the magic bytes of a
PDF, PNG or JPEG (frozen here); an encrypted file starts with a Fernet token's "gAAAAA".
Files already encrypted are left alone, so the migration can run again safely. The demo
data has no attachments; this is for installations that registered some.
"""

from django.core.files.base import ContentFile
from django.db import migrations, transaction

PLAINTEXT_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def _files(apps):  # type: ignore[no-untyped-def]
    attachment_model = apps.get_model("signals", "Attachment")
    for attachment in attachment_model.objects.select_related("signal").iterator():
        if attachment.file.name and attachment.file.storage.exists(attachment.file.name):
            with attachment.file.open("rb") as handle:
                yield attachment, handle.read()


def _replace(attachment, content: bytes) -> None:  # type: ignore[no-untyped-def]
    # New name first; the old file goes after commit, as in services.replace_attachment_file.
    old_name, storage = attachment.file.name, attachment.file.storage
    attachment.file.save("attachment", ContentFile(content), save=False)
    attachment.save(update_fields=["file"])
    transaction.on_commit(lambda: storage.delete(old_name))


def encrypt_plaintext(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    from wijkregie.signals import crypto

    for attachment, content in _files(apps):
        if content.startswith(PLAINTEXT_MAGIC):
            _replace(attachment, crypto.encrypt_bytes(content))


def decrypt_to_plaintext(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    from wijkregie.signals import crypto

    for attachment, content in _files(apps):
        if not content.startswith(PLAINTEXT_MAGIC):
            _replace(attachment, crypto.decrypt_bytes(content))


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(encrypt_plaintext, decrypt_to_plaintext)]
