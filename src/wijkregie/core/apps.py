from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wijkregie.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from wijkregie.core import checks, openapi, signals  # noqa: F401  (registers them)
