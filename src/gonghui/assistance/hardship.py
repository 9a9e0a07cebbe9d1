"""Hardship files (困难职工建档): apply → home visit → grade against the local standard →
public notice (公示, NOTICE_WORKDAYS working days, masked names, objections answered by the
union) → approve; annual review; exit. One function per write, one database transaction each.

One open file per person nationally: `HardshipFile.id_number_index` (the ID number's blind
index) is unique over the open statuses in the database. A union that meets a person already
on file elsewhere is told only "已在其他工会建档" and which union holds the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.cases.services import attachment_validate
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.money import fen_to_yuan
from gonghui.core.pii import id_number_index
from gonghui.core.workdays import add_workdays
from gonghui.orgs.models import Union

from .models import (
    HardshipCause,
    HardshipDocument,
    HardshipFile,
    HardshipFileEvent,
    HardshipGrade,
    HardshipObjection,
    HardshipStandard,
)

Status = HardshipFile.Status
MAX_DOCUMENTS = 10
MAX_HOUSEHOLD = 12
VERIFY_WORKDAYS = 10  # the home visit, after the application
DECIDE_WORKDAYS = 10  # grading and approval, after the visit
ALLOWED: dict[str, tuple[str, ...]] = {
    Status.APPLIED: (Status.VERIFIED, Status.REJECTED),
    Status.VERIFIED: (Status.GRADED, Status.REJECTED),
    Status.GRADED: (Status.NOTICE, Status.REJECTED, Status.VERIFIED),
    Status.NOTICE: (Status.ACTIVE, Status.REJECTED),
    Status.ACTIVE: (Status.ACTIVE, Status.EXITED),
    # 复核 that sets the decision aside: a refused application is handled again, an exited
    # file goes back on the register.
    Status.REJECTED: (Status.APPLIED,),
    Status.EXITED: (Status.ACTIVE,),
}
APPEAL_WORKDAYS = 10
NOTICE_WORKDAYS = 5  # 公示: as long as a grant's default notice


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


def _require(actor: Any, file: HardshipFile, action: str = "change") -> None:
    if not jurisdiction.has_action(actor, action, file.union_path):
        raise PermissionDenied(_("您没有办理该档案的权限。"), code="forbidden")


def open_file_elsewhere_message(existing: HardshipFile) -> str:
    return _("已在其他工会建档（%(union)s）。") % {"union": existing.union.name}


def hardship_file_transition(*, file: HardshipFile, to: str, by: Any, note: str = "",
                             fields: Sequence[str] = ()) -> HardshipFile:
    """The one place a file's status changes: checks the edge, writes the history row."""
    if to not in ALLOWED.get(file.status, ()):
        raise Conflict(_("当前状态（%(status)s）不能办理这一步。") % {"status": file.get_status_display()},
                       code="invalid_transition")
    file.status = to
    today = timezone.localdate()
    # The deadline of the next step: the staff's, shown to the worker too.
    file.due_on = (add_workdays(today, DECIDE_WORKDAYS) if to in (Status.VERIFIED, Status.GRADED)
                   else add_workdays(file.notice_until or today, DECIDE_WORKDAYS) if to == Status.NOTICE
                   else add_workdays(today, VERIFY_WORKDAYS) if to == Status.APPLIED else None)
    file.save(update_fields=["status", "due_on", *fields])
    HardshipFileEvent.objects.create(file=file, status=to, note=note[:2000], by=_actor(by))
    audit_record(actor=by, action=f"hardship.{to}", target=file, reason=note[:500])
    return file


