"""Writes for people, membership applications, memberships, transfers and cards.

Each function is one complete change in one transaction, with its audit record.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.outbox import outbox_enqueue
from gonghui.core.pii import id_number_index, phone_index
from gonghui.core.sequences import sequence_reserve
from gonghui.core.tasks import enqueue
from gonghui.core.text import pinyin_full, pinyin_initials
from gonghui.core.validators import parse_id_number, parse_name, parse_phone
from gonghui.notices.services import notice_send
from gonghui.orgs.models import Employer, Union
from gonghui.orgs.selectors import union_allows_printed_cards
from gonghui.stats.services import mark_dirty_since as stats_mark_dirty_since

from .models import (
    EmploymentForm,
    ImportJob,
    ImportRowError,
    MemberCard,
    Membership,
    MembershipApplication,
    MembershipTransfer,
    NewFormKind,
    Person,
)
from .roster_jobs import RosterHeartbeat, roster_job_claim

CARD_SALT = "gonghui.members.card"


# --- people ---------------------------------------------------------------------------


def person_upsert(
    *,
    name: str,
    id_number: str,
    phone: str = "",
    user: Any = None,
    employer: Employer | None = None,
    employment_form: str = EmploymentForm.STANDARD,
    new_form_kind: str = "",
    is_migrant_worker: bool = False,
) -> Person:
    """Find the person by ID number (blind index) or create them; refresh what they told us."""
    name = parse_name(name)
    info = parse_id_number(id_number)
    phone = parse_phone(phone) if phone else ""
    if employment_form not in EmploymentForm.values:
        raise ValidationFailed(_("用工形式无效。"), code="employment_form_invalid", field="employment_form")
    if new_form_kind not in NewFormKind.values:
        raise ValidationFailed(_("新就业形态类别无效。"), code="new_form_kind_invalid", field="new_form_kind")
    index = id_number_index(info.number)
    person = Person.objects.select_for_update().filter(id_number_index=index).first()
    if person is None:
        person = Person(id_number=info.number, id_number_index=index)
    elif user is not None and person.user_id not in (None, user.pk):
        raise Conflict(_("该身份证号已绑定其他账号，请联系所在工会。"), code="id_number_bound")
    if person.pk and person.name != name:
        raise ValidationFailed(_("姓名与该身份证号已登记的姓名不一致。"), code="name_mismatch", field="name")
    person.name = name
    person.name_pinyin = pinyin_full(name)
    person.name_initials = pinyin_initials(name)
    person.gender = info.gender
    person.birth_date = info.birth_date
    if phone:
        person.phone = phone
        person.phone_index = phone_index(phone)
    if user is not None:
        person.user = user
    if employer is not None:
        person.employer = employer
    person.employment_form = employment_form
    person.new_form_kind = new_form_kind
    person.is_migrant_worker = is_migrant_worker
    person.full_clean(exclude=["id_number", "phone", "user", "employer"])
    person.save()
    return person


def person_reveal(*, person: Person, actor: Any, field: str, reason: str) -> str:
    """Return an unmasked ID number or phone to a role allowed to see it; audit-logged."""
    if field not in {"id_number", "phone"}:
        raise ValidationFailed(_("无法查看该字段。"), code="field_invalid")
    if not (reason or "").strip():
        raise ValidationFailed(_("查看完整信息须填写事由。"), code="reason_required", field="reason")
    paths = [m.union.path for m in person.memberships.select_related("union")]
    paths += [a.union.path for a in person.applications.select_related("union")]
    if not any(jurisdiction.has_action(actor, "reveal_pii", p) for p in paths):
        raise PermissionDenied(_("您的角色不能查看完整个人信息。"), code="reveal_forbidden")
    audit_record(actor=actor, action=f"person.reveal.{field}", target=person, reason=reason.strip())
    return str(getattr(person, field))


# --- telling the worker -----------------------------------------------------------------


def _person_notify(*, person: Person, message: str, params: dict[str, Any], link_name: str, object_id: int) -> None:
    """Tell the worker about a decision on their membership: a notice in 消息 now (in this
    transaction), a text message after commit. Always in the site's language (Chinese): the
    staff member's UI language says nothing about the worker's."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message) % params
    if person.user_id is not None:
        notice_send(
            user_ids=[person.user_id], module="members", audience="worker", text=text,
            link=reverse(link_name), object_id=object_id,
        )
    from . import tasks

    outbox_enqueue(tasks.person_sms_send, person.pk, text)


# --- applications ---------------------------------------------------------------------


