from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = _("帮扶与资金")

    def ready(self) -> None:
        from . import files

        files.register()  # who may read stored hardship documents
