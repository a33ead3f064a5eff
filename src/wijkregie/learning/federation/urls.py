"""Included by ``learning/urls.py`` under ``/leerkring/``."""

from django.urls import path

from wijkregie.learning.federation import views

urlpatterns = [
    path("hub/", views.hub_page, name="hub"),
    path("hub/documents/", views.receive, name="hub-receive"),
]
