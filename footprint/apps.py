from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootprintConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "footprint"
    verbose_name = _("碳足迹")
