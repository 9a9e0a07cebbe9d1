"""送温暖 campaigns: create → allocate the budget down the tree (ledger allocations) → list the
households from active hardship files by rule → each holding union edits its households and
records the visits → pays the cash part through the payout batches → completion by union.

Rules (each refusal names its rule):
- the least cash per household is set per hardship grade on the campaign (e.g. 深度困难 at least
  1,500 元); the generated list uses it and no household's planned cash may go below it;
- a union passes on at most what it received for the campaign (the organizer: the budget), and
  the ledger refuses an allocation its funds cannot cover;
- the cash part of a visited household is paid once: its payout's idempotency key is
  `relief-<target id>`, and a household already paid or queued is not taken again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.cases.services import attachment_validate
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.money import fen_to_yuan
from gonghui.orgs.models import Union

from .models import (
    FundSource,
    HardshipFile,
    HardshipGrade,
    PaymentBatch,
    Payout,
    ReliefAllocation,
    ReliefCampaign,
    ReliefTarget,
)
from .payouts import bank_account_check, payment_batch_create, payout_create
from .services import fund_allocate

Status = ReliefTarget.Status
MAX_AMOUNT = 100_000_00  # 10 万元 per household is far above any 送温暖 standard


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: str, *, field: str, max_len: int, message: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(message, code=f"{field}_required", field=field)
    if len(value) > max_len:
        raise ValidationFailed(_("内容过长（不超过 %(n)s 个字）。") % {"n": max_len}, code=f"{field}_too_long",
                               field=field)
    return value


def _fen(value: Any, *, field: str, allow_zero: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_AMOUNT or (
            value == 0 and not allow_zero):
        raise ValidationFailed(_("金额不正确（0 到 100,000 元）。"), code="invalid_amount", field=field)
    return value


def _require(by: Any, path: str, action: str = "change") -> None:
    if not jurisdiction.has_action(by, action, path):
        raise PermissionDenied(_("您没有办理该事项的权限。"), code="forbidden")


def grade_amounts_check(amounts: Mapping[str, Any]) -> dict[str, int]:
    result: dict[str, int] = {}
    for grade, value in (amounts or {}).items():
        if grade not in HardshipGrade.values:
            raise ValidationFailed(_("困难类别不正确。"), code="invalid_grade", field="grade_amounts")
        fen = _fen(value, field="grade_amounts")
        if fen:
            result[grade] = fen
    if not result:
        raise ValidationFailed(_("请至少为一类困难户设置慰问标准。"), code="grade_amounts_required",
                               field="grade_amounts")
    return result


def relief_campaign_create(
    *, union: Union, name: str, year: int, source: str, budget: int, grade_amounts: Mapping[str, Any],
    starts_on: dt.date, ends_on: dt.date, by: Any,
) -> ReliefCampaign:
    """A union (approve in its branch) opens a campaign over its subtree."""
    _require(by, union.path, "approve")
    name = _text(name, field="name", max_len=100, message=_("请填写活动名称。"))
    if source not in FundSource.values:
        raise ValidationFailed(_("资金来源不正确。"), code="invalid_source", field="source")
    if isinstance(budget, bool) or not isinstance(budget, int) or not 0 < budget <= 1_000_000_000_000:
        raise ValidationFailed(_("预算必须大于 0。"), code="invalid_amount", field="budget")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("年度不正确。"), code="invalid_year", field="year")
    if ends_on < starts_on:
        raise ValidationFailed(_("结束日期不能早于开始日期。"), code="invalid_dates", field="ends_on")
    amounts = grade_amounts_check(grade_amounts)
    with transaction.atomic():
        campaign = ReliefCampaign.objects.create(
            union=union, union_path=union.path, name=name, year=year, source=source, budget=budget,
            grade_amounts=amounts, starts_on=starts_on, ends_on=ends_on, created_by=_actor(by),
        )
        audit_record(actor=by, action="relief.campaign.create", target=campaign, data={"budget": budget})
    return campaign


def relief_budget_of(*, campaign: ReliefCampaign, union: Union) -> int:
    """What `union` has for this campaign: the budget for the organizer, else what it received."""
    if union.pk == campaign.union_id:
        return campaign.budget
    return campaign.allocations.filter(to_union=union).aggregate(s=Sum("amount"))["s"] or 0


def relief_allocate(*, campaign: ReliefCampaign, to_union: Union, amount: int, by: Any,
                    booked_on: dt.date | None = None) -> ReliefAllocation:
    """Pass part of the campaign's budget to a direct child union: a ledger allocation of the
    campaign's fund source, never more than the giving union has for the campaign."""
    if to_union.parent_id is None:
        raise ValidationFailed(_("只能下拨给直属下级工会。"), code="not_a_child", field="to_union_id")
    from_union = Union.objects.get(pk=to_union.parent_id)
    _require(by, from_union.path, "approve")
    if not from_union.path.startswith(campaign.union_path):
        raise ValidationFailed(_("只能在本次活动的范围内下拨。"), code="outside_campaign", field="to_union_id")
    if campaign.status != ReliefCampaign.Status.OPEN:
        raise Conflict(_("活动已结束。"), code="campaign_closed")
    amount = _fen_positive(amount)
    with transaction.atomic():
        # One allocation of a campaign at a time: the budget check below is then exact.
        ReliefCampaign.objects.select_for_update().get(pk=campaign.pk)
        have = relief_budget_of(campaign=campaign, union=from_union)
        given = campaign.allocations.filter(from_union=from_union).aggregate(s=Sum("amount"))["s"] or 0
        if given + amount > have:
            raise Conflict(
                _("规则“预算”：%(union)s 在本次活动中共有 %(have)s 元，已下拨 %(given)s 元，最多还能下拨 %(left)s 元。")
                % {"union": from_union.name, "have": fen_to_yuan(have), "given": fen_to_yuan(given),
                   "left": fen_to_yuan(max(have - given, 0))},
                code="rule_budget", field="amount",
            )
        txn = fund_allocate(union=from_union, to_union=to_union, source=campaign.source, amount=amount,
                            memo=_("%(name)s 下拨") % {"name": campaign.name}, actor=by, booked_on=booked_on)
        allocation = ReliefAllocation.objects.create(
            campaign=campaign, from_union=from_union, to_union=to_union, to_path=to_union.path, amount=amount,
            txn=txn, by=_actor(by),
        )
        audit_record(actor=by, action="relief.allocate", target=campaign,
                     data={"to_union": to_union.pk, "amount": amount})
    return allocation


