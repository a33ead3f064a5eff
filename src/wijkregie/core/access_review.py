"""The yearly access review (BIO): every account an administrator is responsible for,
with its roles, organisation, second factor, partner token and last use, and the flags
an auditor asks about first.

Scoped like the audited administration (ADR 0009, ``administration.visible``): a
municipal administrator reviews its own municipality's accounts, a platform
administrator all of them. Last use is the latest audit event by the account, found
with one grouped query for all accounts at once.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkregie.core import administration
from wijkregie.core.models import AuditEvent, Municipality, User
from wijkregie.core.roles import PERSONAL_DATA_PERMISSIONS, ROLE_PERMISSIONS

# An account nobody used for this long should be disabled or justified.
UNUSED_DAYS = 90

FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR = "personal_data_without_second_factor"
FLAG_UNUSED = "unused_90_days"
FLAG_OUTSIDE_COVENANT = "organisation_outside_covenant"
FLAG_LABELS = {
    FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR: _("personal-data role without second factor"),
    FLAG_UNUSED: _("not used in 90 days"),
    FLAG_OUTSIDE_COVENANT: _("organisation not in the covenant"),
}

# Roles whose permissions reach personal data (the same test as the second factor's).
PERSONAL_DATA_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items()
                                if perms & PERSONAL_DATA_PERMISSIONS)

CSV_COLUMNS = ("username", "name", "organisation", "municipality", "roles", "active",
               "second_factor", "partner_token", "token_expires_at", "token_revoked_at",
               "last_login", "last_use", "flags")


@dataclass(frozen=True)
class AccountReview:
    username: str
    name: str
    organisation: str
    municipality: str  # CBS code, empty for accounts without one
    roles: tuple[str, ...]
    is_active: bool
    second_factor: bool  # a confirmed TOTP device
    partner_token: bool  # a partner token's service account
    token_expires_at: datetime | None
    token_revoked_at: datetime | None
    token_revoked: bool
    last_login: datetime | None
    last_use: datetime | None  # the latest audit event by this account
    flags: tuple[str, ...]

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


def accounts_for(user: User) -> QuerySet:
    """The accounts ``user`` reviews: those it sees in the administration."""
    return administration.visible(user, User.objects.all())


def accounts_of(municipality: Municipality | None) -> QuerySet:
    """For the command, run by an operator: one municipality's accounts, or all."""
    users = User.objects.all()
    return users if municipality is None else users.filter(municipality=municipality)


def last_use_by_actor(user_ids: Iterable[int] | QuerySet) -> dict[int, datetime]:
    """The latest audit event per actor, in one grouped query."""
    rows = (AuditEvent.objects.filter(actor_id__in=user_ids).order_by()
            .values("actor_id").annotate(last=Max("created_at")))
    return {row["actor_id"]: row["last"] for row in rows}


def review(accounts: QuerySet, *, now: datetime | None = None) -> list[AccountReview]:
    """One row per account in ``accounts``, ordered by municipality and username."""
    from wijkregie.signals.models import Covenant, PartnerToken, TotpDevice

    now = now or timezone.now()
    cutoff = now - timedelta(days=UNUSED_DAYS)
    users = list(accounts.select_related("organisation", "municipality")
                 .prefetch_related("groups").order_by("municipality__code", "username"))
    ids = [u.pk for u in users]
    last_use = last_use_by_actor(ids)
    confirmed = set(TotpDevice.objects.filter(user_id__in=ids, confirmed=True)
                    .values_list("user_id", flat=True))
    tokens = {t.service_user_id: t for t in PartnerToken.objects.filter(service_user_id__in=ids)}
    participants: dict[int, set[int]] = defaultdict(set)
    for municipality_id, org_id in Covenant.objects.values_list("municipality_id",
                                                                 "participants"):
        if org_id is not None:
            participants[municipality_id].add(org_id)
    has_covenant = set(Covenant.objects.values_list("municipality_id", flat=True))

    rows = []
    for u in users:
        roles = tuple(sorted(g.name for g in u.groups.all()))
        used = last_use.get(u.pk)
        token = tokens.get(u.pk)
        flags = []
        # A token's service account cannot hold a TOTP device: the token is its factor.
        if (u.is_active and token is None and set(roles) & PERSONAL_DATA_ROLES
                and u.pk not in confirmed):
            flags.append(FLAG_PERSONAL_DATA_WITHOUT_SECOND_FACTOR)
        if u.is_active and u.date_joined < cutoff and (used is None or used < cutoff):
            flags.append(FLAG_UNUSED)
        if (u.is_active and u.organisation_id is not None
                and u.municipality_id in has_covenant
                and u.organisation_id not in participants[u.municipality_id]):
            flags.append(FLAG_OUTSIDE_COVENANT)
        rows.append(AccountReview(
            username=u.username, name=u.get_full_name(),
            organisation=u.organisation.name if u.organisation else "",
            municipality=u.municipality.code if u.municipality else "",
            roles=roles, is_active=u.is_active, second_factor=u.pk in confirmed,
            partner_token=token is not None,
            token_expires_at=token.expires_at if token else None,
            token_revoked_at=token.revoked_at if token else None,
            token_revoked=bool(token and token.revoked),
            last_login=u.last_login, last_use=used, flags=tuple(flags)))
    return rows


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting like a formula (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def as_csv(rows: Iterable[AccountReview]) -> str:
    """The review as CSV (UTF-8, one account a line, flags by their keys)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([
            _cell(r.username), _cell(r.name), _cell(r.organisation), r.municipality,
            " ".join(r.roles),
            "yes" if r.is_active else "no", "yes" if r.second_factor else "no",
            "yes" if r.partner_token else "no", _when(r.token_expires_at),
            _when(r.token_revoked_at), _when(r.last_login), _when(r.last_use),
            " ".join(r.flags)])
    return out.getvalue()
