from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from wijkregie.areas import selectors as area_selectors
from wijkregie.areas.models import AreaLevel
from wijkregie.areas.views import map_features
from wijkregie.core.forms import ThrottledAuthenticationForm
from wijkregie.core.models import Job
from wijkregie.core.scoping import is_programme_viewer


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    municipality = user.municipality  # type: ignore[union-attr]
    context: dict[str, object] = {"is_programme_viewer": is_programme_viewer(user)}
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


@login_required
def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """Progress of a job started by this user; HTMX polls the fragment until it ends."""
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404("No such job")
    template = "core/_job_progress.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
