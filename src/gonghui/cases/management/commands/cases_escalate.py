from typing import Any

from django.core.management.base import BaseCommand

from gonghui.cases.legal_services import letters_deadlines_recount
from gonghui.cases.services import cases_deadlines_recount, cases_escalate_overdue, cases_remind_due


class Command(BaseCommand):
    help = "按已录入的节假日重算暂定期限，提醒即将到期的诉求，并将超期诉求上报上级工会（每日运行一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        # First the deadlines counted Monday–Friday before their year's holidays were entered.
        recounted = cases_deadlines_recount() + letters_deadlines_recount()
        reminded = cases_remind_due()
        escalated = cases_escalate_overdue()
        self.stdout.write(f"recounted={recounted} reminded={reminded} escalated={escalated}")
