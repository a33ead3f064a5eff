from django.urls import path

from wijkregie.safety_advice import views, views_work

app_name = "safety_advice"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("nieuw/", views_work.intake, name="intake"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/scan/", views_work.scan, name="scan"),
    path("<int:pk>/bewerken/", views_work.edit, name="edit"),
    path("<int:pk>/aftekenen/", views.sign_off, name="sign_off"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/nieuwe-versie/", views_work.new_version, name="new_version"),
    path("ronde/<int:pk>/fotos/", views_work.photos, name="photos"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    path("foto/<int:pk>/klein/", views.photo_thumbnail, name="photo_thumbnail"),
    path("voorwaarde/<int:pk>/status/", views_work.condition_status, name="condition_status"),
]
