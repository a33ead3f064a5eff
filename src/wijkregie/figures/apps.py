from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "wijkregie.figures"
    label = "figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        from wijkregie.areas.signals import programme_area_retiring, programme_areas_changed
        from wijkregie.figures import jobs  # noqa: F401  (registers job handlers)
        from wijkregie.figures.pipeline import (
            refresh_after_programme_area_change,
            retire_programme_area,
        )

        programme_area_retiring.connect(retire_programme_area,
                                        dispatch_uid="figures-retire-programme-area")
        programme_areas_changed.connect(refresh_after_programme_area_change,
                                        dispatch_uid="figures-refresh-programme-areas")
