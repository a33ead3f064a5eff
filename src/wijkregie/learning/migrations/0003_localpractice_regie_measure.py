"""LocalPractice.regie_measure_id (a plain integer) becomes a foreign key to regie.Measure.

Data-preserving on SQLite and PostgreSQL: the integer column is renamed out of the way,
the foreign key is added in its place, ids that name an existing measure are copied
over, and ids of measures that no longer exist become empty (a foreign key cannot hold
them). Then the old column goes.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_existing_measures(apps, schema_editor):
    LocalPractice = apps.get_model("learning", "LocalPractice")
    Measure = apps.get_model("regie", "Measure")
    wanted = set(LocalPractice.objects.exclude(legacy_measure_id=None)
                 .values_list("legacy_measure_id", flat=True))
    existing = set(Measure.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for measure_id in existing:
        LocalPractice.objects.filter(legacy_measure_id=measure_id).update(
            regie_measure_id=measure_id)


def copy_back(apps, schema_editor):
    LocalPractice = apps.get_model("learning", "LocalPractice")
    LocalPractice.objects.update(legacy_measure_id=models.F("regie_measure_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("learning", "0002_federation"),
        ("regie", "0002_intervention"),
    ]

    operations = [
        migrations.RenameField("localpractice", "regie_measure_id", "legacy_measure_id"),
        migrations.AddField(
            model_name="localpractice",
            name="regie_measure",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="local_practices", to="regie.measure",
                verbose_name="measure of the plan of approach"),
        ),
        migrations.RunPython(copy_existing_measures, copy_back),
        migrations.RemoveField("localpractice", "legacy_measure_id"),
    ]