def _union_for_application(*, employer: Employer | None, union: Union | None, employment_form: str) -> Union:
    if union is not None:
        if union.status != Union.Status.ACTIVE or not union.takes_members:
            raise ValidationFailed(_("所选工会不能直接接收会员。"), code="union_not_member_kind", field="union")
        if employment_form == EmploymentForm.NEW_FORM or union.kind != Union.Kind.FEDERATION_NEW_FORM:
            return union
    if employer is not None:
        employer_union = getattr(employer, "union", None)
        if employer_union is None or employer_union.status != Union.Status.ACTIVE:
            raise ValidationFailed(
                _("该单位尚未建立工会。新就业形态劳动者请选择所在城市的新业态工会联合会，或联系当地总工会。"),
                code="employer_has_no_union", field="employer",
            )
        return employer_union
    raise ValidationFailed(_("请选择工作单位或工会联合会。"), code="union_required", field="employer")


def membership_application_submit(
    *,
    user: Any,
    name: str,
    id_number: str,
    phone: str,
    employment_form: str,
    employer: Employer | None = None,
    union: Union | None = None,
    new_form_kind: str = "",
    is_migrant_worker: bool = False,
) -> MembershipApplication:
    """A worker applies to join: their employer's union, or a (new-form) federation."""
    if employment_form == EmploymentForm.NEW_FORM and not new_form_kind:
        raise ValidationFailed(_("请选择新就业形态类别（如外卖骑手、快递员）。"), code="new_form_kind_required", field="new_form_kind")
    if employment_form != EmploymentForm.NEW_FORM:
        new_form_kind = ""
    target = _union_for_application(employer=employer, union=union, employment_form=employment_form)
    with transaction.atomic():
        person = person_upsert(
            name=name, id_number=id_number, phone=phone, user=user, employer=employer,
            employment_form=employment_form, new_form_kind=new_form_kind,
            is_migrant_worker=is_migrant_worker,
        )
        if Membership.objects.filter(person=person, status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING]).exists():
            raise Conflict(_("您已是工会会员。更换单位请办理会员关系接转。"), code="already_member")
        if MembershipApplication.objects.filter(person=person, status=MembershipApplication.Status.SUBMITTED).exists():
            raise Conflict(_("您已有一份待审核的入会申请。"), code="application_pending")
        application = MembershipApplication.objects.create(
            person=person, union=target, employer=employer, employment_form=employment_form,
            new_form_kind=new_form_kind, is_migrant_worker=is_migrant_worker,
        )
        audit_record(actor=user, action="membership_application.submit", target=application)
    return application


def _decide_check(application: MembershipApplication, actor: Any) -> None:
    if not jurisdiction.has_action(actor, "approve", application.union.path):
        raise NotFound()
    if application.status != MembershipApplication.Status.SUBMITTED:
        raise Conflict(_("该申请已处理，不能重复审核。"), code="application_decided")


def membership_application_approve(*, application: MembershipApplication, actor: Any, note: str = "") -> Membership:
    """Approve: the person becomes a member of the union and gets an e-member card."""
    with transaction.atomic():
        application = MembershipApplication.objects.select_for_update().select_related("union", "person").get(pk=application.pk)
        _decide_check(application, actor)
        application.status = MembershipApplication.Status.APPROVED
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.decision_reason = note.strip()[:300]
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        membership = membership_create(
            person=application.person, union=application.union, employer=application.employer, source="application"
        )
        audit_record(actor=actor, action="membership_application.approve", target=application)
        _person_notify(
            person=application.person, link_name="members:card", object_id=application.pk,
            message=gettext_noop("入会申请已通过：您已是%(union)s会员，会员号 %(number)s。电子会员卡在“我的”里。"),
            params={"union": application.union.name, "number": membership.number},
        )
    return membership


def membership_application_reject(*, application: MembershipApplication, actor: Any, reason: str) -> MembershipApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写不予通过的理由，申请人会看到它。"), code="reason_required", field="reason")
    with transaction.atomic():
        application = (
            MembershipApplication.objects.select_for_update().select_related("union", "person").get(pk=application.pk)
        )
        _decide_check(application, actor)
        application.status = MembershipApplication.Status.REJECTED
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.decision_reason = reason[:300]
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(actor=actor, action="membership_application.reject", target=application, reason=reason)
        _person_notify(
            person=application.person, link_name="members:join", object_id=application.pk,
            message=gettext_noop("入会申请未通过（%(union)s）：%(reason)s。可修改后重新申请。"),
            params={"union": application.union.name, "reason": application.decision_reason},
        )
    return application


def membership_application_withdraw(*, application: MembershipApplication, user: Any) -> MembershipApplication:
    with transaction.atomic():
        application = MembershipApplication.objects.select_for_update().select_related("person").get(pk=application.pk)
        if application.person.user_id != getattr(user, "pk", None):
            raise NotFound()
        if application.status != MembershipApplication.Status.SUBMITTED:
            raise Conflict(_("该申请已处理，不能撤回。"), code="application_decided")
        application.status = MembershipApplication.Status.WITHDRAWN
        application.save(update_fields=["status"])
        audit_record(actor=user, action="membership_application.withdraw", target=application)
    return application


# --- memberships and numbers ----------------------------------------------------------