def _fen_positive(amount: Any) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 1_000_000_000_000:
        raise ValidationFailed(_("金额必须大于 0。"), code="invalid_amount", field="amount")
    return amount


def _minimum(campaign: ReliefCampaign, grade: str) -> int:
    return int(campaign.grade_amounts.get(grade) or 0)


def relief_targets_generate(*, campaign: ReliefCampaign, by: Any) -> int:
    """List every active hardship file in the campaign's subtree whose grade has a standard,
    at that standard. Run again, it adds only files not yet listed (a household taken off the
    list stays off). Returns how many were added."""
    _require(by, campaign.union_path, "approve")
    if campaign.status != ReliefCampaign.Status.OPEN:
        raise Conflict(_("活动已结束。"), code="campaign_closed")
    with transaction.atomic():
        ReliefCampaign.objects.select_for_update().get(pk=campaign.pk)
        listed = ReliefTarget.objects.filter(campaign=campaign).values("hardship_file_id")
        files = (HardshipFile.objects.filter(status=HardshipFile.Status.ACTIVE, union_path__startswith=campaign.union_path,
                                             grade__in=list(campaign.grade_amounts))
                 .exclude(pk__in=listed).only("pk", "union_id", "union_path", "name", "grade").order_by("pk"))
        new = [ReliefTarget(campaign=campaign, union_id=f.union_id, union_path=f.union_path, hardship_file=f,
                            name=f.name, grade=f.grade, amount=_minimum(campaign, f.grade)) for f in files.iterator()]
        ReliefTarget.objects.bulk_create(new, batch_size=1000)
        audit_record(actor=by, action="relief.targets.generate", target=campaign, data={"added": len(new)})
    return len(new)


