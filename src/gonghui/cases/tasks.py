"""Background work for cases: SMS notices, overdue escalation and due-date reminders."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string


def sms_backend() -> Any:
    return import_string(settings.SMS_BACKEND)()


@shared_task(name="cases.case_sms_send")
def case_sms_send(case_id: int, text: str) -> None:
    from .models import Case

    case = Case.objects.filter(pk=case_id).only("reporter_phone").first()
    if case is not None and case.reporter_phone:
        sms_backend().send(case.reporter_phone, f"【职工之家】{text}")


@shared_task(name="cases.staff_sms_send")
def staff_sms_send(user_ids: list[int], text: str) -> int:
    """Text union staff (督办, overdue digest); those without a phone number are skipped."""
    from gonghui.accounts.models import User

    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).only("phone"):
        if user.phone:
            sms_backend().send(user.phone, f"【职工之家】{text}")
            sent += 1
    return sent


@shared_task(name="cases.cases_escalate_overdue")
def cases_escalate_overdue_task() -> int:
    """Run daily (Celery beat) or by `manage.py cases_escalate`."""
    from .legal_services import letters_deadlines_recount
    from .services import cases_deadlines_recount, cases_escalate_overdue, cases_remind_due

    cases_deadlines_recount()
    letters_deadlines_recount()
    cases_remind_due()
    return cases_escalate_overdue()