def member_numbers_reserve(*, union: Union, count: int) -> list[str]:
    """Member numbers: 2-digit province of the union + 10-digit national sequence."""
    province = union.region_id[:2] if union.region_id else "00"
    return [f"{province}{value:010d}" for value in sequence_reserve("member_number", count)]


def membership_create(*, person: Person, union: Union, employer: Employer | None, source: str) -> Membership:
    if not union.takes_members:
        raise ValidationFailed(_("所选工会不能直接接收会员。"), code="union_not_member_kind")
    number = member_numbers_reserve(union=union, count=1)[0]
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person, union=union, employer=employer, number=number,
                joined_on=timezone.localdate(), source=source,
            )
    except IntegrityError as exc:
        raise Conflict(_("该职工已有有效的会员关系。"), code="already_member") from exc
    if employer is not None and person.employer_id != employer.pk:
        person.employer = employer
        person.save(update_fields=["employer", "updated_at"])
    card_issue(membership=membership)
    return membership


# --- transfers ------------------------------------------------------------------------


def membership_transfer_request(
    *, membership: Membership, to_union: Union, to_employer: Employer | None, reason: str, actor: Any
) -> MembershipTransfer:
    """Start a transfer. The member themself, or staff of either union, may start it."""
    is_member = membership.person.user_id is not None and membership.person.user_id == getattr(actor, "pk", None)
    is_staff = jurisdiction.has_action(actor, "change", membership.union.path) or jurisdiction.has_action(
        actor, "change", to_union.path
    )
    if not (is_member or is_staff):
        raise NotFound()
    if membership.status != Membership.Status.ACTIVE:
        raise Conflict(_("只有在册的会员关系可以接转。"), code="membership_not_active")
    if to_union.pk == membership.union_id:
        raise ValidationFailed(_("转入工会与现工会相同。"), code="same_union", field="to_union")
    if to_union.status != Union.Status.ACTIVE or not to_union.takes_members:
        raise ValidationFailed(_("转入的工会不能直接接收会员。"), code="union_not_member_kind", field="to_union")
    try:
        with transaction.atomic():
            transfer = MembershipTransfer.objects.create(
                membership=membership, from_union=membership.union, to_union=to_union,
                to_employer=to_employer, reason=(reason or "").strip()[:300], requested_by=actor,
            )
            audit_record(actor=actor, action="membership_transfer.request", target=transfer)
    except IntegrityError as exc:
        raise Conflict(_("该会员已有办理中的接转。"), code="transfer_open") from exc
    return transfer


def _locked_transfer(transfer: MembershipTransfer) -> MembershipTransfer:
    return (
        MembershipTransfer.objects.select_for_update()
        .select_related("membership__person", "from_union", "to_union")
        .get(pk=transfer.pk)
    )


def membership_transfer_release(*, transfer: MembershipTransfer, actor: Any, note: str = "") -> MembershipTransfer:
    """The old union lets the member go; the membership is 'transferring' until accepted."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        if not jurisdiction.has_action(actor, "approve", transfer.from_union.path):
            raise NotFound()
        if transfer.status != MembershipTransfer.Status.REQUESTED:
            raise Conflict(_("该接转当前不能转出。"), code="transfer_state")
        transfer.status = MembershipTransfer.Status.RELEASED
        transfer.released_by = actor
        transfer.released_at = timezone.now()
        transfer.note = note.strip()[:300]
        transfer.save(update_fields=["status", "released_by", "released_at", "note"])
        Membership.objects.filter(pk=transfer.membership_id).update(status=Membership.Status.TRANSFERRING)
        audit_record(actor=actor, action="membership_transfer.release", target=transfer)
        _person_notify(
            person=transfer.membership.person, link_name="members:transfer", object_id=transfer.pk,
            message=gettext_noop("会员关系接转：%(from)s 已同意转出，等待 %(to)s 接收。"),
            params={"from": transfer.from_union.name, "to": transfer.to_union.name},
        )
    return transfer


def membership_transfer_accept(*, transfer: MembershipTransfer, actor: Any, note: str = "") -> Membership:
    """The new union takes the member in: old membership ends, a new one starts, new card."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        if not jurisdiction.has_action(actor, "approve", transfer.to_union.path):
            raise NotFound()
        if transfer.status != MembershipTransfer.Status.RELEASED:
            raise Conflict(_("原工会尚未转出，暂不能接收。"), code="transfer_state")
        old = transfer.membership
        today = timezone.localdate()
        Membership.objects.filter(pk=old.pk).update(
            status=Membership.Status.TRANSFERRED_OUT, ended_on=today, end_reason=str(_("会员关系转出"))
        )
        MemberCard.objects.filter(membership=old, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoke_reason=str(_("会员关系已转出"))
        )
        new = membership_create(person=old.person, union=transfer.to_union, employer=transfer.to_employer, source="transfer")
        transfer.status = MembershipTransfer.Status.ACCEPTED
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.new_membership = new
        if note:
            transfer.note = note.strip()[:300]
        transfer.save(update_fields=["status", "decided_by", "decided_at", "new_membership", "note"])
        audit_record(actor=actor, action="membership_transfer.accept", target=transfer)
        _person_notify(
            person=old.person, link_name="members:card", object_id=transfer.pk,
            message=gettext_noop("会员关系接转完成：您已转入%(to)s，新会员号 %(number)s，请使用新的电子会员卡。"),
            params={"to": transfer.to_union.name, "number": new.number},
        )
    return new


