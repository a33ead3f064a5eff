from django.urls import path

from wijkregie.figures import api

urlpatterns = [
    path("indicators/", api.IndicatorListView.as_view(), name="api-figures-indicators"),
    path("indicators/<str:key>/", api.IndicatorValuesView.as_view(),
         name="api-figures-indicator"),
]
