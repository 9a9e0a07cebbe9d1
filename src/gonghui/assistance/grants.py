"""Grants with public notice (公示): apply → verify → notice for N working days (masked
names, open to objections that reach the approving union) → approve with the meeting's
decision → a payout queued through the ledger. Or refused, always with a reason.

Each program's rules are checked at application and again at approval, and a refusal names
the rule: the amount range, the per-person per-year cap (across every union, by the ID
number's blind index), the hardship grades it serves, membership. A grant above the
program's threshold is approved by the union above the handling union.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.money import fen_to_yuan
from gonghui.core.pii import id_number_index
from gonghui.core.workdays import add_workdays
from gonghui.orgs.models import Union

from .models import (
    FundSource,
    Grant,
    GrantKind,
    GrantObjection,
    GrantProgram,
    HardshipFile,
    HardshipGrade,
)
from .payouts import bank_account_check, payout_create

Status = Grant.Status
VERIFY_WORKDAYS = 5
DECIDE_WORKDAYS = 5


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: str, *, field: str, max_len: int, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=f"{field}_required", field=field)
    if len(value) > max_len:
        raise ValidationFailed(_("内容过长（不超过 %(n)s 个字）。") % {"n": max_len}, code=f"{field}_too_long",
                               field=field)
    return value


def grant_program_create(
    *, union: Union, name: str, kind: str, source: str, min_amount: int, max_amount: int, by: Any,
    yearly_cap: int = 6000_00, eligible_grades: list[str] | None = None, members_only: bool = True,
    notice_days: int = 5, approval_threshold: int = 3000_00,
) -> GrantProgram:
    if not jurisdiction.has_action(by, "approve", union.path):
        raise PermissionDenied(_("您没有设置该工会救助项目的权限。"), code="forbidden")
    name = _text(name, field="name", max_len=100, message=_("请填写项目名称。"))
    if kind not in GrantKind.values:
        raise ValidationFailed(_("救助类别不正确。"), code="invalid_kind", field="kind")
    if source not in FundSource.values:
        raise ValidationFailed(_("资金来源不正确。"), code="invalid_source", field="source")
    if not 0 < min_amount <= max_amount <= 1_000_000_00:
        raise ValidationFailed(_("金额范围不正确：最低金额应大于 0 且不高于最高金额。"), code="invalid_range",
                               field="max_amount")
    if not max_amount <= yearly_cap <= 10_000_000_00:
        raise ValidationFailed(_("每人每年上限不能低于单笔最高金额。"), code="invalid_cap", field="yearly_cap")
    grades = sorted(set(eligible_grades or []))
    if any(g not in HardshipGrade.values for g in grades):
        raise ValidationFailed(_("困难类别不正确。"), code="invalid_grade", field="eligible_grades")
    if not 1 <= notice_days <= 30:
        raise ValidationFailed(_("公示期应为 1 到 30 个工作日。"), code="invalid_notice_days", field="notice_days")
    if approval_threshold < 0:
        raise ValidationFailed(_("审批上限不正确。"), code="invalid_threshold", field="approval_threshold")
    with transaction.atomic():
        program = GrantProgram.objects.create(
            union=union, union_path=union.path, name=name, kind=kind, source=source, min_amount=min_amount,
            max_amount=max_amount, yearly_cap=yearly_cap, eligible_grades=grades, members_only=members_only,
            notice_days=notice_days, approval_threshold=approval_threshold,
        )
        audit_record(actor=by, action="grant.program.create", target=program)
    return program


def _rules_check(*, program: GrantProgram, amount: int, index: str, file: HardshipFile | None, member: bool,
                 exclude: int | None = None, year: int) -> None:
    """Refuse, naming the rule, a grant that would break one of the program's rules."""
    if not program.min_amount <= amount <= program.max_amount:
        raise Conflict(_("规则“金额范围”：本项目每笔 %(min)s 至 %(max)s 元。")
                       % {"min": fen_to_yuan(program.min_amount), "max": fen_to_yuan(program.max_amount)},
                       code="rule_amount_range", field="amount")
    if program.members_only and not member:
        raise Conflict(_("规则“限工会会员”：本项目只受理工会会员的申请。"), code="rule_members_only")
    if program.eligible_grades and (file is None or file.grade not in program.eligible_grades):
        labels = "、".join(str(HardshipGrade(g).label) for g in program.eligible_grades)
        raise Conflict(_("规则“困难类别”：本项目限在档的%(grades)s职工申请。") % {"grades": labels},
                       code="rule_grade")
    taken = Grant.objects.filter(program=program, id_number_index=index, year=year).exclude(
        status=Status.REJECTED)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    total = taken.aggregate(total=Sum("amount"))["total"] or 0
    if total + amount > program.yearly_cap:
        raise Conflict(
            _("规则“每人每年上限”：本项目每人每年最多 %(cap)s 元，今年已申请或获得 %(taken)s 元。")
            % {"cap": fen_to_yuan(program.yearly_cap), "taken": fen_to_yuan(total)},
            code="rule_yearly_cap", field="amount",
        )


