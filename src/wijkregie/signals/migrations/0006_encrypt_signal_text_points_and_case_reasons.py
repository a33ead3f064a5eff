"""Encrypt signal descriptions, addresses and points, and case reasons (ADR 0028).

Each plain column is copied, encrypted with the signals keys (the migration needs them
like the application), into a new column that then takes the old one's name; the
250 m grid cell of each point is kept plain for the map. Reversible: going back
decrypts into plain columns again.
"""

import math

from django.db import migrations, models

import wijkregie.signals.fields

GRID_CELL_M = 250.0  # frozen: the grid of this migration
BATCH = 500
SIGNAL_FIELDS = (("description", "description_secret"), ("address", "address_secret"),
                 ("x_rd", "x_secret"), ("y_rd", "y_secret"))


def _cell(value):  # type: ignore[no-untyped-def]
    return None if value is None else math.floor(float(value) / GRID_CELL_M)


def _copy(model, pairs, extra=None):  # type: ignore[no-untyped-def]
    """Copy each (source, target) field of every row in batches."""
    batch = []
    targets = [t for _s, t in pairs] + list(extra or {})
    for row in model.objects.only("pk", *[s for s, _t in pairs]).iterator(chunk_size=BATCH):
        for source, target in pairs:
            setattr(row, target, getattr(row, source))
        for name, compute in (extra or {}).items():
            setattr(row, name, compute(row))
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, targets)
            batch = []
    if batch:
        model.objects.bulk_update(batch, targets)


def encrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps.get_model("signals", "Signal"), SIGNAL_FIELDS,
          {"grid_x": lambda r: _cell(r.x_rd), "grid_y": lambda r: _cell(r.y_rd)})
    _copy(apps.get_model("signals", "CaseEvent"), [("reason", "reason_secret")])


def decrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    _copy(apps.get_model("signals", "Signal"), [(t, s) for s, t in SIGNAL_FIELDS])
    _copy(apps.get_model("signals", "CaseEvent"), [("reason_secret", "reason")])


class Migration(migrations.Migration):

    dependencies = [
        ("signals", "0005_partner_token_expiry_and_revocation"),
    ]

    operations = [
        # Nullable first, so that going back can re-add the plain columns to filled tables.
        migrations.AlterField(model_name="signal", name="description",
                              field=models.TextField(null=True, verbose_name="description")),
        migrations.AlterField(model_name="signal", name="address",
                              field=models.CharField(blank=True, max_length=200, null=True,
                                                     verbose_name="address")),
        migrations.AlterField(model_name="caseevent", name="reason",
                              field=models.TextField(blank=True, null=True)),
        migrations.AddField(model_name="signal", name="description_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.AddField(model_name="signal", name="address_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.AddField(model_name="signal", name="x_secret",
                            field=wijkregie.signals.fields.EncryptedFloatField(null=True)),
        migrations.AddField(model_name="signal", name="y_secret",
                            field=wijkregie.signals.fields.EncryptedFloatField(null=True)),
        migrations.AddField(model_name="signal", name="grid_x",
                            field=wijkregie.signals.fields.GridIndexField(
                                blank=True, editable=False, null=True, source="x_rd")),
        migrations.AddField(model_name="signal", name="grid_y",
                            field=wijkregie.signals.fields.GridIndexField(
                                blank=True, editable=False, null=True, source="y_rd")),
        migrations.AddField(model_name="caseevent", name="reason_secret",
                            field=wijkregie.signals.fields.EncryptedTextField(null=True)),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="signal", name="description"),
        migrations.RemoveField(model_name="signal", name="address"),
        migrations.RemoveField(model_name="signal", name="x_rd"),
        migrations.RemoveField(model_name="signal", name="y_rd"),
        migrations.RemoveField(model_name="caseevent", name="reason"),
        migrations.RenameField(model_name="signal", old_name="description_secret",
                               new_name="description"),
        migrations.RenameField(model_name="signal", old_name="address_secret",
                               new_name="address"),
        migrations.RenameField(model_name="signal", old_name="x_secret", new_name="x_rd"),
        migrations.RenameField(model_name="signal", old_name="y_secret", new_name="y_rd"),
        migrations.RenameField(model_name="caseevent", old_name="reason_secret",
                               new_name="reason"),
        migrations.AlterField(model_name="signal", name="description",
                              field=wijkregie.signals.fields.EncryptedTextField(
                                  verbose_name="description")),
        migrations.AlterField(model_name="signal", name="address",
                              field=wijkregie.signals.fields.EncryptedTextField(
                                  blank=True, verbose_name="address")),
        migrations.AlterField(model_name="signal", name="x_rd",
                              field=wijkregie.signals.fields.EncryptedFloatField(
                                  blank=True, null=True)),
        migrations.AlterField(model_name="signal", name="y_rd",
                              field=wijkregie.signals.fields.EncryptedFloatField(
                                  blank=True, null=True)),
        migrations.AlterField(model_name="caseevent", name="reason",
                              field=wijkregie.signals.fields.EncryptedTextField(blank=True)),
    ]

