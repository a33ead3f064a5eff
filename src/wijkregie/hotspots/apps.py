from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "wijkregie.hotspots"
    label = "hotspots"

    def ready(self) -> None:
        from wijkregie.hotspots import jobs  # noqa: F401  (registers the job handlers)
