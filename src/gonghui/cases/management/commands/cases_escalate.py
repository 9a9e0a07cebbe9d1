from typing import Any

from django.core.management.base import BaseCommand

from gonghui.cases.services import cases_escalate_overdue, cases_remind_due


class Command(BaseCommand):
    help = "提醒即将到期的诉求，并将超期诉求上报上级工会（每日运行一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = cases_remind_due()
        escalated = cases_escalate_overdue()
        self.stdout.write(f"reminded={reminded} escalated={escalated}")
