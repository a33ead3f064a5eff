from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkregie.areas import selectors as area_selectors
from wijkregie.areas.models import AreaLevel
from wijkregie.areas.views import map_features
from wijkregie.core import jobs, roles
from wijkregie.core.forms import ThrottledAuthenticationForm
from wijkregie.core.models import Job, User
from wijkregie.core.scoping import is_programme_viewer


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user's role does first (issue 17); ``?overview=1`` is the municipality
    map for everyone."""
    user = request.user
    overview = bool(request.GET.get("overview"))
    if not overview:
        target = _role_home(user)  # type: ignore[arg-type]
        if target:
            return redirect(target)
    municipality = user.municipality  # type: ignore[union-attr]
    context: dict[str, object] = {"is_programme_viewer": is_programme_viewer(user)}
    roles_of = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
    if roles.PARTNER_WORKER in roles_of and not overview:
        context["partner"] = _partner_home(request)
    if roles.ANALYST in roles_of and not overview:
        context["analyst"] = _analyst_home(user)  # type: ignore[arg-type]
    if municipality is not None:
        wijken = list(area_selectors.areas_of_municipality(
            user, municipality, level=AreaLevel.WIJK, with_geometry=True))
        context |= {
            "municipality": municipality,
            "wijken": wijken,
            "map_features": map_features(wijken),
            "programme_areas": area_selectors.programme_areas_for(user)
            .filter(municipality=municipality),
        }
    else:
        context["municipalities"] = area_selectors.municipalities_visible_to(user)
    return render(request, "core/home.html", context)


# Roles whose first page lives in another app: (role, URL name, permission). Used only
# once that app's index exists and the user may open it; otherwise today's home page.
ROLE_HOMES = (
    (roles.GEBIEDSREGISSEUR, "regie:index", "regie.view_plan"),
    (roles.SAFETY_ADVISER, "safety_advice:index", "safety_advice.view_advice"),
    (roles.PROGRAMME_VIEWER, "learning:index", "learning.view_practice"),
)
RECENT = 5


def _role_home(user: User) -> str | None:
    names = set(user.groups.values_list("name", flat=True))
    for role, url_name, perm in ROLE_HOMES:
        if role in names and user.has_perm(perm):
            if role == roles.GEBIEDSREGISSEUR:
                picture = _area_picture(user)
                if picture:
                    return picture
            try:
                return reverse(url_name)
            except NoReverseMatch:
                continue
    return None


def _area_picture(user: User) -> str | None:
    """The area director of one programme area starts on its area picture; with several
    the plans page lists them all, each with its picture."""
    areas = list(area_selectors.programme_areas_for(user).select_related("municipality")[:2])
    if len(areas) != 1:
        return None
    return reverse("regie:picture", args=[areas[0].municipality.code, areas[0].slug])


def _partner_home(request: HttpRequest) -> dict[str, object]:
    """The partner worker's recent signals and cases: personal data, so only after the
    second factor and through the audited list selector."""
    from wijkregie.signals import selectors as signal_selectors
    from wijkregie.signals import totp

    user = request.user
    verified = not totp.needs_second_factor(user) or totp.is_verified(request)
    if not (verified and signal_selectors.may_see_personal_data(user)):
        return {"verified": verified}
    signals, total = signal_selectors.list_signals(user, request=request, limit=RECENT,
                                                   via="home")
    cases = list(signal_selectors.cases_for(user).order_by("-pk")[:RECENT])
    return {"verified": True, "signals": signals, "signals_total": total, "cases": cases,
            "agreements": _open_agreements(user)}


def _open_agreements(user: User) -> list[object]:
    """Agreements of case plans that the user's organisation owns and has still to do,
    in cases the user may open; the agreement's text stays on the (audited) case plan."""
    from wijkregie.regie.models_intervention import Agreement, AgreementStatus
    from wijkregie.signals import selectors as signal_selectors

    return list(Agreement.objects
                .filter(owner_id=user.organisation_id,
                        plan__case__in=signal_selectors.cases_for(user))
                .exclude(status=AgreementStatus.DONE)
                .defer("description").select_related("plan")
                .order_by("due_on", "pk")[:RECENT])


def _analyst_home(user: User) -> dict[str, object]:
    """The analyst's own imports and analyses, newest first."""
    from wijkregie.hotspots import selectors as hotspot_selectors
    from wijkregie.impact import selectors as impact_selectors

    return {
        "jobs": list(Job.objects.filter(created_by=user).order_by("-created_at")[:RECENT]),
        "hotspots": list(hotspot_selectors.analyses_for(user).order_by("-created_at")[:RECENT]),
        "mkba": list(impact_selectors.analyses_for(user).order_by("-updated_at")[:RECENT]),
    }


def _own_job(request: HttpRequest, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404("No such job")
    return job


@login_required
def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """Progress of a job started by this user; HTMX polls the fragment until it ends.

    Viewing the page also judges the job's liveness (ADR 0050), so a job whose queue
    entry or worker was lost ends as failed here rather than polling for ever.
    """
    job = jobs.check_job(_own_job(request, job_id))
    progress, message = jobs.live_progress(job)
    template = "core/_job_progress.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "progress": progress, "live_message": message,
                                      "can_restart": jobs.can_restart(job)})


@login_required
@require_POST
def job_restart(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_job(request, job_id)
    if jobs.restart_job(job):
        messages.success(request, _("The job was started again."))
    else:
        messages.error(request, _("This job cannot be started again."))
    return redirect("job-status", job_id=job.pk)


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database and the task queue answer,
    else 503 naming which one does not (no login; reveals no data)."""
    from django.db import DatabaseError, connection
    from django.http import JsonResponse

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        from huey.contrib.djhuey import HUEY

        checks["queue"] = "ok"
        checks["queued_tasks"] = str(HUEY.pending_count())
    except Exception:  # redis or sqlite errors alike
        checks["queue"] = "unavailable"
    healthy = checks["database"] == "ok" and checks["queue"] == "ok"
    return JsonResponse(checks, status=200 if healthy else 503)
