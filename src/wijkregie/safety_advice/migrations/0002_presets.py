"""Load the shipped scan templates (CPTED, ZETA, CROW, walk audit)."""

from django.db import migrations


def load(apps, schema_editor):
    from wijkregie.safety_advice.templates import load_presets

    load_presets(apps.get_model("safety_advice", "ScanTemplate"))


class Migration(migrations.Migration):
    dependencies = [("safety_advice", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