def relief_target_add(*, campaign: ReliefCampaign, file: HardshipFile, by: Any) -> ReliefTarget:
    """The union holding an active file adds the household by hand (a grade without a standard too)."""
    _require(by, file.union_path)
    if file.status != HardshipFile.Status.ACTIVE:
        raise Conflict(_("只有在档的困难职工可以列入送温暖对象。"), code="file_not_active")
    if not file.union_path.startswith(campaign.union_path):
        raise ValidationFailed(_("该困难职工不在本次活动的范围内。"), code="outside_campaign", field="hardship_file_id")
    if campaign.status != ReliefCampaign.Status.OPEN:
        raise Conflict(_("活动已结束。"), code="campaign_closed")
    with transaction.atomic():
        target, created = ReliefTarget.objects.get_or_create(
            campaign=campaign, hardship_file=file,
            defaults={"union_id": file.union_id, "union_path": file.union_path, "name": file.name,
                      "grade": file.grade, "amount": _minimum(campaign, file.grade)},
        )
        if not created:
            raise Conflict(_("该户已在送温暖名单中。"), code="target_exists")
        audit_record(actor=by, action="relief.target.add", target=target)
    return target


def _locked(target: ReliefTarget) -> ReliefTarget:
    return ReliefTarget.objects.select_for_update().select_related("campaign").get(pk=target.pk)


def relief_target_update(*, target: ReliefTarget, by: Any, amount: int, goods: str = "", bank_account: str = "",
                         bank_name: str = "") -> ReliefTarget:
    """The holding union sets a household's planned cash (not below its grade's standard), goods
    and bank account. The cash is fixed once its payment is queued."""
    _require(by, target.union_path)
    amount = _fen(amount, field="amount")
    goods = _text(goods, field="goods", max_len=200, message="", required=False)
    account = bank_account_check(bank_account) if (bank_account or "").strip() else ""
    with transaction.atomic():
        target = _locked(target)
        if target.status == Status.REMOVED:
            raise Conflict(_("该户已移出名单。"), code="target_removed")
        if target.payout_id is not None:
            raise Conflict(_("慰问金已进入代发，不能再修改。"), code="target_paid")
        least = _minimum(target.campaign, target.grade)
        if amount < least:
            raise Conflict(
                _("规则“慰问标准”：%(grade)s户慰问金不少于 %(least)s 元。")
                % {"grade": HardshipGrade(target.grade).label, "least": fen_to_yuan(least)},
                code="rule_relief_minimum", field="amount",
            )
        if amount == 0 and not goods:
            raise ValidationFailed(_("请填写慰问金或慰问物品。"), code="nothing_given", field="amount")
        target.amount, target.goods = amount, goods
        if account:
            target.bank_account, target.bank_name = account, (bank_name or "").strip()[:60]
        target.save(update_fields=["amount", "goods", "bank_account", "bank_name"])
        audit_record(actor=by, action="relief.target.update", target=target, data={"amount": amount})
    return target


def relief_target_remove(*, target: ReliefTarget, by: Any, reason: str) -> ReliefTarget:
    """Take a household not yet visited off the list, with the reason."""
    _require(by, target.union_path)
    reason = _text(reason, field="reason", max_len=200, message=_("请填写移出原因。"))
    with transaction.atomic():
        target = _locked(target)
        if target.status != Status.PLANNED:
            raise Conflict(_("已慰问的户不能移出。"), code="invalid_transition")
        target.status, target.removed_reason = Status.REMOVED, reason
        target.save(update_fields=["status", "removed_reason"])
        audit_record(actor=by, action="relief.target.remove", target=target, reason=reason)
    return target


