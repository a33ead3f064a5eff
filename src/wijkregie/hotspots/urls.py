from django.urls import path

from wijkregie.hotspots import views

app_name = "hotspots"
urlpatterns = [
    path("", views.index, name="index"),
    path("area/<slug:slug>/", views.area_page, name="area"),
    path("run/", views.run, name="run"),
    path("analyses/<int:pk>/", views.analysis_detail, name="analysis"),
    path("analyses/<int:pk>/export.geojson", views.export_geojson, name="export-geojson"),
    path("analyses/<int:pk>/export.csv", views.export_csv, name="export-csv"),
    path("analyses/<int:pk>/save-location/", views.save_location, name="save-location"),
    path("locations/<int:pk>/", views.location_detail, name="location"),
    path("datasets/<int:pk>/", views.data_set_detail, name="data-set"),
    path("import/", views.upload, name="upload"),
]
