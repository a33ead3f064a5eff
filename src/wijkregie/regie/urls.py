from django.urls import path  # noqa: F401  (the capability's views are added here)

app_name = "regie"
urlpatterns: list = []
