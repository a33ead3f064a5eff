from django.urls import path

from wijkregie.signals import api

urlpatterns = [
    path("signals/", api.SignalListCreate.as_view(), name="api-signals"),
    path("signals/import/", api.SignalImport.as_view(), name="api-signals-import"),
    path("signals/<int:pk>/", api.SignalDetail.as_view(), name="api-signal-detail"),
    path("aggregates/monthly/", api.MonthlyCounts.as_view(), name="api-monthly-counts"),
]