def _approving_union(program: GrantProgram, union: Union, amount: int) -> Union:
    if amount > program.approval_threshold and union.parent_id is not None:
        return Union.objects.get(pk=union.parent_id)
    return union


def grant_apply(
    *, user: Any, program: GrantProgram, amount: int, reason: str, bank_account: str, bank_name: str = "",
) -> Grant:
    """A member applies under a program of one of their union's ancestors (or their own)."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        raise Conflict(_("申请救助需要先成为工会会员，请先申请入会。"), code="not_a_member")
    union = membership.union
    if not program.active or not union.path.startswith(program.union_path):
        raise ValidationFailed(_("该救助项目不受理您所在工会的申请。"), code="program_unavailable", field="program")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(_("金额必须大于 0。"), code="invalid_amount", field="amount")
    reason = _text(reason, field="reason", max_len=2000, message=_("请填写申请理由。"))
    bank_account = bank_account_check(bank_account)
    index = id_number_index(membership.person.id_number)
    file = HardshipFile.objects.filter(id_number_index=index, status=HardshipFile.Status.ACTIVE).first()
    year = timezone.localdate().year
    with transaction.atomic():
        # Applications of one person are counted one at a time against the yearly cap.
        list(GrantProgram.objects.select_for_update().filter(pk=program.pk))
        _rules_check(program=program, amount=amount, index=index, file=file, member=True, year=year)
        approving = _approving_union(program, union, amount)
        grant = Grant.objects.create(
            program=program, union=union, union_path=union.path, approving_union=approving,
            approving_path=approving.path, user=user, name=membership.person.name, id_number_index=index,
            hardship_file=file, amount=amount, year=year, reason=reason, bank_account=bank_account,
            bank_name=(bank_name or "").strip()[:60], due_on=add_workdays(timezone.localdate(), VERIFY_WORKDAYS),
        )
        audit_record(actor=user, action="grant.apply", target=grant, data={"amount": amount})
    return grant


def _require(by: Any, path: str, action: str = "change") -> None:
    if not jurisdiction.has_action(by, action, path):
        raise PermissionDenied(_("您没有办理该申请的权限。"), code="forbidden")


def _locked(grant: Grant, expected: str) -> Grant:
    locked = Grant.objects.select_for_update().select_related("program", "union", "approving_union").get(pk=grant.pk)
    if locked.status != expected:
        raise Conflict(_("当前状态（%(status)s）不能办理这一步。") % {"status": locked.get_status_display()},
                       code="invalid_transition")
    return locked


def grant_verify(*, grant: Grant, by: Any, note: str) -> Grant:
    """The handling union has checked the application."""
    _require(by, grant.union_path)
    note = _text(note, field="note", max_len=2000, message=_("请填写核查情况。"))
    with transaction.atomic():
        grant = _locked(grant, Status.APPLIED)
        grant.status, grant.verified_note = Status.VERIFIED, note
        grant.due_on = add_workdays(timezone.localdate(), DECIDE_WORKDAYS)
        grant.save(update_fields=["status", "verified_note", "due_on"])
        audit_record(actor=by, action="grant.verify", target=grant, reason=note[:500])
    return grant


def grant_notice_start(*, grant: Grant, by: Any) -> Grant:
    """公示: from today for the program's number of working days."""
    _require(by, grant.union_path)
    with transaction.atomic():
        grant = _locked(grant, Status.VERIFIED)
        today = timezone.localdate()
        grant.status, grant.notice_from = Status.NOTICE, today
        grant.notice_until = add_workdays(today, grant.program.notice_days)
        grant.due_on = add_workdays(grant.notice_until, DECIDE_WORKDAYS)
        grant.save(update_fields=["status", "notice_from", "notice_until", "due_on"])
        audit_record(actor=by, action="grant.notice", target=grant)
    return grant


