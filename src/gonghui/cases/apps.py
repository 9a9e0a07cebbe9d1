from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gonghui.cases"
    label = "cases"
    verbose_name = _("诉求与维权")

    def ready(self) -> None:
        from gonghui.accounts.signals import phone_verified

        from . import files, services

        files.register()  # who may read stored attachments and letter PDFs

        def claim(sender: object, *, user: object, phone: str, **kwargs: object) -> None:
            services.cases_claim_by_phone(user=user, phone=phone)

        phone_verified.connect(claim, dispatch_uid="cases.claim_by_phone", weak=False)
