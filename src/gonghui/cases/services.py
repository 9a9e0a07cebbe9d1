"""Writes for cases: intake, the status machine, notes and messages, transfers, 督办, ratings,
overdue escalation. Legal services and letters are in `legal_services`.

Every status change goes through `case_transition`, which checks the allowed edge and writes
the timeline row; nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import RoleGrant
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.jurisdiction import is_staff_user
from gonghui.core.outbox import outbox_enqueue
from gonghui.core.pii import phone_index
from gonghui.core.sequences import sequence_next
from gonghui.core.validators import parse_phone
from gonghui.members.models import Person
from gonghui.notices.models import Audience
from gonghui.notices.services import notice_mark_read, notice_rescope, notice_send
from gonghui.orgs.models import Employer, Region, Union
from gonghui.stats.services import mark_dirty as stats_mark_dirty

from . import routing
from .models import (
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseRating,
    Category,
    Channel,
    Rating,
    Status,
    Supervision,
)

# The state machine: from → allowed targets. NEW → NEW is a transfer to another union,
# RESOLVED/CLOSED → ACCEPTED is a reopening after an unsatisfied rating.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ACCEPTED, Status.NEW}),
    Status.ACCEPTED: frozenset({Status.AWAITING_INFO, Status.RESOLVED, Status.NEW}),
    Status.AWAITING_INFO: frozenset({Status.ACCEPTED, Status.RESOLVED, Status.NEW}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.ACCEPTED}),
    Status.CLOSED: frozenset({Status.ACCEPTED}),
}

MAX_AMOUNT_FEN = 10**12
MAX_ATTACHMENTS = 5
DUPLICATE_WINDOW_DAYS = 30
# Declared type → the first bytes a genuine file of that type starts with.
ATTACHMENT_TYPES: dict[str, tuple[tuple[str, ...], bytes]] = {
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
    "application/pdf": ((".pdf",), b"%PDF-"),
}


def _attachment_max_bytes() -> int:
    return int(getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def _today() -> dt.date:
    return timezone.localdate()


def _actor_label(user: Any, case: Case) -> str:
    if user is None:
        return gettext("系统")
    if case.reporter_user_id is not None and user.pk == case.reporter_user_id:
        return gettext("反映人")
    return str(user)


def _require_staff(user: Any, case: Case, action: str = "change") -> None:
    if not jurisdiction.has_action(user, action, case.union_path):
        # Outside the branch the case does not exist for this user.
        raise NotFound()


def _require_reporter(user: Any, case: Case) -> None:
    if user is None or case.reporter_user_id is None or case.reporter_user_id != user.pk:
        raise NotFound()


def _clean_text(value: str, *, field: str, min_len: int = 1, max_len: int = 2000) -> str:
    text = (value or "").strip()
    if len(text) < min_len:
        raise ValidationFailed(_("请填写内容。") if min_len <= 1 else _("内容太短，请再具体一些。"), code="text_too_short", field=field)
    if len(text) > max_len:
        raise ValidationFailed(_("内容太长。"), code="text_too_long", field=field)
    return text


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("union").get(pk=case.pk)


def _event(
    case: Case, *, kind: str, by: Any, body: str = "", public: bool = True, from_status: str = "",
    to_status: str = "", data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, is_public=public, actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=_actor_label(by, case), from_status=from_status, to_status=to_status, body=body,
        data=data or {},
    )


def _notice_worker(case: Case, user_id: int, text: str, *, link: str = "") -> None:
    notice_send(
        user_ids=[user_id], module="cases", audience=Audience.WORKER, text=text,
        link=link or reverse("cases:detail", args=[case.pk]), object_id=case.pk, ref=case.number,
    )


def _notice_staff(case: Case, user_ids: Iterable[int], text: str) -> None:
    notice_send(
        user_ids=user_ids, module="cases", audience=Audience.STAFF, text=text,
        link=reverse("console:cases:detail", args=[case.pk]), object_id=case.pk, ref=case.number,
        union_path=case.union_path,
    )


def _notify_reporter(case: Case, text: str) -> None:
    """In-app notice now; the SMS after commit (through the pluggable backend)."""
    if case.reporter_user_id is not None:
        _notice_worker(case, case.reporter_user_id, text)
    if case.reporter_phone:
        from .tasks import case_sms_send

        outbox_enqueue(case_sms_send, case.pk, text)


def _union_staff_ids(union: Union) -> set[int]:
    return set(
        RoleGrant.objects.filter(union=union, role__in=[RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF])
        .values_list("user_id", flat=True)
    )


def _notify_union_staff(case: Case, union: Union, text: str, *, sms: bool = False) -> set[int]:
    """In-app notices to the union's staff; with `sms`, a text message too (after commit,
    when `CASES_STAFF_SMS` is on) for what cannot wait for them to open the console."""
    user_ids = _union_staff_ids(union)
    _notice_staff(case, user_ids, text)
    if sms:
        _staff_sms_after_commit(user_ids, text)
    return user_ids


def _staff_sms_after_commit(user_ids: Iterable[int], text: str) -> None:
    if not user_ids or not getattr(settings, "CASES_STAFF_SMS", True):
        return
    from .tasks import staff_sms_send

    ids = sorted(set(user_ids))
    outbox_enqueue(staff_sms_send, ids, text)


def staff_reminder_send(*, user_ids: Iterable[int], text: str, link: str = "") -> int:
    """A reminder in the staff's 我的提醒 that is not about a case (other modules use this:
    a station's star level about to expire). Returns how many were sent."""
    return len(notice_send(user_ids=user_ids, module="cases", audience=Audience.STAFF, text=text, link=link))


