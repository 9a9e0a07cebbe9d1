"""Builders for staff-side member tests (on top of tests.factories)."""

from __future__ import annotations

from typing import Any

from gonghui.members.models import EmploymentForm, MembershipApplication, MembershipTransfer
from gonghui.members.services import membership_application_submit, membership_transfer_request
from gonghui.orgs.models import Union
from tests.factories import make_grassroots, make_id_number, make_member, make_worker_user


def make_application(*, union: Union, name: str = "申请人", id_number: str | None = None,
                     phone: str | None = None) -> MembershipApplication:
    """A submitted (pending) application to grassroots `union`, which has an employer."""
    user = make_worker_user(phone=phone)
    return membership_application_submit(
        user=user, name=name, id_number=id_number or make_id_number(), phone=user.phone,
        employment_form=EmploymentForm.STANDARD, employer=union.employer,
    )


def make_transfer(*, tree: Any, to_union: Union | None = None, actor: Any = None,
                  name: str = "接转会员") -> MembershipTransfer:
    """A requested transfer of a member of grassroots A to `to_union` (default: a new
    grassroots union in branch A, so branch B's staff cover neither side)."""
    membership = make_member(union=tree.grassroots_a, name=name)
    to_union = to_union or make_grassroots(parent=tree.county_a)
    return membership_transfer_request(
        membership=membership, to_union=to_union, to_employer=to_union.employer,
        reason="工作调动", actor=actor or tree.staff_a,
    )
