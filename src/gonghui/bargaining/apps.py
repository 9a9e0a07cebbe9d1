from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.bargaining"
    verbose_name = _("集体协商与安全监督")

    def ready(self) -> None:
        from . import files

        files.register()
