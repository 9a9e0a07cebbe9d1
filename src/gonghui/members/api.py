from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from gonghui.accounts.auth import session_or_token
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.paging import Limit200, Offset
from gonghui.orgs import selectors as org_selectors

from . import selectors, services
from .card_qr import card_qr
from .models import MemberCard, Membership, MembershipApplication, MembershipTransfer, Person
from .schemas import (
    ApplicationIn,
    ApproveIn,
    CardOut,
    CardVerifyIn,
    CardVerifyOut,
    MemberNoteIn,
    MembershipApplicationOut,
    MembershipSelfOut,
    MembershipTransferIn,
    MeOut,
    PersonSelfOut,
    ReasonIn,
    RevealIn,
    RevealOut,
    StaffApplicationOut,
    StaffCardOut,
    StaffMembershipOut,
    StaffPersonDetailOut,
    StaffPersonOut,
    StaffTransferIn,
    StaffTransferOut,
    TransferOut,
)

router = Router()
cards_router = Router()


# --- worker: my membership (member app) -----------------------------------------------------


def application_out(a: MembershipApplication) -> MembershipApplicationOut:
    return MembershipApplicationOut(
        id=a.pk, status=a.status, status_label=str(a.get_status_display()), union_id=a.union_id,
        union_name=a.union.name, employer_name=a.employer.name if a.employer else "",
        employment_form=a.employment_form, new_form_kind=a.new_form_kind,
        is_migrant_worker=a.is_migrant_worker, decision_reason=a.decision_reason,
        submitted_at=a.submitted_at, decided_at=a.decided_at,
    )


def transfer_out(t: MembershipTransfer) -> TransferOut:
    return TransferOut(
        id=t.pk, status=t.status, status_label=str(t.get_status_display()),
        from_union_name=t.from_union.name, to_union_name=t.to_union.name,
        to_employer_name=t.to_employer.name if t.to_employer else "", note=t.note,
        requested_at=t.requested_at,
    )


@router.get("/me", response=MeOut, auth=session_or_token, summary="我的会员信息、入会申请与接转")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    person = selectors.person_for_user(user=user)
    membership = selectors.membership_live_for_worker(user=user)
    return MeOut(
        person=PersonSelfOut(
            name=person.name, id_number_masked=person.id_number_masked, phone_masked=person.phone_masked,
            gender=person.gender, employment_form=person.employment_form, new_form_kind=person.new_form_kind,
            is_migrant_worker=person.is_migrant_worker,
        ) if person else None,
        membership=MembershipSelfOut(
            number=membership.number, status=membership.status, status_label=str(membership.get_status_display()),
            union_id=membership.union_id, union_name=membership.union.name,
            employer_name=membership.employer.name if membership.employer else "", joined_on=membership.joined_on,
        ) if membership else None,
        applications=[application_out(a) for a in selectors.application_list_for_worker(user=user)[:20]],
        transfers=[transfer_out(t) for t in selectors.transfer_list_for_worker(user=user)[:20]],
    )


@router.post("/me/applications", response={201: MembershipApplicationOut}, auth=session_or_token, summary="提交入会申请")
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[MembershipApplicationOut]:
    user: Any = request.user
    application = services.membership_application_submit(
        user=user, name=payload.name, id_number=payload.id_number, phone=payload.phone or user.phone,
        employment_form=payload.employment_form, new_form_kind=payload.new_form_kind,
        is_migrant_worker=payload.is_migrant_worker,
        employer=selectors.employer_for_application(employer_id=payload.employer_id),
        union=selectors.union_for_application(union_id=payload.union_id),
    )
    return Status(201, application_out(selectors.application_get_for_worker(user=user, application_id=application.pk)))


@router.post("/members/applications/{application_id}/withdraw", response=MembershipApplicationOut, auth=session_or_token, summary="撤回入会申请")
def application_withdraw(request: HttpRequest, application_id: int) -> MembershipApplicationOut:
    application = selectors.application_get_for_worker(user=request.user, application_id=application_id)
    services.membership_application_withdraw(application=application, user=request.user)
    return application_out(selectors.application_get_for_worker(user=request.user, application_id=application_id))


