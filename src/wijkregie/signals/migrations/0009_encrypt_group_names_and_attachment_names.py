"""Encrypt group names and attachment file names (ADR 0028): both may name a person.

As migrations 0006 and 0008 did: the plain column is copied, encrypted with the signals
keys, into a new column that then takes the old one's name. A group also gets
``name_hash`` (keyed HMAC of the name), since signals name their groups and the name
must stay unique per municipality without a plain column. Reversible.
"""

from django.db import migrations, models

import wijkregie.signals.fields

BATCH = 500


def _copy(apps, model_name, source, target, with_hash=False):  # type: ignore[no-untyped-def]
    from wijkregie.signals import crypto

    model = apps.get_model("signals", model_name)
    fields = [target, "name_hash"] if with_hash else [target]
    batch = []
    for obj in model.objects.only("pk", source).iterator(chunk_size=BATCH):
        value = getattr(obj, source)
        setattr(obj, target, value)
        if with_hash:
            obj.name_hash = crypto.group_name_hash(value or "")
        batch.append(obj)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        model.objects.bulk_update(batch, fields)


def encrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps, "SubjectGroup", "name", "name_secret", with_hash=True)
    _copy(apps, "Attachment", "original_name", "original_name_secret")


def decrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps, "SubjectGroup", "name_secret", "name")
    _copy(apps, "Attachment", "original_name_secret", "original_name")


class Migration(migrations.Migration):

    dependencies = [
        ("signals", "0008_encrypt_case_titles"),
    ]

    operations = [
        # The database can no longer sort on the name: lists sort in Python.
        migrations.AlterModelOptions(name="subjectgroup",
                                     options={"verbose_name": "group",
                                              "verbose_name_plural": "groups"}),
        # Nullable first, so that going back can re-add the plain column to a filled table.
        migrations.AlterField(model_name="subjectgroup", name="name",
                              field=models.CharField(max_length=200, null=True,
                                                     verbose_name="name")),
        migrations.AlterField(model_name="attachment", name="original_name",
                              field=models.CharField(max_length=200, null=True)),
        migrations.AddField(model_name="subjectgroup", name="name_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.AddField(model_name="subjectgroup", name="name_hash",
                            field=models.CharField(max_length=64, default="",
                                                   editable=False)),
        migrations.AddField(model_name="attachment", name="original_name_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="subjectgroup", name="name"),
        migrations.RenameField(model_name="subjectgroup", old_name="name_secret",
                               new_name="name"),
        migrations.AlterField(model_name="subjectgroup", name="name",
                              field=wijkregie.signals.fields.EncryptedTextField(
                                  verbose_name="name")),
        migrations.AlterField(model_name="subjectgroup", name="name_hash",
                              field=wijkregie.signals.fields.KeyedHashField(
                                  db_index=True, editable=False, max_length=64,
                                  source="name")),
        migrations.RemoveField(model_name="attachment", name="original_name"),
        migrations.RenameField(model_name="attachment", old_name="original_name_secret",
                               new_name="original_name"),
        migrations.AlterField(model_name="attachment", name="original_name",
                              field=wijkregie.signals.fields.EncryptedTextField()),
    ]