def _household_check(household: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for member in household:
        name = str(member.get("name") or "").strip()[:50]
        relation = str(member.get("relation") or "").strip()[:20]
        if not name and not relation:
            continue
        if not name or not relation:
            raise ValidationFailed(_("家庭成员请同时填写姓名和关系。"), code="household_invalid", field="household")
        age = member.get("age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
            raise ValidationFailed(_("家庭成员年龄不正确。"), code="household_invalid", field="household")
        rows.append({"name": name, "relation": relation, "age": age})
    if len(rows) > MAX_HOUSEHOLD:
        raise ValidationFailed(_("家庭成员最多 %(n)s 人。") % {"n": MAX_HOUSEHOLD}, code="household_invalid",
                               field="household")
    return rows


def _documents_store(file: HardshipFile, uploads: Sequence[UploadedFile], by: Any, *, visit: bool,
                     names: Sequence[str] = ()) -> None:
    if file.documents.count() + len(uploads) > MAX_DOCUMENTS * 2:
        raise ValidationFailed(_("材料数量已达上限。"), code="attachment_count", field="attachments")
    for i, upload in enumerate(uploads):
        content_type = attachment_validate(upload)
        document = HardshipDocument(file=file, original_name=(upload.name or "")[-200:], content_type=content_type,
                                    size=upload.size or 0, is_visit=visit, uploaded_by=_actor(by),
                                    name=names[i] if i < len(names) else "")
        document.upload.save(upload.name or "document", upload, save=False)
        document.save()


def _uploads_check(uploads: Sequence[UploadedFile]) -> None:
    if len(uploads) > MAX_DOCUMENTS:
        raise ValidationFailed(_("最多上传 %(n)s 个材料。") % {"n": MAX_DOCUMENTS}, code="attachment_count",
                               field="attachments")
    for upload in uploads:
        attachment_validate(upload)


def required_documents_for(union: Union, year: int | None = None) -> list[str]:
    """The documents an application at this union must carry: the regional standard's list."""
    standard = standard_for(union.region_id or "", year or timezone.localdate().year)
    return list(standard.required_documents) if standard is not None else []


def _required_check(required: Sequence[str], named: Mapping[str, UploadedFile | None]) -> None:
    missing = [name for name in required if not named.get(name)]
    if missing:
        raise ValidationFailed(
            _("规则“所需材料”：缺少%(missing)s。本地建档需要：%(all)s。")
            % {"missing": "、".join(f"“{n}”" for n in missing), "all": "、".join(required)},
            code="rule_documents", field="documents",
        )


def hardship_file_apply(
    *, user: Any, household: Sequence[dict[str, Any]], monthly_income: int, cause: str, cause_note: str,
    documents: Sequence[UploadedFile] = (), named_documents: Mapping[str, UploadedFile | None] | None = None,
) -> HardshipFile:
    """A member applies for a file at their own union (name and ID number from the member
    record). Refused while the person has an open file anywhere — with that union's name — and
    when a document the region's standard requires is missing (each one named)."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        raise Conflict(_("困难职工建档需要先成为工会会员，请先申请入会。"), code="not_a_member")
    if cause not in HardshipCause.values:
        raise ValidationFailed(_("请选择致困原因。"), code="cause_invalid", field="cause")
    cause_note = _text(cause_note, field="cause_note", max_len=2000, message=_("请说明家庭困难情况。"))
    if isinstance(monthly_income, bool) or not isinstance(monthly_income, int) or not (
            0 <= monthly_income <= 100_000_000):
        raise ValidationFailed(_("家庭月收入不正确。"), code="income_invalid", field="monthly_income")
    rows = _household_check(household)
    named = {name: upload for name, upload in (named_documents or {}).items() if upload}
    _required_check(required_documents_for(membership.union), named)
    _uploads_check([*documents, *named.values()])
    person = membership.person
    index = id_number_index(person.id_number)
    existing = HardshipFile.objects.filter(id_number_index=index, status__in=HardshipFile.OPEN).select_related(
        "union").first()
    if existing is not None:
        if existing.user_id == getattr(user, "pk", None) and existing.union_id == membership.union_id:
            raise Conflict(_("您已有一份困难职工档案或申请在办理中。"), code="file_exists")
        raise Conflict(open_file_elsewhere_message(existing), code="file_elsewhere")
    union = membership.union
    try:
        with transaction.atomic():
            file = HardshipFile.objects.create(
                union=union, union_path=union.path, user=user, name=person.name, id_number=person.id_number,
                id_number_index=index, household=rows, household_size=len(rows) + 1, monthly_income=monthly_income,
                cause=cause, cause_note=cause_note, due_on=add_workdays(timezone.localdate(), VERIFY_WORKDAYS),
            )
            HardshipFileEvent.objects.create(file=file, status=Status.APPLIED, note="", by=_actor(user))
            _documents_store(file, [*named.values(), *documents], user, visit=False, names=list(named))
            audit_record(actor=user, action="hardship.apply", target=file)
    except IntegrityError as exc:  # an application racing this one, or a file opened elsewhere meanwhile
        existing = HardshipFile.objects.filter(id_number_index=index, status__in=HardshipFile.OPEN).select_related(
            "union").first()
        if existing is None:
            raise
        raise Conflict(open_file_elsewhere_message(existing), code="file_elsewhere") from exc
    return file


def hardship_file_lookup(*, user: Any, id_number: str) -> tuple[str, HardshipFile | None, str]:
    """What a union may know about an ID number: ("none" | "mine" | "elsewhere", the file when it
    is in the user's branch, the holding union's name when it is not). Audited."""
    index = id_number_index(id_number)
    existing = HardshipFile.objects.filter(id_number_index=index, status__in=HardshipFile.OPEN).select_related(
        "union").first()
    audit_record(actor=user, action="hardship.lookup", target=existing)
    if existing is None:
        return "none", None, ""
    if HardshipFile.objects.visible_to(user).filter(pk=existing.pk).exists():
        return "mine", existing, existing.union.name
    return "elsewhere", None, existing.union.name


def hardship_file_verify(
    *, file: HardshipFile, by: Any, visited_on: dt.date, findings: str, monthly_income: int | None = None,
    household_size: int | None = None, photos: Sequence[UploadedFile] = (),
) -> HardshipFile:
    """入户核查: the visit's date and findings; the visit may correct income and household size."""
    _require(by, file)
    findings = _text(findings, field="findings", max_len=2000, message=_("请填写核查情况。"))
    today = timezone.localdate()
    if visited_on > today or visited_on < file.created_at.date() - dt.timedelta(days=1):
        raise ValidationFailed(_("核查日期应在申请之后、今天之前。"), code="invalid_date", field="visited_on")
    if monthly_income is not None and not 0 <= monthly_income <= 100_000_000:
        raise ValidationFailed(_("家庭月收入不正确。"), code="income_invalid", field="monthly_income")
    if household_size is not None and not 1 <= household_size <= MAX_HOUSEHOLD + 1:
        raise ValidationFailed(_("家庭人口不正确。"), code="household_invalid", field="household_size")
    _uploads_check(photos)
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        file.visited_on, file.findings = visited_on, findings
        if monthly_income is not None:
            file.monthly_income = monthly_income
        if household_size is not None:
            file.household_size = household_size
        _documents_store(file, photos, by, visit=True)
        return hardship_file_transition(file=file, to=Status.VERIFIED, by=by, note=findings,
                                        fields=["visited_on", "findings", "monthly_income", "household_size"])


def hardship_document_add(*, file: HardshipFile, name: str, upload: UploadedFile, by: Any) -> HardshipDocument:
    """Add a document to a file still being handled (申请 … 已评定) or on file (在档): the
    applicant, or staff of the file's branch. `name` is one of the documents the region's
    standard requires, or empty for any other proof. Checked like every upload; audited."""
    own = file.user_id is not None and file.user_id == getattr(by, "pk", None)
    if not own:
        _require(by, file)
    name = (name or "").strip()
    required = required_documents_for(file.union)
    if name and name not in required:
        raise ValidationFailed(
            _("“%(name)s”不是本地建档所需的材料（所需：%(all)s）；其他证明请不填名称。")
            % {"name": name[:40], "all": "、".join(required) or _("无")},
            code="document_name_invalid", field="name",
        )
    _uploads_check([upload])
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        if file.status not in HardshipFile.OPEN:
            raise Conflict(_("该档案已办结，不能再补充材料。"), code="invalid_transition")
        _documents_store(file, [upload], by, visit=False, names=[name])
        audit_record(actor=by, action="hardship.document.add", target=file, data={"name": name})
    return file.documents.latest("pk")


def standard_for(region: str, year: int) -> HardshipStandard | None:
    """The most specific standard of the region's county, city or province for the year."""
    if not region:
        return None
    candidates = [region, region[:4] + "00", region[:2] + "0000"]
    found = {s.region: s for s in HardshipStandard.objects.filter(region__in=candidates, year=year)}
    return next((found[c] for c in candidates if c in found), None)


def grade_for(*, per_capita: int, cause: str, standard: HardshipStandard) -> str:
    """深度困难 at or below the 低保 line; 相对困难 at or below the hardship line; 意外致困 above it
    when the cause is an accident or illness; otherwise not eligible (the rule is named)."""
    if per_capita <= standard.low_income_line:
        return HardshipGrade.DEEP
    if per_capita <= standard.hardship_line:
        return HardshipGrade.RELATIVE
    if cause in (HardshipCause.ACCIDENT, HardshipCause.ILLNESS):
        return HardshipGrade.ACCIDENT
    raise Conflict(
        _("家庭人均月收入 %(income)s 元，高于当地困难标准 %(line)s 元（低保 %(low)s 元的 %(ratio)s 倍），"
          "且不属于意外或疾病致困，不符合建档条件。")
        % {"income": fen_to_yuan(per_capita), "line": fen_to_yuan(standard.hardship_line),
           "low": fen_to_yuan(standard.low_income_line), "ratio": Decimal(standard.hardship_permille) / 1000},
        code="above_hardship_line",
    )


def _grade(file: HardshipFile, year: int) -> tuple[str, int, HardshipStandard]:
    region = file.union.region_id or ""
    standard = standard_for(region, year)
    if standard is None:
        raise Conflict(_("本地区 %(year)s 年的困难职工认定标准尚未设置，请先由省总工会设置。") % {"year": year},
                       code="standard_missing")
    per_capita = file.monthly_income // max(file.household_size, 1)
    return grade_for(per_capita=per_capita, cause=file.cause, standard=standard), per_capita, standard


def hardship_file_grade(*, file: HardshipFile, by: Any) -> HardshipFile:
    """Grade the verified file against the standard of its union's region for this year."""
    _require(by, file)
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("union").get(pk=file.pk)
        if file.status != Status.VERIFIED:
            raise Conflict(_("请先完成入户核查。"), code="invalid_transition")
        file.grade, file.per_capita_income, file.standard = _grade(file, timezone.localdate().year)
        note = _("人均月收入 %(income)s 元，评定为%(grade)s") % {
            "income": fen_to_yuan(file.per_capita_income), "grade": file.get_grade_display()}
        return hardship_file_transition(file=file, to=Status.GRADED, by=by, note=note,
                                        fields=["grade", "per_capita_income", "standard"])


def hardship_documents_missing(file: HardshipFile) -> list[str]:
    """The documents the region's standard requires now that the file does not hold (by name)."""
    required = required_documents_for(file.union)
    if not required:
        return []
    have = set(file.documents.filter(is_visit=False).exclude(name="").values_list("name", flat=True))
    return [name for name in required if name not in have]


def hardship_file_notice_start(*, file: HardshipFile, by: Any) -> HardshipFile:
    """公示: a graded file is shown on the public notice board (masked name, union, grade) from
    today for NOTICE_WORKDAYS working days (core.workdays: weekends and holidays skipped).
    The same design as a grant's notice (`grants.grant_notice_start`)."""
    _require(by, file)
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        if file.status != Status.GRADED:
            raise Conflict(_("只有已评定的档案可以公示。"), code="invalid_transition")
        today = timezone.localdate()
        file.notice_from, file.notice_until = today, add_workdays(today, NOTICE_WORKDAYS)
        return hardship_file_transition(
            file=file, to=Status.NOTICE, by=by, fields=["notice_from", "notice_until"],
            note=_("公示至 %(until)s") % {"until": f"{file.notice_until:%Y-%m-%d}"})


def hardship_object(*, file: HardshipFile, text: str, by: Any = None) -> HardshipObjection:
    """Anyone signed in may object while the notice runs (to its last day); the objection stays
    with the file and reaches the union that approves it."""
    text = _text(text, field="text", max_len=1000, message=_("请填写异议内容。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        if file.status != Status.NOTICE or timezone.localdate() > (file.notice_until or dt.date.min):
            raise Conflict(_("该公示已结束，不能再提出异议。"), code="notice_closed")
        objection = HardshipObjection.objects.create(file=file, text=text, by=_actor(by))
        audit_record(actor=by, action="hardship.objection", target=file)
    return objection


def hardship_objection_answer(*, objection: HardshipObjection, answer: str, by: Any) -> HardshipObjection:
    """The approving union (the file's union) records what it found about an objection. Once;
    the file must still be on notice."""
    objection = HardshipObjection.objects.select_related("file").get(pk=objection.pk)
    _require(by, objection.file, "approve")
    answer = _text(answer, field="answer", max_len=1000, message=_("请填写对异议的核实答复。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=objection.file_id)
        objection = HardshipObjection.objects.select_for_update().get(pk=objection.pk)
        if file.status != Status.NOTICE:
            raise Conflict(_("该档案已不在公示中，异议不能再答复。"), code="invalid_transition")
        if objection.answered_at is not None:
            raise Conflict(_("该异议已答复。"), code="objection_answered")
        objection.answer, objection.answered_by, objection.answered_at = answer, _actor(by), timezone.now()
        objection.save(update_fields=["answer", "answered_by", "answered_at"])
        HardshipFileEvent.objects.create(file=file, status=file.status, by=_actor(by),
                                         note=_("答复公示异议：%(answer)s") % {"answer": answer})
        audit_record(actor=by, action="hardship.objection.answer", target=file, reason=answer[:500])
    return objection


def hardship_file_approve(*, file: HardshipFile, by: Any, note: str = "") -> HardshipFile:
    """Approve a file whose public notice has ended (the day after `notice_until`) and whose
    every objection is answered: on file (在档) until its annual review, a year from today. The
    required documents are checked again, against the standard as it is now: a document that
    was removed, or one the province has added since the application, stops the approval
    (each named) until it is added (`hardship_document_add`)."""
    _require(by, file, "approve")
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("union").get(pk=file.pk)
        if file.status == Status.GRADED:
            raise Conflict(_("建档前须先公示：请先开始公示，期满后再审批。"), code="notice_required")
        if file.status != Status.NOTICE:
            raise Conflict(_("只有公示期满的档案可以审批。"), code="invalid_transition")
        if timezone.localdate() <= (file.notice_until or dt.date.max):
            raise Conflict(_("公示期至 %(until)s，期满后才能审批。") % {"until": f"{file.notice_until:%Y-%m-%d}"},
                           code="notice_running")
        open_objections = file.objections.filter(answered_at__isnull=True).count()
        if open_objections:
            raise Conflict(_("公示期间收到的异议还有 %(n)s 条未答复，请先核实并答复，再审批。") % {"n": open_objections},
                           code="objection_unanswered")
        missing = hardship_documents_missing(file)
        if missing:
            raise ValidationFailed(
                _("规则“所需材料”：档案缺少%(missing)s，不能审批。本地建档需要：%(all)s。请先补充材料。")
                % {"missing": "、".join(f"“{n}”" for n in missing),
                   "all": "、".join(required_documents_for(file.union))},
                code="rule_documents", field="documents",
            )
        today = timezone.localdate()
        file.approved_on = today
        file.review_due = _a_year_after(today)
        return hardship_file_transition(file=file, to=Status.ACTIVE, by=by, note=(note or "").strip(),
                                        fields=["approved_on", "review_due"])


def _a_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def hardship_file_reject(*, file: HardshipFile, by: Any, reason: str) -> HardshipFile:
    """不予建档, with the reason the worker will read."""
    _require(by, file)
    reason = _text(reason, field="reason", max_len=500, message=_("请填写不予建档的原因。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        if file.status == Status.ACTIVE:
            raise Conflict(_("在档的档案请办理退档。"), code="invalid_transition")
        file.closed_reason, file.closed_on = reason, timezone.localdate()
        return hardship_file_transition(file=file, to=Status.REJECTED, by=by, note=reason,
                                        fields=["closed_reason", "closed_on"])


def hardship_file_review(
    *, file: HardshipFile, by: Any, reviewed_on: dt.date, findings: str, monthly_income: int | None = None,
    household_size: int | None = None,
) -> HardshipFile:
    """年度复核: the file is graded again against this year's standard and stays on file for
    another year. A household now above the line is refused here — exit it instead."""
    _require(by, file)
    findings = _text(findings, field="findings", max_len=2000, message=_("请填写复核情况。"))
    if reviewed_on > timezone.localdate():
        raise ValidationFailed(_("复核日期不能晚于今天。"), code="invalid_date", field="reviewed_on")
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("union").get(pk=file.pk)
        if file.status != Status.ACTIVE:
            raise Conflict(_("只有在档的档案需要年度复核。"), code="invalid_transition")
        if monthly_income is not None:
            file.monthly_income = monthly_income
        if household_size is not None:
            file.household_size = household_size
        file.grade, file.per_capita_income, file.standard = _grade(file, reviewed_on.year)
        file.last_reviewed_on, file.review_due = reviewed_on, _a_year_after(reviewed_on)
        return hardship_file_transition(
            file=file, to=Status.ACTIVE, by=by, note=_("年度复核：%(findings)s（%(grade)s）") % {
                "findings": findings, "grade": file.get_grade_display()},
            fields=["monthly_income", "household_size", "grade", "per_capita_income", "standard",
                    "last_reviewed_on", "review_due"],
        )


def hardship_file_exit(*, file: HardshipFile, by: Any, reason: str) -> HardshipFile:
    """解困脱困: the file leaves the register with its reason; the person may apply again later."""
    _require(by, file, "approve")
    reason = _text(reason, field="reason", max_len=500, message=_("请填写退档原因。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().get(pk=file.pk)
        if file.status != Status.ACTIVE:
            raise Conflict(_("只有在档的档案可以退档。"), code="invalid_transition")
        file.closed_reason, file.closed_on, file.review_due = reason, timezone.localdate(), None
        return hardship_file_transition(file=file, to=Status.EXITED, by=by, note=reason,
                                        fields=["closed_reason", "closed_on", "review_due"])


# --- 复核: a review of a 不予建档 or 退档 decision --------------------------------------------------


def _notify(file: HardshipFile, text: str) -> None:
    """To the worker's inbox, inside the decision's transaction."""
    from django.urls import reverse

    from gonghui.notices.services import notice_send

    if file.user_id is None:
        return
    notice_send(user_ids=[file.user_id], module="assistance", text=text, object_id=file.pk,
                link=reverse("assistance:hardship_detail", args=[file.pk]))


def hardship_appeal_request(*, file: HardshipFile, by: Any, reason: str) -> HardshipFile:
    """The worker asks for a review (复核) of a 不予建档 or 退档 decision, with a reason. It goes
    to the union above the file's union (which decided); the national union reviews its own.
    Once per decision: after a review that upheld it, not again."""
    if file.user_id is None or file.user_id != getattr(by, "pk", None):
        _require(by, file)
    reason = _text(reason, field="reason", max_len=1000, message=_("请填写申请复核的理由。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update(of=("self",)).select_related("union").get(pk=file.pk)
        if file.status not in (Status.REJECTED, Status.EXITED):
            raise Conflict(_("只有不予建档或已退档的档案可以申请复核。"), code="invalid_transition")
        if file.appeal_union_id is not None and file.appeal_outcome != "overturned":
            raise Conflict(_("对这一决定只能申请一次复核。"), code="review_exists")
        reviewer = Union.objects.get(pk=file.union.parent_id) if file.union.parent_id else file.union
        today = timezone.localdate()
        file.appeal_union, file.appeal_reason, file.appeal_requested_on = reviewer, reason, today
        file.appeal_due = add_workdays(today, APPEAL_WORKDAYS)
        file.appeal_outcome, file.appeal_note, file.appeal_decided_on = "", "", None
        file.save(update_fields=["appeal_union", "appeal_reason", "appeal_requested_on", "appeal_due",
                                 "appeal_outcome", "appeal_note", "appeal_decided_on"])
        HardshipFileEvent.objects.create(file=file, status=file.status, by=_actor(by),
                                         note=_("申请复核：%(reason)s") % {"reason": reason})
        audit_record(actor=by, action="hardship.appeal.request", target=file, reason=reason[:500])
    return file


def hardship_appeal_decide(*, file: HardshipFile, by: Any, overturn: bool, note: str) -> HardshipFile:
    """The reviewing union decides with its reason: the decision stands, or it is set aside —
    a refused application goes back to 待入户核查, an exited file back on the register (在档,
    its annual review as before). Refused when the person has meanwhile opened a file elsewhere."""
    note = _text(note, field="note", max_len=1000, message=_("请填写复核意见。"))
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update(of=("self",)).select_related("appeal_union").get(pk=file.pk)
        if file.appeal_union is None or file.appeal_outcome or file.status not in (Status.REJECTED, Status.EXITED):
            raise Conflict(_("该档案没有待办的复核。"), code="invalid_transition")
        if not jurisdiction.has_action(by, "approve", file.appeal_union.path):
            raise PermissionDenied(_("复核由作出决定的工会的上级工会办理。"), code="forbidden")
        today = timezone.localdate()
        file.appeal_note, file.appeal_decided_on, file.appeal_due = note, today, None
        fields = ["appeal_note", "appeal_decided_on", "appeal_due", "appeal_outcome"]
        if not overturn:
            file.appeal_outcome = "upheld"
            file.save(update_fields=fields)
            HardshipFileEvent.objects.create(file=file, status=file.status, by=_actor(by),
                                             note=_("复核维持原决定：%(note)s") % {"note": note})
            audit_record(actor=by, action="hardship.appeal.upheld", target=file, reason=note[:500])
            _notify(file, _("您的困难职工建档经复核，维持原决定：%(note)s") % {"note": note})
            return file
        file.appeal_outcome = "overturned"
        to = Status.APPLIED if file.status == Status.REJECTED else Status.ACTIVE
        if to == Status.ACTIVE:
            due = _a_year_after(file.last_reviewed_on or file.approved_on or today)
            file.review_due = max(due, today)
        file.closed_reason, file.closed_on = "", None
        try:
            with transaction.atomic():
                hardship_file_transition(file=file, to=to, by=by, note=_("复核撤销原决定：%(note)s") % {"note": note},
                                         fields=[*fields, "closed_reason", "closed_on", "review_due"])
        except IntegrityError as exc:  # the person has an open file elsewhere now
            existing = HardshipFile.objects.filter(id_number_index=file.id_number_index,
                                                   status__in=HardshipFile.OPEN).select_related("union").first()
            raise Conflict(open_file_elsewhere_message(existing) if existing else _("该职工已有在办的档案。"),
                           code="file_elsewhere") from exc
        audit_record(actor=by, action="hardship.appeal.overturned", target=file, reason=note[:500])
        _notify(file, _("您的困难职工建档经复核，撤销原决定，将重新办理：%(note)s") % {"note": note})
    return file


def hardship_file_id_reveal(*, file: HardshipFile, by: Any, reason: str) -> str:
    if not jurisdiction.has_action(by, "reveal_pii", file.union_path):
        raise PermissionDenied(_("您的角色不能查看完整个人信息。"), code="reveal_forbidden")
    reason = _text(reason, field="reason", max_len=500, message=_("请填写查看原因。"))
    audit_record(actor=by, action="hardship.reveal.id_number", target=file, reason=reason)
    return file.id_number


def hardship_standard_set(
    *, region: str, year: int, low_income_line: int, hardship_permille: int = 1500, by: Any,
    required_documents: Sequence[str] | None = None,
) -> HardshipStandard:
    """Set (or change) a region's standard for a year: the province's staff (approve) only."""
    region = (region or "").strip()
    if not (len(region) == 6 and region.isdigit()):
        raise ValidationFailed(_("区划代码应为 6 位数字。"), code="invalid_region", field="region")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("年度不正确。"), code="invalid_year", field="year")
    if isinstance(low_income_line, bool) or not isinstance(low_income_line, int) or not (
            0 < low_income_line <= 10_000_000):
        raise ValidationFailed(_("低保标准应大于 0。"), code="invalid_amount", field="low_income_line")
    if not 1000 <= hardship_permille <= 5000:
        raise ValidationFailed(_("困难标准倍数应在 1 到 5 倍之间。"), code="invalid_ratio", field="hardship_permille")
    from .grants import required_documents_check

    documents = required_documents_check(list(required_documents or []))
    provinces = Union.objects.visible_to(by, "approve").filter(kind=Union.Kind.PROVINCIAL,
                                                               region_id=region[:2] + "0000")
    if not getattr(by, "is_superuser", False) and not provinces.exists():
        raise PermissionDenied(_("认定标准由省总工会设置。"), code="forbidden")
    with transaction.atomic():
        standard, _created = HardshipStandard.objects.update_or_create(
            region=region, year=year,
            defaults={"low_income_line": low_income_line, "hardship_permille": hardship_permille,
                      "required_documents": documents, "set_by": _actor(by)},
        )
        audit_record(actor=by, action="hardship.standard.set", target=standard,
                     data={"low_income_line": low_income_line, "hardship_permille": hardship_permille,
                           "required_documents": documents})
    return standard