@router.post("/me/transfers", response={201: TransferOut}, auth=session_or_token, summary="申请会员关系接转")
def transfer_request(request: HttpRequest, payload: MembershipTransferIn) -> Status[TransferOut]:
    membership = selectors.membership_live_for_worker(user=request.user)
    if membership is None:
        raise NotFound(code="membership_not_found")
    employer, union = selectors.transfer_target_for_worker(employer_id=payload.employer_id, union_id=payload.union_id)
    transfer = services.membership_transfer_request(
        membership=membership, to_union=union, to_employer=employer, reason=payload.reason, actor=request.user
    )
    return Status(201, transfer_out(selectors.transfer_get_for_worker(user=request.user, transfer_id=transfer.pk)))


# --- e-member cards ---------------------------------------------------------------------------


@cards_router.get("/me", response=CardOut, auth=session_or_token, summary="我的电子会员卡（含二维码令牌）")
def card_me(request: HttpRequest) -> CardOut:
    card = selectors.card_current_for_worker(user=request.user)
    if card is None:
        raise NotFound(code="card_not_found")
    qr = card_qr(request, card)
    return CardOut(
        serial=card.serial, member_number=card.membership.number, name=card.membership.person.name,
        union_name=card.membership.union.name, issued_at=card.issued_at, expires_at=card.expires_at,
        token=qr.token, refresh_in=qr.refresh_in, verify_url=qr.verify_url,
    )


def _verification(token: str) -> CardVerifyOut:
    result = services.card_verify(token=token)
    return CardVerifyOut(
        status=result.status, kind=result.kind, union_name=result.union_name, expires_at=result.expires_at,
        serial_tail=result.serial_tail,
    )


@cards_router.get("/verify", response=CardVerifyOut, auth=None, url_name="card_verify", summary="核验电子会员卡（公开，无个人信息）")
def card_verify_get(request: HttpRequest, token: str = "") -> CardVerifyOut:
    if len(token) > 500:
        raise ValidationFailed(code="token_invalid", field="token")
    return _verification(token)


@cards_router.post("/verify", response=CardVerifyOut, auth=None, summary="核验电子会员卡（公开，无个人信息）")
def card_verify_post(request: HttpRequest, payload: CardVerifyIn) -> CardVerifyOut:
    return _verification(payload.token)


# --- staff: applications, people, memberships, transfers, cards (jurisdiction-scoped) -------
# Every object is fetched with `<entity>_get_for_user`, so another branch's object is a 404.


def staff_application_out(a: MembershipApplication) -> StaffApplicationOut:
    return StaffApplicationOut(
        id=a.pk, status=a.status, status_label=str(a.get_status_display()), person_id=a.person_id,
        person_name=a.person.name, id_number_masked=a.person.id_number_masked,
        phone_masked=a.person.phone_masked, union_id=a.union_id, union_name=a.union.name,
        employer_id=a.employer_id, employer_name=a.employer.name if a.employer else "",
        employment_form=a.employment_form, new_form_kind=a.new_form_kind,
        is_migrant_worker=a.is_migrant_worker, decision_reason=a.decision_reason,
        submitted_at=a.submitted_at, decided_at=a.decided_at,
    )


def staff_card_out(c: MemberCard) -> StaffCardOut:
    return StaffCardOut(
        id=c.pk, serial=c.serial, membership_id=c.membership_id, issued_at=c.issued_at,
        expires_at=c.expires_at, revoked_at=c.revoked_at, revoke_reason=c.revoke_reason,
    )


def staff_membership_out(m: Membership) -> StaffMembershipOut:
    return StaffMembershipOut(
        id=m.pk, number=m.number, status=m.status, status_label=str(m.get_status_display()),
        person_id=m.person_id, union_id=m.union_id, union_name=m.union.name,
        employer_name=m.employer.name if m.employer else "", joined_on=m.joined_on,
        ended_on=m.ended_on, end_reason=m.end_reason, source=m.source,
        cards=[staff_card_out(c) for c in m.cards.all()],
    )


