"""Linkage domains of persons (ADR 0025): a person's pseudonym belongs to the
organisation whose registrations it links, unique per keyed hash within that domain.

Existing persons whose signals all came from one organisation join its domain (unless
that would be a second row for one keyed hash); the others keep no domain and are never
matched by a new registration. Reversing removes the constraints and the field.
"""

import django.db.models.deletion
from django.db import migrations, models


def assign_domains(apps, schema_editor):  # type: ignore[no-untyped-def]
    from wijkregie.signals.linkage import assign_domains as assign

    assign(apps.get_model("signals", "Subject"), apps.get_model("signals", "Signal"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_lanes'),
        ('signals', '0002_encrypt_attachment_files'),
    ]

    operations = [
        migrations.AddField(
            model_name='subject',
            name='domain',
            field=models.ForeignKey(blank=True, help_text='The organisation whose registrations this pseudonym links; empty for persons recorded before linkage domains.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.organisation', verbose_name='linkage domain'),
        ),
        migrations.RunPython(assign_domains, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='subject',
            constraint=models.UniqueConstraint(condition=models.Q(('bsn_hash', ''), _negated=True), fields=('municipality', 'domain', 'bsn_hash'), name='subject_one_per_bsn_in_domain'),
        ),
        migrations.AddConstraint(
            model_name='subject',
            constraint=models.UniqueConstraint(condition=models.Q(('bsn_hash', '')), fields=('municipality', 'domain', 'match_hash'), name='subject_one_per_identity_in_domain'),
        ),
    ]
