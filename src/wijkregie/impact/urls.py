from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("compare/", views.compare, name="compare"),
    path("library/", views.library, name="library"),
    path("library/new/", views.unit_value_edit, name="unit-value-new"),
    path("library/<int:pk>/", views.unit_value_edit, name="unit-value-edit"),
    path("library/<int:pk>/retire/", views.unit_value_retire, name="unit-value-retire"),
    path("library/<int:pk>/delete/", views.unit_value_delete, name="unit-value-delete"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/import/", views.import_scenario, name="import"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/download/<str:kind>/", views.download, name="download"),
]
