"""Partner tokens expire and record when they were revoked (ADR 0009).

Existing tokens get the default lifetime counted from their creation, so a token
older than that stops working: it was issued without an end and must be reissued.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def _set_lifetimes(apps, schema_editor):  # type: ignore[no-untyped-def]
    PartnerToken = apps.get_model("signals", "PartnerToken")
    lifetime = timedelta(days=settings.PARTNER_TOKEN_LIFETIME_DAYS)
    for token in PartnerToken.objects.all():
        token.expires_at = token.created_at + lifetime
        if token.revoked:
            token.revoked_at = token.created_at  # the moment is unknown; the fact is kept
        token.save(update_fields=["expires_at", "revoked_at"])


class Migration(migrations.Migration):
    dependencies = [("signals", "0004_subject_access_request")]

    operations = [
        migrations.AlterModelOptions(
            name="partnertoken",
            options={"verbose_name": "partner API token",
                     "verbose_name_plural": "partner API tokens"},
        ),
        migrations.AddField("partnertoken", "expires_at",
                            models.DateTimeField(null=True, verbose_name="expires at")),
        migrations.AddField("partnertoken", "revoked_at",
                            models.DateTimeField(blank=True, null=True,
                                                 verbose_name="revoked at")),
        migrations.AddField("partnertoken", "last_audited_at",
                            models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(_set_lifetimes, migrations.RunPython.noop),
        migrations.AlterField("partnertoken", "expires_at",
                              models.DateTimeField(verbose_name="expires at")),
    ]
