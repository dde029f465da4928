from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootprintConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "footprint"
    verbose_name = _("碳足迹")

    def ready(self) -> None:
        # The study data version follows every write path through model signals.
        from .services import data_version

        data_version.connect()
