from django.urls import path

from wijkregie.learning import views
from wijkregie.learning.federation.urls import urlpatterns as federation_urls

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.programme_export, name="export"),
    path("areas/<str:municipality>/<slug:slug>/", views.area_detail, name="area"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("practices/", views.practice_list, name="practices"),
    path("practices/new/", views.practice_create, name="practice-create"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", views.practice_edit, name="practice-edit"),
    path("practices/<slug:slug>/apply/", views.local_create, name="local-create"),
    path("applications/<int:pk>/edit/", views.local_edit, name="local-edit"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("lessons/<int:pk>/practice/", views.lesson_to_practice, name="lesson-practice"),
    *federation_urls,  # hub/ and hub/documents/ (learning/federation)
]
