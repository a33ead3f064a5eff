from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "wijkregie.figures"
    label = "figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        from wijkregie.figures import jobs  # noqa: F401  (registers job handlers)
