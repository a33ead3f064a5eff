"""Red team (issue 10, breach 5): the person index of audit events must be covered by
the chain, so that tampering with it is noticed by ``wijkregie audit verify``.

``access_index.verify_subject_index`` leaves alone every index row whose event is
older than the first event that lists its persons (meant for rows written before the
list was hashed). Nothing records where that boundary lies, so on an installation that
never had such legacy rows an attacker can add index rows pointing at any early event
(a login, an administrator's change) and put a forged "access" into a person's
subject access log; before the first audited read, every added row goes unchecked."""

from __future__ import annotations

import pytest

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, User
from wijkregie.signals import selectors
from wijkregie.signals.models import SubjectAccess

pytestmark = pytest.mark.django_db


def _world() -> tuple[User, int]:
    officer = User.objects.create(username="beheer-proef")
    early = audit.record(AuditAction.CREATE, actor=officer, object_type="core.user",
                         object_id=officer.pk, detail={"what": "account created"})
    selectors.audit_read(AuditAction.VIEW, user=officer, request=None, purpose="proef",
                         object_type="signals.signal", object_id=1,
                         subject_refs=["P-ECHT00001"])
    assert audit.verify_chain().ok
    return officer, early.seq


def test_an_index_row_added_to_an_event_before_the_first_read_is_noticed():
    """BREAK: a row linking person P-SLACHTOFFER to the account-creation event (which
    showed no person) is added by hand; the person's access log now lists that event,
    and ``audit verify`` still reports the chain intact."""
    _officer, early_seq = _world()
    SubjectAccess.objects.create(event_seq=early_seq, subject_ref="P-SLACHTOFFER")
    assert early_seq in [e.seq for e in selectors.access_log(["P-SLACHTOFFER"])]
    assert not audit.verify_chain().ok, "a forged person index row went unnoticed"


def test_an_index_row_added_before_any_read_is_noticed():
    """BREAK: with no audited read yet (a new installation), every index row is left
    unchecked, whatever event it names, even one that does not exist."""
    officer = User.objects.create(username="beheer-proef")
    event = audit.record(AuditAction.CREATE, actor=officer, object_type="core.user",
                         object_id=officer.pk)
    SubjectAccess.objects.create(event_seq=event.seq, subject_ref="P-SLACHTOFFER")
    SubjectAccess.objects.create(event_seq=event.seq + 1000, subject_ref="P-SLACHTOFFER")
    assert not audit.verify_chain().ok, "forged person index rows went unnoticed"
