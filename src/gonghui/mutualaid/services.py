"""Every write of medical mutual aid. One function, one database transaction.

Premiums and payouts go through the assistance fund ledger (its services, never a second
ledger): an enrolment's premium is one `fund_receipt` at the plan's union; an approved claim
becomes one assistance `Payout` (idempotency key `mutualaid-claim-<id>`), which the plan
union sends to the bank in a payment batch like any other payout.

The caps hold under concurrency: deciding a claim locks its cover row, recomputes the
engine's proposal against the payouts already approved, and refuses an amount above it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import payouts as assistance_payouts
from gonghui.assistance import services as ledger
from gonghui.assistance.models import FundSource, PaymentBatch, Payout
from gonghui.cases.services import attachment_validate
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.outbox import outbox_enqueue
from gonghui.core.pii import blind_index
from gonghui.core.sequences import sequence_reserve
from gonghui.members.models import EmploymentForm, Membership, Person
from gonghui.notices.models import Audience
from gonghui.notices.services import notice_send
from gonghui.orgs.models import Union

from . import engine, tasks
from .models import (
    Claim,
    ClaimDocument,
    ClaimInvoice,
    ClaimLine,
    Coverage,
    Enrolment,
    EventKind,
    Flag,
    HospitalLevel,
    Plan,
    PlanTotal,
    PlanVersion,
    SelfEnrolment,
)

CERTIFICATE_SALT = "gonghui.mutualaid.certificate"
MAX_DOCUMENTS = 10
MAX_INVOICES = 20
PLAN_UNION_KINDS = (Union.Kind.PROVINCIAL, Union.Kind.CITY)
# 1,000 万元: far above any one plan price or benefit.
MAX_MONEY = 1_000_000_000


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor: Any, action: str, path: str) -> None:
    if not jurisdiction.has_action(actor, action, path):
        raise PermissionDenied(_("您没有办理此事项的权限。"), code="forbidden")


def _text(value: Any, *, field: str, max_len: int, message: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=f"{field}_required", field=field)
    if len(text) > max_len:
        raise ValidationFailed(_("内容过长（不超过 %(n)s 个字）。") % {"n": max_len}, code=f"{field}_too_long",
                               field=field)
    return text


def _money(value: Any, *, field: str, allow_zero: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_MONEY:
        raise ValidationFailed(_("金额应为 0 到 1,000 万元之间、以分为单位的整数。"), code="invalid_amount", field=field)
    if not allow_zero and value == 0:
        raise ValidationFailed(_("金额必须大于 0。"), code="invalid_amount", field=field)
    return value


def _int(value: Any, *, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(message, code=f"invalid_{field}", field=field)
    return value


# --- plans and versions -------------------------------------------------------------------


def rules_check(data: Mapping[str, Any]) -> engine.Rules:
    """Validate a plan version's benefits (field names as `engine.Rules`); clear Chinese errors."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(_("保障责任格式不正确。"), code="invalid_rules", field="rules")
    money_fields = ("allowance_per_day", "allowance_stay_cap", "allowance_year_cap", "deductible",
                    "reimburse_year_cap", "disease_amount", "accident_amount", "illness_death_amount")
    clean: dict[str, Any] = {}
    for name in money_fields:
        clean[name] = _money(data.get(name, 0), field=name)
    clean["waiting_days"] = _int(data.get("waiting_days", 0), field="waiting_days", low=0, high=365,
                                 message=_("等待期应为 0 到 365 天。"))
    clean["allowance_after_days"] = _int(data.get("allowance_after_days", 0), field="allowance_after_days", low=0,
                                         high=365, message=_("津贴起算天数应为 0 到 365 天。"))
    ratios = data.get("reimburse_ratio") or {}
    if not isinstance(ratios, Mapping) or any(str(k) not in HospitalLevel.values for k in ratios):
        raise ValidationFailed(_("报销比例只能按一、二、三级医院设置。"), code="invalid_ratio", field="reimburse_ratio")
    clean["reimburse_ratio"] = {
        str(k): _int(v, field="reimburse_ratio", low=0, high=1000, message=_("报销比例应在 0% 到 100% 之间。"))
        for k, v in ratios.items()
    }
    diseases = data.get("diseases") or []
    if isinstance(diseases, str) or not all(isinstance(d, str) for d in diseases):
        raise ValidationFailed(_("重大疾病名单格式不正确。"), code="invalid_diseases", field="diseases")
    names = [d.strip() for d in diseases if d.strip()]
    if len(names) != len(set(names)) or len(names) > 100 or any(len(n) > 60 for n in names):
        raise ValidationFailed(_("重大疾病名单不能重复，最多 100 种，每种不超过 60 个字。"), code="invalid_diseases",
                               field="diseases")
    clean["diseases"] = names
    grades = data.get("disability_percent") or engine.DEFAULT_DISABILITY_PERCENT
    try:
        percent = {int(k): int(v) for k, v in dict(grades).items()}
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("伤残等级比例格式不正确。"), code="invalid_grades", field="disability_percent") from exc
    if set(percent) - set(engine.DISABILITY_GRADES) or any(not 0 <= v <= 100 for v in percent.values()):
        raise ValidationFailed(_("伤残等级为 1 到 10 级，比例在 0% 到 100% 之间。"), code="invalid_grades",
                               field="disability_percent")
    clean["disability_percent"] = percent
    if clean["allowance_per_day"] and not clean["allowance_year_cap"]:
        raise ValidationFailed(_("设置了住院津贴，请同时设置年度封顶。"), code="cap_required", field="allowance_year_cap")
    if clean["allowance_stay_cap"] > clean["allowance_year_cap"]:
        raise ValidationFailed(_("每次住院封顶不能高于年度封顶。"), code="invalid_cap", field="allowance_stay_cap")
    if clean["reimburse_ratio"] and any(clean["reimburse_ratio"].values()) and not clean["reimburse_year_cap"]:
        raise ValidationFailed(_("设置了医疗费用报销比例，请同时设置年度封顶。"), code="cap_required",
                               field="reimburse_year_cap")
    if names and not clean["disease_amount"]:
        raise ValidationFailed(_("列了重大疾病，请填写一次性赔付金额。"), code="amount_required", field="disease_amount")
    return engine.Rules.from_dict(clean)


@dataclass(frozen=True)
class Terms:
    """A version's price and rules, as given by a form or the API."""

    price: int
    union_share: int
    min_participation: int
    second_approval_above: int
    rules: Mapping[str, Any]
    self_enrol: bool = False  # new-form workers may enrol and pay for themselves
    self_union_share: int = 0  # the union's share of a self-enrolled worker's premium (%)