def membership_transfer_reject(*, transfer: MembershipTransfer, actor: Any, reason: str) -> MembershipTransfer:
    """Either side may send a transfer back; the old membership stays active."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写退回理由。"), code="reason_required", field="reason")
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        allowed = jurisdiction.has_action(actor, "approve", transfer.to_union.path) or jurisdiction.has_action(
            actor, "approve", transfer.from_union.path
        )
        if not allowed:
            raise NotFound()
        if transfer.status not in {MembershipTransfer.Status.REQUESTED, MembershipTransfer.Status.RELEASED}:
            raise Conflict(_("该接转已办结。"), code="transfer_state")
        transfer.status = MembershipTransfer.Status.REJECTED
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.note = reason[:300]
        transfer.save(update_fields=["status", "decided_by", "decided_at", "note"])
        Membership.objects.filter(pk=transfer.membership_id).update(status=Membership.Status.ACTIVE)
        audit_record(actor=actor, action="membership_transfer.reject", target=transfer, reason=reason)
        _person_notify(
            person=transfer.membership.person, link_name="members:transfer", object_id=transfer.pk,
            message=gettext_noop("会员关系接转被退回：%(reason)s。原会员关系不变。"),
            params={"reason": transfer.note},
        )
    return transfer


def membership_transfer_cancel(*, transfer: MembershipTransfer, actor: Any) -> MembershipTransfer:
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        is_requester = transfer.requested_by_id == getattr(actor, "pk", None)
        if not (is_requester or jurisdiction.has_action(actor, "change", transfer.from_union.path)):
            raise NotFound()
        if transfer.status != MembershipTransfer.Status.REQUESTED:
            raise Conflict(_("原工会已转出，不能取消。"), code="transfer_state")
        transfer.status = MembershipTransfer.Status.CANCELLED
        transfer.decided_at = timezone.now()
        transfer.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="membership_transfer.cancel", target=transfer)
    return transfer


# --- cards ----------------------------------------------------------------------------


def card_issue(*, membership: Membership) -> MemberCard:
    """Issue a new card for a live membership, revoking any earlier one."""
    now = timezone.now()
    MemberCard.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason=str(_("已补发新卡"))
    )
    return MemberCard.objects.create(
        membership=membership,
        serial=f"C{secrets.token_hex(8).upper()}",
        expires_at=now + dt.timedelta(days=settings.CARD_VALIDITY_DAYS),
    )


def card_revoke(*, card: MemberCard, actor: Any, reason: str) -> MemberCard:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写注销原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        card = MemberCard.objects.select_for_update().select_related("membership__union").get(pk=card.pk)
        if not jurisdiction.has_action(actor, "change", card.membership.union.path):
            raise NotFound()
        if card.revoked_at is None:
            card.revoked_at = timezone.now()
            card.revoke_reason = reason[:200]
            card.save(update_fields=["revoked_at", "revoke_reason"])
            audit_record(actor=actor, action="card.revoke", target=card, reason=reason)
    return card


def card_reissue(*, membership: Membership, actor: Any, reason: str) -> MemberCard:
    """Staff issue a replacement card (lost phone, suspected misuse); the old one is revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写补发原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("union").get(pk=membership.pk)
        if not jurisdiction.has_action(actor, "change", membership.union.path):
            raise NotFound()
        if membership.status != Membership.Status.ACTIVE:
            raise Conflict(_("只有在册的会员可以补发会员卡。"), code="membership_not_active")
        card = card_issue(membership=membership)
        audit_record(actor=actor, action="card.reissue", target=card, reason=reason[:200])
    return card


CARD_DYNAMIC_SALT = "gonghui.members.card.dynamic"
# The card page's QR changes every CARD_QR_STEP_SECONDS; a scanned code is accepted within
# CARD_QR_TOLERANCE_STEPS steps either side (phone and scanner clocks differ a little), so a
# screenshot stops working after two or three minutes.
CARD_QR_STEP_SECONDS = 60
CARD_QR_TOLERANCE_STEPS = 1


def card_qr_step(at: dt.datetime | None = None) -> int:
    return int((at or timezone.now()).timestamp()) // CARD_QR_STEP_SECONDS


