"""The hub's endpoint (a signed JSON POST, no session, hence no CSRF token) and page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from wijkregie.core import audit
from wijkregie.core.models import AuditAction
from wijkregie.learning import municipality_map
from wijkregie.learning.federation import hub


@csrf_exempt  # authenticated by the document's signature, not by a session
@require_POST
def receive(request: HttpRequest) -> JsonResponse:
    if request.content_type != "application/json":
        return JsonResponse({"error": "malformed", "message": _("Send application/json."),
                             "details": []}, status=415)
    try:
        stored = hub.receive(request.body, request)
    except hub.Refused as refused:
        return JsonResponse(refused.to_json(), status=refused.status)
    return JsonResponse({"id": stored.pk, "municipality": stored.member.code,
                         "version": stored.version,
                         "received_at": stored.received_at.isoformat()}, status=201)


@require_GET
@login_required
@permission_required("learning.view_hubmember", raise_exception=True)
def hub_page(request: HttpRequest) -> HttpResponse:
    statuses = hub.member_statuses()
    audit.record(AuditAction.LIST, request=request, object_type="learning.hubmember",
                 detail={"count": len(statuses)})
    # The map shows the members that published, numbered as in the table.
    places = municipality_map.hub_places([s.member.code for s in statuses
                                          if s.last_received_at is not None])
    return render(request, "learning/federation/hub.html", {
        "statuses": [(s, places.get(s.member.code)) for s in statuses],
        "map": municipality_map.svg(list(places.values()),
                                    _("Map of the municipalities that published")),
    })