def _terms_check(terms: Terms) -> engine.Rules:
    _money(terms.price, field="price", allow_zero=False)
    _int(terms.union_share, field="union_share", low=0, high=100, message=_("工会承担比例应在 0 到 100 之间。"))
    _int(terms.min_participation, field="min_participation", low=0, high=100,
         message=_("最低参保比例应在 0 到 100 之间。"))
    _money(terms.second_approval_above, field="second_approval_above")
    _int(terms.self_union_share, field="self_union_share", low=0, high=100,
         message=_("自行参保的工会补贴比例应在 0 到 100 之间。"))
    return rules_check(terms.rules)


def plan_create(*, actor: Any, union: Union, name: str, starts_on: dt.date, ends_on: dt.date, source: str,
                terms: Terms) -> Plan:
    """A province or city union's plan for one period, with its first version."""
    _require(actor, "change", union.path)
    if union.kind not in PLAN_UNION_KINDS:
        raise ValidationFailed(_("互助保障计划由省、市总工会制定。"), code="plan_union_kind", field="union")
    name = _text(name, field="name", max_len=100, message=_("请填写计划名称。"))
    if source not in FundSource.values:
        raise ValidationFailed(_("资金来源不正确。"), code="invalid_source", field="source")
    if ends_on < starts_on:
        raise ValidationFailed(_("保障期结束不能早于开始。"), code="invalid_period", field="ends_on")
    if (ends_on - starts_on).days > 366 * 3:
        raise ValidationFailed(_("保障期最长三年。"), code="invalid_period", field="ends_on")
    rules = _terms_check(terms)
    with transaction.atomic():
        plan = Plan.objects.create(union=union, union_path=union.path, name=name, starts_on=starts_on,
                                   ends_on=ends_on, source=source, created_by=_actor(actor))
        _version_create(plan, 1, starts_on, terms, rules, actor, note="")
        audit_record(actor=actor, action="mutualaid.plan.create", target=plan, data={"union": union.pk})
    return plan


def _version_create(plan: Plan, number: int, effective_from: dt.date, terms: Terms, rules: engine.Rules, actor: Any,
                    note: str) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan, number=number, effective_from=effective_from, price=terms.price, union_share=terms.union_share,
        min_participation=terms.min_participation, second_approval_above=terms.second_approval_above,
        self_enrol=bool(terms.self_enrol), self_union_share=terms.self_union_share,
        rules=rules.to_dict(), note=note, created_by=_actor(actor),
    )


def plan_version_add(*, actor: Any, plan: Plan, effective_from: dt.date, terms: Terms, note: str) -> PlanVersion:
    """A new version from `effective_from` on (after the last one, inside the period). Events
    before that day stay judged by the earlier version."""
    _require(actor, "change", plan.union_path)
    note = _text(note, field="note", max_len=200, message=_("请填写修订说明。"))
    rules = _terms_check(terms)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        last = locked.versions.order_by("-effective_from").first()
        if last is not None and effective_from <= last.effective_from:
            raise ValidationFailed(_("新版本的生效日期必须晚于上一版本（%(day)s）。") % {"day": last.effective_from},
                                   code="invalid_effective_from", field="effective_from")
        if not locked.starts_on <= effective_from <= locked.ends_on:
            raise ValidationFailed(_("生效日期必须在保障期内。"), code="invalid_effective_from", field="effective_from")
        number = (last.number if last else 0) + 1
        version = _version_create(locked, number, effective_from, terms, rules, actor, note)
        audit_record(actor=actor, action="mutualaid.plan.version", target=locked,
                     data={"number": number, "effective_from": effective_from.isoformat()})
    return version


def version_in_force(plan: Plan, day: dt.date) -> PlanVersion:
    """The version that judges an event on `day` (the first version before the plan starts)."""
    version = plan.versions.filter(effective_from__lte=day).order_by("-effective_from").first()
    return version or plan.versions.order_by("effective_from").first()  # type: ignore[return-value]


# --- enrolment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentCheck:
    members_total: int
    already: int
    new: int
    required_percent: int

    @property
    def percent_after(self) -> float:
        return 100.0 * (self.already + self.new) / self.members_total if self.members_total else 0.0

    @property
    def passes(self) -> bool:
        return (self.already + self.new) * 100 >= self.required_percent * self.members_total


def _serial(plan: Plan) -> str:
    return f"HZ{plan.pk:05d}{secrets.token_hex(6).upper()}"


def _live_memberships(union: Union) -> Any:
    return Membership.objects.filter(union=union, status=Membership.Status.ACTIVE)


def enrolment_check(*, plan: Plan, union: Union, person_ids: Sequence[int] | None) -> EnrolmentCheck:
    """How many would be enrolled and whether the unit reaches the participation rule."""
    members = _live_memberships(union)
    total = members.count()
    covered = set(Coverage.objects.filter(plan=plan, union=union).values_list("person_id", flat=True))
    candidates = set(members.values_list("person_id", flat=True))
    if person_ids is not None:
        wanted = set(person_ids)
        if wanted - candidates:
            raise ValidationFailed(_("所选人员中有人不是本单位在册会员。"), code="not_a_member", field="person_ids")
        candidates = wanted
    version = version_in_force(plan, max(plan.starts_on, timezone.localdate()))
    return EnrolmentCheck(members_total=total, already=len(covered & set(members.values_list("person_id", flat=True))),
                          new=len(candidates - covered), required_percent=version.min_participation)


def _renewing(plan: Plan, person_ids: Iterable[int]) -> set[int]:
    """People covered by a plan of the same union that ended the day before this one starts."""
    day_before = plan.starts_on - dt.timedelta(days=1)
    return set(Coverage.objects.filter(plan__union_id=plan.union_id, ends_on__gte=day_before,
                                       plan__ends_on=day_before, person_id__in=list(person_ids))
               .values_list("person_id", flat=True))


