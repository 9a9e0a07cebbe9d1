"""Background work for members: text messages about membership decisions, checking and
importing rosters."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="members.person_sms_send")
def person_sms_send(person_id: int, text: str) -> bool:
    """Text a worker about their membership (decisions, transfers); no phone, no message."""
    from gonghui.accounts.services import sms_backend

    from .models import Person

    person = Person.objects.filter(pk=person_id).select_related("user").first()
    phone = (person.phone or (person.user.phone if person.user else "")) if person else ""
    if not phone:
        return False
    sms_backend().send(phone, f"【职工之家】{text}")
    return True


@shared_task(name="members.roster_import_validate", acks_late=True)
def roster_import_validate_task(job_id: int) -> None:
    from .services import roster_import_validate

    roster_import_validate(job_id=job_id)


@shared_task(name="members.roster_import_commit", acks_late=True)
def roster_import_commit_task(job_id: int) -> None:
    from .services import roster_import_commit_run

    roster_import_commit_run(job_id=job_id)


@shared_task(name="members.roster_import_files_purge")
def roster_import_files_purge_task() -> int:
    from .services import roster_import_files_purge

    return roster_import_files_purge()


@shared_task(name="members.roster_imports_reap")
def roster_imports_reap_task() -> int:
    """Every few minutes (Celery beat): jobs whose worker died are queued again or ended."""
    from .roster_jobs import roster_imports_reap

    return roster_imports_reap()