def card_token(card: MemberCard) -> str:
    """The fixed QR payload of a *printed* card: a signed reference to the card serial, no
    personal data. It verifies only where the card's union allows printed cards."""
    return signing.dumps(card.serial, salt=CARD_SALT)


def card_token_dynamic(card: MemberCard, *, at: dt.datetime | None = None) -> str:
    """The card page's QR payload: the serial and the current time step, signed. It changes
    every CARD_QR_STEP_SECONDS, so a copied picture of the card soon stops verifying."""
    return signing.Signer(salt=CARD_DYNAMIC_SALT).sign_object([card.serial, card_qr_step(at)])


@dataclass(frozen=True)
class CardVerification:
    # valid / revoked / expired / invalid; stale (a dynamic code too old or too new: a
    # screenshot); printed_not_allowed (a printed card's fixed code where the union only
    # accepts the dynamic one)
    status: str
    kind: str = ""  # dynamic / printed: which kind of code was presented
    union_name: str = ""
    expires_at: dt.datetime | None = None
    serial_tail: str = ""


def _card_token_read(token: str) -> tuple[str, str, int | None] | None:
    """(kind, serial, step) of a signed token, or None."""
    try:
        value = signing.Signer(salt=CARD_DYNAMIC_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        value = None
    if value is not None:
        if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
                and isinstance(value[1], int) and not isinstance(value[1], bool)):
            return "dynamic", value[0], value[1]
        return None
    try:
        serial = signing.loads(token, salt=CARD_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return ("printed", serial, None) if isinstance(serial, str) else None


def card_verify(*, token: str, at: dt.datetime | None = None) -> CardVerification:
    """What a station or partner learns from scanning: status, which kind of code, and the
    issuing union only."""
    read = _card_token_read((token or "").strip())
    if read is None:
        return CardVerification(status="invalid")
    kind, serial, step = read
    if step is not None and abs(card_qr_step(at) - step) > CARD_QR_TOLERANCE_STEPS:
        return CardVerification(status="stale", kind=kind)
    card = MemberCard.objects.select_related("membership__union").filter(serial=serial).first()
    if card is None:
        return CardVerification(status="invalid", kind=kind)
    union = card.membership.union
    if kind == "printed" and not union_allows_printed_cards(union=union):
        return CardVerification(status="printed_not_allowed", kind=kind)
    base: dict[str, Any] = {"kind": kind, "union_name": union.name, "expires_at": card.expires_at, "serial_tail": card.serial[-4:]}
    if card.revoked_at is not None or not card.membership.is_live:
        return CardVerification(status="revoked", **base)
    if card.expires_at <= (at or timezone.now()):
        return CardVerification(status="expired", **base)
    return CardVerification(status="valid", **base)


# --- roster import (花名册导入) -------------------------------------------------------------

IMPORT_COMMIT_BATCH = 2000
IMPORT_MAX_STORED_ERRORS = 200_000
# The database being away is a retry, never the file's or the user's fault.
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)
_roster_log = logging.getLogger("gonghui.members.roster")


