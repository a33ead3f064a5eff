"""The access review page and its CSV export, for administrators (ADR 0009 scope),
behind the second factor like the admin; each view and export is audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wijkregie.core import access_review, administration, audit
from wijkregie.core.models import AuditAction

PERMISSION = "core.view_user"


def may_review(user: Any) -> bool:
    """Who may enter the admin and see its accounts."""
    return user.is_authenticated and user.is_active and user.is_staff \
        and user.has_perm(PERMISSION)


def administrator_with_second_factor(view: Callable[..., HttpResponse]
                                     ) -> Callable[..., HttpResponse]:
    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from wijkregie.signals import totp

        if not may_review(request.user):
            raise PermissionDenied
        if not totp.is_verified(request):
            found = totp.device(request.user)
            target = "signals:totp-verify" if found and found.confirmed else "signals:totp-enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def _scope_detail(request: HttpRequest, count: int) -> dict[str, Any]:
    return {"accounts": count,
            "scope": "platform" if administration.is_platform_administrator(request.user)
            else "municipality"}


@administrator_with_second_factor
def access_review_page(request: HttpRequest) -> HttpResponse:
    rows = access_review.review(access_review.accounts_for(request.user))
    audit.record(AuditAction.VIEW, request=request, object_type="core.user",
                 purpose="access review", detail=_scope_detail(request, len(rows)))
    return render(request, "core/access_review.html", {
        "rows": rows, "flagged": sum(1 for r in rows if r.flags),
        "unused_days": access_review.UNUSED_DAYS})


@administrator_with_second_factor
def access_review_csv(request: HttpRequest) -> HttpResponse:
    rows = access_review.review(access_review.accounts_for(request.user))
    body = access_review.as_csv(rows)
    audit.record(AuditAction.EXPORT, request=request, object_type="core.user",
                 purpose="access review", detail=_scope_detail(request, len(rows)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="toegangsreview-{stamp}.csv"'
    return response
