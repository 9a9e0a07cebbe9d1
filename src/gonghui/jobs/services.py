"""Every write of the jobs module: one function, one transaction, validated with clear
Chinese errors. Pages, the API, admin and tasks call these; nothing else saves a model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.jurisdiction import has_action
from gonghui.core.text import pinyin_full, pinyin_initials
from gonghui.core.validators import parse_uscc
from gonghui.orgs.models import Employer, Region, Union

from .models import (
    Contract,
    EmployerAccount,
    EmploymentService,
    FairBooth,
    FairRegistration,
    JobApplication,
    JobFair,
    MinimumWage,
    PayUnit,
    Placement,
    Posting,
    PriorityGroup,
    Retention,
    Seeker,
    Trade,
    TrainingEnrolment,
    TrainingOrder,
    region_parents,
)
from .screening import REFUSE, REVIEW, Flag, discrimination_check

# Pay above these is a typing error (an extra zero), not a job: refused.
ABSURD_MONTHLY = 200_000_00
ABSURD_HOURLY = 2_000_00
# A range wider than this (max / min) says nothing about the pay.
MAX_PAY_SPREAD = 5
MAX_OPEN_DAYS = 180
MAX_OPENINGS = 10_000
# Full-time hours a month (劳动和社会保障部: 21.75 days × 8 h), for a monthly standard when a
# region has no hourly one.
HOURS_PER_MONTH = 174


def today() -> dt.date:
    return timezone.localdate()


# --- minimum wage -----------------------------------------------------------------------------


def minimum_wage_for(*, region_code: str, on: dt.date) -> MinimumWage | None:
    """The standard in force on `on` for the most specific of the county, its city, its province."""
    rows = list(MinimumWage.objects.filter(region_code__in=region_parents(region_code), effective_from__lte=on)
                .order_by("-effective_from"))
    for code in region_parents(region_code):
        for row in rows:
            if row.region_code == code:
                return row
    return None


def minimum_wage_set(*, actor: Any, region_code: str, effective_from: dt.date, monthly: int,
                     hourly: int | None = None, source: str = "") -> MinimumWage:
    """Record a standard. Only staff of the province's own union (or a superuser) may."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(_("地区代码不存在。"), code="region_unknown", field="region_code")
    province = region_code[:2] + "0000"
    allowed = getattr(actor, "is_superuser", False) or any(
        has_action(actor, "change", u.path)
        for u in Union.objects.active().filter(kind=Union.Kind.PROVINCIAL, region_id=province)
    )
    if not allowed:
        raise PermissionDenied(_("最低工资标准由省总工会维护。"), code="not_province")
    if not 1000_00 <= monthly <= 10000_00:
        raise ValidationFailed(_("月最低工资应在 1000 至 10000 元之间。"), code="minimum_out_of_range", field="monthly")
    if hourly is not None and not 5_00 <= hourly <= 100_00:
        raise ValidationFailed(_("小时最低工资应在 5 至 100 元之间。"), code="minimum_out_of_range", field="hourly")
    with transaction.atomic():
        row, _created = MinimumWage.objects.update_or_create(
            region_code=region_code, effective_from=effective_from,
            defaults={"region_name": region.name, "year": effective_from.year, "monthly": monthly, "hourly": hourly,
                      "source": source[:200], "updated_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
        audit_record(actor=actor, action="jobs.minimum_wage_set", target=row, data={"monthly": monthly, "hourly": hourly})
    return row


def _hourly_floor(standard: MinimumWage) -> int:
    return standard.hourly if standard.hourly else -(-standard.monthly // HOURS_PER_MONTH)


# --- employer accounts ----------------------------------------------------------------------


def employer_account_grant(*, actor: Any, employer: Employer, user: Any, union: Union) -> EmployerAccount:
    """Let `user` recruit for `employer`. The granting staff must hold `change` over `union`,
    and the employer must be one they see (their branch) with a valid USCC."""
    parse_uscc(employer.uscc)
    if not has_action(actor, "change", union.path):
        raise NotFound()
    if not Employer.objects.visible_to(actor, "change").filter(pk=employer.pk).exists():
        raise NotFound()
    with transaction.atomic():
        if EmployerAccount.objects.active().filter(user=user, employer=employer).exists():
            raise Conflict(_("该手机号已是本单位的招聘账号。"), code="account_exists")
        account = EmployerAccount.objects.create(user=user, employer=employer, union=union, granted_by=actor)
        audit_record(actor=actor, action="jobs.employer_account_grant", target=account)
    return account


def employer_account_revoke(*, actor: Any, account: EmployerAccount) -> EmployerAccount:
    if not has_action(actor, "change", account.union.path):
        raise NotFound()
    account.revoked_at = timezone.now()
    account.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="jobs.employer_account_revoke", target=account)
    return account


# --- postings ---------------------------------------------------------------------------------


def _skills(values: Any) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    out: list[str] = []
    for v in values or []:
        v = str(v).strip()[:20]
        if v and v not in out:
            out.append(v)
    return out[:10]


def posting_check(*, region: Region, pay_min: int, pay_max: int, pay_unit: str, closes_on: dt.date, openings: int,
                  title: str, requirements: str, hours: str, on: dt.date | None = None) -> tuple[list[Flag], MinimumWage | None]:
    """The checks before publishing. Hard errors raise `ValidationFailed`; what needs a
    person's judgement comes back as flags (refuse / review) with the standard used."""
    on = on or today()
    if pay_unit not in PayUnit.values:
        raise ValidationFailed(_("计薪方式无效。"), code="pay_unit_invalid", field="pay_unit")
    if pay_min <= 0 or pay_max <= 0:
        raise ValidationFailed(_("请填写工资范围。"), code="pay_required", field="pay_min")
    if pay_min > pay_max:
        raise ValidationFailed(_("工资下限不能高于上限。"), code="pay_min_over_max", field="pay_min")
    absurd = ABSURD_MONTHLY if pay_unit == PayUnit.MONTH else ABSURD_HOURLY
    if pay_max > absurd:
        raise ValidationFailed(_("工资上限 %(pay)s 元不合常理，请检查是否多写了零。") % {"pay": f"{pay_max / 100:g}"},
                               code="pay_absurd", field="pay_max")
    if pay_max > pay_min * MAX_PAY_SPREAD:
        raise ValidationFailed(_("工资范围过宽（上限超过下限的 %(n)d 倍），请写实际能拿到的工资。") % {"n": MAX_PAY_SPREAD},
                               code="pay_spread", field="pay_max")
    if closes_on < on:
        raise ValidationFailed(_("截止日期已过，请选择今天或以后的日期。"), code="closes_in_past", field="closes_on")
    if closes_on > on + dt.timedelta(days=MAX_OPEN_DAYS):
        raise ValidationFailed(_("截止日期最长为 %(n)d 天后。") % {"n": MAX_OPEN_DAYS}, code="closes_too_far", field="closes_on")
    if not 1 <= openings <= MAX_OPENINGS:
        raise ValidationFailed(_("招聘人数应在 1 至 %(n)d 之间。") % {"n": MAX_OPENINGS}, code="openings_invalid", field="openings")
    standard = minimum_wage_for(region_code=region.code, on=on)
    flags: list[Flag] = []
    if standard is None:
        flags.append(Flag("wage", REVIEW, region.name, _("系统中没有该地的最低工资标准，由工会核对工资后发布。")))
    else:
        floor = standard.monthly if pay_unit == PayUnit.MONTH else _hourly_floor(standard)
        if pay_min < floor:
            raise ValidationFailed(
                _("工资下限 %(pay)s 元低于%(place)s最低工资标准 %(floor)s 元（%(since)s 起施行），不能发布。") % {
                    "pay": f"{pay_min / 100:g}", "place": standard.region_name, "floor": f"{floor / 100:g}",
                    "since": standard.effective_from.isoformat()},
                code="below_minimum_wage", field="pay_min")
    flags.extend(discrimination_check(" ".join([title, requirements, hours])))
    refused = [f for f in flags if f.severity == REFUSE]
    if refused:
        raise ValidationFailed(
            _("招聘要求含有歧视性内容，不能发布：%(items)s") % {
                "items": "；".join(f"“{f.text}”——{f.explanation}" for f in refused)},
            code="discriminatory", field="requirements")
    return flags, standard


def _posting_actor_union(*, actor: Any, employer: Employer, union: Union | None) -> Union:
    """Who may post for whom: a recruiter of that employer (at the union that verified it), or
    staff with `change` over `union` who see the employer in their branch."""
    account = EmployerAccount.objects.active().filter(user_id=getattr(actor, "pk", 0) or 0, employer=employer) \
        .select_related("union").first()
    if account is not None:
        return account.union
    if union is None or not has_action(actor, "change", union.path):
        raise PermissionDenied(_("您不能为该单位发布岗位。"), code="not_allowed")
    if not Employer.objects.visible_to(actor, "change").filter(pk=employer.pk).exists():
        raise ValidationFailed(_("该单位不在本工会服务范围内，或尚未登记。"), code="employer_unknown", field="employer")
    return union


def posting_create(*, actor: Any, employer: Employer, union: Union | None = None, title: str, trade: str,
                   region: Region, pay_min: int, pay_max: int, hours: str, openings: int, closes_on: dt.date,
                   pay_unit: str = PayUnit.MONTH, contract: str = Contract.LABOUR, requirements: str = "",
                   skills: Any = (), address: str = "") -> Posting:
    """Check and save a posting: published at once when nothing was flagged, else waiting
    for review; refused outright (nothing saved) below the minimum wage or when discriminatory."""
    title, hours, requirements = title.strip(), hours.strip(), requirements.strip()
    if not title or len(title) > 40:
        raise ValidationFailed(_("请填写岗位名称（40 字以内）。"), code="title_required", field="title")
    if trade not in Trade.values:
        raise ValidationFailed(_("请选择工种。"), code="trade_invalid", field="trade")
    if contract not in Contract.values:
        raise ValidationFailed(_("用工形式无效。"), code="contract_invalid", field="contract")
    if not hours or len(hours) > 60:
        raise ValidationFailed(_("请填写工作时间（60 字以内）。"), code="hours_required", field="hours")
    if len(requirements) > 1000:
        raise ValidationFailed(_("任职要求请在 1000 字以内。"), code="requirements_too_long", field="requirements")
    parse_uscc(employer.uscc, field="employer")
    union = _posting_actor_union(actor=actor, employer=employer, union=union)
    flags, standard = posting_check(region=region, pay_min=pay_min, pay_max=pay_max, pay_unit=pay_unit,
                                    closes_on=closes_on, openings=openings, title=title, requirements=requirements,
                                    hours=hours)
    now = timezone.now()
    status = Posting.Status.REVIEW if flags else Posting.Status.PUBLISHED
    with transaction.atomic():
        posting = Posting.objects.create(
            union=union, employer=employer, title=title, search_text=posting_search_text(title), trade=trade,
            skills=_skills(skills), region=region, city_code=region_parents(region.code)[1],
            province_code=region_parents(region.code)[2], address=address.strip()[:120], pay_min=pay_min,
            pay_max=pay_max, pay_unit=pay_unit, hours=hours, contract=contract, requirements=requirements,
            openings=openings, closes_on=closes_on, status=status, flags=[f.as_dict() for f in flags],
            minimum_wage=(standard.monthly if pay_unit == PayUnit.MONTH else _hourly_floor(standard)) if standard else None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            published_at=now if status == Posting.Status.PUBLISHED else None,
        )
        audit_record(actor=actor, action="jobs.posting_create", target=posting, data={"status": status})
    return posting


# What a worker who applied relies on: a change to any of these is told to the applicants.
MATERIAL_TERMS = ("title", "trade", "region", "pay_min", "pay_max", "pay_unit", "hours", "contract")
_TERM_LABELS = {"title": _("岗位名称"), "trade": _("工种"), "region": _("工作地点"), "pay_min": _("工资"),
                "pay_max": _("工资"), "pay_unit": _("计薪方式"), "hours": _("工作时间"), "contract": _("用工形式")}


def posting_update(*, actor: Any, posting: Posting, title: str, trade: str, region: Region, pay_min: int,
                   pay_max: int, hours: str, openings: int, closes_on: dt.date, pay_unit: str = PayUnit.MONTH,
                   contract: str = Contract.LABOUR, requirements: str = "", skills: Any = (),
                   address: str = "") -> Posting:
    """Edit a posting that is still open (or in review, or refused: editing resubmits it). The
    new text goes through the same checks as a new posting: refused outright below the minimum
    wage or when discriminatory (nothing changed), back to review when flagged. Applicants
    still in the running are told when a material term (pay, hours, place, contract, title,
    trade) changed."""
    if not posting_can_manage(user=actor, posting=posting):
        raise NotFound()
    title, hours, requirements = title.strip(), hours.strip(), requirements.strip()
    if not title or len(title) > 40:
        raise ValidationFailed(_("请填写岗位名称（40 字以内）。"), code="title_required", field="title")
    if trade not in Trade.values:
        raise ValidationFailed(_("请选择工种。"), code="trade_invalid", field="trade")
    if contract not in Contract.values:
        raise ValidationFailed(_("用工形式无效。"), code="contract_invalid", field="contract")
    if not hours or len(hours) > 60:
        raise ValidationFailed(_("请填写工作时间（60 字以内）。"), code="hours_required", field="hours")
    if len(requirements) > 1000:
        raise ValidationFailed(_("任职要求请在 1000 字以内。"), code="requirements_too_long", field="requirements")
    flags, standard = posting_check(region=region, pay_min=pay_min, pay_max=pay_max, pay_unit=pay_unit,
                                    closes_on=closes_on, openings=openings, title=title, requirements=requirements,
                                    hours=hours)
    new = {"title": title, "trade": trade, "region": region, "pay_min": pay_min, "pay_max": pay_max,
           "pay_unit": pay_unit, "hours": hours, "contract": contract, "requirements": requirements,
           "skills": _skills(skills), "address": address.strip()[:120], "openings": openings, "closes_on": closes_on}
    with transaction.atomic():
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        if locked.status not in (Posting.Status.PUBLISHED, Posting.Status.REVIEW, Posting.Status.REFUSED):
            raise Conflict(_("该岗位已结束招聘，不能修改。"), code="posting_closed")
        changed = [k for k, v in new.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        material = [k for k in MATERIAL_TERMS if k in changed]
        for key, value in new.items():
            setattr(locked, key, value)
        locked.search_text = posting_search_text(title)
        locked.city_code, locked.province_code = region_parents(region.code)[1], region_parents(region.code)[2]
        locked.flags = [f.as_dict() for f in flags]
        locked.minimum_wage = (standard.monthly if pay_unit == PayUnit.MONTH else _hourly_floor(standard)) \
            if standard else None
        was = locked.status
        if flags:
            locked.status, locked.published_at = Posting.Status.REVIEW, None
        elif was != Posting.Status.PUBLISHED:
            locked.status, locked.published_at = Posting.Status.PUBLISHED, timezone.now()
        locked.review_note = "" if locked.status != Posting.Status.REFUSED else locked.review_note
        locked.save()
        audit_record(actor=actor, action="jobs.posting_update", target=locked,
                     data={"changed": changed, "status": locked.status})
        if material:
            _notify_applicants_of_change(locked, material)
    return locked


def _notify_applicants_of_change(posting: Posting, material: list[str]) -> int:
    from gonghui.notices.services import notice_send

    labels = list(dict.fromkeys(str(_TERM_LABELS[k]) for k in material))
    user_ids = list(JobApplication.objects.filter(
        posting=posting, stage__in=[JobApplication.Stage.NEW, JobApplication.Stage.INTERVIEW, JobApplication.Stage.OFFER],
    ).values_list("seeker__user_id", flat=True))
    text = _("您投递的“%(title)s”修改了%(what)s，请查看最新内容。") % {"title": posting.title, "what": "、".join(labels)}
    notice_send(user_ids=user_ids, module="jobs", text=text, link=f"/jobs/{posting.pk}/")
    return len(user_ids)


def posting_search_text(title: str) -> str:
    """What keyword search matches: the title, its pinyin initials and full pinyin, lower case."""
    return f"{title.lower()} {pinyin_initials(title)} {pinyin_full(title)}"[:400]


def posting_review(*, actor: Any, posting: Posting, approve: bool, note: str = "") -> Posting:
    """Staff decide a flagged posting: publish it (the requirement is lawful) or refuse it."""
    if not has_action(actor, "approve", posting.union.path):
        raise PermissionDenied(_("您没有审核权限。"), code="not_allowed")
    note = note.strip()[:200]
    with transaction.atomic():
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        if locked.status != Posting.Status.REVIEW:
            raise Conflict(_("该岗位不在待审核状态。"), code="not_in_review")
        if not approve and not note:
            raise ValidationFailed(_("请写明不通过的理由，单位会看到。"), code="note_required", field="note")
        if approve and locked.closes_on < today():
            raise Conflict(_("截止日期已过，不能发布。"), code="closes_in_past")
        locked.status = Posting.Status.PUBLISHED if approve else Posting.Status.REFUSED
        locked.review_note = note
        locked.published_at = timezone.now() if approve else None
        locked.save(update_fields=["status", "review_note", "published_at"])
        audit_record(actor=actor, action="jobs.posting_review", target=locked, reason=note, data={"approve": approve})
    return locked


def posting_can_manage(*, user: Any, posting: Posting) -> bool:
    return has_action(user, "change", posting.union.path) or EmployerAccount.objects.active().filter(
        user_id=getattr(user, "pk", 0) or 0, employer_id=posting.employer_id).exists()


def posting_close(*, actor: Any, posting: Posting, filled: bool) -> Posting:
    """Close a posting, as filled (招满) or simply withdrawn."""
    if not posting_can_manage(user=actor, posting=posting):
        raise NotFound()
    with transaction.atomic():
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        if locked.status not in (Posting.Status.PUBLISHED, Posting.Status.REVIEW):
            raise Conflict(_("该岗位已结束招聘。"), code="posting_closed")
        locked.status = Posting.Status.FILLED if filled else Posting.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="jobs.posting_close", target=locked, data={"filled": filled})
    return locked


def postings_expire(*, on: dt.date | None = None) -> int:
    """Postings past their closing date stop being offered (idempotent; the beat runs it daily)."""
    on = on or today()
    return Posting.objects.filter(status__in=[Posting.Status.PUBLISHED, Posting.Status.REVIEW], closes_on__lt=on) \
        .update(status=Posting.Status.EXPIRED, closed_at=timezone.now())


# --- seekers ----------------------------------------------------------------------------------


def _serving_union(*, user: Any, region: Region) -> tuple[Union, bool]:
    """A member is served by their union; anyone else by the union of their place."""
    from gonghui.members.models import Membership

    membership = Membership.objects.filter(person__user=user, status="active").select_related("union").first()
    if membership is not None:
        return membership.union, True
    codes = region_parents(region.code)
    for code in codes:
        union = (Union.objects.active().filter(region_id=code).exclude(kind=Union.Kind.GRASSROOTS)
                 .order_by("-depth", "pk").first())
        if union is not None:
            return union, False
    union = Union.objects.active().filter(kind=Union.Kind.NATIONAL).first()
    if union is None:
        raise ValidationFailed(_("该地区暂未开通求职登记。"), code="no_union", field="region")
    return union, False


def _codes(values: Any, *, field: str) -> list[str]:
    out = [str(v).strip() for v in (values or []) if str(v).strip()]
    if len(out) > 5:
        raise ValidationFailed(_("最多选择 5 项。"), code="too_many", field=field)
    return out


def seeker_save(*, user: Any, name: str, region: Region, trades: Any, places: Any = (), skills: Any = (),
                pay_wanted: int = 0, available_from: dt.date | None = None, priority_group: str = "",
                open_to_work: bool = True) -> Seeker:
    """Create or update the signed-in worker's job-seeker profile."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"), code="login_required")
    name = name.strip()
    if not name or len(name) > 30:
        raise ValidationFailed(_("请填写姓名。"), code="name_required", field="name")
    trade_list = _codes(trades, field="trades")
    if not trade_list or any(t not in Trade.values for t in trade_list):
        raise ValidationFailed(_("请选择至少一个意向工种。"), code="trades_required", field="trades")
    place_list = _codes(places, field="places")
    known = set(Region.objects.filter(code__in=place_list).values_list("code", flat=True))
    if set(place_list) - known:
        raise ValidationFailed(_("意向工作地无效。"), code="places_invalid", field="places")
    if not 0 <= pay_wanted <= ABSURD_MONTHLY:
        raise ValidationFailed(_("期望月薪不合常理。"), code="pay_absurd", field="pay_wanted")
    if priority_group not in PriorityGroup.values:
        raise ValidationFailed(_("重点群体选项无效。"), code="group_invalid", field="priority_group")
    if not user.phone:
        raise ValidationFailed(_("请先用手机号登录。"), code="phone_required")
    union, is_member = _serving_union(user=user, region=region)
    values = {"name": name, "phone": user.phone, "region": region, "places": place_list, "trades": trade_list,
              "skills": _skills(skills), "pay_wanted": pay_wanted, "available_from": available_from,
              "priority_group": priority_group, "open_to_work": open_to_work, "is_member": is_member}
    with transaction.atomic():
        seeker = Seeker.objects.select_for_update().filter(user=user).first()
        if seeker is None:
            seeker = Seeker.objects.create(user=user, union=union, **values)
            audit_record(actor=user, action="jobs.seeker_create", target=seeker)
        else:
            for key, value in values.items():
                setattr(seeker, key, value)
            seeker.save(update_fields=[*values.keys(), "updated_at"])
    return seeker


def seeker_reveal(*, actor: Any, seeker: Seeker, reason: str) -> dict[str, str]:
    """The seeker's full name and phone, for staff who may see personal data; audited."""
    reason = reason.strip()
    if not has_action(actor, "reveal_pii", seeker.union.path):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"), code="no_reveal")
    if len(reason) < 2:
        raise ValidationFailed(_("请写明查看原因。"), code="reason_required", field="reason")
    audit_record(actor=actor, action="jobs.seeker_reveal", target=seeker, reason=reason)
    return {"name": seeker.name, "phone": seeker.phone}


# --- applications ---------------------------------------------------------------------------


def application_create(*, user: Any, posting: Posting, fair: JobFair | None = None) -> JobApplication:
    """One tap: the worker's profile goes to the employer. Applying twice is the same application."""
    seeker = Seeker.objects.filter(user_id=getattr(user, "pk", 0) or 0).first()
    if seeker is None:
        raise ValidationFailed(_("请先填写求职登记，再投递。"), code="profile_required")
    if posting.status != Posting.Status.PUBLISHED or posting.closes_on < today():
        raise Conflict(_("该岗位已停止招聘。"), code="posting_closed")
    existing = JobApplication.objects.filter(posting=posting, seeker=seeker).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            if fair is not None and not FairBooth.objects.filter(fair=fair, postings=posting).exists():
                fair = None  # only a posting shown at the fair counts for it
            application = JobApplication.objects.create(posting=posting, seeker=seeker, fair=fair)
            audit_record(actor=user, action="jobs.application_create", target=application)
            _notify_recruiters(posting, _("“%(title)s”收到新的求职申请。") % {"title": posting.title})
    except IntegrityError:  # a double tap raced
        return JobApplication.objects.get(posting=posting, seeker=seeker)
    return application


def _notify_recruiters(posting: Posting, text: str) -> None:
    from gonghui.notices.services import notice_send

    users = EmployerAccount.objects.active().filter(employer_id=posting.employer_id).values_list("user_id", flat=True)
    # The inbox is a row in the same database: written with the application, not after it.
    notice_send(user_ids=list(users), module="jobs", text=text, link=f"/jobs/employer/postings/{posting.pk}/")


def application_move(*, actor: Any, application: JobApplication, to: str, note: str = "",
                     started_on: dt.date | None = None) -> JobApplication:
    """Move an applicant to the next stage; the seeker is told. Hiring records a placement and
    its 就业安置 service."""
    if not posting_can_manage(user=actor, posting=application.posting):
        raise NotFound()
    if to not in JobApplication.Stage.values:
        raise ValidationFailed(_("进度无效。"), code="stage_invalid", field="stage")
    with transaction.atomic():
        locked = JobApplication.objects.select_for_update().select_related("posting", "seeker").get(pk=application.pk)
        if to not in JobApplication.EDGES[locked.stage]:
            raise Conflict(_("不能从“%(a)s”改为“%(b)s”。") % {
                "a": JobApplication.Stage(locked.stage).label, "b": JobApplication.Stage(to).label}, code="bad_transition")
        locked.stage, locked.note, locked.stage_changed_at = to, note.strip()[:200], timezone.now()
        locked.save(update_fields=["stage", "note", "stage_changed_at"])
        audit_record(actor=actor, action="jobs.application_move", target=locked, data={"to": to})
        if to == JobApplication.Stage.HIRED:
            placement_create(actor=actor, seeker=locked.seeker, employer=locked.posting.employer,
                             union=locked.posting.union, application=locked, started_on=started_on or today())
        from gonghui.notices.services import notice_send

        text = _("您投递的“%(title)s”进度：%(stage)s。") % {
            "title": locked.posting.title, "stage": JobApplication.Stage(to).label}
        notice_send(user_ids=[locked.seeker.user_id], module="jobs", text=text, link="/jobs/applications/")
    return locked


# --- placements and services ------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def placement_create(*, actor: Any, seeker: Seeker, employer: Employer, union: Union, started_on: dt.date,
                     application: JobApplication | None = None) -> Placement:
    """A person placed in a job, with its follow-ups due at 3 and 6 months and the 就业安置
    service counted once."""
    if started_on > today() + dt.timedelta(days=90):
        raise ValidationFailed(_("上岗日期太远。"), code="start_too_far", field="started_on")
    with transaction.atomic():
        placement = Placement.objects.create(
            union=union, seeker=seeker, employer=employer, application=application, started_on=started_on,
            due_3m=_add_months(started_on, 3), due_6m=_add_months(started_on, 6),
        )
        EmploymentService.objects.create(union=union, seeker=seeker, kind=EmploymentService.Kind.PLACEMENT,
                                         given_on=started_on, placement=placement, note=employer.name[:200],
                                         given_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(actor=actor, action="jobs.placement_create", target=placement)
    return placement


def placement_follow_up(*, actor: Any, placement: Placement, which: str, status: str, note: str = "",
                        on: dt.date | None = None) -> Placement:
    """Record the 3- or 6-month follow-up (still employed?) and count it as a 跟踪回访 service."""
    if not has_action(actor, "change", placement.union.path):
        raise NotFound()
    if which not in ("3m", "6m"):
        raise ValidationFailed(_("回访节点无效。"), code="which_invalid", field="which")
    if status not in (Retention.EMPLOYED, Retention.LEFT, Retention.UNREACHABLE):
        raise ValidationFailed(_("请选择回访结果。"), code="status_invalid", field="status")
    on = on or today()
    due = placement.due_3m if which == "3m" else placement.due_6m
    if on < due - dt.timedelta(days=14):
        raise Conflict(_("还没到回访时间（%(due)s）。") % {"due": due.isoformat()}, code="too_early")
    with transaction.atomic():
        locked = Placement.objects.select_for_update().get(pk=placement.pk)
        if getattr(locked, f"status_{which}"):
            raise Conflict(_("这次回访已经记录过了。"), code="already_checked")
        setattr(locked, f"status_{which}", status)
        setattr(locked, f"checked_{which}_at", timezone.now())
        locked.save(update_fields=[f"status_{which}", f"checked_{which}_at"])
        EmploymentService.objects.create(union=locked.union, seeker_id=locked.seeker_id,
                                         kind=EmploymentService.Kind.FOLLOW_UP, given_on=on, placement=locked,
                                         note=(note.strip() or Retention(status).label)[:200], given_by=actor)
        audit_record(actor=actor, action="jobs.placement_follow_up", target=locked, data={which: status})
    return locked


def _follow_up_staff(placement: Placement) -> list[int]:
    """Who is reminded of a follow-up: the staff (admin, staff) of the union that counted the
    placement, of the union that serves the person (their membership's, or their place's — the
    one that records their services), and, for a trainee, of the union that ran the class.
    When none of these unions has staff, the nearest union above the placement's that has."""
    from gonghui.accounts.models import RoleGrant

    union_ids = {placement.union_id, placement.seeker.union_id}
    training = TrainingEnrolment.objects.filter(placement=placement).values_list("order__union_id", flat=True).first()
    if training:
        union_ids.add(training)
    roles = [RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF]
    staff = set(RoleGrant.objects.filter(union_id__in=union_ids, role__in=roles, user__is_active=True)
                .values_list("user_id", flat=True))
    if not staff:
        above = [int(part) for part in placement.union.path.strip("/").split("/") if part.isdigit()]
        for union_id in reversed(above):
            staff = set(RoleGrant.objects.filter(union_id=union_id, role__in=roles, user__is_active=True)
                        .values_list("user_id", flat=True))
            if staff:
                break
    return sorted(staff)


def placements_remind_due(*, on: dt.date | None = None) -> int:
    """Tell the staff who follow the person up about follow-ups falling due (once each; see
    `_follow_up_staff`). Idempotent."""
    from gonghui.notices.models import Audience
    from gonghui.notices.services import notice_send

    on = on or today()
    sent = 0
    for which in ("3m", "6m"):
        due = Placement.objects.filter(**{f"due_{which}__lte": on, f"status_{which}": "",
                                          f"reminded_{which}_at__isnull": True}).select_related("union", "seeker")[:1000]
        for placement in due:
            with transaction.atomic():
                claimed = Placement.objects.filter(pk=placement.pk, **{f"reminded_{which}_at__isnull": True}) \
                    .update(**{f"reminded_{which}_at": timezone.now()})
                if not claimed:
                    continue
                staff = _follow_up_staff(placement)
                months = 3 if which == "3m" else 6
                notice_send(user_ids=staff, module="jobs", audience=Audience.STAFF, object_id=placement.pk,
                            union_path=placement.union.path,
                            text=_("就业安置满 %(m)d 个月，请回访是否仍在岗。") % {"m": months},
                            link=f"/console/jobs/placements/{placement.pk}/")
                sent += 1
    return sent


def service_record(*, actor: Any, seeker: Seeker, kind: str, given_on: dt.date, note: str = "") -> EmploymentService:
    """One service given to one person, counted as one 人次."""
    if not has_action(actor, "change", seeker.union.path):
        raise NotFound()
    if kind not in EmploymentService.Kind.values or kind == EmploymentService.Kind.PLACEMENT:
        raise ValidationFailed(_("请选择服务类型（就业安置在录用时自动记录）。"), code="kind_invalid", field="kind")
    if given_on > today():
        raise ValidationFailed(_("服务日期不能晚于今天。"), code="future_date", field="given_on")
    with transaction.atomic():
        row = EmploymentService.objects.create(union=seeker.union, seeker=seeker, kind=kind, given_on=given_on,
                                               note=note.strip()[:200], given_by=actor)
        audit_record(actor=actor, action="jobs.service_record", target=row)
    return row


# --- job fairs --------------------------------------------------------------------------------


def fair_create(*, actor: Any, union: Union, name: str, kind: str, starts_on: dt.date, ends_on: dt.date,
                place: str = "") -> JobFair:
    if not has_action(actor, "change", union.path):
        raise NotFound()
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationFailed(_("请填写招聘会名称。"), code="name_required", field="name")
    if kind not in JobFair.Kind.values:
        raise ValidationFailed(_("形式无效。"), code="kind_invalid", field="kind")
    if ends_on < starts_on:
        raise ValidationFailed(_("结束日期不能早于开始日期。"), code="dates_invalid", field="ends_on")
    if ends_on < today():
        raise ValidationFailed(_("结束日期已过。"), code="dates_past", field="ends_on")
    with transaction.atomic():
        fair = JobFair.objects.create(union=union, name=name, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                      place=place.strip()[:120], created_by=actor)
        audit_record(actor=actor, action="jobs.fair_create", target=fair)
    return fair


def fair_booth_add(*, actor: Any, fair: JobFair, employer: Employer, number: str = "") -> FairBooth:
    """A booth for an employer of the branch; its open postings of this union are shown at it."""
    if not has_action(actor, "change", fair.union.path):
        raise NotFound()
    if not Employer.objects.visible_to(actor, "change").filter(pk=employer.pk).exists():
        raise ValidationFailed(_("该单位不在本工会服务范围内，或尚未登记。"), code="employer_unknown", field="employer")
    with transaction.atomic():
        if FairBooth.objects.filter(fair=fair, employer=employer).exists():
            raise Conflict(_("该单位已有展位。"), code="booth_exists", field="employer")
        booth = FairBooth.objects.create(fair=fair, employer=employer, number=number.strip()[:10])
        booth.postings.set(Posting.objects.live(today()).filter(employer=employer))
        audit_record(actor=actor, action="jobs.fair_booth_add", target=fair, data={"employer": employer.pk})
    return booth


def fair_register(*, user: Any, fair: JobFair) -> FairRegistration:
    """A seeker registers (once); the registration's code is their QR for check-in."""
    import secrets

    seeker = Seeker.objects.filter(user_id=getattr(user, "pk", 0) or 0).first()
    if seeker is None:
        raise ValidationFailed(_("请先填写求职登记，再报名。"), code="profile_required")
    if fair.ends_on < today():
        raise Conflict(_("招聘会已结束。"), code="fair_over")
    existing = FairRegistration.objects.filter(fair=fair, seeker=seeker).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FairRegistration.objects.create(fair=fair, seeker=seeker, token=secrets.token_hex(8))
    except IntegrityError:
        return FairRegistration.objects.get(fair=fair, seeker=seeker)


def fair_checkin(*, actor: Any, fair: JobFair, token: str) -> FairRegistration:
    """Staff scan (or type) the seeker's code at the entrance; a second scan changes nothing."""
    if not has_action(actor, "change", fair.union.path):
        raise NotFound()
    on = today()
    if not fair.starts_on <= on <= fair.ends_on:
        raise Conflict(_("不在招聘会举办日期内。"), code="not_open")
    with transaction.atomic():
        registration = FairRegistration.objects.select_for_update().filter(fair=fair, token=token.strip().lower()).first()
        if registration is None:
            raise ValidationFailed(_("签到码无效，或不是本场招聘会的报名。"), code="token_invalid", field="token")
        if registration.checked_in_at is None:
            registration.checked_in_at = timezone.now()
            registration.save(update_fields=["checked_in_at"])
    return registration


# --- training to order (订单式培训) -------------------------------------------------------------

MAX_TRAINING_DAYS = 366
MAX_SEATS = 1000


def training_order_create(*, actor: Any, union: Union, employer: Employer, name: str, trade: str, demand: int,
                          seats: int, starts_on: dt.date, ends_on: dt.date, teacher: str, place: str = "",
                          course: Any = None, posting: Posting | None = None) -> TrainingOrder:
    """An employer's demand turned into a class. The employer must be one the staff see in their
    branch; a skills-module course, when named, must be published (its certificate is the proof
    of completion); a posting, when named, must be that employer's."""
    if not has_action(actor, "change", union.path):
        raise NotFound()
    if not Employer.objects.visible_to(actor, "change").filter(pk=employer.pk).exists():
        raise ValidationFailed(_("该单位不在本工会服务范围内，或尚未登记。"), code="employer_unknown", field="employer")
    name, teacher = name.strip(), teacher.strip()
    if not name or len(name) > 60:
        raise ValidationFailed(_("请填写班级名称（60 字以内）。"), code="name_required", field="name")
    if trade not in Trade.values:
        raise ValidationFailed(_("请选择工种。"), code="trade_invalid", field="trade")
    if not teacher or len(teacher) > 60:
        raise ValidationFailed(_("请填写授课老师。"), code="teacher_required", field="teacher")
    if not 1 <= demand <= MAX_OPENINGS:
        raise ValidationFailed(_("单位需求人数应在 1 至 %(n)d 之间。") % {"n": MAX_OPENINGS}, code="demand_invalid",
                               field="demand")
    if not 1 <= seats <= MAX_SEATS:
        raise ValidationFailed(_("培训名额应在 1 至 %(n)d 之间。") % {"n": MAX_SEATS}, code="seats_invalid", field="seats")
    if ends_on < starts_on:
        raise ValidationFailed(_("结业日期不能早于开班日期。"), code="dates_invalid", field="ends_on")
    if (ends_on - starts_on).days > MAX_TRAINING_DAYS:
        raise ValidationFailed(_("培训时间最长一年。"), code="dates_too_long", field="ends_on")
    if ends_on < today():
        raise ValidationFailed(_("结业日期已过。"), code="dates_past", field="ends_on")
    if course is not None and course.status != "published":
        raise ValidationFailed(_("所选技能云课程尚未发布。"), code="course_unpublished", field="course")
    if posting is not None and posting.employer_id != employer.pk:
        raise ValidationFailed(_("对应岗位不是该单位的岗位。"), code="posting_other_employer", field="posting")
    with transaction.atomic():
        order = TrainingOrder.objects.create(
            union=union, employer=employer, posting=posting, name=name, trade=trade, demand=demand, seats=seats,
            starts_on=starts_on, ends_on=ends_on, place=place.strip()[:120], teacher=teacher, course=course,
            created_by=actor)
        audit_record(actor=actor, action="jobs.training_order_create", target=order)
    return order


def training_enrol(*, actor: Any, order: TrainingOrder, seeker: Seeker) -> TrainingEnrolment:
    """A seeker joins the class: by staff of the class's union (for a seeker they serve), or by
    the worker themself. Within the seats; once per person."""
    self_enrol = getattr(actor, "pk", None) == seeker.user_id
    if not self_enrol and not has_action(actor, "change", order.union.path):
        raise NotFound()
    if not self_enrol and not Seeker.objects.visible_to(actor).filter(pk=seeker.pk).exists():
        raise NotFound()
    with transaction.atomic():
        locked = TrainingOrder.objects.select_for_update().get(pk=order.pk)
        existing = TrainingEnrolment.objects.filter(order=locked, seeker=seeker).first()
        if existing is not None and existing.status != TrainingEnrolment.Status.DROPPED:
            return existing
        if locked.status != TrainingOrder.Status.OPEN or locked.ends_on < today():
            raise Conflict(_("该培训班已结班，不能报名。"), code="training_closed")
        taken = TrainingEnrolment.objects.filter(order=locked).exclude(status=TrainingEnrolment.Status.DROPPED).count()
        if taken >= locked.seats:
            raise Conflict(_("名额已满（%(n)d 人）。") % {"n": locked.seats}, code="training_full")
        if existing is not None:  # came back after dropping out
            existing.status = TrainingEnrolment.Status.ENROLLED
            existing.save(update_fields=["status"])
            enrolment = existing
        else:
            enrolment = TrainingEnrolment.objects.create(order=locked, seeker=seeker)
        audit_record(actor=actor, action="jobs.training_enrol", target=enrolment)
    return enrolment


def _training_enrolment_locked(actor: Any, enrolment: TrainingEnrolment) -> TrainingEnrolment:
    if not has_action(actor, "change", enrolment.order.union.path):
        raise NotFound()
    return TrainingEnrolment.objects.select_for_update().select_related("order", "seeker").get(pk=enrolment.pk)


def training_complete(*, actor: Any, enrolment: TrainingEnrolment, on: dt.date | None = None) -> TrainingEnrolment:
    """The trainee finished the class: counted as one 技能培训 service. When the class names a
    skills-module course, the trainee's valid certificate of that course is required and linked."""
    from gonghui.skills.models import Certificate

    on = on or today()
    with transaction.atomic():
        locked = _training_enrolment_locked(actor, enrolment)
        if locked.status != TrainingEnrolment.Status.ENROLLED:
            raise Conflict(_("该学员不在培训中（%(s)s）。") % {"s": locked.get_status_display()}, code="not_enrolled")
        if on < locked.order.starts_on:
            raise Conflict(_("还没有开班，不能结业。"), code="not_started")
        certificate = None
        if locked.order.course_id:
            certificate = Certificate.objects.filter(
                enrolment__course_id=locked.order.course_id, enrolment__user_id=locked.seeker.user_id,
                revoked_at__isnull=True).first()
            if certificate is None:
                raise Conflict(_("该学员还没有取得课程“%(c)s”的结业证书（技能云），不能结业。") % {
                    "c": locked.order.course.title if locked.order.course else ""}, code="certificate_missing")
        locked.status, locked.completed_on, locked.certificate = TrainingEnrolment.Status.COMPLETED, on, certificate
        locked.save(update_fields=["status", "completed_on", "certificate"])
        EmploymentService.objects.create(union=locked.order.union, seeker=locked.seeker,
                                         kind=EmploymentService.Kind.TRAINING, given_on=on,
                                         note=locked.order.name[:200], given_by=actor)
        audit_record(actor=actor, action="jobs.training_complete", target=locked,
                     data={"certificate": certificate.serial if certificate else ""})
    return locked


def training_drop(*, actor: Any, enrolment: TrainingEnrolment) -> TrainingEnrolment:
    with transaction.atomic():
        locked = _training_enrolment_locked(actor, enrolment)
        if locked.status != TrainingEnrolment.Status.ENROLLED:
            raise Conflict(_("该学员不在培训中（%(s)s）。") % {"s": locked.get_status_display()}, code="not_enrolled")
        locked.status = TrainingEnrolment.Status.DROPPED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="jobs.training_drop", target=locked)
    return locked


def training_place(*, actor: Any, enrolment: TrainingEnrolment, started_on: dt.date | None = None) -> TrainingEnrolment:
    """A trainee who completed the class starts work with the class's employer: a placement (at
    the class's union, followed up at 3 and 6 months) and its 就业安置 service. When the class
    names a posting the trainee applied to, that application is moved to hired instead."""
    from gonghui.notices.services import notice_send

    with transaction.atomic():
        locked = _training_enrolment_locked(actor, enrolment)
        if locked.status != TrainingEnrolment.Status.COMPLETED:
            raise Conflict(_("学员结业后才能登记上岗。"), code="not_completed")
        order = locked.order
        application = None
        if order.posting_id and posting_can_manage(user=actor, posting=order.posting):  # type: ignore[arg-type]
            application = JobApplication.objects.filter(posting_id=order.posting_id, seeker=locked.seeker) \
                .exclude(stage__in=[JobApplication.Stage.HIRED, JobApplication.Stage.DECLINED]).first()
        if application is not None:
            application_move(actor=actor, application=application, to=JobApplication.Stage.HIRED,
                             note=_("订单式培训结业上岗"), started_on=started_on)
            placement = Placement.objects.get(application=application)
        else:
            placement = placement_create(actor=actor, seeker=locked.seeker, employer=order.employer, union=order.union,
                                         started_on=started_on or today())
        locked.status, locked.placement = TrainingEnrolment.Status.PLACED, placement
        locked.save(update_fields=["status", "placement"])
        audit_record(actor=actor, action="jobs.training_place", target=locked, data={"placement": placement.pk})
        notice_send(user_ids=[locked.seeker.user_id], module="jobs", link="/jobs/training/",
                    text=_("您已从“%(c)s”结业，在%(e)s上岗。") % {"c": order.name, "e": order.employer.name})
    return locked


def training_order_close(*, actor: Any, order: TrainingOrder) -> TrainingOrder:
    if not has_action(actor, "change", order.union.path):
        raise NotFound()
    with transaction.atomic():
        locked = TrainingOrder.objects.select_for_update().get(pk=order.pk)
        locked.status = TrainingOrder.Status.CLOSED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="jobs.training_order_close", target=locked)
    return locked