def enrolment_create(*, actor: Any, plan: Plan, union: Union, mode: str, person_ids: Sequence[int] | None = None,
                     booked_on: dt.date | None = None) -> Enrolment:
    """Enrol a grassroots union's members (the whole roster, picked members, or joiners during
    the period) and book the premium in the plan union's fund ledger, in one transaction.

    Whole and picked enrolments must reach the version's participation rule (people already
    covered count); joiners are added one by one during the period, each with the waiting
    period unless they renew from the plan of the year before.
    """
    _require(actor, "change", union.path)
    if not union.path.startswith(plan.union_path):
        raise NotFound()
    if union.kind not in Union.MEMBER_KINDS:
        raise ValidationFailed(_("只有基层工会（含联合会）可以为会员参保。"), code="union_kind", field="union")
    if mode not in Enrolment.Mode.values or mode == Enrolment.Mode.SELF:
        raise ValidationFailed(_("参保方式不正确。"), code="invalid_mode", field="mode")
    if mode == Enrolment.Mode.WHOLE:
        person_ids = None
    elif not person_ids:
        raise ValidationFailed(_("请选择参保人员。"), code="person_ids_required", field="person_ids")
    today = timezone.localdate()
    if today > plan.ends_on:
        raise Conflict(_("该计划保障期已结束，不能再参保。"), code="plan_ended")
    with transaction.atomic():
        Union.objects.select_for_update().filter(pk=union.pk).get()  # one enrolment of a unit at a time
        check = enrolment_check(plan=plan, union=union, person_ids=person_ids)
        if check.new == 0:
            raise ValidationFailed(_("所选人员都已参保，没有需要新增的。"), code="nothing_to_enrol", field="person_ids")
        if mode != Enrolment.Mode.JOINERS and not check.passes:
            raise ValidationFailed(
                _("参保人数未达到本计划要求：单位在册会员 %(total)s 人，须至少 %(pct)s%% 参保，本次后只有 %(now).1f%%。")
                % {"total": check.members_total, "pct": check.required_percent, "now": check.percent_after},
                code="participation_too_low", field="person_ids",
            )
        covered = set(Coverage.objects.filter(plan=plan).values_list("person_id", flat=True))
        members = _live_memberships(union)
        if person_ids is not None:
            members = members.filter(person_id__in=list(person_ids))
        people = [pid for pid in members.values_list("person_id", flat=True).distinct() if pid not in covered]
        version = version_in_force(plan, max(plan.starts_on, today))
        enrolment = _cover_and_book(actor=actor, plan=plan, version=version, union=union, mode=mode, people=people,
                                    members_total=check.members_total, union_share=version.union_share,
                                    booked_on=booked_on)
    return enrolment


def enrolment_premium(*, plan: Plan, version: PlanVersion, starts_on: dt.date) -> engine.Premium:
    """One person's premium for a cover from `starts_on`: prorated by the months left."""
    return engine.premium_for(price=version.price, period_start=plan.starts_on, period_end=plan.ends_on,
                              starts_on=starts_on)


def _cover_and_book(*, actor: Any, plan: Plan, version: PlanVersion, union: Union, mode: str, people: list[int],
                    members_total: int, union_share: int, booked_on: dt.date | None,
                    each_paid: int | None = None) -> Enrolment:
    """Covers for `people` from today (the period's first day before it starts), the premium
    (prorated for a late start) booked in the plan union's fund ledger, the certificate sent
    to each person's 消息 and, after commit, by text message."""
    today = timezone.localdate()
    starts_on = max(plan.starts_on, today)
    renewing = _renewing(plan, people)
    waiting = dt.timedelta(days=version.engine_rules.waiting_days)
    each = enrolment_premium(plan=plan, version=version, starts_on=starts_on)
    premium = len(people) * (each.amount if each_paid is None else each_paid)
    union_part = premium * union_share // 100
    enrolment = Enrolment.objects.create(
        plan=plan, union=union, union_path=union.path, mode=mode, count=len(people),
        members_total=members_total, premium=premium, union_part=union_part,
        member_part=premium - union_part, created_by=_actor(actor),
    )
    Coverage.objects.bulk_create([
        Coverage(plan=plan, enrolment=enrolment, person_id=pid, union=union, union_path=union.path,
                 starts_on=starts_on, ends_on=plan.ends_on, renewal=pid in renewing,
                 waiting_until=starts_on if pid in renewing else starts_on + waiting, serial=_serial(plan))
        for pid in people
    ], batch_size=2000)
    enrolment.premium_txn = ledger.fund_receipt(
        union=plan.union, source=plan.source, amount=premium, actor=actor, booked_on=booked_on,
        memo=_("互助保障保费：%(union)s %(n)s 人") % {"union": union.name[:120], "n": len(people)},
    )
    enrolment.save(update_fields=["premium_txn"])
    audit_record(actor=actor, action="mutualaid.enrol", target=enrolment,
                 data={"plan": plan.pk, "count": len(people), "premium": premium, "mode": mode,
                       "months": each.months})
    user_ids = list(Person.objects.filter(pk__in=people, user__isnull=False).values_list("user_id", flat=True))
    if user_ids:
        notice_send(user_ids=user_ids, module="mutualaid", ref=plan.name[:40],
                    link=reverse("mutualaid:index"),
                    text=f"您已参加{plan.name}，保障期 {starts_on:%Y-%m-%d} 至 {plan.ends_on:%Y-%m-%d}，"
                         f"电子保障凭证可在“医疗互助”中查看。")
    outbox_enqueue(tasks.enrolment_sms_send, enrolment.pk)
    return enrolment


def coverage_certificate_send(*, actor: Any, coverage: Coverage) -> None:
    """Staff send one person's certificate again by text message (audited)."""
    _require(actor, "change", coverage.union_path)
    user = coverage.person.user
    if not (coverage.person.phone or (user.phone if user is not None else "")):
        raise ValidationFailed(_("该会员没有登记手机号，无法发送短信。请打印凭证。"), code="no_phone")
    with transaction.atomic():
        outbox_enqueue(tasks.coverage_sms_send, coverage.pk)
        audit_record(actor=actor, action="mutualaid.certificate.sms", target=coverage)


# --- new-form workers enrolling and paying for themselves ---------------------------------


@dataclass(frozen=True)
class SelfOffer:
    """A plan a new-form worker may join on their own today, and what they would pay."""

    plan: Plan
    version: PlanVersion
    union: Union
    starts_on: dt.date
    premium: engine.Premium
    union_part: int
    member_part: int
    waiting_until: dt.date


def _self_membership(person: Person) -> Membership | None:
    return (Membership.objects.filter(person=person, status=Membership.Status.ACTIVE)
            .select_related("union").first())