def roster_import_create(*, actor: Any, union_id: int, upload: UploadedFile) -> ImportJob:
    """Store an uploaded roster for `union` and start checking it in the background.

    The file's type, encoding, headers and size are checked here, so a wrong file is a clear
    error at once; the rows are checked by `roster_import_validate` (a task).
    """
    from gonghui.orgs.selectors import union_get_for_user

    from . import roster, tasks

    union = union_get_for_user(user=actor, union_id=union_id, action="import")
    if union.status != Union.Status.ACTIVE:
        raise ValidationFailed(_("该工会已撤销，不能导入会员。"), code="union_inactive", field="union")
    size = upload.size or 0
    if size == 0:
        raise roster.RosterFileError(_("文件是空的。"), code="roster_empty", field="file")
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise roster.RosterFileError(
            _("文件超过大小上限（%(mb)s MB），请拆分后分批导入。") % {"mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)},
            code="roster_too_large", field="file",
        )
    original = Path(upload.name or "roster").name[:200]
    suffix = Path(original).suffix.lower()
    if suffix not in {".csv", ".xlsx", ".txt", ".xls"}:
        raise roster.RosterFileError(_("请上传 .xlsx 或 .csv 格式的花名册。"), code="roster_file_type", field="file")
    job = ImportJob(union=union, created_by=actor, original_name=original, status=ImportJob.Status.VALIDATING,
                    queued_at=timezone.now())
    job.file.save(f"{secrets.token_hex(16)}{suffix}", upload, save=False)
    try:
        job.file_format, job.encoding = roster.roster_file_inspect(Path(job.file.path), filename=original)
    except roster.RosterFileError:
        job.file.delete(save=False)
        raise
    with transaction.atomic():
        job.save()
        audit_record(actor=actor, action="roster_import.upload", target=job, data={"file": original})
        transaction.on_commit(lambda: enqueue(tasks.roster_import_validate_task, job.pk))
    roster.progress_set(job.pk, phase="validate", done=0, total=0)
    return job


def roster_import_validate(*, job_id: int) -> ImportJob:
    """Check every row of a stored roster; record each bad row's reason, stage the good rows.

    Safe to run again: earlier results for the job are replaced. Never raises for a bad file:
    the job ends `invalid` with the reason.
    """

    job = ImportJob.objects.select_related("union").get(pk=job_id)
    if job.status != ImportJob.Status.VALIDATING:
        return job
    if not roster_job_claim(job_id=job.pk, status=ImportJob.Status.VALIDATING):
        return job  # another worker is validating it right now
    with RosterHeartbeat(job.pk).running() as heartbeat:
        return _roster_import_validate_claimed(job, heartbeat)


def _roster_import_validate_claimed(job: ImportJob, heartbeat: RosterHeartbeat) -> ImportJob:
    from . import roster

    ImportRowError.objects.filter(job=job).delete()
    source = Path(job.file.path)
    staged = source.with_name(source.name + ".staged.csv")
    estimate = roster.estimate_rows(source, file_format=job.file_format)
    valid = bad_rows = stored = 0
    try:
        checker = roster.RosterChecker(union=job.union)
        with open(staged, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for columns, chunk, last in roster.iter_chunks(source, file_format=job.file_format, encoding=job.encoding):
                good, problems = checker.check_chunk(chunk, columns)
                roster.stage_rows(writer, good)
                valid += len(good)
                bad_rows += len({p.row_number for p in problems})
                keep = problems[: max(IMPORT_MAX_STORED_ERRORS - stored, 0)]
                ImportRowError.objects.bulk_create(
                    [ImportRowError(job=job, row_number=p.row_number, column=p.column_label, code=p.code, message=p.message[:300])
                     for p in keep]
                )
                stored += len(keep)
                roster.progress_set(job.pk, phase="validate", done=min(last - 1, estimate), total=estimate)
                heartbeat.beat()
    except INFRASTRUCTURE_ERRORS:
        # The database went away: not the file's fault. The job stays `validating`; the
        # reaper (roster_jobs) runs it again once its lease runs out.
        staged.unlink(missing_ok=True)
        raise
    except Exception as exc:  # noqa: BLE001 - a bad file must end the job, never crash the worker
        if not isinstance(exc, roster.RosterFileError):
            _roster_log.exception("roster import %s: validation failed", job.pk)
        staged.unlink(missing_ok=True)
        ImportRowError.objects.filter(job=job).delete()
        message = str(exc.message) if isinstance(exc, roster.RosterFileError) else str(_("读取文件时出错，请检查文件后重新上传。"))
        job.status = ImportJob.Status.INVALID
        job.message = message[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
        source.unlink(missing_ok=True)  # an unreadable roster is of no further use; it holds personal data
        roster.progress_set(job.pk, phase="validate", done=0, total=0, state="invalid")
        return job
    job.status = ImportJob.Status.VALIDATED
    job.total_rows = valid + bad_rows
    job.valid_rows = valid
    job.error_rows = bad_rows
    job.staged_path = str(staged)
    job.validated_at = timezone.now()
    job.message = (
        str(_("问题较多，仅保存前 %(n)s 条问题明细。") % {"n": IMPORT_MAX_STORED_ERRORS}) if stored >= IMPORT_MAX_STORED_ERRORS else ""
    )
    job.save(update_fields=["status", "total_rows", "valid_rows", "error_rows", "staged_path", "validated_at", "message"])
    roster.progress_set(job.pk, phase="validate", done=job.total_rows, total=job.total_rows, state="validated")
    return job


def roster_import_commit_request(*, job: ImportJob, actor: Any) -> ImportJob:
    """Staff confirm the preview: the valid rows are imported by a background task."""
    from . import roster, tasks

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("union").get(pk=job.pk)
        if not jurisdiction.has_action(actor, "import", job.union.path):
            raise NotFound()
        if job.status != ImportJob.Status.VALIDATED:
            raise Conflict(_("该导入当前不能确认（正在处理或已结束）。"), code="import_state")
        if job.valid_rows == 0:
            raise Conflict(_("没有可导入的有效行。"), code="import_nothing")
        job.status = ImportJob.Status.COMMITTING
        job.commit_requested_by = actor
        job.queued_at, job.heartbeat_at = timezone.now(), None
        job.save(update_fields=["status", "commit_requested_by", "queued_at", "heartbeat_at"])
        audit_record(actor=actor, action="roster_import.commit_request", target=job, data={"rows": job.valid_rows})
        transaction.on_commit(lambda: enqueue(tasks.roster_import_commit_task, job.pk))
    roster.progress_set(job.pk, phase="commit", done=0, total=job.valid_rows)
    return job


def roster_import_commit_run(*, job_id: int) -> ImportJob:
    """Import every staged row in ONE transaction: all of them, or (on any error) none.

    People (encrypted fields already computed at validation), memberships (numbers reserved
    in one block before the transaction, so other approvals are not blocked behind it) and
    e-member cards are inserted with bulk_create in batches. Every batch is checked again
    against the database; a row that went bad since validation fails the whole import.
    """
    from . import roster

    job = ImportJob.objects.select_related("union", "commit_requested_by").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return job
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), attempts=F("attempts") + 1)
    try:
        if job.member_numbers_start is None:
            # Reserved once per job: a retry after a lost worker reuses them (nothing was
            # imported then), instead of burning valid_rows numbers per attempt.
            job.member_numbers_start = sequence_reserve("member_number", job.valid_rows).start
            ImportJob.objects.filter(pk=job.pk).update(member_numbers_start=job.member_numbers_start)
        numbers = iter(range(job.member_numbers_start, job.member_numbers_start + job.valid_rows))
        with transaction.atomic():
            # Held until commit: a second copy of this task waits here, then finds the job
            # done; the reaper sees the lock and knows the commit is alive (PostgreSQL).
            locked = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("status", flat=True).first()
            if locked != ImportJob.Status.COMMITTING:
                return ImportJob.objects.get(pk=job.pk)
            imported = 0
            context = _RosterCommitContext(job=job)
            with open(job.staged_path, encoding="utf-8", newline="") as handle:
                for batch in roster.iter_staged(handle, size=IMPORT_COMMIT_BATCH):
                    imported += _roster_commit_chunk(context, batch, numbers)
                    roster.progress_set(job.pk, phase="commit", done=imported, total=job.valid_rows)
            job.status = ImportJob.Status.DONE
            job.imported_rows = imported
            job.finished_at = timezone.now()
            job.message = ""
            job.save(update_fields=["status", "imported_rows", "finished_at", "message"])
            audit_record(actor=job.commit_requested_by, action="roster_import.commit", target=job, data={"rows": imported})
    except INFRASTRUCTURE_ERRORS:
        # Rolled back; the job stays `committing` and the reaper runs it again.
        _roster_log.exception("roster import %s: database unavailable during commit", job.pk)
        raise
    except Exception as exc:  # noqa: BLE001 - any failure rolls everything back and is reported
        if not isinstance(exc, DomainError):
            _roster_log.exception("roster import %s: commit failed", job.pk)
        reason = str(exc.message) if isinstance(exc, DomainError) else str(_("导入过程中发生错误，已全部撤销，没有导入任何数据。请稍后重试或联系管理员。"))
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, message=reason[:500], imported_rows=0, finished_at=timezone.now()
        )
        roster.progress_set(job.pk, phase="commit", done=0, total=job.valid_rows, state="failed")
        job.refresh_from_db()
        return job
    Path(job.staged_path).unlink(missing_ok=True)
    roster.progress_set(job.pk, phase="commit", done=imported, total=job.valid_rows, state="done")
    return job