def relief_visit_record(
    *, target: ReliefTarget, by: Any, visited_on: dt.date, visitors: str, cash: int, goods: str = "",
    photo: UploadedFile | None = None,
) -> ReliefTarget:
    """The visit: date (within the campaign, not in the future), who went, what was given —
    the cash (paid afterwards by the bank; not below the grade's standard) and/or goods (alone
    only for a household whose grade has no cash standard) — and a photo."""
    _require(by, target.union_path)
    visitors = _text(visitors, field="visitors", max_len=200, message=_("请填写慰问人。"))
    goods = _text(goods, field="goods", max_len=200, message="", required=False)
    cash = _fen(cash, field="cash")
    if cash == 0 and not goods:
        raise ValidationFailed(_("请填写送去的慰问金或慰问物品。"), code="nothing_given", field="cash")
    content_type = ""
    if photo is not None:
        try:
            content_type = attachment_validate(photo)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=exc.code, field="photo") from exc
    with transaction.atomic():
        target = _locked(target)
        campaign = target.campaign
        if not campaign.starts_on <= visited_on <= min(campaign.ends_on, timezone.localdate()):
            raise ValidationFailed(
                _("慰问日期应在活动期间（%(start)s 至 %(end)s）且不晚于今天。")
                % {"start": f"{campaign.starts_on:%Y-%m-%d}", "end": f"{campaign.ends_on:%Y-%m-%d}"},
                code="invalid_date", field="visited_on",
            )
        if target.status != Status.PLANNED:
            raise Conflict(_("该户已登记慰问或已移出名单。"), code="invalid_transition")
        least = _minimum(campaign, target.grade)
        if cash < least:
            raise Conflict(
                _("规则“慰问标准”：%(grade)s户慰问金不少于 %(least)s 元。")
                % {"grade": HardshipGrade(target.grade).label, "least": fen_to_yuan(least)},
                code="rule_relief_minimum", field="cash",
            )
        target.status, target.visited_on, target.visitors = Status.VISITED, visited_on, visitors
        target.cash_given, target.goods_given, target.visit_by = cash, goods, _actor(by)
        fields = ["status", "visited_on", "visitors", "cash_given", "goods_given", "visit_by"]
        if photo is not None:
            target.photo.save(photo.name or "photo", photo, save=False)
            target.photo_type = content_type
            fields += ["photo", "photo_type"]
        target.save(update_fields=fields)
        audit_record(actor=by, action="relief.visit", target=target, data={"cash": cash})
    return target


@dataclass
class PaymentResult:
    batch: PaymentBatch
    queued: int = 0
    missing_account: list[str] = field(default_factory=list)


def relief_payment_batch_create(*, campaign: ReliefCampaign, union: Union, by: Any,
                                booked_on: dt.date | None = None) -> PaymentResult:
    """Pay the cash part of the union's visited households through one bank batch.

    Each household gets one payout (idempotency key `relief-<target id>`, beneficiary the
    file's worker); households without a bank account are named and left for later. The
    payouts and the batch are written together: when the union's funds cannot cover the
    batch, nothing is queued. A second call finds nothing left to pay.

    It moves money, so it needs `finance` on the paying union — like every payment batch —
    not `approve`: the finance role (财务) pays the households the campaign's staff listed and
    visited; a role without `finance` is refused, whatever else it may do."""
    if not jurisdiction.has_action(by, "finance", union.path):
        raise PermissionDenied(_("发放慰问金（生成银行代发批次）需要本工会的财务权限。"), code="forbidden")
    with transaction.atomic():
        targets = list(
            ReliefTarget.objects.select_for_update().filter(
                campaign=campaign, union=union, status=Status.VISITED, cash_given__gt=0, payout__isnull=True,
            ).select_related("hardship_file").order_by("pk")
        )
        missing = [t.name for t in targets if not t.bank_account]
        ready = [t for t in targets if t.bank_account]
        if not ready:
            raise ValidationFailed(
                _("没有待发放慰问金的已慰问户。") if not missing
                else _("以下已慰问户缺少银行账号，请先补充：%(names)s。") % {"names": "、".join(missing[:20])},
                code="nothing_to_pay",
            )
        payout_ids = []
        for target in ready:
            payout = payout_create(
                union=union, source=campaign.source, amount=target.cash_given, payee_name=target.name,
                bank_account=target.bank_account, bank_name=target.bank_name, beneficiary=target.hardship_file.user,
                memo=_("%(name)s 慰问金") % {"name": campaign.name}, idempotency_key=f"relief-{target.pk}", actor=by,
            )
            target.payout = payout
            payout_ids.append(payout.pk)
        ReliefTarget.objects.bulk_update(ready, ["payout"])
        batch = payment_batch_create(union=union, actor=by, payout_ids=payout_ids, booked_on=booked_on)
        audit_record(actor=by, action="relief.pay", target=campaign, data={"batch": batch.pk, "count": len(ready)})
    return PaymentResult(batch=batch, queued=len(ready), missing_account=missing)