def self_enrol_offers(*, user: Any) -> list[SelfOffer]:
    """Plans above the worker's union whose version in force lets new-form workers enrol
    themselves, not yet ended, that the worker is not covered by and has no open request for."""
    person = person_for_user(user)
    if person is None or person.employment_form != EmploymentForm.NEW_FORM:
        return []
    membership = _self_membership(person)
    if membership is None:
        return []
    union = membership.union
    today = timezone.localdate()
    ancestors = [int(p) for p in union.path.strip("/").split("/") if p]
    taken = set(Coverage.objects.filter(person=person).values_list("plan_id", flat=True)) | set(
        SelfEnrolment.objects.filter(person=person, status=SelfEnrolment.Status.PENDING).values_list("plan_id",
                                                                                                     flat=True))
    offers = []
    for plan in Plan.objects.filter(union_id__in=ancestors, ends_on__gte=today).select_related("union").order_by(
            "starts_on", "pk")[:20]:
        if plan.pk in taken:
            continue
        starts_on = max(plan.starts_on, today)
        version = version_in_force(plan, starts_on)
        if version is None or not version.self_enrol:
            continue
        premium = enrolment_premium(plan=plan, version=version, starts_on=starts_on)
        union_part = premium.amount * version.self_union_share // 100
        renewing = bool(_renewing(plan, [person.pk]))
        waiting_until = starts_on if renewing else starts_on + dt.timedelta(days=version.engine_rules.waiting_days)
        offers.append(SelfOffer(plan=plan, version=version, union=union, starts_on=starts_on, premium=premium,
                                union_part=union_part, member_part=premium.amount - union_part,
                                waiting_until=waiting_until))
    return offers


def self_enrol_apply(*, user: Any, plan_id: int, channel: str, payment_ref: str) -> SelfEnrolment:
    """A new-form worker asks to join a plan that allows it and gives the reference of the
    payment of their share; the cover opens when the union's staff confirm the money arrived."""
    offer = next((o for o in self_enrol_offers(user=user) if o.plan.pk == plan_id), None)
    if offer is None:
        raise NotFound()
    if channel not in SelfEnrolment.Channel.values:
        raise ValidationFailed(_("请选择缴费方式。"), code="invalid_channel", field="channel")
    ref = _text(payment_ref, field="payment_ref", max_len=40, message=_("请填写缴费流水号（付款记录里的交易单号）。"))
    if len(ref) < 4 or not all(ch.isalnum() or ch in "-_" for ch in ref):
        raise ValidationFailed(_("缴费流水号应为 4 到 40 位字母或数字。"), code="invalid_payment_ref", field="payment_ref")
    person = person_for_user(user)
    assert person is not None
    try:
        with transaction.atomic():
            request = SelfEnrolment.objects.create(
                plan=offer.plan, version=offer.version, person=person, user=user, union=offer.union,
                union_path=offer.union.path, starts_on=offer.starts_on, months=offer.premium.months,
                premium=offer.premium.amount, union_part=offer.union_part, member_part=offer.member_part,
                channel=channel, payment_ref=ref,
            )
            audit_record(actor=user, action="mutualaid.self_enrol.apply", target=request,
                         data={"plan": offer.plan.pk, "member_part": offer.member_part})
            notice_send(
                user_ids=_union_staff_ids(offer.union, up_to=offer.plan.union), module="mutualaid",
                audience=Audience.STAFF,
                union_path=offer.union.path, object_id=request.pk, ref=offer.plan.name[:40],
                link=reverse("console:mutualaid:self_enrolments"),
                text=f"{person.name} 申请自行参加{offer.plan.name}，已缴 {engine.yuan(offer.member_part)} 元，请核对到账后确认。",
            )
    except IntegrityError as exc:  # the same request sent twice at once
        raise Conflict(_("您已提交过该计划的参保申请，请等待确认。"), code="already_applied") from exc
    return request


def _union_staff_ids(union: Union, *, up_to: Union) -> list[int]:
    """Staff who may confirm: those of the worker's union and of the unions above it up to
    the plan's union."""
    from gonghui.accounts.models import RoleGrant

    ids = [int(p) for p in union.path.strip("/").split("/") if p]
    ids = ids[ids.index(up_to.pk):] if up_to.pk in ids else [union.pk]
    return list(RoleGrant.objects.filter(union_id__in=ids).values_list("user_id", flat=True).distinct())


def self_enrol_confirm(*, actor: Any, request: SelfEnrolment, booked_on: dt.date | None = None) -> SelfEnrolment:
    """The union confirms the worker's payment arrived: the cover opens from the request's
    start day and the premium is booked in the plan union's ledger like a group enrolment's."""
    _require(actor, "change", request.union_path)
    with transaction.atomic():
        locked = SelfEnrolment.objects.select_for_update().select_related("plan__union", "union", "version").get(
            pk=request.pk)
        if locked.status != SelfEnrolment.Status.PENDING:
            raise Conflict(_("该申请已处理（%(s)s）。") % {"s": locked.get_status_display()}, code="self_enrol_decided")
        if Coverage.objects.filter(plan=locked.plan, person_id=locked.person_id).exists():
            raise Conflict(_("此人已参加该计划。"), code="already_covered")
        if timezone.localdate() > locked.plan.ends_on:
            raise Conflict(_("该计划保障期已结束，不能再参保。"), code="plan_ended")
        Union.objects.select_for_update().filter(pk=locked.union_id).get()
        members_total = _live_memberships(locked.union).count()
        enrolment = _cover_and_book(actor=actor, plan=locked.plan, version=locked.version, union=locked.union,
                                    mode=Enrolment.Mode.SELF, people=[locked.person_id], members_total=members_total,
                                    union_share=locked.version.self_union_share, booked_on=booked_on,
                                    each_paid=locked.premium)
        locked.status, locked.enrolment = SelfEnrolment.Status.CONFIRMED, enrolment
        locked.decided_by, locked.decided_at = _actor(actor), timezone.now()
        # The cover opens today; the premium booked is the one the worker was shown and paid.
        locked.save(update_fields=["status", "enrolment", "decided_by", "decided_at"])
        audit_record(actor=actor, action="mutualaid.self_enrol.confirm", target=locked,
                     data={"enrolment": enrolment.pk, "premium": enrolment.premium})
    return locked


def self_enrol_reject(*, actor: Any, request: SelfEnrolment, reason: str) -> SelfEnrolment:
    """The payment could not be found (or the person may not join): refused with a reason,
    sent to the worker's 消息 and by text message."""
    _require(actor, "change", request.union_path)
    reason = _text(reason, field="reason", max_len=300, message=_("请写明未通过的原因。"))
    with transaction.atomic():
        locked = SelfEnrolment.objects.select_for_update().select_related("plan").get(pk=request.pk)
        if locked.status != SelfEnrolment.Status.PENDING:
            raise Conflict(_("该申请已处理（%(s)s）。") % {"s": locked.get_status_display()}, code="self_enrol_decided")
        locked.status, locked.reason = SelfEnrolment.Status.REJECTED, reason
        locked.decided_by, locked.decided_at = _actor(actor), timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(actor=actor, action="mutualaid.self_enrol.reject", target=locked, reason=reason)
        text = f"您参加{locked.plan.name}的申请未通过，原因：{reason}"
        notice_send(user_ids=[locked.user_id], module="mutualaid", text=text, link=reverse("mutualaid:index"),
                    ref=locked.plan.name[:40])
        outbox_enqueue(tasks.person_sms_send, locked.person_id, text)
    return locked


