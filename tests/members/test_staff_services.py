"""Staff-side member services: decisions, transfers, cards, reveal."""

from __future__ import annotations

import pytest

from gonghui.accounts.models import RoleGrant
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.members import services
from gonghui.members.models import MemberCard, Membership, MembershipApplication, MembershipTransfer
from tests.factories import Tree, make_grassroots, make_member, make_staff
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db


def test_approve_creates_membership_and_card():
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    membership = services.membership_application_approve(application=application, actor=tree.staff_a, note="材料齐全")
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.decided_by == tree.staff_a
    assert membership.union == tree.grassroots_a and membership.status == Membership.Status.ACTIVE
    assert membership.number.startswith("44")
    assert MemberCard.objects.filter(membership=membership, revoked_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="membership_application.approve", target_id=str(application.pk)).exists()


def test_reject_needs_a_reason_and_keeps_application_open():
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    with pytest.raises(ValidationFailed) as exc:
        services.membership_application_reject(application=application, actor=tree.staff_a, reason="  ")
    assert exc.value.code == "reason_required"
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    services.membership_application_reject(application=application, actor=tree.staff_a, reason="非本单位职工")
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "非本单位职工"
    assert not Membership.objects.filter(person=application.person).exists()


def test_double_approval_is_a_conflict_and_creates_one_membership():
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    services.membership_application_approve(application=application, actor=tree.staff_a)
    with pytest.raises(Conflict):
        services.membership_application_approve(application=application, actor=tree.staff_a)
    with pytest.raises(Conflict):
        services.membership_application_reject(application=application, actor=tree.staff_a, reason="重复")
    assert Membership.objects.filter(person=application.person).count() == 1


def test_other_branch_staff_cannot_decide():
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    with pytest.raises(NotFound):
        services.membership_application_approve(application=application, actor=tree.staff_b)


def test_viewer_cannot_approve():
    tree = Tree()
    viewer = make_staff(union=tree.city_a, role=RoleGrant.Role.VIEWER)
    application = make_application(union=tree.grassroots_a)
    with pytest.raises(NotFound):
        services.membership_application_approve(application=application, actor=viewer)


def test_transfer_release_then_accept_moves_membership_and_card():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b, actor=tree.staff_a)
    old = transfer.membership
    old_card = MemberCard.objects.get(membership=old)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a, note="同意")
    old.refresh_from_db()
    assert old.status == Membership.Status.TRANSFERRING
    # Branch A may not accept on B's behalf.
    with pytest.raises(NotFound):
        services.membership_transfer_accept(transfer=transfer, actor=tree.staff_a)
    new = services.membership_transfer_accept(transfer=transfer, actor=tree.staff_b)
    old.refresh_from_db()
    old_card.refresh_from_db()
    transfer.refresh_from_db()
    assert old.status == Membership.Status.TRANSFERRED_OUT and old.ended_on is not None
    assert old_card.revoked_at is not None
    assert new.union == tree.grassroots_b and new.status == Membership.Status.ACTIVE
    assert new.number != old.number
    assert MemberCard.objects.filter(membership=new, revoked_at__isnull=True).count() == 1
    assert transfer.status == MembershipTransfer.Status.ACCEPTED and transfer.new_membership == new
    # History is kept: both memberships remain.
    assert Membership.objects.filter(person=old.person).count() == 2


def test_transfer_reject_restores_active_membership():
    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=tree.grassroots_b)
    services.membership_transfer_release(transfer=transfer, actor=tree.staff_a)
    with pytest.raises(ValidationFailed):
        services.membership_transfer_reject(transfer=transfer, actor=tree.staff_b, reason="")
    services.membership_transfer_reject(transfer=transfer, actor=tree.staff_b, reason="查无此人")
    transfer.refresh_from_db()
    transfer.membership.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.REJECTED
    assert transfer.membership.status == Membership.Status.ACTIVE
    assert MemberCard.objects.filter(membership=transfer.membership, revoked_at__isnull=True).exists()


def test_transfer_cancel_only_before_release():
    tree = Tree()
    transfer = make_transfer(tree=tree)
    services.membership_transfer_cancel(transfer=transfer, actor=tree.staff_a)
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.CANCELLED
    again = services.membership_transfer_request(
        membership=transfer.membership, to_union=tree.grassroots_b, to_employer=None, reason="", actor=tree.staff_a
    )
    services.membership_transfer_release(transfer=again, actor=tree.staff_a)
    with pytest.raises(Conflict):
        services.membership_transfer_cancel(transfer=again, actor=tree.staff_a)


def test_second_open_transfer_is_a_conflict():
    tree = Tree()
    transfer = make_transfer(tree=tree)
    with pytest.raises(Conflict):
        services.membership_transfer_request(
            membership=transfer.membership, to_union=tree.grassroots_b, to_employer=None, reason="", actor=tree.staff_a
        )


def test_card_reissue_revokes_old_card_and_is_audited():
    tree = Tree()
    membership = make_member(union=tree.grassroots_a)
    old = MemberCard.objects.get(membership=membership)
    with pytest.raises(ValidationFailed):
        services.card_reissue(membership=membership, actor=tree.staff_a, reason="")
    with pytest.raises(NotFound):
        services.card_reissue(membership=membership, actor=tree.staff_b, reason="手机丢失")
    new = services.card_reissue(membership=membership, actor=tree.staff_a, reason="手机丢失")
    old.refresh_from_db()
    assert old.revoked_at is not None and new.revoked_at is None and new.serial != old.serial
    assert AuditEvent.objects.filter(action="card.reissue", target_id=str(new.pk), reason="手机丢失").exists()


def test_card_revoke_needs_reason():
    tree = Tree()
    card = MemberCard.objects.get(membership=make_member(union=tree.grassroots_a))
    with pytest.raises(ValidationFailed):
        services.card_revoke(card=card, actor=tree.staff_a, reason="")
    services.card_revoke(card=card, actor=tree.staff_a, reason="冒用")
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revoke_reason == "冒用"


def test_reveal_is_audited_and_needs_reason():
    tree = Tree()
    person = make_member(union=tree.grassroots_a).person
    with pytest.raises(ValidationFailed):
        services.person_reveal(person=person, actor=tree.staff_a, field="id_number", reason="")
    value = services.person_reveal(person=person, actor=tree.staff_a, field="id_number", reason="核实身份")
    assert value == person.id_number and "*" not in value
    event = AuditEvent.objects.get(action="person.reveal.id_number", target_id=str(person.pk))
    assert event.actor == tree.staff_a and event.reason == "核实身份"


def test_reveal_forbidden_for_staff_role_without_reveal_pii():
    tree = Tree()
    plain_staff = make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF)
    person = make_member(union=tree.grassroots_a).person
    with pytest.raises(PermissionDenied):
        services.person_reveal(person=person, actor=plain_staff, field="phone", reason="核实")
    with pytest.raises(PermissionDenied):
        services.person_reveal(person=person, actor=tree.staff_b, field="phone", reason="核实")
    assert not AuditEvent.objects.filter(action__startswith="person.reveal").exists()


def test_transfer_into_other_branch_is_visible_to_both_sides():
    from gonghui.members.selectors import transfer_list

    tree = Tree()
    transfer = make_transfer(tree=tree, to_union=make_grassroots(parent=tree.city_b, region="440103"))
    assert list(transfer_list(user=tree.staff_a, direction="out")) == [transfer]
    assert list(transfer_list(user=tree.staff_b, direction="in")) == [transfer]
    assert list(transfer_list(user=tree.staff_b, direction="out")) == []
    assert list(transfer_list(user=tree.staff_b)) == [transfer]