def relief_campaign_close(*, campaign: ReliefCampaign, by: Any) -> ReliefCampaign:
    _require(by, campaign.union_path, "approve")
    with transaction.atomic():
        campaign = ReliefCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == ReliefCampaign.Status.CLOSED:
            raise Conflict(_("活动已结束。"), code="campaign_closed")
        campaign.status = ReliefCampaign.Status.CLOSED
        campaign.save(update_fields=["status"])
        audit_record(actor=by, action="relief.campaign.close", target=campaign)
    return campaign


# --- completion by union level -----------------------------------------------------------------


@dataclass
class ProgressRow:
    union: Union
    targets: int = 0
    visited: int = 0
    paid: int = 0
    planned: int = 0  # fen
    given: int = 0  # cash recorded at visits, fen
    paid_amount: int = 0  # cash the bank confirmed, fen
    allocated: int = 0  # budget this union received for the campaign (the organizer: the budget)

    @property
    def visited_rate(self) -> int:
        return round(self.visited * 100 / self.targets) if self.targets else 0


def relief_progress(*, campaign: ReliefCampaign, union: Union) -> tuple[ProgressRow, list[ProgressRow]]:
    """The union's totals and one row per direct child (and the union's own households, when it
    holds some): households listed, visited, paid; cash planned, given, paid; budget received.
    Two grouped queries whatever the size of the subtree."""
    rows = (ReliefTarget.objects.filter(campaign=campaign, union_path__startswith=union.path)
            .exclude(status=Status.REMOVED).values("union_path").annotate(
                n=Count("id"), visited=Count("id", filter=Q(status=Status.VISITED)),
                paid=Count("id", filter=Q(payout__status=Payout.Status.PAID)),
                planned=Sum("amount"), given=Sum("cash_given"),
                paid_amount=Sum("payout__amount", filter=Q(payout__status=Payout.Status.PAID)),
            ).order_by())
    children = {c.pk: c for c in Union.objects.filter(parent=union).order_by("name")}
    by_child: dict[int, ProgressRow] = {pk: ProgressRow(union=c) for pk, c in children.items()}
    own = ProgressRow(union=union)
    total = ProgressRow(union=union, allocated=relief_budget_of(campaign=campaign, union=union))
    for row in rows:
        rest = row["union_path"][len(union.path):].strip("/")
        key = int(rest.split("/")[0]) if rest else None
        slot = by_child.get(key) if key is not None else own
        if slot is None:
            continue
        for item in (slot, total):
            item.targets += row["n"]
            item.visited += row["visited"]
            item.paid += row["paid"]
            item.planned += row["planned"] or 0
            item.given += row["given"] or 0
            item.paid_amount += row["paid_amount"] or 0
    for alloc in campaign.allocations.filter(from_union=union).values("to_union_id").annotate(s=Sum("amount")):
        if alloc["to_union_id"] in by_child:
            by_child[alloc["to_union_id"]].allocated = alloc["s"] or 0
    result = list(by_child.values())
    if own.targets:
        result.insert(0, own)
    return total, result