@dataclass
class _RosterCommitContext:
    job: ImportJob
    unions: dict[int, str | None] | None = None  # union id -> province prefix (None: not allowed)
    employers: set[int] | None = None

    def province(self, union_id: int) -> str | None:
        if self.unions is None:
            self.unions = {}
        if union_id not in self.unions:
            union = Union.objects.filter(pk=union_id, status=Union.Status.ACTIVE).first()
            allowed = union is not None and union.takes_members and union.path.startswith(self.job.union.path)
            self.unions[union_id] = (union.region_id[:2] if union and union.region_id else "00") if allowed else None
        return self.unions[union_id]


def _roster_insert(model: Any, rows: list[dict[str, Any]], *, returning: bool) -> list[int]:
    """Multi-row INSERT of plain column values (… RETURNING id); the import's hot path.

    The ORM's bulk_create spends most of its time preparing each value; these values are
    already final (ciphertexts included), so they go to the database as they are. Columns
    the caller leaves out get the field's default, so a field added later still works.
    """
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    ops = connection.ops
    adapters: dict[str, Any] = {}
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters[f.attname] = ops.adapt_datetimefield_value
        elif kind == "DateField":
            adapters[f.attname] = ops.adapt_datefield_value
    names = [f.attname for f in fields]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    table = ops.quote_name(model._meta.db_table)
    pk = ops.quote_name(model._meta.pk.column)
    if connection.vendor == "postgresql":
        # One array per column (as Django's own bulk_create does on PostgreSQL): a short
        # statement whatever the batch size, so neither side spends time parsing it.
        casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({casts})"  # noqa: S608 - names from _meta
        if returning:
            sql += f" RETURNING {pk}"
        with connection.cursor() as cursor:
            arrays = [[row.get(name, defaults[name]) for row in rows] for name in names]
            cursor.execute(sql, arrays)
            return [r[0] for r in cursor.fetchall()] if returning else []
    limit = 999
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(1000, limit // len(fields)))
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids: list[int] = []
    adapted: dict[tuple[str, Any], Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start: start + per_statement]
            params: list[Any] = []
            for row in part:
                for name in names:
                    value = row.get(name, defaults[name])
                    adapt = adapters.get(name)
                    if adapt is not None and value is not None:
                        key = (name, value)
                        if key not in adapted:  # timestamps repeat: adapt each once
                            adapted[key] = adapt(value)
                        value = adapted[key]
                    params.append(value)
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholder] * len(part))}"  # noqa: S608 - names from _meta
            if returning:
                cursor.execute(sql + f" RETURNING {pk}", params)
                ids.extend(r[0] for r in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def _roster_commit_chunk(context: _RosterCommitContext, rows: list[Any], numbers: Iterator[int]) -> int:
    """Re-check one batch against the database and insert its people, memberships and cards."""

    def stale(row: Any, reason: Any) -> Conflict:
        return Conflict(
            _("第%(row)s行：%(reason)s 导入已全部撤销，请重新上传校验。") % {"row": row.row, "reason": reason},
            code="import_stale",
        )

    existing = dict(Person.objects.filter(id_number_index__in=[r.id_index for r in rows]).values_list("id_number_index", "pk"))
    live = set(
        Membership.objects.filter(
            person_id__in=list(existing.values()), status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING]
        ).values_list("person_id", flat=True)
    )
    if context.employers is None:
        context.employers = set()
    wanted = {r.employer_id for r in rows} - context.employers
    if wanted:
        context.employers |= set(Employer.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    for row in rows:
        person_id = existing.get(row.id_index)
        if person_id != row.person_id:
            raise stale(row, _("该身份证号的登记情况在校验后发生了变化。"))
        if person_id in live:
            raise stale(row, _("此人在校验后已成为会员。"))
        if row.employer_id not in context.employers or context.province(row.union_id) is None:
            raise stale(row, _("单位或工会在校验后发生了变化。"))
    now = timezone.now()
    fresh = [r for r in rows if r.person_id is None]
    known = [r for r in rows if r.person_id is not None]
    # Ciphertexts and blind indexes were computed during validation: inserted as they are.
    person_ids = _roster_insert(Person, [
        {"name": r.name, "name_pinyin": r.name_pinyin, "name_initials": r.name_initials,
         "id_number": r.id_cipher, "id_number_index": r.id_index, "phone": r.phone_cipher,
         "phone_index": r.phone_index, "gender": r.gender, "birth_date": r.birth_date, "user_id": None,
         "employer_id": r.employer_id, "employment_form": r.employment_form, "new_form_kind": r.new_form_kind,
         "is_migrant_worker": r.migrant, "created_at": now, "updated_at": now}
        for r in fresh
    ], returning=True)
    for row, person_id in zip(fresh, person_ids, strict=True):
        row.person_id = person_id
    if known:
        Person.objects.bulk_update(
            [Person(pk=r.person_id, employer_id=r.employer_id, employment_form=r.employment_form,
                    new_form_kind=r.new_form_kind, is_migrant_worker=r.migrant, updated_at=now) for r in known],
            ["employer", "employment_form", "new_form_kind", "is_migrant_worker", "updated_at"],
        )
    membership_ids = _roster_insert(Membership, [
        {"person_id": r.person_id, "union_id": r.union_id, "employer_id": r.employer_id,
         "number": f"{context.province(r.union_id)}{next(numbers):010d}", "status": Membership.Status.ACTIVE.value,
         "joined_on": r.joined_on, "ended_on": None, "end_reason": "", "source": "import", "created_at": now}
        for r in rows
    ], returning=True)
    expires = now + dt.timedelta(days=settings.CARD_VALIDITY_DAYS)
    _roster_insert(MemberCard, [
        {"membership_id": m, "serial": f"C{secrets.token_hex(8).upper()}", "issued_at": now, "expires_at": expires,
         "revoked_at": None, "revoke_reason": ""}
        for m in membership_ids
    ], returning=False)
    # Back-dated joins change the roll of every day since: those days are recounted tonight.
    stats_mark_dirty_since(min((r.joined_on for r in rows), default=None))
    return len(rows)


def roster_import_files_purge(*, older_than_days: int = 7, now: dt.datetime | None = None) -> int:
    """Delete uploaded roster files (they hold plain ID numbers) of finished jobs.

    The job row, its counts and its row errors stay; only the file on disk goes. Returns
    the number of files removed. Run daily (Celery beat or `manage.py roster_purge`).
    """
    if older_than_days < 0:
        raise ValidationFailed(_("保留天数不能为负数。"), code="days_invalid")
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    finished = [ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.INVALID, ImportJob.Status.VALIDATED]
    removed = 0
    for job in ImportJob.objects.filter(status__in=finished, created_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        if job.staged_path:
            Path(job.staged_path).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(file="", staged_path="")
        audit_record(actor=None, action="roster_import.file_purge", target=job)
        removed += 1
    return removed
