from django.urls import path

from wijkregie.signals import views

app_name = "signals"
urlpatterns = [
    path("", views.index, name="index"),
    path("map/", views.signal_map, name="map"),
    path("register/", views.register, name="register"),
    path("list/", views.signal_list, name="list"),
    path("search/", views.search, name="search"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download,
         name="attachment"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/access-log/", views.case_access_log, name="case-access-log"),
    path("cases/<int:pk>/bundle/", views.case_action, {"action": "bundle"},
         name="case-bundle"),
    path("cases/<int:pk>/transition/", views.case_action, {"action": "transition"},
         name="case-transition"),
    path("subjects/", views.subject_access, name="subject-access"),
    path("subjects/requests/<int:pk>/", views.access_request_detail, name="access-request"),
    path("subjects/requests/<int:pk>/export.json", views.access_request_export,
         {"fmt": "json"}, name="access-request-export-json"),
    path("subjects/requests/<int:pk>/export.html", views.access_request_export,
         {"fmt": "html"}, name="access-request-export-html"),
    path("2fa/", views.totp_verify, name="totp-verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp-enrol"),
]
