"""Demo data for `make run`: a small but realistic slice of the union tree.

Two provincial branches (广东 → 深圳 → 南山; 四川 → 成都 → 锦江), an industrial union, a city
new-form federation, employers with and without unions, staff at several levels, members,
a pending application and a worker login. Idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.services import worker_user_get_or_create
from gonghui.core.pii import phone_index
from gonghui.core.testdata import id_number_make, uscc_make
from gonghui.members.models import EmploymentForm, NewFormKind, Person
from gonghui.members.services import membership_application_approve, membership_application_submit
from gonghui.orgs.models import Employer, Region, Union
from gonghui.orgs.services import employer_create, regions_load, union_create
from gonghui.stations.demo import stations_demo_load

DEMO_PASSWORD = "gonghui-demo-2025"  # noqa: S105 - printed on purpose, demo only
WORKER_PHONE = "13800138000"


@dataclass
class Demo:
    unions: dict[str, Union] = field(default_factory=dict)
    employers: dict[str, Employer] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _union(demo: Demo, key: str, name: str, kind: str, parent: str | None, region: str | None, employer: str | None = None) -> Union:
    parent_obj = demo.unions[parent] if parent else None
    existing = Union.objects.filter(parent=parent_obj, name=name).first()
    if existing is None:
        existing = union_create(
            name=name, kind=kind, parent=parent_obj,
            region=Region.objects.get(code=region) if region else None,
            employer=demo.employers[employer] if employer else None,
        )
    demo.unions[key] = existing
    return existing


def _employer(demo: Demo, key: str, serial: int, name: str, region: str, **kw: Any) -> Employer:
    code = uscc_make(region=region[:4] + "00", serial=serial)
    existing = Employer.objects.filter(uscc=code).first()
    if existing is None:
        existing = employer_create(uscc=code, name=name, region=Region.objects.get(code=region), **kw)
    demo.employers[key] = existing
    return existing


def _staff(demo: Demo, username: str, full_name: str, union: str, role: str, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        if superuser:
            user = User.objects.create_superuser(username=username, password=DEMO_PASSWORD, full_name=full_name)
        else:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, full_name=full_name)
    if union:
        RoleGrant.objects.get_or_create(user=user, union=demo.unions[union], role=role)
    demo.logins.append((username, full_name, demo.unions[union].name if union else "全部"))
    return user


def _worker_user(phone: str, name: str) -> User:
    user = User.objects.filter(phone_index=phone_index(phone)).first()
    if user is None:
        user = worker_user_get_or_create(phone=phone)
        user.full_name = name
        user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def demo_load() -> Demo:
    if not Region.objects.exists():
        regions_load()
    demo = Demo()
    _union(demo, "acftu", "中华全国总工会", Union.Kind.NATIONAL, None, None)
    _union(demo, "seamen", "中国海员建设工会", Union.Kind.INDUSTRIAL, "acftu", None)
    _union(demo, "gd", "广东省总工会", Union.Kind.PROVINCIAL, "acftu", "440000")
    _union(demo, "sz", "深圳市总工会", Union.Kind.CITY, "gd", "440300")
    _union(demo, "ns", "南山区总工会", Union.Kind.COUNTY, "sz", "440305")
    _union(demo, "ft", "福田区总工会", Union.Kind.COUNTY, "sz", "440304")
    _union(demo, "sz_nf", "深圳市新就业形态劳动者工会联合会", Union.Kind.FEDERATION_NEW_FORM, "sz", "440300")
    _union(demo, "ns_yh", "粤海街道总工会", Union.Kind.TOWNSHIP, "ns", "440305")
    _union(demo, "sc", "四川省总工会", Union.Kind.PROVINCIAL, "acftu", "510000")
    _union(demo, "cd", "成都市总工会", Union.Kind.CITY, "sc", "510100")
    _union(demo, "jj", "锦江区总工会", Union.Kind.COUNTY, "cd", "510104")
    _union(demo, "cd_nf", "成都市新业态工会联合会", Union.Kind.FEDERATION_NEW_FORM, "cd", "510100")

    _employer(demo, "tech", 1001, "深圳鹏城智能科技有限公司", "440305", industry="软件和信息技术服务业", headcount=860)
    _employer(demo, "build", 1002, "深圳南山建工集团有限公司", "440305", ownership=Employer.Ownership.STATE, industry="建筑业", headcount=2300)
    _employer(demo, "mall", 1003, "福田万家商贸有限公司", "440304", industry="批发和零售业", headcount=120)
    platform = _employer(demo, "platform", 1004, "速达同城配送科技有限公司", "440305", industry="道路运输业", headcount=5000, is_platform=True)
    _employer(demo, "platform_cd", 1005, "速达同城配送科技有限公司成都分公司", "510104", industry="道路运输业", headcount=800, is_platform=True, headquarters=platform)
    _employer(demo, "shipping", 1006, "中远海运船员管理有限公司", "440305", ownership=Employer.Ownership.STATE, industry="水上运输业", headcount=3100)
    _employer(demo, "noodle", 1007, "锦江小面餐饮店", "510104", industry="餐饮业", headcount=8)
    _union(demo, "tech_u", "深圳鹏城智能科技有限公司工会", Union.Kind.GRASSROOTS, "ns_yh", "440305", "tech")
    _union(demo, "build_u", "深圳南山建工集团有限公司工会委员会", Union.Kind.GRASSROOTS, "ns", "440305", "build")
    _union(demo, "mall_u", "福田万家商贸有限公司工会", Union.Kind.GRASSROOTS, "ft", "440304", "mall")
    _union(demo, "platform_u", "速达同城配送科技有限公司工会", Union.Kind.GRASSROOTS, "ns", "440305", "platform")
    _union(demo, "shipping_u", "中远海运船员管理有限公司工会", Union.Kind.GRASSROOTS, "seamen", "440305", "shipping")

    admin = _staff(demo, "admin", "系统管理员", "", "", superuser=True)
    _staff(demo, "shenzhen", "深圳市总 张敏", "sz", RoleGrant.Role.ADMIN)
    _staff(demo, "nanshan", "南山区总 李强", "ns", RoleGrant.Role.STAFF)
    _staff(demo, "pengcheng", "鹏城科技工会 王芳", "tech_u", RoleGrant.Role.STAFF)
    _staff(demo, "chengdu", "成都市总 刘洋", "cd", RoleGrant.Role.ADMIN)

    people = [
        ("陈建国", "build", EmploymentForm.STANDARD, "", True, dt.date(1978, 5, 12), "13900000001"),
        ("林晓燕", "tech", EmploymentForm.STANDARD, "", False, dt.date(1992, 8, 3), "13900000002"),
        ("黄志明", "tech", EmploymentForm.STANDARD, "", False, dt.date(1988, 11, 21), "13900000003"),
        ("周海涛", "shipping", EmploymentForm.STANDARD, "", False, dt.date(1985, 2, 14), "13900000004"),
        ("赵小龙", None, EmploymentForm.NEW_FORM, NewFormKind.FOOD_DELIVERY, True, dt.date(1997, 6, 30), "13900000005"),
        ("孙丽娟", "mall", EmploymentForm.PART_TIME, "", False, dt.date(1990, 1, 9), "13900000006"),
    ]
    for seq, (name, emp, form, kind, migrant, birth, phone) in enumerate(people, start=1):
        number = id_number_make(birth=birth, seq=seq, female=name in {"林晓燕", "孙丽娟"})
        if Person.objects.filter(name=name).exists():
            continue
        user = _worker_user(phone, name)
        application = membership_application_submit(
            user=user, name=name, id_number=number, phone=phone, employment_form=form,
            employer=demo.employers[emp] if emp else None,
            union=demo.unions["sz_nf"] if not emp else None,
            new_form_kind=kind, is_migrant_worker=migrant,
        )
        if name != "孙丽娟":  # one application stays pending for the approval demo
            membership_application_approve(application=application, actor=admin)
    _worker_user(WORKER_PHONE, "")
    demo.logins.extend(stations_demo_load())
    _cases_demo(demo, admin)
    _legal_demo(demo, admin)
    _campaigns_demo(demo)
    _bargaining_demo(demo, admin)
    _skills_demo(demo)
    demo.logins.append((WORKER_PHONE, "职工（短信验证码登录）", "—"))
    return demo


def _cases_demo(demo: Demo, admin: User) -> None:
    """A few 12351 cases in different states, so the queues and 我的诉求 are not empty."""
    from gonghui.cases.models import Case, Category, Channel
    from gonghui.cases.services import case_accept, case_create, case_resolve

    if Case.objects.exists():
        return
    rider = Person.objects.get(name="赵小龙")
    builder = Person.objects.get(name="陈建国")
    case_create(
        channel=Channel.APP, category=Category.WAGE_ARREARS, reporter_user=builder.user,
        description="工地两个月工资没有发，班组12个人都没拿到，老板说等项目结算。",
        employer=demo.employers["build"], region=Region.objects.get(code="440305"),
        place="南山区西丽工地", amount_fen=12 * 2 * 650000, people_count=12,
    )
    accepted = case_create(
        channel=Channel.APP, category=Category.WORK_INJURY, reporter_user=rider.user,
        description="送餐途中摔伤，平台说我不是员工不给报工伤，想咨询怎么办。",
        region=Region.objects.get(code="440305"), place="南山区科技园", is_new_form=True,
    )
    case_accept(case=accepted, by=admin, note="已受理，将联系平台企业工会核实。")
    resolved = case_create(
        channel=Channel.HOTLINE, category=Category.WAGE_ARREARS, reporter_name="马师傅",
        reporter_phone="13700000009", description="装修队拖欠三个工人的工钱，共一万八千元。",
        employer_name="锦江某装饰工程队", region=Region.objects.get(code="510104"),
        amount_fen=1800000, people_count=3, created_by=admin,
    )
    case_accept(case=resolved, by=admin)
    case_resolve(case=resolved, by=admin, outcome="经工会协调，工程队已全额支付欠薪。", recovered_fen=1800000, people_paid=3)



def _campaigns_demo(demo: Demo) -> None:
    from gonghui.campaigns.demo import campaigns_demo_load
    from gonghui.members.models import Membership

    members = Membership.objects.filter(status="active", person__user__isnull=False).select_related("person__user")
    workers = [m.person.user for m in members.order_by("pk")[:3]]
    campaigns_demo_load(union=demo.unions["sz"], workers=workers)
    from gonghui.campaigns.demo import activities_demo_load

    activities_demo_load(union=demo.unions["sz"], staff=User.objects.get(username="shenzhen"), workers=workers)
    from gonghui.campaigns.demo import checkup_demo_load, culture_demo_load

    checkup_demo_load(union=demo.unions["sz"], staff=User.objects.get(username="shenzhen"), workers=workers)
    culture_demo_load(union=demo.unions["sz"], staff=User.objects.get(username="shenzhen"))


def _bargaining_demo(demo: Demo, admin: User) -> None:
    from gonghui.bargaining.demo import bargaining_demo_load

    bargaining_demo_load(unions=demo.unions, employers=demo.employers, actor=admin)


def _skills_demo(demo: Demo) -> None:
    from gonghui.skills.demo import skills_demo_load

    def user_of(name: str) -> User:
        user = Person.objects.select_related("user").get(name=name).user
        if user is None:
            raise LookupError(f"demo person {name} has no account")
        return user

    skills_demo_load(
        union=demo.unions["sz"], author_user=user_of("黄志明"), learner=user_of("林晓燕"), proposer=user_of("陈建国"),
        reviewer=User.objects.get(username="nanshan"),
    )


def _legal_demo(demo: Demo, admin: User) -> None:
    """Union legal-aid stations and lawyers that workers of 深圳/南山 and 成都 see listed."""
    from gonghui.cases.legal_services import lawyer_create
    from gonghui.cases.models import Lawyer

    entries = [
        ("sz", "深圳市总工会职工法律援助站", Lawyer.Kind.STATION, "", "", "深圳市福田区上步中路 1011 号", "工作日 9:00-12:00，14:00-18:00", "0755-12351"),
        ("ns", "南山区总工会职工法律援助工作站", Lawyer.Kind.STATION, "", "", "深圳市南山区南山大道 2001 号", "工作日 9:00-17:30", "0755-26660000"),
        ("ns", "吴律师", Lawyer.Kind.LAWYER, "广东某某律师事务所", "劳动合同、工伤", "", "每周三下午在南山区工作站值班", "0755-26660001"),
        ("cd", "成都市总工会职工法律援助中心", Lawyer.Kind.STATION, "", "", "成都市锦江区总府路 2 号", "工作日 9:00-17:00", "028-12351"),
    ]
    for union, name, kind, firm, specialities, address, hours, phone in entries:
        if Lawyer.objects.filter(union=demo.unions[union], name=name).exists():
            continue
        lawyer_create(union=demo.unions[union], name=name, kind=kind, firm=firm, specialities=specialities, by=admin,
                      is_public=True, address=address, hours=hours, public_phone=phone)
