from django.urls import path

from wijkregie.figures import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_figures, name="import"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.<str:fmt>", views.compare, name="compare-export"),
    path("index/", views.composite, name="composite"),
    path("index/export.<str:fmt>", views.composite, name="composite-export"),
    path("indicators/<str:key>/", views.indicator_view, name="indicator"),
    path("indicators/<str:key>/export.<str:fmt>", views.indicator_export,
         name="indicator-export"),
    path("areas/<str:code>/", views.area_profile, name="area"),
    path("areas/<str:code>/export.<str:fmt>", views.area_profile, name="area-export"),
    path("programmes/<str:municipality>/<slug:slug>/", views.programme_profile,
         name="programme"),
    path("programmes/<str:municipality>/<slug:slug>/export.<str:fmt>",
         views.programme_profile, name="programme-export"),
]
