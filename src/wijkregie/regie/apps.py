from django.apps import AppConfig


class RegieConfig(AppConfig):
    name = "wijkregie.regie"
    label = "regie"
