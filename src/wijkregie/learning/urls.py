from django.urls import path  # noqa: F401  (the capability's views are added here)

from wijkregie.learning.federation.urls import urlpatterns as federation_urls

app_name = "learning"
urlpatterns: list = [*federation_urls]
