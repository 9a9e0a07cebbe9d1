from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    label = "stations"
    verbose_name = _("服务站点")

    def ready(self) -> None:
        from . import files

        files.register()  # who may read stored station photos
