"""Campaign housekeeping on the beat: run the draws whose time has come, return unclaimed
prizes to stock after their deadline, remind workers of tomorrow's 体检 appointments and mark
the missed ones. All are idempotent. `user_sms_send` is the text message the outbox sends
after a commit (draw winners, appointment reminders)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="campaigns.draws_run_due")
def draws_run_due() -> int:
    return services.draws_run_due()


@shared_task(name="campaigns.winners_expire")
def winners_expire() -> int:
    return services.winners_expire()


@shared_task(name="campaigns.appointments_remind")
def appointments_remind() -> int:
    return services.appointments_remind()


@shared_task(name="campaigns.appointments_mark_no_show")
def appointments_mark_no_show() -> int:
    return services.appointments_mark_no_show()


@shared_task(name="campaigns.user_sms_send")
def user_sms_send(user_id: int, text: str) -> bool:
    """Text one worker (run by the outbox after commit). No phone number, or an account
    closed since: nothing is sent, and that is not an error to retry."""
    from gonghui.accounts.models import User
    from gonghui.cases.tasks import sms_backend

    user = User.objects.filter(pk=user_id, is_active=True).only("phone").first()
    if user is None or not user.phone:
        return False
    sms_backend().send(user.phone, f"【职工之家】{text}")
    return True
