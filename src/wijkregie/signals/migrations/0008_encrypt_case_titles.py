"""Encrypt case titles (ADR 0028): free text that may name someone.

As migration 0006 did for signal texts: the plain column is copied, encrypted with the
signals keys, into a new column that then takes the old one's name. Reversible.
"""

from django.db import migrations, models

import wijkregie.signals.fields

BATCH = 500


def _copy(apps, source, target):  # type: ignore[no-untyped-def]
    Case = apps.get_model("signals", "Case")
    batch = []
    for case in Case.objects.only("pk", source).iterator(chunk_size=BATCH):
        setattr(case, target, getattr(case, source))
        batch.append(case)
        if len(batch) >= BATCH:
            Case.objects.bulk_update(batch, [target])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, [target])


def encrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps, "title", "title_secret")


def decrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps, "title_secret", "title")


class Migration(migrations.Migration):

    dependencies = [
        ("signals", "0007_subject_index_legacy_boundary"),
    ]

    operations = [
        # Nullable first, so that going back can re-add the plain column to a filled table.
        migrations.AlterField(model_name="case", name="title",
                              field=models.CharField(max_length=200, null=True,
                                                     verbose_name="title")),
        migrations.AddField(model_name="case", name="title_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="case", name="title"),
        migrations.RenameField(model_name="case", old_name="title_secret", new_name="title"),
        migrations.AlterField(model_name="case", name="title",
                              field=wijkregie.signals.fields.EncryptedTextField(
                                  verbose_name="title")),
    ]