def certificate_token(coverage: Coverage) -> str:
    """The certificate's QR payload: a signed reference to its serial, no personal data."""
    return signing.dumps(coverage.serial, salt=CERTIFICATE_SALT)


@dataclass(frozen=True)
class CertificateCheck:
    status: str  # valid / waiting / ended / not_started / invalid
    plan_name: str = ""
    union_name: str = ""
    name_masked: str = ""
    starts_on: dt.date | None = None
    waiting_until: dt.date | None = None
    ends_on: dt.date | None = None


def certificate_verify(*, token: str, today: dt.date | None = None) -> CertificateCheck:
    """What anyone scanning a certificate learns: whether it covers today, the plan, the union
    and the masked name."""
    try:
        serial = signing.loads((token or "").strip(), salt=CERTIFICATE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return CertificateCheck(status="invalid")
    coverage = (Coverage.objects.select_related("plan", "union", "person").filter(serial=serial).first()
                if isinstance(serial, str) else None)
    if coverage is None:
        return CertificateCheck(status="invalid")
    today = today or timezone.localdate()
    if today < coverage.starts_on:
        status = "not_started"
    elif today > coverage.ends_on:
        status = "ended"
    elif today < coverage.waiting_until:
        status = "waiting"
    else:
        status = "valid"
    person = coverage.person
    masked = person.name[:1] + "*" * (len(person.name) - 1) if len(person.name) > 1 else person.name
    return CertificateCheck(status=status, plan_name=coverage.plan.name, union_name=coverage.union.name,
                            name_masked=masked, starts_on=coverage.starts_on, waiting_until=coverage.waiting_until,
                            ends_on=coverage.ends_on)


# --- claims -------------------------------------------------------------------------------


def invoice_index(number: str) -> str:
    normal = "".join(ch for ch in number.upper() if ch.isalnum())
    return blind_index("invoice", normal)


def _invoices_check(invoices: Sequence[str]) -> list[str]:
    numbers = [str(n).strip() for n in invoices if str(n).strip()]
    if len(numbers) > MAX_INVOICES:
        raise ValidationFailed(_("发票号最多 %(n)s 个。") % {"n": MAX_INVOICES}, code="too_many_invoices",
                               field="invoices")
    for n in numbers:
        if not 4 <= len(n) <= 40 or not all(ch.isalnum() or ch in "-_ " for ch in n):
            raise ValidationFailed(_("发票号“%(n)s”格式不正确（4 到 40 位字母或数字）。") % {"n": n[:40]},
                                   code="invalid_invoice", field="invoices")
    if len({invoice_index(n) for n in numbers}) != len(numbers):
        raise ValidationFailed(_("发票号有重复。"), code="invalid_invoice", field="invoices")
    return numbers


def prior_for(coverage: Coverage, *, exclude_claim: Claim | None = None) -> engine.Prior:
    """What was approved for this cover's plan year (and, for once-only benefits, for the
    person under any cover)."""
    lines = ClaimLine.objects.filter(approved=True, amount__gt=0)
    if exclude_claim is not None:
        lines = lines.exclude(claim=exclude_claim)
    paid: dict[str, int] = {}
    for benefit, amount in lines.filter(coverage=coverage).values_list("benefit", "amount"):
        paid[benefit] = paid.get(benefit, 0) + amount
    once = lines.filter(coverage__person_id=coverage.person_id,
                        benefit__in=[engine.LUMP_DISEASE, engine.ILLNESS_DEATH_BENEFIT])
    diseases = frozenset(once.filter(benefit=engine.LUMP_DISEASE).values_list("key", flat=True))
    death = once.filter(benefit=engine.ILLNESS_DEATH_BENEFIT).exists()
    return engine.Prior(paid=paid, diseases=diseases, illness_death=death)


def claim_event(claim: Claim) -> engine.Event:
    return engine.Event(kind=claim.kind, on=claim.event_on, discharged_on=claim.discharged_on,
                        hospital_level=claim.hospital_level, cost=claim.cost, insurance_paid=claim.insurance_paid,
                        disease=claim.disease, disability_grade=claim.disability_grade)


def _database_flags(claim: Claim) -> list[str]:
    flags = []
    own = list(claim.invoice_rows.values_list("number_index", flat=True))
    if own and ClaimInvoice.objects.filter(number_index__in=own).exclude(claim=claim).exclude(
            claim__status=Claim.Status.REJECTED).exists():
        flags.append(Flag.DUPLICATE_INVOICE.value)
    kinds = set(claim.documents.values_list("kind", flat=True))
    if claim.kind == EventKind.HOSPITAL:
        missing = not {ClaimDocument.Kind.INVOICE, ClaimDocument.Kind.DISCHARGE} <= kinds
    else:
        missing = not kinds
    if missing:
        flags.append(Flag.MISSING_DOCUMENTS.value)
    return flags


def claim_assess(claim: Claim) -> engine.Result:
    """Recompute the proposal with the version in force on the event day and what is already
    approved; store it on the claim and its lines (not yet decided)."""
    version = version_in_force(claim.coverage.plan, claim.event_on)
    result = engine.claim_compute(rules=version.engine_rules, cover=claim.coverage.cover, event=claim_event(claim),
                                  prior=prior_for(claim.coverage, exclude_claim=claim))
    claim.version = version
    claim.proposed = result.total
    claim.explanation = [line.to_dict() for r in result.results for line in r.lines]
    claim.flags = sorted(set(result.flags) | set(_database_flags(claim)))
    claim.save(update_fields=["version", "proposed", "explanation", "flags"])
    claim.lines.all().delete()
    ClaimLine.objects.bulk_create([
        ClaimLine(claim=claim, coverage=claim.coverage, benefit=r.benefit, key=r.key, proposed=r.amount,
                  amount=r.amount, lines=[line.to_dict() for line in r.lines])
        for r in result.results
    ])
    return result


@dataclass(frozen=True)
class ClaimInput:
    kind: str
    event_on: dt.date
    diagnosis: str
    payee_name: str
    bank_account: str
    discharged_on: dt.date | None = None
    hospital_level: str = ""
    hospital: str = ""
    disease: str = ""
    disability_grade: int = 0
    cost: int = 0
    insurance_paid: int = 0
    invoices: tuple[str, ...] = ()


def _claim_input_check(data: ClaimInput, coverage: Coverage) -> dict[str, Any]:
    if data.kind not in EventKind.values:
        raise ValidationFailed(_("请选择事故类型。"), code="invalid_kind", field="kind")
    today = timezone.localdate()
    if data.event_on > today:
        raise ValidationFailed(_("事故日期不能晚于今天。"), code="invalid_date", field="event_on")
    fields: dict[str, Any] = {
        "kind": data.kind, "event_on": data.event_on,
        "diagnosis": _text(data.diagnosis, field="diagnosis", max_len=500, message=_("请填写诊断或事故经过。")),
        "payee_name": _text(data.payee_name, field="payee_name", max_len=60, message=_("请填写收款人姓名。")),
        "bank_account": assistance_payouts.bank_account_check(data.bank_account),
        "hospital": _text(data.hospital, field="hospital", max_len=100, message="", required=False),
    }
    if data.kind == EventKind.HOSPITAL:
        if data.discharged_on is None:
            raise ValidationFailed(_("请填写出院日期。"), code="discharged_required", field="discharged_on")
        if data.discharged_on < data.event_on:
            raise ValidationFailed(_("出院日期不能早于入院日期。"), code="invalid_date", field="discharged_on")
        if data.discharged_on > today:
            raise ValidationFailed(_("出院日期不能晚于今天。"), code="invalid_date", field="discharged_on")
        if data.hospital_level not in HospitalLevel.values:
            raise ValidationFailed(_("请选择医院级别。"), code="invalid_level", field="hospital_level")
        cost = _money(data.cost, field="cost")
        paid = _money(data.insurance_paid, field="insurance_paid")
        if paid > cost:
            raise ValidationFailed(_("医保已付不能超过医疗费用总额。"), code="invalid_amount", field="insurance_paid")
        fields.update(discharged_on=data.discharged_on, hospital_level=data.hospital_level, cost=cost,
                      insurance_paid=paid)
    elif data.kind == EventKind.DISEASE:
        fields["disease"] = _text(data.disease, field="disease", max_len=60, message=_("请选择所患重大疾病。"))
    elif data.kind == EventKind.DISABILITY:
        fields["disability_grade"] = _int(data.disability_grade, field="disability_grade", low=1, high=10,
                                          message=_("伤残等级应为 1 到 10 级。"))
    return fields


def claim_submit(*, user: Any, coverage: Coverage, data: ClaimInput,
                 documents: Sequence[tuple[str, UploadedFile]] = ()) -> Claim:
    """A worker's claim on their own cover, with invoice numbers and photos; the engine's
    proposal and the flags are computed at once."""
    if coverage.person.user_id != getattr(user, "pk", None):
        raise NotFound()
    fields = _claim_input_check(data, coverage)
    invoices = _invoices_check(data.invoices)
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationFailed(_("最多上传 %(n)s 个材料。") % {"n": MAX_DOCUMENTS}, code="attachment_count",
                               field="documents")
    checked = []
    for kind, upload in documents:
        if kind not in ClaimDocument.Kind.values:
            raise ValidationFailed(_("材料类型不正确。"), code="invalid_document_kind", field="documents")
        checked.append((kind, upload, attachment_validate(upload)))
    with transaction.atomic():
        year = timezone.localdate().year
        number = f"HZ{year}{sequence_reserve(f'mutualaid_claim_{year}')[0]:08d}"
        claim = Claim.objects.create(
            number=number, coverage=coverage, version=version_in_force(coverage.plan, data.event_on),
            union_id=coverage.union_id, union_path=coverage.union_path, user=user, invoices="\n".join(invoices),
            **fields,
        )
        ClaimInvoice.objects.bulk_create([ClaimInvoice(claim=claim, number_index=invoice_index(n)) for n in invoices])
        for kind, upload, content_type in checked:
            document = ClaimDocument(claim=claim, kind=kind, original_name=(upload.name or "")[-200:],
                                     content_type=content_type, size=upload.size or 0)
            document.upload.save(upload.name or "document", upload, save=False)
            document.save()
        claim_assess(claim)
        audit_record(actor=user, action="mutualaid.claim.submit", target=claim, data={"kind": claim.kind})
    return claim


def _decider_check(actor: Any, claim: Claim) -> None:
    _require(actor, "approve", claim.coverage.plan.union_path)


def _lock(claim: Claim, *statuses: str) -> Claim:
    Coverage.objects.select_for_update().filter(pk=claim.coverage_id).get()
    locked = Claim.objects.select_for_update().select_related("coverage__plan__union", "coverage__person").get(
        pk=claim.pk)
    if locked.status not in statuses:
        raise Conflict(_("该申请已处理（%(status)s），请刷新后查看。") % {"status": locked.get_status_display()},
                       code="claim_decided")
    return locked


def claim_review(*, actor: Any, claim: Claim, amounts: Mapping[str, int] | None = None, reason: str = "") -> Claim:
    """Approve a claim at the engine's proposal, or adjusted down with a reason. Above the
    version's second-approval amount it waits for a second officer (`claim_confirm`)."""
    _decider_check(actor, claim)
    reason = (reason or "").strip()[:300]
    nothing = False
    with transaction.atomic():
        locked = _lock(claim, Claim.Status.SUBMITTED, Claim.Status.APPEALED)
        _appeal_officer_check(locked, actor)
        _not_paid_check(locked)
        claim_assess(locked)  # against what is approved now, under the cover's lock
        lines = list(locked.lines.all())
        adjusted = False
        for line in lines:
            want = line.proposed if amounts is None or line.benefit not in amounts else amounts[line.benefit]
            _money(want, field="amounts")
            if want > line.proposed:
                raise ValidationFailed(
                    _("%(benefit)s 核准金额不能高于核算金额 %(max)s 元（封顶和规则已计入）。")
                    % {"benefit": line.get_benefit_display(), "max": engine.yuan(line.proposed)},
                    code="above_proposal", field="amounts")
            adjusted |= want != line.proposed
            line.amount = want
        total = sum(line.amount for line in lines)
        if total == 0:
            nothing = True  # the fresh proposal (e.g. the cap now reached) is kept for the officer to see
        elif adjusted and not reason:
            raise ValidationFailed(_("调整金额请写明原因。"), code="reason_required", field="reason")
        if not nothing:
            ClaimLine.objects.bulk_update(lines, ["amount"])
            locked.amount, locked.reason, locked.reviewed_by = total, reason, _actor(actor)
            if total > locked.version.second_approval_above:
                locked.status = Claim.Status.REVIEWED
                locked.save(update_fields=["amount", "reason", "reviewed_by", "status"])
                audit_record(actor=actor, action="mutualaid.claim.review", target=locked, data={"amount": total})
            else:
                _approve(locked, actor)
    if nothing:
        raise ValidationFailed(_("核准金额为 0（可能已达封顶，核算已更新），请选择“不予赔付”并写明原因。"), code="nothing_to_pay",
                               field="amounts")
    return locked


def claim_confirm(*, actor: Any, claim: Claim) -> Claim:
    """The second officer's approval of a large claim (not the officer who reviewed it)."""
    _decider_check(actor, claim)
    with transaction.atomic():
        locked = _lock(claim, Claim.Status.REVIEWED)
        if locked.reviewed_by_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("大额赔付须由另一位审批人复核。"), code="same_officer")
        reviewed = {line.benefit: line.amount for line in locked.lines.all()}
        claim_assess(locked)
        lines = list(locked.lines.all())
        for line in lines:
            want = reviewed.get(line.benefit, 0)
            if want > line.proposed:
                raise Conflict(_("其他申请已先行核准，本申请超出封顶，请退回重新审核。"), code="cap_changed")
            line.amount = want
        ClaimLine.objects.bulk_update(lines, ["amount"])
        locked.amount = sum(line.amount for line in lines)
        _approve(locked, actor)
    return locked