def staff_person_out(p: Person) -> dict[str, Any]:
    live = getattr(p, "live_memberships", [])
    return {
        "id": p.pk, "name": p.name, "gender": p.gender, "id_number_masked": p.id_number_masked,
        "phone_masked": p.phone_masked, "employer_name": p.employer.name if p.employer else "",
        "employment_form": p.employment_form, "new_form_kind": p.new_form_kind,
        "is_migrant_worker": p.is_migrant_worker,
        "member_number": live[0].number if live else "", "union_name": live[0].union.name if live else "",
    }


def staff_transfer_out(t: MembershipTransfer) -> StaffTransferOut:
    return StaffTransferOut(
        id=t.pk, status=t.status, status_label=str(t.get_status_display()), membership_id=t.membership_id,
        person_id=t.membership.person_id, person_name=t.membership.person.name,
        from_union_id=t.from_union_id, from_union_name=t.from_union.name, to_union_id=t.to_union_id,
        to_union_name=t.to_union.name, to_employer_name=t.to_employer.name if t.to_employer else "",
        reason=t.reason, note=t.note, requested_at=t.requested_at, released_at=t.released_at,
        decided_at=t.decided_at, new_membership_id=t.new_membership_id,
    )


def _page(limit: int, offset: int) -> slice:
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return slice(offset, offset + limit)


@router.get("/applications", response=list[StaffApplicationOut], auth=session_or_token, summary="入会申请（本辖区）")
def staff_application_list(
    request: HttpRequest, status: str = "", q: str = "", limit: Limit200 = 50, offset: Offset = 0
) -> list[StaffApplicationOut]:
    qs = selectors.membership_application_list(user=request.user, status=status or None, q=q)
    return [staff_application_out(a) for a in qs[_page(limit, offset)]]


@router.get("/applications/{application_id}", response=StaffApplicationOut, auth=session_or_token, summary="入会申请详情")
def staff_application_detail(request: HttpRequest, application_id: int) -> StaffApplicationOut:
    return staff_application_out(selectors.application_get_for_user(user=request.user, application_id=application_id))


@router.post("/applications/{application_id}/approve", response=StaffApplicationOut, auth=session_or_token, summary="批准入会申请")
def staff_application_approve(request: HttpRequest, application_id: int, payload: ApproveIn) -> StaffApplicationOut:
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    services.membership_application_approve(application=application, actor=request.user, note=payload.note)
    return staff_application_out(selectors.application_get_for_user(user=request.user, application_id=application_id))


@router.post("/applications/{application_id}/reject", response=StaffApplicationOut, auth=session_or_token, summary="不予通过入会申请（须填理由）")
def staff_application_reject(request: HttpRequest, application_id: int, payload: ReasonIn) -> StaffApplicationOut:
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    services.membership_application_reject(application=application, actor=request.user, reason=payload.reason)
    return staff_application_out(selectors.application_get_for_user(user=request.user, application_id=application_id))


@router.get("/people", response=list[StaffPersonOut], auth=session_or_token, summary="查找职工（姓名、拼音、身份证号或手机号；脱敏）")
def staff_person_search(request: HttpRequest, q: str = "", limit: Limit200 = 50) -> list[StaffPersonOut]:
    people = selectors.person_search(user=request.user, q=q, limit=max(1, min(limit, 200)))
    return [StaffPersonOut(**staff_person_out(p)) for p in people]


@router.get("/people/{person_id}", response=StaffPersonDetailOut, auth=session_or_token, summary="职工详情与会员关系历史（脱敏）")
def staff_person_detail(request: HttpRequest, person_id: int) -> StaffPersonDetailOut:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    history = selectors.person_membership_history(person=person)
    return StaffPersonDetailOut(**staff_person_out(person), memberships=[staff_membership_out(m) for m in history])


@router.post("/people/{person_id}/reveal", response=RevealOut, auth=session_or_token, summary="查看完整身份证号或手机号（须填事由，记入审计）")
def staff_person_reveal(request: HttpRequest, person_id: int, payload: RevealIn) -> RevealOut:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    value = services.person_reveal(person=person, actor=request.user, field=payload.field, reason=payload.reason)
    return RevealOut(field=payload.field, value=value)


@router.get("/memberships/{membership_id}", response=StaffMembershipOut, auth=session_or_token, summary="会员关系详情")
def staff_membership_detail(request: HttpRequest, membership_id: int) -> StaffMembershipOut:
    return staff_membership_out(selectors.membership_get_for_user(user=request.user, membership_id=membership_id))