def cases_claim_by_phone(*, user: Any, phone: str) -> int:
    """Put the cases someone reported from this phone (hotline, partner) before they had an
    account into their 我的诉求, once they proved they hold the phone (SMS code).

    Only cases of the last `CASES_CLAIM_BY_PHONE_DAYS` (90) days: carriers give a cancelled
    number to someone else after a while, and the new holder must not see the old one's
    cases. Returns how many cases were linked."""
    days = int(getattr(settings, "CASES_CLAIM_BY_PHONE_DAYS", 90))
    since = timezone.now() - dt.timedelta(days=days)
    with transaction.atomic():
        claimed = list(
            Case.objects.select_for_update().filter(
                reporter_user__isnull=True, reporter_phone_index=phone_index(phone), created_at__gte=since
            ).only("pk", "number").order_by("created_at")
        )
        if not claimed:
            return 0
        Case.objects.filter(pk__in=[case.pk for case in claimed]).update(reporter_user=user)
        for case in claimed:
            audit_record(actor=user, action="case.claim_by_phone", target=case)
        text = gettext("您此前用本手机号反映的 %(n)s 件诉求已放入“我的诉求”。") % {"n": len(claimed)}
        _notice_worker(claimed[-1], user.pk, text, link=reverse("cases:my_cases"))
    return len(claimed)


def _status_text(case: Case) -> str:
    return gettext("您的诉求 %(number)s 状态更新为：%(status)s。") % {
        "number": case.number, "status": case.get_status_display(),
    }


# --- attachments ----------------------------------------------------------------------


