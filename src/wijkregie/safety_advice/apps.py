from django.apps import AppConfig


class SafetyAdviceConfig(AppConfig):
    name = "wijkregie.safety_advice"
    label = "safety_advice"