def _totals_add(plan_id: int, deltas: Mapping[str, tuple[int, int]]) -> None:
    for benefit, (amount, count) in deltas.items():
        lookup = {"plan_id": plan_id, "benefit": benefit}
        changes = {"amount": F("amount") + amount, "count": F("count") + count}
        if PlanTotal.objects.filter(**lookup).update(**changes):
            continue
        try:
            with transaction.atomic():
                PlanTotal.objects.create(**lookup, amount=amount, count=count)
        except IntegrityError:  # created at the same moment by another approval
            PlanTotal.objects.filter(**lookup).update(**changes)


def plan_totals_rebuild(*, plan: Plan) -> None:
    """Recompute the plan's totals from its approved claims and lines (repair, bulk loads)."""
    with transaction.atomic():
        PlanTotal.objects.filter(plan=plan).delete()
        approved = Claim.objects.filter(coverage__plan=plan, status=Claim.Status.APPROVED)
        claims = approved.aggregate(s=Sum("amount"), n=Count("id"))
        rows = [PlanTotal(plan=plan, benefit="", amount=claims["s"] or 0, count=claims["n"])]
        for benefit, amount, n in (ClaimLine.objects.filter(claim__in=approved, approved=True)
                                   .values_list("benefit").annotate(s=Sum("amount"), n=Count("id")).order_by()):
            rows.append(PlanTotal(plan=plan, benefit=benefit, amount=amount or 0, count=n))
        PlanTotal.objects.bulk_create(rows)


