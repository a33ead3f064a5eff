from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "wijkregie.figures"
    label = "figures"
