"""Writes for people, membership applications, memberships, transfers and cards.

Each function is one complete change in one transaction, with its audit record.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.pii import id_number_index, phone_index
from gonghui.core.sequences import sequence_reserve
from gonghui.core.text import pinyin_full, pinyin_initials
from gonghui.core.validators import parse_id_number, parse_name, parse_phone
from gonghui.orgs.models import Employer, Union

from .models import (
    EmploymentForm,
    MemberCard,
    Membership,
    MembershipApplication,
    MembershipTransfer,
    NewFormKind,
    Person,
)

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
    return membership


def membership_application_reject(*, application: MembershipApplication, actor: Any, reason: str) -> MembershipApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写不予通过的理由，申请人会看到它。"), code="reason_required", field="reason")
    with transaction.atomic():
        application = MembershipApplication.objects.select_for_update().select_related("union").get(pk=application.pk)
        _decide_check(application, actor)
        application.status = MembershipApplication.Status.REJECTED
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.decision_reason = reason[:300]
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(actor=actor, action="membership_application.reject", target=application, reason=reason)
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


def card_token(card: MemberCard) -> str:
    """The QR payload: a signed, compact reference to the card serial. No personal data."""
    return signing.dumps(card.serial, salt=CARD_SALT)


@dataclass(frozen=True)
class CardVerification:
    status: str  # valid / revoked / expired / invalid
    union_name: str = ""
    expires_at: dt.datetime | None = None
    serial_tail: str = ""


def card_verify(*, token: str) -> CardVerification:
    """What a station or partner learns from scanning: status and issuing union only."""
    try:
        serial = signing.loads((token or "").strip(), salt=CARD_SALT)
    except signing.BadSignature:
        return CardVerification(status="invalid")
    card = MemberCard.objects.select_related("membership__union").filter(serial=serial).first()
    if card is None:
        return CardVerification(status="invalid")
    base = {"union_name": card.membership.union.name, "expires_at": card.expires_at, "serial_tail": card.serial[-4:]}
    if card.revoked_at is not None or not card.membership.is_live:
        return CardVerification(status="revoked", **base)
    if card.expires_at <= timezone.now():
        return CardVerification(status="expired", **base)
    return CardVerification(status="valid", **base)
