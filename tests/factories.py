"""Factories shared by every app's tests: a union tree with two branches, staff, workers."""

from __future__ import annotations

import itertools
from typing import Any

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.services import worker_username_new
from gonghui.core.pii import phone_index
from gonghui.core.testdata import id_number_make, uscc_make
from gonghui.members.models import EmploymentForm, Membership
from gonghui.members.services import membership_application_approve, membership_application_submit
from gonghui.orgs.models import Employer, Region, Union
from gonghui.orgs.services import employer_create, union_create

_seq = itertools.count(1)


def next_seq() -> int:
    return next(_seq)


def make_union(*, name: str | None = None, kind: str = Union.Kind.GRASSROOTS, parent: Union | None = None,
               region: str | None = "440305", employer: Employer | None = None) -> Union:
    if parent is None and kind != Union.Kind.NATIONAL:
        parent = national()
    return union_create(
        name=name or f"测试工会{next_seq()}", kind=kind, parent=parent,
        region=Region.objects.get(code=region) if region else None, employer=employer,
    )


def national() -> Union:
    existing = Union.objects.filter(kind=Union.Kind.NATIONAL).first()
    return existing or union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)


def make_employer(*, name: str | None = None, region: str = "440305", **kw: Any) -> Employer:
    n = next_seq()
    return employer_create(
        uscc=uscc_make(region=region[:4] + "00", serial=50000 + n), name=name or f"测试单位{n}有限公司",
        region=Region.objects.get(code=region), **kw,
    )


def make_grassroots(*, parent: Union, region: str = "440305", name: str | None = None) -> Union:
    employer = make_employer(region=region)
    return make_union(name=name or f"{employer.name}工会", parent=parent, region=region, employer=employer)


def make_staff(*, union: Union | None, role: str = RoleGrant.Role.STAFF, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or f"staff{next_seq()}", password="pw-for-tests-123")
    if union is not None:
        RoleGrant.objects.create(user=user, union=union, role=role)
    return user


def make_worker_user(*, phone: str | None = None, name: str = "") -> User:
    phone = phone or f"139{next_seq():08d}"
    return User.objects.create_user(
        username=worker_username_new(), full_name=name, phone=phone, phone_index=phone_index(phone)
    )


def make_id_number(*, female: bool = False) -> str:
    return id_number_make(seq=next_seq(), female=female)


def make_member(*, union: Union, name: str = "测试会员", user: User | None = None) -> Membership:
    """A person with an approved membership in grassroots `union` (which has an employer)."""
    user = user or make_worker_user()
    application = membership_application_submit(
        user=user, name=name, id_number=make_id_number(), phone=user.phone,
        employment_form=EmploymentForm.STANDARD, employer=union.employer,
        union=None if union.employer else union,
    )
    approver = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        username=f"root{next_seq()}", password="pw-for-tests-123"
    )
    return membership_application_approve(application=application, actor=approver)


class Tree:
    """Two branches under one province: A (city A → county A → grassroots A) and B."""

    def __init__(self) -> None:
        self.national = national()
        self.province = make_union(name=f"省总工会{next_seq()}", kind=Union.Kind.PROVINCIAL, parent=self.national, region="440000")
        self.city_a = make_union(name=f"甲市总工会{next_seq()}", kind=Union.Kind.CITY, parent=self.province, region="440300")
        self.county_a = make_union(name=f"甲区总工会{next_seq()}", kind=Union.Kind.COUNTY, parent=self.city_a, region="440305")
        self.grassroots_a = make_grassroots(parent=self.county_a, region="440305")
        self.city_b = make_union(name=f"乙市总工会{next_seq()}", kind=Union.Kind.CITY, parent=self.province, region="440100")
        self.grassroots_b = make_grassroots(parent=self.city_b, region="440103")
        self.staff_a = make_staff(union=self.city_a, role=RoleGrant.Role.ADMIN)
        self.staff_b = make_staff(union=self.city_b, role=RoleGrant.Role.ADMIN)
