from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wijkregie.areas import views as area_views
from wijkregie.core import access_review_views
from wijkregie.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<uuid:job_id>/", core_views.job_status, name="job-status"),
    path("jobs/<uuid:job_id>/restart/", core_views.job_restart, name="job-restart"),
    path("beheer/toegangsreview/", access_review_views.access_review_page,
         name="access-review"),
    path("beheer/toegangsreview/csv/", access_review_views.access_review_csv,
         name="access-review-csv"),
    path("areas/import/", area_views.import_areas, name="area-import"),
    path("areas/<str:code>/", area_views.area_detail, name="area-detail"),
    path("programmes/<str:municipality>/<slug:slug>/", area_views.programme_area_detail,
         name="programme-area-detail"),
    path("figures/", include("wijkregie.figures.urls")),
    path("signals/", include("wijkregie.signals.urls")),
    path("hotspots/", include("wijkregie.hotspots.urls")),
    path("impact/", include("wijkregie.impact.urls")),
    path("regie/", include("wijkregie.regie.urls")),
    path("veiligheidsadvies/", include("wijkregie.safety_advice.urls")),
    path("leerkring/", include("wijkregie.learning.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its configuration as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="core/api_docs.html"), name="api-docs"),
    path("api/figures/", include("wijkregie.figures.api_urls")),
    path("api/", include("wijkregie.signals.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# JSON for /api/, a page otherwise (wijkregie.core.errors).
handler400 = "wijkregie.core.errors.bad_request"
handler403 = "wijkregie.core.errors.permission_denied"
handler404 = "wijkregie.core.errors.page_not_found"
handler500 = "wijkregie.core.errors.server_error"
