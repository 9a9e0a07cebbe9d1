"""Medical mutual aid's text messages, sent after commit through `core.outbox` (the services
call `outbox_enqueue`): a worker's certificate when they are enrolled, and each decision on a
claim or a self-enrolment. Enrolment of a 10,000-member unit runs in the request (about a
second, see `python -m bench mutualaid`); its messages are one outbox row for the enrolment."""

from __future__ import annotations

from typing import Any

from celery import shared_task


def _phone(person: Any) -> str:
    user = getattr(person, "user", None)
    return str(getattr(person, "phone", "") or (getattr(user, "phone", "") if user is not None else "") or "")


def certificate_text(c: Any) -> str:
    """The certificate as a text message (Chinese, like every worker message)."""
    text = f"您已参加{c.plan.name}，保障凭证号 {c.serial}，保障期 {c.starts_on:%Y-%m-%d} 至 {c.ends_on:%Y-%m-%d}"
    if c.waiting_until > c.starts_on:
        text += f"，疾病等待期至 {c.waiting_until:%Y-%m-%d}"
    return text + "。电子凭证可在职工之家“医疗互助”中查看、出示二维码核验。"


@shared_task(name="mutualaid.enrolment_sms_send")
def enrolment_sms_send(enrolment_id: int) -> int:
    """Text each person covered by one enrolment their certificate; no phone, no message."""
    from gonghui.accounts.services import sms_backend

    from .models import Coverage

    sent = 0
    backend = sms_backend()
    for coverage in (Coverage.objects.filter(enrolment_id=enrolment_id)
                     .select_related("plan", "person__user").order_by("pk").iterator(chunk_size=500)):
        phone = _phone(coverage.person)
        if phone:
            backend.send(phone, f"【职工之家】{certificate_text(coverage)}")
            sent += 1
    return sent


@shared_task(name="mutualaid.coverage_sms_send")
def coverage_sms_send(coverage_id: int) -> bool:
    """Text one person their certificate again (staff's 短信发送凭证)."""
    from gonghui.accounts.services import sms_backend

    from .models import Coverage

    coverage = Coverage.objects.filter(pk=coverage_id).select_related("plan", "person__user").first()
    phone = _phone(coverage.person) if coverage is not None else ""
    if not phone:
        return False
    sms_backend().send(phone, f"【职工之家】{certificate_text(coverage)}")
    return True


@shared_task(name="mutualaid.person_sms_send")
def person_sms_send(person_id: int, text: str) -> bool:
    """Text a worker about their claim or self-enrolment; no phone, no message."""
    from gonghui.accounts.services import sms_backend
    from gonghui.members.models import Person

    person = Person.objects.filter(pk=person_id).select_related("user").first()
    phone = _phone(person) if person is not None else ""
    if not phone:
        return False
    sms_backend().send(phone, f"【职工之家】{text}")
    return True
