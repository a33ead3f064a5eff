from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "wijkregie.areas"
    label = "areas"
    verbose_name = _("Areas")

    def ready(self) -> None:
        from wijkregie.areas import jobs  # noqa: F401  (registers job handlers)