def _approve(claim: Claim, actor: Any) -> None:
    plan = claim.coverage.plan
    claim.lines.update(approved=True)
    deltas: dict[str, tuple[int, int]] = {"": (claim.amount, 1)}
    for benefit, amount in claim.lines.filter(amount__gt=0).values_list("benefit", "amount"):
        old = deltas.get(benefit, (0, 0))
        deltas[benefit] = (old[0] + amount, old[1] + 1)
    _totals_add(plan.pk, deltas)
    claim.payout = assistance_payouts.payout_create(
        union=plan.union, source=plan.source, amount=claim.amount, payee_name=claim.payee_name,
        bank_account=claim.bank_account, memo=_("互助保障赔付 %(n)s") % {"n": claim.number},
        idempotency_key=f"mutualaid-claim-{claim.pk}", beneficiary=claim.user, actor=actor,
    )
    claim.status, claim.decided_by, claim.decided_at = Claim.Status.APPROVED, _actor(actor), timezone.now()
    claim.save(update_fields=["amount", "reason", "reviewed_by", "status", "decided_by", "decided_at", "payout"])
    audit_record(actor=actor, action="mutualaid.claim.approve", target=claim, data={"amount": claim.amount})
    _notify(claim, f"您的互助金申请 {claim.number} 已核准，赔付 {engine.yuan(claim.amount)} 元，将由银行代发到账。")


def _notify(claim: Claim, text: str) -> None:
    """A decision reaches the worker in 消息 now and by text message after commit."""
    # Workers' notices are written in Chinese, like every other module's.
    notice_send(user_ids=[claim.user_id], module="mutualaid", text=text, object_id=claim.pk, ref=claim.number,
                link=reverse("mutualaid:claim", kwargs={"claim_id": claim.pk}))
    outbox_enqueue(tasks.person_sms_send, claim.coverage.person_id, text)


def claim_reject(*, actor: Any, claim: Claim, reason: str) -> Claim:
    _decider_check(actor, claim)
    reason = _text(reason, field="reason", max_len=300, message=_("请写明不予赔付的原因。"))
    with transaction.atomic():
        locked = _lock(claim, Claim.Status.SUBMITTED, Claim.Status.REVIEWED, Claim.Status.APPEALED)
        _appeal_officer_check(locked, actor)
        _not_paid_check(locked)
        locked.lines.update(amount=0, approved=False)
        locked.status, locked.reason, locked.amount = Claim.Status.REJECTED, reason, 0
        locked.decided_by, locked.decided_at = _actor(actor), timezone.now()
        locked.save(update_fields=["status", "reason", "amount", "decided_by", "decided_at"])
        audit_record(actor=actor, action="mutualaid.claim.reject", target=locked, reason=reason)
        _notify(locked, f"您的互助金申请 {locked.number} 不予赔付，原因：{reason}")
    return locked


def _appeal_officer_check(claim: Claim, actor: Any) -> None:
    if claim.status == Claim.Status.APPEALED and claim.appeal_of_officer_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("申诉须由原审批人以外的人员复查。"), code="same_officer")


def _not_paid_check(claim: Claim) -> None:
    if claim.payout_id is not None:  # an appeal against an approved (lowered) amount
        raise Conflict(_("该申请已核准赔付，申诉请用“复查决定”：维持原核准金额或补发差额。"), code="appeal_of_approved")


def claim_appealable(claim: Claim) -> bool:
    """A rejection, or an approval lowered below the engine's proposal, may be appealed once."""
    if claim.appealed_at is not None:
        return False
    if claim.status == Claim.Status.REJECTED:
        return True
    return claim.status == Claim.Status.APPROVED and claim.amount < claim.proposed