def grant_object(*, grant: Grant, text: str, by: Any = None) -> GrantObjection:
    """Anyone signed in may object while the notice runs; the approving union sees it with the grant."""
    text = _text(text, field="text", max_len=1000, message=_("请填写异议内容。"))
    if grant.status != Status.NOTICE or timezone.localdate() > (grant.notice_until or dt.date.min):
        raise Conflict(_("该公示已结束，不能再提出异议。"), code="notice_closed")
    with transaction.atomic():
        objection = GrantObjection.objects.create(grant=grant, text=text, by=_actor(by))
        audit_record(actor=by, action="grant.objection", target=grant)
    return objection


def grant_approve(*, grant: Grant, by: Any, decision: str, decided_on: dt.date) -> Grant:
    """The approving union approves after the notice ended, recording the meeting's decision;
    the rules are checked again and the payment is queued (one payout per grant)."""
    _require(by, grant.approving_path, "approve")
    decision = _text(decision, field="decision", max_len=2000, message=_("请填写会议决定（如主席办公会决定）。"))
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationFailed(_("决定日期不能晚于今天。"), code="invalid_date", field="decided_on")
    with transaction.atomic():
        grant = _locked(grant, Status.NOTICE)
        if today <= (grant.notice_until or today):
            raise Conflict(_("公示期至 %(until)s，期满后才能审批。") % {"until": f"{grant.notice_until:%Y-%m-%d}"},
                           code="notice_running")
        _rules_check(program=grant.program, amount=grant.amount, index=grant.id_number_index,
                     file=grant.hardship_file, member=True, exclude=grant.pk, year=grant.year)
        payout = payout_create(
            union=grant.program.union, source=grant.program.source, amount=grant.amount, payee_name=grant.name,
            bank_account=grant.bank_account, bank_name=grant.bank_name, beneficiary=grant.user, actor=by,
            memo=f"{grant.program.name} #{grant.pk}"[:200],
            idempotency_key=f"grant-{grant.pk}",
        )
        grant.status, grant.decision, grant.decided_on, grant.payout, grant.due_on = (
            Status.APPROVED, decision, decided_on, payout, None)
        grant.save(update_fields=["status", "decision", "decided_on", "payout", "due_on"])
        audit_record(actor=by, action="grant.approve", target=grant, reason=decision[:500])
    return grant


def grant_reject(*, grant: Grant, by: Any, reason: str) -> Grant:
    """不予救助, with the reason the worker reads: the handling union before the notice, the
    approving union during or after it."""
    reason = _text(reason, field="reason", max_len=500, message=_("请填写不予救助的原因。"))
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.status in (Status.APPROVED, Status.REJECTED):
            raise Conflict(_("当前状态（%(status)s）不能办理这一步。") % {"status": grant.get_status_display()},
                           code="invalid_transition")
        _require(by, grant.approving_path if grant.status == Status.NOTICE else grant.union_path)
        grant.status, grant.rejection_reason, grant.due_on = Status.REJECTED, reason, None
        grant.save(update_fields=["status", "rejection_reason", "due_on"])
        audit_record(actor=by, action="grant.reject", target=grant, reason=reason)
    return grant
