"""Fix in the chain where unlisted person index rows may be legacy (ADR 0026).

Index rows written before audit events listed their persons cannot be checked against
the event. If any exist now, one chained event records the last event of this moment;
``access_index`` leaves only unlisted rows up to it alone and checks every other row.
On a new installation (no such rows) nothing is written and every row is checked.
"""

from django.db import migrations


def record_boundary(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit_event = apps.get_model("core", "AuditEvent")
    subject_access = apps.get_model("signals", "SubjectAccess")
    listed = audit_event.objects.filter(detail__has_key="subject_index").values("seq")
    if not subject_access.objects.exclude(event_seq__in=listed).exists():
        return
    last = audit_event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    # The chain's own writer (hashes, lanes); the historical models cannot hash.
    from wijkregie.core import audit
    from wijkregie.core.models import AuditAction

    audit.record(AuditAction.UPDATE, object_type="signals.subjectaccess",
                 purpose="audit trail upgrade",
                 detail={"unlisted_index_until_seq": last})


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0006_encrypt_signal_text_points_and_case_reasons"),
        ("core", "0005_municipality_theme"),
    ]

    operations = [migrations.RunPython(record_boundary, migrations.RunPython.noop)]
