from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "wijkregie.impact"
    label = "impact"
