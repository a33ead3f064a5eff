"""The legacy boundary of the person index (ADR 0026): unlisted index rows are left
alone only up to the seq a chained boundary event names; later rows are checked."""

from __future__ import annotations

import pytest

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, User
from wijkregie.signals import access_index
from wijkregie.signals.models import SubjectAccess

pytestmark = pytest.mark.django_db


def test_unlisted_rows_up_to_the_chained_boundary_pass_and_later_ones_break():
    officer = User.objects.create(username="beheer-oud")
    legacy = audit.record(AuditAction.VIEW, actor=officer, object_type="signals.signal",
                          object_id=1)
    SubjectAccess.objects.create(event_seq=legacy.seq, subject_ref="P-OUD0000001")
    audit.record(AuditAction.UPDATE, object_type=access_index.BOUNDARY_OBJECT,
                 detail={access_index.BOUNDARY_KEY: legacy.seq})
    assert audit.verify_chain().ok
    later = audit.record(AuditAction.VIEW, actor=officer, object_type="core.user",
                         object_id=officer.pk)
    SubjectAccess.objects.create(event_seq=later.seq, subject_ref="P-OUD0000001")
    assert not audit.verify_chain().ok