@router.post("/memberships/{membership_id}/reissue-card", response={201: StaffCardOut}, auth=session_or_token, summary="补发电子会员卡（原卡注销）")
def staff_card_reissue(request: HttpRequest, membership_id: int, payload: ReasonIn) -> Status[StaffCardOut]:
    membership = selectors.membership_get_for_user(user=request.user, membership_id=membership_id)
    card = services.card_reissue(membership=membership, actor=request.user, reason=payload.reason)
    return Status(201, staff_card_out(card))


@router.get("/cards/{card_id}", response=StaffCardOut, auth=session_or_token, summary="电子会员卡详情")
def staff_card_detail(request: HttpRequest, card_id: int) -> StaffCardOut:
    return staff_card_out(selectors.card_get_for_user(user=request.user, card_id=card_id))


@router.post("/cards/{card_id}/revoke", response=StaffCardOut, auth=session_or_token, summary="注销电子会员卡")
def staff_card_revoke(request: HttpRequest, card_id: int, payload: ReasonIn) -> StaffCardOut:
    card = selectors.card_get_for_user(user=request.user, card_id=card_id)
    return staff_card_out(services.card_revoke(card=card, actor=request.user, reason=payload.reason))


@router.get("/transfers", response=list[StaffTransferOut], auth=session_or_token, summary="会员关系接转（in 转入 / out 转出）")
def staff_transfer_list(
    request: HttpRequest, direction: str = "", status: str = "", limit: Limit200 = 50, offset: Offset = 0
) -> list[StaffTransferOut]:
    qs = selectors.transfer_list(user=request.user, direction=direction, status=status or None)
    return [staff_transfer_out(t) for t in qs[_page(limit, offset)]]


@router.post("/transfers", response={201: StaffTransferOut}, auth=session_or_token, summary="为会员发起接转")
def staff_transfer_create(request: HttpRequest, payload: StaffTransferIn) -> Status[StaffTransferOut]:
    membership = selectors.membership_get_for_user(user=request.user, membership_id=payload.membership_id)
    to_union = org_selectors.union_for_transfer(union_id=payload.to_union_id)
    to_employer = org_selectors.employer_for_transfer(employer_id=payload.to_employer_id)
    transfer = services.membership_transfer_request(
        membership=membership, to_union=to_union, to_employer=to_employer, reason=payload.reason, actor=request.user
    )
    return Status(201, staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer.pk)))


@router.get("/transfers/{transfer_id}", response=StaffTransferOut, auth=session_or_token, summary="接转详情")
def staff_transfer_detail(request: HttpRequest, transfer_id: int) -> StaffTransferOut:
    return staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@router.post("/transfers/{transfer_id}/release", response=StaffTransferOut, auth=session_or_token, summary="同意转出")
def staff_transfer_release(request: HttpRequest, transfer_id: int, payload: MemberNoteIn) -> StaffTransferOut:
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    services.membership_transfer_release(transfer=transfer, actor=request.user, note=payload.note)
    return staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@router.post("/transfers/{transfer_id}/accept", response=StaffTransferOut, auth=session_or_token, summary="接收转入")
def staff_transfer_accept(request: HttpRequest, transfer_id: int, payload: MemberNoteIn) -> StaffTransferOut:
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    services.membership_transfer_accept(transfer=transfer, actor=request.user, note=payload.note)
    return staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@router.post("/transfers/{transfer_id}/reject", response=StaffTransferOut, auth=session_or_token, summary="退回接转（须填理由）")
def staff_transfer_reject(request: HttpRequest, transfer_id: int, payload: ReasonIn) -> StaffTransferOut:
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    services.membership_transfer_reject(transfer=transfer, actor=request.user, reason=payload.reason)
    return staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@router.post("/transfers/{transfer_id}/cancel", response=StaffTransferOut, auth=session_or_token, summary="取消接转")
def staff_transfer_cancel(request: HttpRequest, transfer_id: int) -> StaffTransferOut:
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    services.membership_transfer_cancel(transfer=transfer, actor=request.user)
    return staff_transfer_out(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))