def claim_appeal(*, user: Any, claim: Claim, reason: str) -> Claim:
    """The claimant appeals, once, with a reason, against a rejection or a lowered amount: the
    claim goes back to the queue and is decided again by an officer other than the one who
    decided it. A rejection is decided afresh (proposal recomputed); for a lowered amount the
    approved payout stands and the appeal can only keep it or add a top-up (`claim_appeal_decide`)."""
    if claim.user_id != getattr(user, "pk", None):
        raise NotFound()
    reason = _text(reason, field="reason", max_len=500, message=_("请写明申诉理由。"))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.appealed_at is not None:
            raise Conflict(_("每件申请只能申诉一次。"), code="already_appealed")
        if not claim_appealable(locked):
            raise Conflict(_("只有不予赔付或核减了金额的申请可以申诉。"), code="not_appealable")
        locked.appeal_of_officer_id = locked.decided_by_id
        locked.status, locked.appeal_reason, locked.appealed_at = Claim.Status.APPEALED, reason, timezone.now()
        locked.save(update_fields=["status", "appeal_reason", "appealed_at", "appeal_of_officer"])
        audit_record(actor=user, action="mutualaid.claim.appeal", target=locked, reason=reason)
    return locked


def claim_appeal_decide(*, actor: Any, claim: Claim, amounts: Mapping[str, int] | None, answer: str) -> Claim:
    """Decide an appeal against a lowered amount (an officer other than the one who approved
    it): keep each benefit's approved amount or raise it, at most to what the rules allow now
    (recomputed under the cover's lock, this claim's own payout left out). A raise is paid as a
    second assistance payout of the difference (idempotency key `mutualaid-claim-<id>-appeal`);
    the first payout is never changed. The answer is required and reaches the worker."""
    _decider_check(actor, claim)
    answer = _text(answer, field="answer", max_len=300, message=_("请写明复查意见。"))
    with transaction.atomic():
        locked = _lock(claim, Claim.Status.APPEALED)
        _appeal_officer_check(locked, actor)
        if locked.payout_id is None:
            raise Conflict(_("该申诉针对不予赔付，请重新审核（核准或不予赔付）。"), code="appeal_of_rejection")
        version = version_in_force(locked.coverage.plan, locked.event_on)
        fresh = engine.claim_compute(rules=version.engine_rules, cover=locked.coverage.cover,
                                     event=claim_event(locked), prior=prior_for(locked.coverage, exclude_claim=locked))
        lines = list(locked.lines.all())
        deltas: dict[str, tuple[int, int]] = {}
        for line in lines:
            allowed = max(line.amount, fresh.amount_of(line.benefit))
            want = line.amount if amounts is None or line.benefit not in amounts else amounts[line.benefit]
            _money(want, field="amounts")
            if want < line.amount:
                raise ValidationFailed(
                    _("%(benefit)s 复查不能低于已核准的 %(amount)s 元。")
                    % {"benefit": line.get_benefit_display(), "amount": engine.yuan(line.amount)},
                    code="below_approved", field="amounts")
            if want > allowed:
                raise ValidationFailed(
                    _("%(benefit)s 核准金额不能高于核算金额 %(max)s 元（封顶和规则已计入）。")
                    % {"benefit": line.get_benefit_display(), "max": engine.yuan(allowed)},
                    code="above_proposal", field="amounts")
            if want > line.amount:
                deltas[line.benefit] = (want - line.amount, 1 if line.amount == 0 else 0)
                line.amount = want
        top_up = sum(d for d, _n in deltas.values())
        plan = locked.coverage.plan
        if top_up:
            ClaimLine.objects.bulk_update(lines, ["amount"])
            _totals_add(plan.pk, {"": (top_up, 0), **deltas})
            locked.appeal_payout = assistance_payouts.payout_create(
                union=plan.union, source=plan.source, amount=top_up, payee_name=locked.payee_name,
                bank_account=locked.bank_account, memo=_("互助保障复查补发 %(n)s") % {"n": locked.number},
                idempotency_key=f"mutualaid-claim-{locked.pk}-appeal", beneficiary=locked.user, actor=actor,
            )
            locked.amount += top_up
        # decided_at stays the approval's day: the figures count the claim (with its top-up) there once.
        locked.status, locked.appeal_answer = Claim.Status.APPROVED, answer
        locked.appeal_decided_by, locked.appeal_decided_at = _actor(actor), timezone.now()
        locked.save(update_fields=["status", "appeal_answer", "appeal_payout", "amount", "appeal_decided_by",
                                   "appeal_decided_at"])
        audit_record(actor=actor, action="mutualaid.claim.appeal_decide", target=locked, reason=answer,
                     data={"top_up": top_up})
        if top_up:
            text = (f"您的互助金申请 {locked.number} 申诉复查后补发 {engine.yuan(top_up)} 元，合计赔付 "
                    f"{engine.yuan(locked.amount)} 元。复查意见：{answer}")
        else:
            text = f"您的互助金申请 {locked.number} 申诉复查后维持原核准金额 {engine.yuan(locked.amount)} 元。复查意见：{answer}"
        _notify(locked, text)
    return locked


def claim_diagnosis_reveal(*, actor: Any, claim: Claim, reason: str) -> str:
    """The full diagnosis and invoice numbers, to a role allowed to see personal data; audited."""
    if not jurisdiction.has_action(actor, "reveal_pii", claim.union_path):
        raise PermissionDenied(_("您的角色不能查看完整个人信息。"), code="reveal_forbidden")
    reason = _text(reason, field="reason", max_len=300, message=_("请填写查看原因。"))
    audit_record(actor=actor, action="mutualaid.claim.reveal", target=claim, reason=reason)
    return claim.diagnosis


def plan_payment_batch_create(*, actor: Any, plan: Plan) -> PaymentBatch:
    """Send the plan's approved, not yet sent claim payouts to the bank as one assistance
    payment batch (the same payouts are never sent twice: only queued ones go)."""
    _require(actor, "approve", plan.union_path)
    # A claim under appeal against a lowered amount keeps its approved payout: that is sent too.
    approved = Claim.objects.filter(coverage__plan=plan, status__in=[Claim.Status.APPROVED, Claim.Status.APPEALED])
    ids = list(approved.filter(payout__status=Payout.Status.QUEUED).values_list("payout_id", flat=True))
    ids += list(approved.filter(appeal_payout__status=Payout.Status.QUEUED).values_list("appeal_payout_id", flat=True))
    if not ids:
        raise ValidationFailed(_("没有待发放的赔付。"), code="batch_empty")
    return assistance_payouts.payment_batch_create(union=plan.union, actor=actor, payout_ids=ids)


def person_for_user(user: Any) -> Person | None:
    return Person.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None


def claim_counts(plan: Plan) -> dict[str, int]:
    rows = Claim.objects.filter(coverage__plan=plan).values("status").annotate(n=Count("id")).order_by()
    return {r["status"]: r["n"] for r in rows}

