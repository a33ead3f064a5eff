from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "wijkregie.hotspots"
    label = "hotspots"
