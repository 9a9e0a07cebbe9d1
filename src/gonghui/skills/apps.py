from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.skills"
    verbose_name = _("建功立业")

    def ready(self) -> None:
        from . import files

        files.register()
