"""Who may move a member between unions and at which step, and what a member card says.

Each test names one rule of `members.services` (transfers and cards): the access check of
each step, the state it may start from, and what it leaves behind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.members import services
from gonghui.members.models import MemberCard, Membership, MembershipTransfer
from gonghui.orgs.models import Union
from tests.conftest import SHANGHAI
from tests.factories import Tree, make_grassroots, make_member, make_staff
from tests.members.helpers import make_transfer

pytestmark = pytest.mark.django_db


def request(tree, membership, *, to_union=None, actor=None, reason="工作调动"):
    to_union = to_union or tree.grassroots_b
    return services.membership_transfer_request(
        membership=membership, to_union=to_union, to_employer=to_union.employer, reason=reason,
        actor=actor or tree.staff_a,
    )


def live_card(membership):
    return MemberCard.objects.get(membership=membership, revoked_at__isnull=True)


# --- request --------------------------------------------------------------------------------


def test_member_may_request_their_own_transfer():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    transfer = request(tree, membership, actor=membership.person.user, reason="  换了工作  " + "长" * 400)
    assert transfer.requested_by == membership.person.user
    assert transfer.from_union == tree.grassroots_a and transfer.to_union == tree.grassroots_b
    assert transfer.reason.startswith("换了工作") and len(transfer.reason) == 300
    assert AuditEvent.objects.filter(action="membership_transfer.request", target_id=str(transfer.pk)).exists()


def test_staff_of_the_receiving_union_may_request_the_transfer():
    tree = Tree()
    transfer = request(tree, make_member(union=tree.grassroots_a), actor=tree.staff_b)
    assert transfer.status == MembershipTransfer.Status.REQUESTED


@pytest.mark.parametrize("who", ["outsider", "viewer", "other_worker"])
def test_nobody_else_may_request_a_transfer(who):
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    target = make_grassroots(parent=tree.county_a)  # both unions in branch A
    actor = {
        "outsider": tree.staff_b,
        "viewer": make_staff(union=tree.city_a, role="viewer"),
        "other_worker": make_member(union=tree.grassroots_a).person.user,
    }[who]
    with pytest.raises(NotFound):
        request(tree, membership, to_union=target, actor=actor)
    assert not MembershipTransfer.objects.exists()


def test_only_an_active_membership_is_transferred():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ENDED)
    membership.refresh_from_db()
    with pytest.raises(Conflict) as info:
        request(tree, membership)
    assert info.value.code == "membership_not_active"


def test_transfer_to_the_same_union_is_refused():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    with pytest.raises(ValidationFailed) as info:
        request(tree, membership, to_union=tree.grassroots_a)
    assert info.value.code == "same_union"


def test_transfer_only_into_an_active_union_that_takes_members():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    with pytest.raises(ValidationFailed) as info:
        request(tree, membership, to_union=tree.county_a)  # a leading body, no members
    assert info.value.code == "union_not_member_kind"
    Union.objects.filter(pk=tree.grassroots_b.pk).update(status=Union.Status.DISSOLVED)
    tree.grassroots_b.refresh_from_db()
    with pytest.raises(ValidationFailed) as info:
        request(tree, membership)
    assert info.value.code == "union_not_member_kind"


# --- release (the old union) ------------------------------------------------------------------


def test_release_needs_approve_rights_on_the_old_union():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    operator = make_staff(union=tree.grassroots_a, role="operator")  # may change, not approve
    for actor in (operator, tree.staff_b):
        with pytest.raises(NotFound):
            services.membership_transfer_release(transfer=transfer, actor=actor)
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.REQUESTED


def test_release_records_who_and_when_and_marks_the_membership_transferring(frozen_clock):
    frozen_clock(dt.datetime(2025, 3, 3, 10, tzinfo=SHANGHAI))
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    released = services.membership_transfer_release(transfer=transfer, actor=tree.staff_a, note=" 同意转出 ")
    released.refresh_from_db()
    assert released.status == MembershipTransfer.Status.RELEASED
    assert released.released_by == tree.staff_a and released.note == "同意转出"
    assert released.released_at == dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)
    assert Membership.objects.get(pk=transfer.membership_id).status == Membership.Status.TRANSFERRING
    with pytest.raises(Conflict):
        services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    assert AuditEvent.objects.filter(action="membership_transfer.release").count() == 1


# --- accept (the new union) -------------------------------------------------------------------


def test_accept_needs_approve_rights_on_the_new_union_and_a_release_first():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    with pytest.raises(Conflict):
        services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)  # not released yet
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    operator = make_staff(union=tree.grassroots_b, role="operator")
    for actor in (operator, tree.staff_a):
        with pytest.raises(NotFound):
            services.membership_transfer_accept(transfer=transfer, actor=actor)
    assert Membership.objects.get(pk=transfer.membership_id).status == Membership.Status.TRANSFERRING


def test_accept_ends_the_old_membership_today_and_keeps_the_release_note(frozen_clock):
    frozen_clock(dt.datetime(2025, 3, 3, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC: "today" is Shanghai's
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    old_card = live_card(transfer.membership)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a, note="同意转出")
    new = services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    old = Membership.objects.get(pk=transfer.membership_id)
    assert old.status == Membership.Status.TRANSFERRED_OUT and old.ended_on == dt.date(2025, 3, 3)
    assert old.end_reason == "会员关系转出"
    old_card.refresh_from_db()
    assert old_card.revoked_at is not None and old_card.revoke_reason == "会员关系已转出"
    transfer.refresh_from_db()
    assert transfer.decided_by == tree.staff_b and transfer.decided_at is not None
    assert transfer.note == "同意转出"
    assert new.union == tree.grassroots_b and live_card(new)


def test_accept_note_replaces_the_release_note():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a, note="同意转出")
    services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b, note=" 欢迎加入 ")
    transfer.refresh_from_db()
    assert transfer.note == "欢迎加入"


# --- reject and cancel ------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["old", "new"])
def test_either_union_may_send_the_transfer_back(side):
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    actor = tree.staff_a if side == "old" else tree.staff_b
    services.membership_transfer_reject(transfer=transfer, actor=actor, reason="  信息不符 ")
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.REJECTED and transfer.note == "信息不符"
    assert transfer.decided_by == actor and transfer.decided_at is not None
    assert Membership.objects.get(pk=transfer.membership_id).status == Membership.Status.ACTIVE
    assert AuditEvent.objects.get(action="membership_transfer.reject").reason == "信息不符"


def test_reject_needs_a_reason_approve_rights_and_an_open_transfer():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    with pytest.raises(ValidationFailed):
        services.membership_transfer_reject(transfer=transfer, actor=tree.staff_a, reason="   ")
    outsider = make_staff(union=Tree().city_b)
    for actor in (make_staff(union=tree.grassroots_a, role="operator"), outsider):
        with pytest.raises(NotFound):
            services.membership_transfer_reject(transfer=transfer, actor=actor, reason="不同意")
    services.membership_transfer_cancel(transfer=transfer, actor=tree.staff_a)
    with pytest.raises(Conflict):
        services.membership_transfer_reject(transfer=transfer, actor=tree.staff_a, reason="不同意")


def test_the_member_who_asked_may_cancel():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    transfer = request(tree, membership, actor=membership.person.user)
    cancelled = services.membership_transfer_cancel(transfer=transfer, actor=membership.person.user)
    assert cancelled.status == MembershipTransfer.Status.CANCELLED and cancelled.decided_at is not None
    assert AuditEvent.objects.filter(action="membership_transfer.cancel").count() == 1


def test_the_receiving_union_and_outsiders_may_not_cancel():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)  # requested by branch A staff
    for actor in (tree.staff_b, make_staff(union=tree.grassroots_a, role="viewer")):
        with pytest.raises(NotFound):
            services.membership_transfer_cancel(transfer=transfer, actor=actor)
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.REQUESTED


# --- cards ------------------------------------------------------------------------------------


def test_a_new_card_revokes_the_earlier_one_and_lasts_the_configured_days(settings, frozen_clock):
    frozen_clock(dt.datetime(2025, 3, 3, 10, tzinfo=SHANGHAI))
    settings.CARD_VALIDITY_DAYS = 30
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    first = live_card(membership)
    second = services.card_issue(membership=membership)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoke_reason == "已补发新卡"
    assert second.expires_at == dt.datetime(2025, 4, 2, 2, tzinfo=dt.UTC)
    assert second.serial.startswith("C") and len(second.serial) == 17 and second.serial == second.serial.upper()
    assert live_card(membership) == second


def test_card_revoke_is_once_and_needs_change_rights():
    tree = Tree()
    card = live_card(make_member(union=tree.grassroots_a))
    for actor in (tree.staff_b, make_staff(union=tree.grassroots_a, role="viewer")):
        with pytest.raises(NotFound):
            services.card_revoke(card=card, actor=actor, reason="冒用")
    with pytest.raises(ValidationFailed):
        services.card_revoke(card=card, actor=tree.staff_a, reason="  ")
    services.card_revoke(card=card, actor=tree.staff_a, reason=" 冒用 " + "长" * 300)
    card.refresh_from_db()
    first_at = card.revoked_at
    assert card.revoke_reason.startswith("冒用") and len(card.revoke_reason) == 200
    services.card_revoke(card=card, actor=tree.staff_a, reason="再次注销")
    card.refresh_from_db()
    assert card.revoked_at == first_at and card.revoke_reason.startswith("冒用")
    assert AuditEvent.objects.filter(action="card.revoke").count() == 1


def test_no_replacement_card_while_the_membership_is_not_active():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    with pytest.raises(Conflict) as info:
        services.card_reissue(membership=transfer.membership, actor=tree.staff_a, reason="手机丢失")
    assert info.value.code == "membership_not_active"
    viewer = make_staff(union=tree.grassroots_a, role="viewer")
    with pytest.raises(NotFound):
        services.card_reissue(membership=make_member(union=tree.grassroots_a), actor=viewer, reason="手机丢失")


def _allow_printed_cards(tree: Tree) -> None:
    """The fixed (printed-card) token verifies only where the union allows printed cards."""
    from gonghui.orgs.services import union_printed_cards_set

    union_printed_cards_set(union=tree.grassroots_a, allowed=True, actor=tree.staff_a)


def test_card_of_a_membership_that_ended_verifies_as_revoked():
    tree = Tree()
    _allow_printed_cards(tree)  # these check the fixed token of printed cards
    membership = make_member(union=tree.grassroots_a)
    token = services.card_token(live_card(membership))
    assert services.card_verify(token=token).status == "valid"
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ENDED)
    assert services.card_verify(token=token).status == "revoked"
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.TRANSFERRING)
    assert services.card_verify(token=token).status == "valid"


def test_card_expires_at_its_expiry_moment():
    tree = Tree()
    _allow_printed_cards(tree)  # these check the fixed token of printed cards
    card = live_card(make_member(union=tree.grassroots_a))
    token = services.card_token(card)
    now = timezone.now()
    MemberCard.objects.filter(pk=card.pk).update(expires_at=now + dt.timedelta(minutes=1))
    assert services.card_verify(token=token).status == "valid"
    MemberCard.objects.filter(pk=card.pk).update(expires_at=now)
    assert services.card_verify(token=token).status == "expired"


def test_a_token_signed_for_something_else_is_invalid():
    tree = Tree()
    _allow_printed_cards(tree)  # these check the fixed token of printed cards
    card = live_card(make_member(union=tree.grassroots_a))
    assert services.card_verify(token=signing.dumps(card.serial, salt="another.purpose")).status == "invalid"
    assert services.card_verify(token=signing.dumps("C0000000000000000", salt=services.CARD_SALT)).status == "invalid"
    verified = services.card_verify(token=f"  {services.card_token(card)}  ")
    assert verified.status == "valid" and verified.serial_tail == card.serial[-4:]


# --- each step touches its own member only, and says why it refused ---------------------------


def test_every_step_leaves_other_members_and_their_cards_alone():
    tree = Tree()
    bystander = make_member(union=tree.grassroots_a, name="旁观者")
    lost = MemberCard.objects.create(membership=bystander, serial="CLOSTCARD0000001",
                                     expires_at=timezone.now() + dt.timedelta(days=1),
                                     revoked_at=timezone.now() - dt.timedelta(days=9), revoke_reason="遗失")
    bystander_card = live_card(bystander)
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    assert Membership.objects.get(pk=bystander.pk).status == Membership.Status.ACTIVE
    services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    services.card_reissue(membership=make_member(union=tree.grassroots_a), actor=tree.staff_a, reason="手机丢失")
    again = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_reject(transfer=again, actor=tree.staff_a, reason="不同意")
    assert Membership.objects.get(pk=bystander.pk).status == Membership.Status.ACTIVE
    assert live_card(bystander) == bystander_card
    lost_before = lost.revoked_at
    lost.refresh_from_db()
    assert lost.revoke_reason == "遗失" and lost.revoked_at == lost_before


def test_accept_keeps_the_reason_of_a_card_the_member_lost_earlier():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    lost = services.card_revoke(card=live_card(transfer.membership), actor=tree.staff_a, reason="遗失")
    services.card_issue(membership=transfer.membership)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    revoked_at = lost.revoked_at
    lost.refresh_from_db()
    assert lost.revoke_reason == "遗失" and lost.revoked_at == revoked_at


def test_reissue_keeps_the_reason_of_a_card_revoked_earlier():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    old = live_card(membership)
    services.card_revoke(card=old, actor=tree.staff_a, reason="冒用")
    services.card_reissue(membership=membership, actor=tree.staff_a, reason="补办")
    old.refresh_from_db()
    assert old.revoke_reason == "冒用"


def test_refusals_carry_their_codes():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    with pytest.raises(Conflict) as info:
        request(tree, transfer.membership)
    assert info.value.code == "transfer_open"
    with pytest.raises(Conflict) as info:
        services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    assert info.value.code == "transfer_state"
    with pytest.raises(ValidationFailed) as info:
        services.membership_transfer_reject(transfer=transfer, actor=tree.staff_a, reason=" ")
    assert (info.value.code, info.value.field) == ("reason_required", "reason")
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    for step in (
        lambda: services.membership_transfer_release(transfer=transfer, actor=tree.staff_a),
        lambda: services.membership_transfer_cancel(transfer=transfer, actor=tree.staff_a),
    ):
        with pytest.raises(Conflict) as info:
            step()
        assert info.value.code == "transfer_state"
    services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    with pytest.raises(Conflict) as info:
        services.membership_transfer_reject(transfer=transfer, actor=tree.staff_b, reason="晚了")
    assert info.value.code == "transfer_state"
    card = live_card(make_member(union=tree.grassroots_a))
    for call in (lambda: services.card_revoke(card=card, actor=tree.staff_a, reason=""),
                 lambda: services.card_reissue(membership=card.membership, actor=tree.staff_a, reason="   ")):
        with pytest.raises(ValidationFailed) as info:
            call()
        assert (info.value.code, info.value.field) == ("reason_required", "reason")


def test_notes_and_reasons_are_kept_to_their_length():
    tree = Tree()
    long = "很" * 400
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a, note=long)
    transfer.refresh_from_db()
    assert len(transfer.note) == 300
    services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b, note=long + "!")
    transfer.refresh_from_db()
    assert transfer.note == long[:300]
    rejected = services.membership_transfer_reject(
        transfer=make_transfer(tree=tree, to_union=tree.grassroots_b), actor=tree.staff_a, reason=long
    )
    assert len(rejected.note) == 300 and rejected.status == MembershipTransfer.Status.REJECTED
    membership = make_member(union=tree.grassroots_a)
    card = services.card_reissue(membership=membership, actor=tree.staff_a, reason=long)
    assert len(AuditEvent.objects.get(action="card.reissue", target_id=str(card.pk)).reason) == 200


def test_transfer_without_a_reason_stores_an_empty_one():
    tree = Tree()
    transfer = request(tree, make_member(union=tree.grassroots_a), reason=None)
    assert transfer.reason == ""


def test_accepted_member_starts_a_transfer_membership_and_it_is_audited():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    new = services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    assert new.source == "transfer"
    assert AuditEvent.objects.filter(action="membership_transfer.accept", target_id=str(transfer.pk)).exists()


def test_a_viewer_of_the_receiving_union_cannot_send_the_transfer_back():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    with pytest.raises(NotFound):
        services.membership_transfer_reject(transfer=transfer, actor=make_staff(union=tree.city_b, role="viewer"), reason="x")


def test_cards_already_printed_keep_verifying(frozen_clock):
    # The salt is part of every QR code handed out: changing it would void them all.
    frozen_clock(dt.datetime(2025, 3, 3, 10, tzinfo=SHANGHAI))
    tree = Tree()
    _allow_printed_cards(tree)  # these check the fixed token of printed cards
    card = live_card(make_member(union=tree.grassroots_a))
    printed = signing.dumps(card.serial, salt="gonghui.members.card")
    assert services.card_verify(token=printed).status == "valid"
    MemberCard.objects.filter(pk=card.pk).update(expires_at=timezone.now())
    assert services.card_verify(token=printed).status == "expired"  # at the very moment
