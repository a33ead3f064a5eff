"""How the signals objects that decide who may see what are scoped and described in the
audited administration (core/administration.py, ADR 0009)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from wijkregie.core import administration
from wijkregie.core.models import Organisation, User
from wijkregie.signals.models import Category, Covenant, CovenantRule, PartnerToken


def _outside(organisations: list[Organisation], municipality_id: int) -> set[int | None]:
    """The municipalities of those organisations that do not work in this one: linking
    them to its covenant reaches beyond it (platform administrators only)."""
    reach: set[int | None] = set()
    for org in organisations:
        worked_in = set(org.municipalities.values_list("pk", flat=True))
        if municipality_id not in worked_in:
            reach |= worked_in or {None}
    return reach


def covenant_municipalities(covenant: Covenant) -> set[int | None]:
    own = covenant.municipality_id
    rules = list(covenant.rules.select_related("category", "organisation"))
    organisations = list(covenant.participants.all()) + [r.organisation for r in rules]
    foreign_categories = {r.category.municipality_id for r in rules
                          if r.category.municipality_id not in (None, own)}
    return {own} | _outside(organisations, own) | foreign_categories


def covenant_rules(covenant: Covenant) -> dict[str, Any]:
    return {"rules": sorted(
        ({"category": r.category_id, "organisation": r.organisation_id, "purpose": r.purpose}
         for r in covenant.rules.all()),
        key=lambda r: (r["category"], r["organisation"], r["purpose"]))}


def register() -> None:
    administration.register(Covenant, municipalities=covenant_municipalities,
                            visible=lambda qs, own: qs.filter(municipality_id=own),
                            related=covenant_rules)
    administration.register(CovenantRule,
                            municipalities=lambda r: covenant_municipalities(r.covenant),
                            visible=lambda qs, own: qs.filter(covenant__municipality_id=own))
    administration.register(
        PartnerToken, municipalities=lambda t: {t.service_user.municipality_id},
        visible=lambda qs, own: qs.filter(service_user__municipality_id=own))
    # A token's service account is the token's: its organisation, active flag and
    # credentials follow the token (issued, revoked for good), never the user admin.
    administration.register_managed_elsewhere(
        User, is_managed=lambda u: PartnerToken.objects.filter(service_user=u).exists())
    # Global categories (no municipality) are seen by all, changed by the platform only.
    administration.register(
        Category, municipalities=lambda c: {c.municipality_id},
        visible=lambda qs, own: qs.filter(Q(municipality_id=own) | Q(municipality__isnull=True)))
