from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "wijkregie.signals"
    label = "signals"

    def ready(self) -> None:
        from wijkregie.signals import administration

        administration.register()
