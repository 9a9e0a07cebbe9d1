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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.money import fen_to_yuan
from gonghui.core.pii import id_number_index, mask_id_number
from gonghui.core.validators import parse_id_number
from gonghui.core.workdays import add_workdays
from gonghui.notices.services import notice_send
from gonghui.orgs.models import Union

from .models import (
    EducationTier,
    FundSource,
    Grant,
    GrantDocument,
    GrantKind,
    GrantObjection,
    GrantProgram,
    HardshipFile,
    HardshipGrade,
    SchoolLevel,
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
    notice_days: int = 5, approval_threshold: int = 3000_00, required_documents: list[str] | None = None,
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
    documents = required_documents_check(required_documents or [])
    with transaction.atomic():
        program = GrantProgram.objects.create(
            union=union, union_path=union.path, name=name, kind=kind, source=source, min_amount=min_amount,
            max_amount=max_amount, yearly_cap=yearly_cap, eligible_grades=grades, members_only=members_only,
            notice_days=notice_days, approval_threshold=approval_threshold, required_documents=documents,
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


MAX_DOCUMENT_KINDS = 8


def required_documents_check(names: list[str]) -> list[str]:
    """The names of a program's required documents: each 1–40 characters, at most 8, no repeats."""
    result: list[str] = []
    for raw in names:
        name = str(raw or "").strip()
        if not name:
            continue
        if len(name) > 40:
            raise ValidationFailed(_("材料名称不超过 40 个字。"), code="invalid_documents", field="required_documents")
        if name not in result:
            result.append(name)
    if len(result) > MAX_DOCUMENT_KINDS:
        raise ValidationFailed(_("所需材料最多 %(n)s 种。") % {"n": MAX_DOCUMENT_KINDS}, code="invalid_documents",
                               field="required_documents")
    return result


def _documents_missing(program: GrantProgram, have: set[str]) -> None:
    missing = [name for name in program.required_documents if name not in have]
    if missing:
        raise ValidationFailed(
            _("规则“所需材料”：缺少%(missing)s。本项目需要：%(all)s。")
            % {"missing": "、".join(f"“{n}”" for n in missing), "all": "、".join(program.required_documents)},
            code="rule_documents", field="documents",
        )


def _documents_check(program: GrantProgram, documents: Mapping[str, UploadedFile], *,
                     require_all: bool = True) -> dict[str, str]:
    """Every required document is there (`require_all`) and every file is a JPG, PNG or PDF of
    allowed size; returns the content type of each."""
    from gonghui.cases.services import attachment_validate

    if require_all:
        _documents_missing(program, {name for name, upload in documents.items() if upload is not None})
    types: dict[str, str] = {}
    for name, upload in documents.items():
        if upload is None:
            continue
        if name not in program.required_documents and name != OTHER_DOCUMENT:
            raise ValidationFailed(_("材料“%(name)s”不是本项目需要的材料。") % {"name": name}, code="invalid_documents",
                                   field="documents")
        try:
            types[name] = attachment_validate(upload)
        except ValidationFailed as exc:
            raise ValidationFailed(f"{name}：{exc.message}", code=exc.code, field="documents") from exc
    return types


OTHER_DOCUMENT = "其他材料"


def _documents_store(grant: Grant, documents: Mapping[str, UploadedFile], types: Mapping[str, str], by: Any) -> None:
    for name, upload in documents.items():
        if upload is None:
            continue
        document = GrantDocument(grant=grant, name=name, original_name=(upload.name or "")[-200:],
                                 content_type=types[name], size=upload.size or 0, uploaded_by=_actor(by))
        document.upload.save(upload.name or "document", upload, save=False)
        document.save()


def academic_year_of(day: dt.date) -> int:
    """The school year a day belongs to, by its first calendar year (2026-09-01 → 2026; 2026-03-01 → 2025).
    金秋助学 applications from July on are for the year starting that September."""
    return day.year if day.month >= 7 else day.year - 1


@dataclass(frozen=True)
class Student:
    name: str
    id_number: str
    level: str
    school: str


def _student_check(student: Student, union: Union, academic_year: int) -> tuple[str, int]:
    """The student's blind index and the tier amount for the union's province and year."""
    _text(student.name, field="student_name", max_len=50, message=_("请填写学生姓名。"))
    if student.level not in SchoolLevel.values:
        raise ValidationFailed(_("请选择资助档次。"), code="invalid_level", field="student_level")
    _text(student.school, field="school", max_len=100, message=_("请填写学校名称。"))
    number = parse_id_number(student.id_number, field="student_id_number").number
    province = (union.region_id or "")[:2] + "0000"
    tier = EducationTier.objects.filter(region=province, year=academic_year, level=student.level).first()
    if tier is None:
        raise Conflict(_("本省 %(year)s 年金秋助学“%(level)s”资助标准尚未设置，请联系省总工会。")
                       % {"year": academic_year, "level": SchoolLevel(student.level).label}, code="tier_missing")
    return id_number_index(number), tier.amount


def _school_taken(index: str, academic_year: int, exclude: int | None = None) -> None:
    """One award per student per school year, in every union: a second union learns only that."""
    taken = Grant.objects.filter(student_id_index=index, academic_year=academic_year).exclude(status=Status.REJECTED)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict(_("该学生本学年已获得或正在申请金秋助学（可能在其他工会），每名学生每学年只资助一次。"),
                       code="school_award_taken", field="student_id_number")


def _grant_file(
    *, membership: Any, user: Any, filed_by: Any, program: GrantProgram, amount: int, reason: str,
    bank_account: str, bank_name: str, documents: Mapping[str, UploadedFile] | None, student: Student | None,
) -> Grant:
    union = membership.union
    if not program.active or not union.path.startswith(program.union_path):
        raise ValidationFailed(_("该救助项目不受理您所在工会的申请。"), code="program_unavailable", field="program")
    academic_year = None
    student_index = ""
    if program.kind == GrantKind.SCHOOL and student is not None:
        academic_year = academic_year_of(timezone.localdate())
        student_index, amount = _student_check(student, union, academic_year)
        _school_taken(student_index, academic_year)
    elif program.kind == GrantKind.SCHOOL:
        raise ValidationFailed(_("金秋助学请填写学生信息。"), code="student_required", field="student_name")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(_("金额必须大于 0。"), code="invalid_amount", field="amount")
    reason = _text(reason, field="reason", max_len=2000, message=_("请填写申请理由。"))
    bank_account = bank_account_check(bank_account)
    types = _documents_check(program, documents or {})
    index = id_number_index(membership.person.id_number)
    file = HardshipFile.objects.filter(id_number_index=index, status=HardshipFile.Status.ACTIVE).first()
    year = timezone.localdate().year
    actor = filed_by or user
    try:
        with transaction.atomic():
            # Applications of one person are counted one at a time against the yearly cap.
            list(GrantProgram.objects.select_for_update().filter(pk=program.pk))
            _rules_check(program=program, amount=amount, index=index, file=file, member=True, year=year)
            approving = _approving_union(program, union, amount)
            grant = Grant.objects.create(
                program=program, union=union, union_path=union.path, approving_union=approving,
                approving_path=approving.path, user=user, person=membership.person, filed_by=_actor(filed_by),
                name=membership.person.name, id_number_index=index, hardship_file=file, amount=amount, year=year,
                reason=reason, bank_account=bank_account, bank_name=(bank_name or "").strip()[:60],
                due_on=add_workdays(timezone.localdate(), VERIFY_WORKDAYS),
                student_name=(student.name.strip() if student else ""), student_id_index=student_index,
                student_id_masked=mask_id_number(student.id_number.strip().upper()) if student else "",
                student_level=student.level if student else "", school=student.school.strip()[:100] if student else "",
                academic_year=academic_year,
            )
            _documents_store(grant, documents or {}, types, actor)
            audit_record(actor=actor, action="grant.apply.on_behalf" if filed_by else "grant.apply", target=grant,
                         data={"amount": amount})
    except IntegrityError as exc:  # the same student applied at the same moment elsewhere
        if student_index:
            _school_taken(student_index, academic_year or 0)
        raise exc
    return grant


def grant_apply(
    *, user: Any, program: GrantProgram, amount: int, reason: str, bank_account: str, bank_name: str = "",
    documents: Mapping[str, UploadedFile] | None = None, student: Student | None = None,
) -> Grant:
    """A member applies under a program of one of their union's ancestors (or their own), with
    the documents the program requires (by name). 金秋助学: the student, whose tier sets the amount."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        raise Conflict(_("申请救助需要先成为工会会员，请先申请入会。"), code="not_a_member")
    return _grant_file(membership=membership, user=user, filed_by=None, program=program, amount=amount,
                       reason=reason, bank_account=bank_account, bank_name=bank_name, documents=documents,
                       student=student)


def grant_apply_on_behalf(
    *, by: Any, membership: Any, program: GrantProgram, amount: int, reason: str, bank_account: str,
    bank_name: str = "", documents: Mapping[str, UploadedFile] | None = None, student: Student | None = None,
) -> Grant:
    """Staff of the member's union file an application for a member (one without a phone):
    recorded as filed by them; the worker's account, when there is one, still sees it."""
    from gonghui.members.models import Membership

    if not jurisdiction.has_action(by, "change", membership.union.path):
        raise PermissionDenied(_("只能为本工会范围内的会员代为申请。"), code="forbidden")
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.TRANSFERRING):
        raise Conflict(_("该职工不是在册会员，不能代为申请。"), code="not_a_member")
    return _grant_file(membership=membership, user=membership.person.user, filed_by=by, program=program,
                       amount=amount, reason=reason, bank_account=bank_account, bank_name=bank_name,
                       documents=documents, student=student)


def grant_document_add(*, grant: Grant, name: str, upload: UploadedFile, by: Any) -> GrantDocument:
    """Add a missing document to an application still in progress (the applicant or its union's staff)."""
    own = grant.user_id is not None and grant.user_id == getattr(by, "pk", None)
    if not own:
        _require(by, grant.union_path)
    if grant.status in (Status.APPROVED, Status.REJECTED):
        raise Conflict(_("该申请已办结，不能再补充材料。"), code="invalid_transition")
    program = GrantProgram.objects.get(pk=grant.program_id)  # its rules as they are now
    types = _documents_check(program, {(name or "").strip(): upload}, require_all=False)
    name = (name or "").strip()
    with transaction.atomic():
        _documents_store(grant, {name: upload}, types, by)
        audit_record(actor=by, action="grant.document.add", target=grant, data={"name": name})
    return grant.documents.latest("pk")


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
        _documents_missing(grant.program, set(grant.documents.values_list("name", flat=True)))
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
        _notice_result(grant, _("您的%(program)s申请已批准，%(amount)s 元将由银行发放到您的账户。")
                       % {"program": grant.program.name, "amount": fen_to_yuan(grant.amount)})
    return grant


def _notice_result(grant: Grant, text: str) -> None:
    """The results notice: to the worker's inbox (and SMS, by the notices module's rules)."""
    if grant.user_id is None:
        return
    # Inside the decision's transaction: the notice exists exactly when the decision does.
    notice_send(user_ids=[grant.user_id], module="assistance", text=text, object_id=grant.pk,
                link=reverse("assistance:grant_detail", args=[grant.pk]))


def grant_reject(*, grant: Grant, by: Any, reason: str) -> Grant:
    """不予救助, with the reason the worker reads: the handling union before the notice, the
    approving union during or after it."""
    reason = _text(reason, field="reason", max_len=500, message=_("请填写不予救助的原因。"))
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("program", "union", "approving_union").get(
            pk=grant.pk)
        if grant.status in (Status.APPROVED, Status.REJECTED):
            raise Conflict(_("当前状态（%(status)s）不能办理这一步。") % {"status": grant.get_status_display()},
                           code="invalid_transition")
        deciding = grant.approving_union if grant.status == Status.NOTICE else grant.union
        _require(by, deciding.path)
        grant.status, grant.rejection_reason, grant.due_on, grant.rejected_by = (
            Status.REJECTED, reason, None, deciding)
        grant.save(update_fields=["status", "rejection_reason", "due_on", "rejected_by"])
        audit_record(actor=by, action="grant.reject", target=grant, reason=reason)
        _notice_result(grant, _("您的%(program)s申请未获批准：%(reason)s。如有异议，可在申请详情中申请复核。")
                       % {"program": grant.program.name, "reason": reason})
    return grant


# --- 复核: a review after a rejection -----------------------------------------------------------

REVIEW_WORKDAYS = 10


def grant_review_request(*, grant: Grant, by: Any, reason: str) -> Grant:
    """The worker (or the staff who filed for them) asks, once, for a review of a rejection.

    It goes to the union above the union that refused (the national union reviews its own):
    a review by a body other than the one that decided, as appeals in the union's own rules go."""
    own = grant.user_id is not None and grant.user_id == getattr(by, "pk", None)
    if not own:
        _require(by, grant.union_path)
    reason = _text(reason, field="reason", max_len=1000, message=_("请填写申请复核的理由。"))
    with transaction.atomic():
        grant = Grant.objects.select_for_update(of=("self",)).select_related("rejected_by", "union").get(
            pk=grant.pk)
        if grant.status != Status.REJECTED:
            raise Conflict(_("只有不予救助的申请可以申请复核。"), code="invalid_transition")
        if grant.review_union_id is not None:
            raise Conflict(_("每件申请只能申请一次复核。"), code="review_exists")
        deciding = grant.rejected_by or grant.union
        reviewer = Union.objects.get(pk=deciding.parent_id) if deciding.parent_id else deciding
        today = timezone.localdate()
        grant.review_union, grant.review_reason, grant.review_requested_on = reviewer, reason, today
        grant.review_due = add_workdays(today, REVIEW_WORKDAYS)
        grant.save(update_fields=["review_union", "review_reason", "review_requested_on", "review_due"])
        audit_record(actor=by, action="grant.review.request", target=grant, reason=reason[:500])
    return grant


def grant_review_decide(*, grant: Grant, by: Any, overturn: bool, note: str) -> Grant:
    """The reviewing union decides with its reason: the refusal stands, or it is set aside and
    the application goes back to the handling union to be verified again (the rules are checked
    again: a year's cap or a student's award taken meanwhile still refuses it)."""
    note = _text(note, field="note", max_len=1000, message=_("请填写复核意见。"))
    with transaction.atomic():
        grant = Grant.objects.select_for_update(of=("self",)).select_related("program", "review_union").get(
            pk=grant.pk)
        if grant.review_union is None or grant.review_outcome:
            raise Conflict(_("该申请没有待办的复核。"), code="invalid_transition")
        _require(by, grant.review_union.path, "approve")
        today = timezone.localdate()
        grant.review_note, grant.review_decided_on, grant.review_due = note, today, None
        fields = ["review_note", "review_decided_on", "review_due", "review_outcome"]
        if overturn:
            _rules_check(program=grant.program, amount=grant.amount, index=grant.id_number_index,
                         file=grant.hardship_file, member=True, exclude=grant.pk, year=grant.year)
            if grant.student_id_index and grant.academic_year:
                _school_taken(grant.student_id_index, grant.academic_year, exclude=grant.pk)
            grant.review_outcome, grant.status = "overturned", Status.APPLIED
            grant.due_on = add_workdays(today, VERIFY_WORKDAYS)
            fields += ["status", "due_on"]
            text = _("您的%(program)s申请经复核，撤销原不予救助决定，将重新办理：%(note)s")
        else:
            grant.review_outcome = "upheld"
            text = _("您的%(program)s申请经复核，维持原决定：%(note)s")
        grant.save(update_fields=fields)
        audit_record(actor=by, action=f"grant.review.{grant.review_outcome}", target=grant, reason=note[:500])
        _notice_result(grant, text % {"program": grant.program.name, "note": note})
    return grant


def education_tier_set(*, region: str, year: int, level: str, amount: int, by: Any) -> EducationTier:
    """Set a province's 金秋助学 amount for one level and school year: the province's staff only."""
    region = (region or "").strip()
    if not (len(region) == 6 and region.isdigit() and region.endswith("0000")):
        raise ValidationFailed(_("请填写省级区划代码（如 440000）。"), code="invalid_region", field="region")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("学年不正确。"), code="invalid_year", field="year")
    if level not in SchoolLevel.values:
        raise ValidationFailed(_("档次不正确。"), code="invalid_level", field="level")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 100_000_00:
        raise ValidationFailed(_("资助金额应在 0 到 10 万元之间。"), code="invalid_amount", field="amount")
    provinces = Union.objects.visible_to(by, "approve").filter(kind=Union.Kind.PROVINCIAL, region_id=region)
    if not getattr(by, "is_superuser", False) and not provinces.exists():
        raise PermissionDenied(_("金秋助学资助标准由省总工会设置。"), code="forbidden")
    with transaction.atomic():
        tier, _created = EducationTier.objects.update_or_create(
            region=region, year=year, level=level, defaults={"amount": amount, "set_by": _actor(by)})
        audit_record(actor=by, action="grant.education_tier.set", target=tier, data={"amount": amount})
    return tier