def attachment_validate(upload: UploadedFile) -> str:
    """Check size, extension and the file's real first bytes; return the content type."""
    name = (upload.name or "").lower()
    if upload.size is None or upload.size > _attachment_max_bytes():
        raise ValidationFailed(
            _("附件过大，单个文件不能超过 %(mb)s MB。") % {"mb": _attachment_max_bytes() // (1024 * 1024)},
            code="attachment_too_large", field="attachments",
        )
    if upload.size == 0:
        raise ValidationFailed(_("附件是空文件。"), code="attachment_empty", field="attachments")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (extensions, magic) in ATTACHMENT_TYPES.items():
        if name.endswith(extensions) and head.startswith(magic):
            return content_type
    raise ValidationFailed(
        _("附件只能是 JPG、PNG 图片或 PDF 文件。"), code="attachment_type", field="attachments"
    )


def _attachments_store(case: Case, uploads: Sequence[UploadedFile], by: Any, *, public: bool = True) -> list[CaseAttachment]:
    if case.attachments.count() + len(uploads) > MAX_ATTACHMENTS * 2:
        raise ValidationFailed(_("附件数量已达上限。"), code="attachment_count", field="attachments")
    stored = []
    for upload in uploads:
        content_type = attachment_validate(upload)
        attachment = CaseAttachment(
            case=case, original_name=(upload.name or "")[-200:], content_type=content_type,
            size=upload.size or 0, uploaded_by=by if getattr(by, "is_authenticated", False) else None,
            is_public=public,
        )
        ext = ATTACHMENT_TYPES[content_type][0][0]
        attachment.file.save(f"attachment{ext}", upload, save=False)  # stored under a random name
        attachment.save()
        stored.append(attachment)
    return stored


# --- intake ---------------------------------------------------------------------------


def case_create(
    *,
    channel: str,
    category: str,
    description: str,
    reporter_user: Any = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    employer: Employer | None = None,
    employer_name: str = "",
    region: Region | None = None,
    place: str = "",
    amount_fen: int = 0,
    people_count: int = 1,
    employer_may_know_name: bool = False,
    is_new_form: bool = False,
    attachments: Sequence[UploadedFile] = (),
    created_by: Any = None,
    union: Union | None = None,
    suggested_category: str = "",
) -> Case:
    """Register a case, route it, set its acceptance deadline, and tell the reporter.

    `union` overrides routing (an operator's one-key transfer at intake); it must lie in the
    operator's jurisdiction or be the routed union's ancestor or descendant is not required.
    """
    if channel not in Channel.values:
        raise ValidationFailed(_("渠道无效。"), code="channel_invalid", field="channel")
    if category not in Category.values:
        raise ValidationFailed(_("请选择问题类别。"), code="category_invalid", field="category")
    if suggested_category and suggested_category not in Category.values:
        suggested_category = ""
    description = _clean_text(description, field="description", min_len=5)
    place = (place or "").strip()[:200]
    person = None
    if channel == Channel.APP:
        if reporter_user is None or not getattr(reporter_user, "is_authenticated", False):
            raise PermissionDenied(_("请先登录后再反映问题。"), code="login_required")
        person = Person.objects.filter(user=reporter_user).first()
        reporter_name = reporter_name.strip() or (person.name if person else "") or reporter_user.full_name
        reporter_phone = reporter_phone or (person.phone if person else "") or reporter_user.phone
    if reporter_phone:
        reporter_phone = parse_phone(reporter_phone, field="reporter_phone")
    elif channel in (Channel.HOTLINE, Channel.PARTNER):
        raise ValidationFailed(_("请填写来电人电话。"), code="phone_required", field="reporter_phone")
    reporter_user_linked = reporter_user if channel == Channel.APP else None
    if channel != Channel.APP and reporter_phone:
        # A caller or a partner's ticket: link it to the member record with that phone, if
        # exactly one has it (never guessed from the name), so it shows in their 我的诉求.
        matches = list(Person.objects.filter(phone_index=phone_index(reporter_phone)).select_related("user")[:2])
        if len(matches) == 1:
            person = matches[0]
            if person.user is not None and person.user.is_active:
                reporter_user_linked = person.user
    reporter_name = (reporter_name or "").strip()[:50] or gettext("匿名职工")
    if any(ch in reporter_name for ch in "<>{}"):
        raise ValidationFailed(_("姓名含有不允许的字符。"), code="name_invalid", field="reporter_name")
    employer_name = (employer.name if employer else (employer_name or "").strip())[:150]
    if not isinstance(amount_fen, int) or not 0 <= amount_fen <= MAX_AMOUNT_FEN:
        raise ValidationFailed(_("金额无效。"), code="amount_invalid", field="amount")
    if not isinstance(people_count, int) or not 1 <= people_count <= 100000:
        raise ValidationFailed(_("涉及人数应在 1 到 100000 之间。"), code="people_invalid", field="people_count")
    if category == Category.WAGE_ARREARS:
        if amount_fen <= 0:
            raise ValidationFailed(_("欠薪诉求请填写拖欠金额。"), code="amount_required", field="amount")
        if not employer_name:
            raise ValidationFailed(_("欠薪诉求请填写用人单位。"), code="employer_required", field="employer_name")
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("最多上传 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, code="attachment_count", field="attachments"
        )
    for upload in attachments:
        attachment_validate(upload)
    if union is None:
        union = routing.case_route(
            category=category, employer=employer, region=region, is_new_form=is_new_form,
            member_union=routing.member_union_for(person) if employer is None and region is None else None,
        )
    elif union.status != Union.Status.ACTIVE:
        raise ValidationFailed(_("所选工会已撤销。"), code="union_inactive", field="union")

    # Pure work and the number before the transaction: the number comes from a database
    # sequence (no lock held while the case is written; a failed intake leaves a gap).
    today = _today()
    seq = sequence_next(f"case-{today.year}")
    accept = routing.accept_deadline_for(today)
    accept_due = accept.on
    # Everything that can refuse the intake is checked above. Inside a caller's transaction
    # (the API's idempotency key, a form's one-time key) no savepoint: a failure here breaks
    # the caller's transaction as a whole, and no half-written case can be kept.
    with transaction.atomic(savepoint=False):
        case = Case.objects.create(
            number=f"12351-{today.year}-{seq:06d}", channel=channel, category=category,
            suggested_category=suggested_category, status=Status.NEW, union=union, union_path=union.path,
            reporter_user=reporter_user_linked, reporter_person=person,
            reporter_name=reporter_name, reporter_phone=reporter_phone,
            reporter_phone_index=phone_index(reporter_phone) if reporter_phone else "",
            employer_may_know_name=employer_may_know_name, is_new_form=is_new_form, employer=employer,
            employer_name=employer_name, region=region, place=place, description=description,
            amount_fen=amount_fen, people_count=people_count, accept_due=accept_due, due_on=accept_due,
            due_from=today, due_provisional=accept.provisional,
            created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        )
        _event(
            case, kind=CaseEvent.Kind.CREATED, by=created_by or reporter_user, to_status=Status.NEW,
            body=gettext("诉求已登记，转 %(union)s 办理。") % {"union": union.name},
            data={"channel": channel, "union_id": union.pk},
        )
        if attachments:
            _attachments_store(case, attachments, created_by or reporter_user)
        _notify_reporter(
            case,
            gettext("您反映的问题已登记，编号 %(number)s，将于 %(due)s 前受理。") % {
                "number": case.number, "due": accept_due.isoformat(),
            },
        )
        audit_record(actor=created_by or reporter_user, action="case.create", target=case,
                     data={"channel": channel, "reporter_person_id": person.pk if person else None})
    return case


# --- the state machine -----------------------------------------------------------------


def case_transition(
    *,
    case: Case,
    to: str,
    by: Any,
    note: str = "",
    kind: str | None = None,
    public: bool = True,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    expect_from: Iterable[str] | None = None,
) -> Case:
    """Move `case` to status `to` along an allowed edge, keep its deadlines right, write the
    timeline row and notify the reporter. `changes` are extra field values set atomically
    (the callers below use them for union, assignee, outcome). `expect_from` narrows the
    edge to the states the caller's action makes sense from (accepting only a new case)."""
    with transaction.atomic():
        case = _lock(case)
        allowed = to in ALLOWED_TRANSITIONS.get(case.status, frozenset())
        if not allowed or (expect_from is not None and case.status not in set(expect_from)):
            raise Conflict(
                _("当前状态（%(status)s）不能执行此操作。") % {"status": case.get_status_display()},
                code="transition_not_allowed",
            )
        now = timezone.now()
        today = _today()
        from_status = case.status
        previous_resolved_at, previous_union_id = case.resolved_at, case.union_id
        fields = {"status", "updated_at"}
        for name, value in (changes or {}).items():
            setattr(case, name, value)
            fields.add(name)
        if to == Status.NEW:  # transfer: a fresh acceptance clock at the new union
            accept = routing.accept_deadline_for(today)
            case.accept_due = accept.on
            case.due_on = case.accept_due
            case.due_from, case.due_provisional = today, accept.provisional
            case.accepted_at = None
            case.escalated_at = None
            fields |= {"accept_due", "due_on", "due_from", "due_provisional", "accepted_at", "escalated_at"}
        elif to == Status.ACCEPTED and from_status in (Status.NEW, Status.RESOLVED, Status.CLOSED):
            case.accepted_at = case.accepted_at if from_status != Status.NEW else now
            resolve = routing.resolve_deadline_for(case.category, today)
            case.resolve_due = resolve.on
            case.due_on = case.resolve_due
            case.due_from, case.due_provisional = today, resolve.provisional
            case.resolved_at = None
            case.closed_at = None
            case.escalated_at = None
            fields |= {"accepted_at", "resolve_due", "due_on", "due_from", "due_provisional", "resolved_at",
                       "closed_at", "escalated_at"}
        elif to == Status.RESOLVED:
            case.resolved_at = now
            fields.add("resolved_at")
            Supervision.objects.filter(case=case, completed_at__isnull=True).update(completed_at=now)
        elif to == Status.CLOSED:
            case.closed_at = now
            fields.add("closed_at")
        if case.resolved_at is None and previous_resolved_at is not None:
            # Reopened: the day it was counted as resolved is recounted tonight.
            stats_mark_dirty([previous_resolved_at])
        if case.union_id != previous_union_id:
            # Transferred: the case now counts at the new union, from the day it was received.
            stats_mark_dirty([case.created_at, previous_resolved_at])
        case.status = to
        case.save(update_fields=sorted(fields))
        _event(
            case, kind=kind or _KIND_FOR_STATUS[to], by=by, body=note, public=public,
            from_status=from_status, to_status=to, data=data,
        )
        _notify_reporter(case, _status_text(case))
        audit_record(actor=by, action=f"case.transition.{to}", target=case, reason=note[:500],
                     data={"from": from_status, "to": to})
    return case


_KIND_FOR_STATUS: dict[str, str] = {
    Status.NEW: CaseEvent.Kind.TRANSFERRED,
    Status.ACCEPTED: CaseEvent.Kind.ACCEPTED,
    Status.AWAITING_INFO: CaseEvent.Kind.INFO_REQUESTED,
    Status.RESOLVED: CaseEvent.Kind.RESOLVED,
    Status.CLOSED: CaseEvent.Kind.CLOSED,
}


def case_accept(*, case: Case, by: Any, note: str = "") -> Case:
    """受理: the union takes the case on; the resolution clock starts. The acceptor becomes
    the handler unless someone is already assigned."""
    _require_staff(by, case)
    changes = {} if case.assignee_id else {"assignee": by}
    return case_transition(case=case, to=Status.ACCEPTED, by=by, note=note or gettext("已受理，正在办理。"),
                           changes=changes, expect_from=[Status.NEW])


def case_assign(*, case: Case, assignee: Any, by: Any) -> Case:
    _require_staff(by, case)
    if not jurisdiction.has_action(assignee, "change", case.union_path):
        raise ValidationFailed(_("承办人不在该工会的工作人员中。"), code="assignee_invalid", field="assignee")
    if not case.is_open:
        raise Conflict(_("已办结的诉求不能再分派。"), code="case_not_open")
    with transaction.atomic():
        case = _lock(case)
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        _event(case, kind=CaseEvent.Kind.ASSIGNED, by=by, public=False,
               body=gettext("分派给 %(name)s。") % {"name": str(assignee)}, data={"assignee_id": assignee.pk})
        audit_record(actor=by, action="case.assign", target=case, data={"assignee_id": assignee.pk})
    return case


def case_note_add(*, case: Case, by: Any, body: str, public: bool = False) -> CaseEvent:
    """A staff note: internal (staff only) or public (shown on the worker's timeline)."""
    _require_staff(by, case)
    body = _clean_text(body, field="body")
    with transaction.atomic():
        event = _event(case, kind=CaseEvent.Kind.NOTE, by=by, body=body, public=public)
        if public:
            _notify_reporter(case, gettext("您的诉求 %(number)s 有新的办理进展。") % {"number": case.number})
    return event


def case_message_add(
    *, case: Case, by: Any, body: str, attachments: Sequence[UploadedFile] = ()
) -> CaseEvent:
    """A message between the worker and the handler (public on the timeline)."""
    is_reporter = case.reporter_user_id is not None and by is not None and case.reporter_user_id == by.pk
    if not is_reporter:
        _require_staff(by, case)
    body = _clean_text(body, field="body")
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed(_("最多上传 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, code="attachment_count", field="attachments")
    for upload in attachments:
        attachment_validate(upload)
    with transaction.atomic():
        event = _event(case, kind=CaseEvent.Kind.MESSAGE, by=by, body=body, public=True)
        if attachments:
            _attachments_store(case, attachments, by)
        if is_reporter:
            if case.assignee_id:
                _notice_staff(case, [case.assignee_id], gettext("诉求 %(number)s 有反映人的新留言。") % {"number": case.number})
        else:
            _notify_reporter(case, gettext("工会回复了您的诉求 %(number)s。") % {"number": case.number})
    return event


def case_attachment_add(*, case: Case, by: Any, uploads: Sequence[UploadedFile]) -> list[CaseAttachment]:
    """The reporter or a handler adds files to a case (type- and size-checked)."""
    is_reporter = case.reporter_user_id is not None and by is not None and case.reporter_user_id == by.pk
    if not is_reporter:
        _require_staff(by, case)
    if not uploads:
        raise ValidationFailed(_("请选择文件。"), code="attachment_missing", field="attachments")
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(_("最多上传 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, code="attachment_count", field="attachments")
    for upload in uploads:
        attachment_validate(upload)
    with transaction.atomic():
        stored = _attachments_store(case, uploads, by)
        _event(case, kind=CaseEvent.Kind.ATTACHMENT, by=by, public=True,
               body="、".join(a.original_name for a in stored), data={"attachment_ids": [a.pk for a in stored]})
    return stored


def case_reporter_phone_reveal(*, case: Case, by: Any, reason: str) -> str:
    """The full phone number for a call-back, to a role allowed to see it; audit-logged."""
    _require_staff(by, case, "view")
    if not jurisdiction.has_action(by, "reveal_pii", case.union_path):
        raise PermissionDenied(_("您的角色不能查看完整个人信息。"), code="reveal_forbidden")
    reason = _clean_text(reason, field="reason", max_len=500)
    audit_record(actor=by, action="case.reveal.reporter_phone", target=case, reason=reason)
    return case.reporter_phone


def case_request_info(*, case: Case, by: Any, note: str) -> Case:
    _require_staff(by, case)
    note = _clean_text(note, field="note")
    return case_transition(case=case, to=Status.AWAITING_INFO, by=by, note=note)


def case_provide_info(*, case: Case, by: Any, note: str, attachments: Sequence[UploadedFile] = ()) -> Case:
    """The worker answers a request for information; the case goes back to the handler."""
    _require_reporter(by, case)
    note = _clean_text(note, field="note")
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationFailed(_("最多上传 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, code="attachment_count", field="attachments")
    for upload in attachments:
        attachment_validate(upload)
    with transaction.atomic():
        if attachments:
            _attachments_store(case, attachments, by)
        return case_transition(case=case, to=Status.ACCEPTED, by=by, note=note, kind=CaseEvent.Kind.INFO_PROVIDED,
                               expect_from=[Status.AWAITING_INFO])


def case_transfer(*, case: Case, to_union: Union, by: Any, reason: str) -> Case:
    """转办 to the responsible union, with a reason; it must accept anew."""
    _require_staff(by, case)
    reason = _clean_text(reason, field="reason", max_len=500)
    if to_union.status != Union.Status.ACTIVE:
        raise ValidationFailed(_("目标工会已撤销。"), code="union_inactive", field="to_union")
    if to_union.pk == case.union_id:
        raise ValidationFailed(_("不能转办给当前承办工会。"), code="transfer_same_union", field="to_union")
    from_union = case.union
    updated = case_transition(
        case=case, to=Status.NEW, by=by, kind=CaseEvent.Kind.TRANSFERRED,
        note=gettext("由 %(src)s 转 %(dst)s 办理：%(reason)s") % {"src": from_union.name, "dst": to_union.name, "reason": reason},
        data={"from_union_id": from_union.pk, "to_union_id": to_union.pk},
        changes={"union": to_union, "union_path": to_union.path, "assignee": None},
        expect_from=OPEN_STATUSES,
    )
    notice_rescope(module="cases", object_id=case.pk, union_path=to_union.path)
    return updated


def case_resolve(
    *, case: Case, by: Any, outcome: str, recovered_fen: int = 0, people_paid: int = 0
) -> Case:
    """办结 with an outcome; for wage arrears the amount recovered and the people paid."""
    _require_staff(by, case)
    outcome = _clean_text(outcome, field="outcome", min_len=2)
    if not isinstance(recovered_fen, int) or not 0 <= recovered_fen <= MAX_AMOUNT_FEN:
        raise ValidationFailed(_("追回金额无效。"), code="amount_invalid", field="recovered")
    if not isinstance(people_paid, int) or people_paid < 0 or people_paid > max(case.people_count, 1):
        raise ValidationFailed(_("兑付人数不能超过涉及人数。"), code="people_invalid", field="people_paid")
    return case_transition(
        case=case, to=Status.RESOLVED, by=by, note=outcome,
        changes={"outcome": outcome, "recovered_fen": recovered_fen, "people_paid": people_paid},
        data={"recovered_fen": recovered_fen, "people_paid": people_paid},
    )


def case_close(*, case: Case, by: Any, note: str = "") -> Case:
    """结案 after the follow-up (回访)."""
    _require_staff(by, case)
    return case_transition(case=case, to=Status.CLOSED, by=by, note=note or gettext("已回访，结案。"))


def case_rate(*, case: Case, by: Any, rating: str, comment: str = "") -> CaseRating:
    """The worker (or staff recording a phone follow-up) rates the result. The rating is the
    回访: 满意 or 基本满意 closes a resolved case (结案); 不满意 leaves it resolved, so the
    worker can ask for it to be handled again (`case_reopen`)."""
    is_reporter = case.reporter_user_id is not None and by is not None and case.reporter_user_id == by.pk
    if not is_reporter:
        _require_staff(by, case)
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择评价。"), code="rating_invalid", field="rating")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (Status.RESOLVED, Status.CLOSED):
            raise Conflict(_("办结后才能评价。"), code="not_resolved")
        if case.ratings.filter(at__gte=case.resolved_at or case.created_at).exists():
            raise Conflict(_("本次办理结果已评价。"), code="already_rated")
        row = CaseRating.objects.create(case=case, rating=rating, comment=comment, rated_by=by)
        case.rating = rating
        case.save(update_fields=["rating", "updated_at"])
        _event(case, kind=CaseEvent.Kind.RATED, by=by, public=True,
               body=f"{Rating(rating).label}{'：' + comment if comment else ''}", data={"rating": rating})
        if rating != Rating.DISSATISFIED and case.status == Status.RESOLVED:
            case_transition(case=case, to=Status.CLOSED, by=by, expect_from=[Status.RESOLVED],
                            note=gettext("回访评价为“%(rating)s”，结案。") % {"rating": Rating(rating).label})
    return row


def case_reopen(*, case: Case, by: Any, reason: str) -> Case:
    """Not satisfied: the worker sends the case back to the handler with a reason."""
    _require_reporter(by, case)
    reason = _clean_text(reason, field="reason", max_len=500)
    if Case.objects.filter(pk=case.pk).values_list("rating", flat=True).get() != Rating.DISSATISFIED:
        raise Conflict(_("评价为“不满意”后才能申请重新办理。"), code="reopen_needs_dissatisfied")
    return case_transition(case=case, to=Status.ACCEPTED, by=by, note=reason, kind=CaseEvent.Kind.REOPENED,
                           expect_from=[Status.RESOLVED, Status.CLOSED])


# --- escalation and 督办 --------------------------------------------------------------


def supervision_create(*, case: Case, by: Any, note: str, due_on: dt.date) -> Supervision:
    """督办: a union above the handling union marks the case, with its own deadline."""
    note = _clean_text(note, field="note", max_len=500)
    parent = case.union.parent
    parent_path = parent.path if parent is not None else None
    grants = RoleGrant.objects.filter(
        user=by, role__in=[RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF], union__status=Union.Status.ACTIVE
    ).select_related("union")
    by_union = None
    if getattr(by, "is_superuser", False) and parent is not None:
        by_union = parent
    for grant in grants:
        # Only a strict ancestor of the handling union may supervise it.
        if case.union_path.startswith(grant.union.path) and grant.union.path != case.union_path:
            by_union = grant.union
            break
    if not jurisdiction.has_action(by, "view", case.union_path):
        raise NotFound()
    if by_union is None or parent_path is None:
        raise PermissionDenied(_("只有上级工会可以督办。"), code="supervise_forbidden")
    if not case.is_open:
        raise Conflict(_("已办结的诉求无需督办。"), code="case_not_open")
    if due_on < _today():
        raise ValidationFailed(_("督办期限不能早于今天。"), code="due_invalid", field="due_on")
    with transaction.atomic():
        row = Supervision.objects.create(case=case, by_union=by_union, by_user=by, note=note, due_on=due_on)
        _event(case, kind=CaseEvent.Kind.SUPERVISED, by=by, public=False,
               body=gettext("%(union)s 督办：%(note)s（期限 %(due)s）") % {"union": by_union.name, "note": note, "due": due_on.isoformat()},
               data={"supervision_id": row.pk, "by_union_id": by_union.pk})
        _notify_union_staff(case, case.union, gettext("诉求 %(number)s 被上级工会督办，请于 %(due)s 前办结。") % {
            "number": case.number, "due": due_on.isoformat()}, sms=True)
        audit_record(actor=by, action="case.supervise", target=case, reason=note)
    return row


def cases_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Flag open cases past their deadline and tell the parent union (once per deadline):
    a notice per case, and one text message per staff member for the whole run."""
    today = today or _today()
    count = 0
    told: dict[int, int] = {}
    overdue = Case.objects.filter(open_due_on__lt=today, escalated_at__isnull=True).select_related("union__parent")
    for case_id in overdue.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            case = _lock(Case(pk=case_id))
            if case.escalated_at is not None or case.status not in OPEN_STATUSES:
                continue
            case.escalated_at = timezone.now()
            case.save(update_fields=["escalated_at"])
            parent = case.union.parent
            _event(case, kind=CaseEvent.Kind.ESCALATED, by=None, public=False,
                   body=gettext("已超过期限 %(due)s，上报 %(union)s。") % {
                       "due": case.due_on.isoformat(), "union": parent.name if parent else case.union.name},
                   data={"parent_union_id": parent.pk if parent else None})
            for uid in _notify_union_staff(
                case, parent or case.union, gettext("下级工会诉求 %(number)s 已超期。") % {"number": case.number}
            ):
                told[uid] = told.get(uid, 0) + 1
            count += 1
    for uid, cases in told.items():
        with transaction.atomic():
            _staff_sms_after_commit([uid], gettext("您管辖范围内有 %(n)s 件诉求超期，请登录职工之家工作台查看“我的提醒”。") % {"n": cases})
    return count


def cases_deadlines_recount() -> int:
    """Count provisional deadlines of open cases again, now that more holiday years may be
    entered: a deadline that is no longer a guess gets its official date (the clock's
    start and length are unchanged). Returns how many deadlines are no longer provisional."""
    fixed = 0
    for case_id in Case.objects.filter(due_provisional=True, status__in=OPEN_STATUSES).values_list("pk", flat=True):
        with transaction.atomic():
            case = _lock(Case(pk=case_id))
            if not case.due_provisional or case.status not in OPEN_STATUSES or case.due_from is None:
                continue
            if case.status == Status.NEW:
                deadline = routing.accept_deadline_for(case.due_from)
                case.accept_due = deadline.on
            else:
                deadline = routing.resolve_deadline_for(case.category, case.due_from)
                case.resolve_due = deadline.on
            if deadline.provisional:
                continue
            case.due_on, case.due_provisional = deadline.on, False
            case.save(update_fields=["accept_due", "resolve_due", "due_on", "due_provisional", "updated_at"])
            _event(case, kind=CaseEvent.Kind.NOTE, by=None, public=False,
                   body=gettext("节假日安排已录入，期限按官方日历重新计算为 %(due)s。") % {"due": deadline.on.isoformat()})
            fixed += 1
    return fixed


def cases_remind_due(*, today: dt.date | None = None) -> int:
    """Remind the handler (or the union's staff) of open cases due on the next working day."""
    today = today or _today()
    due_soon = routing.accept_due_for(today)
    count = 0
    for case in Case.objects.filter(open_due_on__lte=due_soon, open_due_on__gte=today).exclude(
        reminded_on=today
    ).select_related("union"):
        with transaction.atomic():
            text = gettext("诉求 %(number)s 将于 %(due)s 到期。") % {"number": case.number, "due": case.due_on.isoformat()}
            if case.assignee_id:
                _notice_staff(case, [case.assignee_id], text)
            else:
                _notify_union_staff(case, case.union, text)
            Case.objects.filter(pk=case.pk).update(reminded_on=today)
            count += 1
    return count


def case_notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    audience = Audience.STAFF if is_staff_user(user) else Audience.WORKER
    return notice_mark_read(user=user, audience=audience, ids=ids)
