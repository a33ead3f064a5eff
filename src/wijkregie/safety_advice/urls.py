from django.urls import path

from wijkregie.safety_advice import views

app_name = "safety_advice"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/aftekenen/", views.sign_off, name="sign_off"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
