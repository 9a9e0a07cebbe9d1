"""Writes for 群众性安全生产监督检查: checklists, inspections with photos, hazards with a
rectification deadline, the employer's rectification, re-inspection, overdue flags and
escalation through the cases module (a case and a 提示函), and workers' hazard reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.cases import legal_services
from gonghui.cases.models import Case, Category, Channel, SupervisionLetter
from gonghui.cases.routing import case_route, member_union_for
from gonghui.cases.services import attachment_validate, case_create
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.members.models import Person
from gonghui.orgs.models import Employer, Union
from gonghui.stats.services import mark_dirty_since

from . import clocks
from .models import (
    InspectionPlan,
    SafetyChecklist,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
    Trade,
)
from .services import clean_text, notify_staff, require_action, today

MAX_PHOTOS = 6
MAX_RECTIFY_DAYS = 180


def checklist_create(*, actor: Any, union: Union, trade: str, name: str, items: str, shared: bool = False) -> SafetyChecklist:
    """A checklist of `union`; `shared`, a template every union below it may use."""
    require_action(actor, union)
    if trade not in Trade.values:
        raise ValidationFailed(_("请选择行业。"), code="trade_invalid", field="trade")
    name = clean_text(name, field="name", label=gettext("名称"), max_len=80)
    items = clean_text(items, field="items", label=gettext("检查项目"), max_len=4000)
    with transaction.atomic():
        checklist = SafetyChecklist.objects.create(union=union, trade=trade, name=name, items=items, shared=shared)
        audit_record(actor=actor, action="safety.checklist_create", target=checklist)
    return checklist


def _photos_store(uploads: Sequence[UploadedFile], *, union: Union, kind: str, inspection: SafetyInspection | None = None,
                  hazard: SafetyHazard | None = None) -> list[SafetyPhoto]:
    stored = []
    for upload in uploads:
        content_type = attachment_validate(upload)
        photo = SafetyPhoto(union=union, inspection=inspection, hazard=hazard, kind=kind,
                            original_name=(upload.name or "")[-120:], content_type=content_type)
        photo.file.save(upload.name or "photo", upload, save=False)
        photo.save()
        stored.append(photo)
    return stored


def _check_photos(uploads: Sequence[UploadedFile]) -> None:
    if len(uploads) > MAX_PHOTOS:
        raise ValidationFailed(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, code="photo_count", field="photos")
    for upload in uploads:
        attachment_validate(upload)


def inspection_record(
    *, actor: Any, union: Union, employer: Employer, inspected_on: dt.date, inspectors: str, findings: str = "",
    checklist: SafetyChecklist | None = None, results: dict[str, str] | None = None, photos: Sequence[UploadedFile] = (),
    plan: InspectionPlan | None = None,
) -> SafetyInspection:
    """An inspection as done; from a `plan`, the plan is marked done (it must be this union's
    and this employer's, and still planned)."""
    require_action(actor, union)
    inspectors = clean_text(inspectors, field="inspectors", label=gettext("劳动保护监督检查员"), max_len=200)
    findings = clean_text(findings, field="findings", label=gettext("检查情况"), required=False)
    if inspected_on > today():
        raise ValidationFailed(_("检查日期不能晚于今天。"), code="date_future", field="inspected_on")
    results = results or {}
    if checklist is not None:
        allowed = set(checklist.item_list)
        results = {k: v for k, v in results.items() if k in allowed and v in ("ok", "hazard")}
    else:
        results = {}
    _check_photos(photos)
    with transaction.atomic():
        inspection = SafetyInspection.objects.create(
            union=union, employer=employer, checklist=checklist, inspected_on=inspected_on, inspectors=inspectors,
            findings=findings, results=results, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _photos_store(photos, union=union, kind=SafetyPhoto.Kind.FINDING, inspection=inspection)
        if plan is not None:
            locked = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
            if locked.status != InspectionPlan.Status.PLANNED or locked.union_id != union.pk or locked.employer_id != employer.pk:
                raise Conflict(_("该检查计划已完成、已取消，或不是这家单位的。"), code="plan_invalid")
            locked.status, locked.inspection = InspectionPlan.Status.DONE, inspection
            locked.save(update_fields=["status", "inspection"])
        mark_dirty_since(inspected_on)  # a back-dated inspection is counted on its day
        audit_record(actor=actor, action="safety.inspection", target=inspection)
    return inspection


MAX_PHOTOS_PER_RECORD = 30


def photos_add(*, actor: Any, uploads: Sequence[UploadedFile], inspection: SafetyInspection | None = None,
               hazard: SafetyHazard | None = None, kind: str = SafetyPhoto.Kind.FINDING, as_employer: bool = False) -> list[SafetyPhoto]:
    """More photos for an inspection or a hazard after it was recorded (the API and the phone
    add them one by one): the same checked uploads as the forms (real first bytes, size), at
    most 6 at a time and 30 per record. Evidence goes only to a hazard awaiting or under
    re-inspection; an employer's account may add only evidence, to its own hazards."""
    if not uploads:
        raise ValidationFailed(_("请选择要上传的文件。"), code="photo_required", field="photos")
    _check_photos(uploads)
    with transaction.atomic():
        if inspection is not None:
            require_action(actor, inspection.union)
            inspection = SafetyInspection.objects.select_for_update().get(pk=inspection.pk)
            union, existing = inspection.union, inspection.photos.count()
        elif hazard is not None:
            hazard = _lock(hazard, actor, as_employer=as_employer)
            union, existing = hazard.union, hazard.photos.count()
            if kind == SafetyPhoto.Kind.EVIDENCE and hazard.status not in (SafetyHazard.Status.OPEN, SafetyHazard.Status.RECTIFIED):
                raise Conflict(_("复查后不能再补充整改证明。"), code="not_open")
        else:
            raise ValidationFailed(_("请选择检查或隐患。"), code="target_required")
        if as_employer and kind != SafetyPhoto.Kind.EVIDENCE:
            raise NotFound()
        if existing + len(uploads) > MAX_PHOTOS_PER_RECORD:
            raise ValidationFailed(_("每条记录最多 %(n)s 个文件。") % {"n": MAX_PHOTOS_PER_RECORD}, code="photo_count", field="photos")
        stored = _photos_store(uploads, union=union, kind=kind, inspection=inspection, hazard=hazard)
        audit_record(actor=actor, action="safety.photos_add", target=inspection or hazard,
                     data={"kind": kind, "count": len(stored), "by_employer": as_employer})
    return stored


# --- inspection plans ----------------------------------------------------------------------

MAX_PLAN_AHEAD_DAYS = 366


def plan_create(*, actor: Any, union: Union, employer: Employer, planned_on: dt.date, inspectors: str, topic: str = "",
                checklist: SafetyChecklist | None = None) -> InspectionPlan:
    """Schedule an inspection: a day from today to a year ahead."""
    require_action(actor, union)
    inspectors = clean_text(inspectors, field="inspectors", label=gettext("劳动保护监督检查员"), max_len=200)
    topic = clean_text(topic, field="topic", label=gettext("检查重点"), required=False, max_len=120)
    if planned_on < today() or planned_on > today() + dt.timedelta(days=MAX_PLAN_AHEAD_DAYS):
        raise ValidationFailed(_("计划检查日期应在今天到一年之内。"), code="date_invalid", field="planned_on")
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            union=union, employer=employer, checklist=checklist, planned_on=planned_on, inspectors=inspectors, topic=topic,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="safety.plan_create", target=plan)
    return plan


def plan_cancel(*, actor: Any, plan: InspectionPlan) -> InspectionPlan:
    with transaction.atomic():
        require_action(actor, plan.union)
        plan = InspectionPlan.objects.select_for_update().select_related("union").get(pk=plan.pk)
        if plan.status != InspectionPlan.Status.PLANNED:
            raise Conflict(_("只有计划中的检查可以取消。"), code="plan_not_planned")
        plan.status = InspectionPlan.Status.CANCELLED
        plan.save(update_fields=["status"])
        audit_record(actor=actor, action="safety.plan_cancel", target=plan)
    return plan


def plans_remind_run(*, on: dt.date | None = None) -> int:
    """Daily: tell the union's staff of the inspections planned for today, once per plan."""
    on = on or today()
    staff: dict[int, set[int]] = {}
    sent = 0
    due = InspectionPlan.objects.filter(status=InspectionPlan.Status.PLANNED, planned_on__lte=on, planned_on__gte=on - dt.timedelta(days=7),
                                        reminded_on__isnull=True)
    for plan in due.select_related("union", "employer"):
        with transaction.atomic():
            if not InspectionPlan.objects.filter(pk=plan.pk, reminded_on__isnull=True).update(reminded_on=on):
                continue
            notify_staff(plan.union, gettext("%(day)s 计划检查 %(employer)s（检查员：%(who)s）。") % {
                "day": plan.planned_on.isoformat(), "employer": plan.employer.name, "who": plan.inspectors},
                link=reverse("console:bargaining:plan", args=[plan.pk]), object_id=plan.pk, cache=staff)
            sent += 1
    return sent


def _rectify_days_check(days: Any) -> int:
    if not isinstance(days, int) or not 1 <= days <= MAX_RECTIFY_DAYS:
        raise ValidationFailed(_("整改期限应在 1 到 %(n)s 天之间。") % {"n": MAX_RECTIFY_DAYS}, code="days_invalid", field="rectify_days")
    return days


def hazard_record(
    *, actor: Any, inspection: SafetyInspection, description: str, severity: str, rectify_days: int, location: str = "",
    photos: Sequence[UploadedFile] = (),
) -> SafetyHazard:
    """A hazard found in an inspection, with a rectification deadline `rectify_days` calendar
    days after the inspection (moved past a rest day, clocks.days_after)."""
    require_action(actor, inspection.union)
    description = clean_text(description, field="description", label=gettext("隐患描述"), max_len=2000)
    if severity not in SafetyHazard.Severity.values:
        raise ValidationFailed(_("请选择隐患等级。"), code="severity_invalid", field="severity")
    _rectify_days_check(rectify_days)
    _check_photos(photos)
    with transaction.atomic():
        hazard = SafetyHazard.objects.create(
            union=inspection.union, inspection=inspection, employer=inspection.employer, employer_name=inspection.employer.name,
            source=SafetyHazard.Source.INSPECTION, description=description, location=location.strip()[:120], severity=severity,
            status=SafetyHazard.Status.OPEN, found_on=inspection.inspected_on, rectify_days=rectify_days,
            rectify_due=clocks.days_after(inspection.inspected_on, rectify_days).on,
        )
        _photos_store(photos, union=inspection.union, kind=SafetyPhoto.Kind.FINDING, hazard=hazard)
        mark_dirty_since(hazard.found_on)
        audit_record(actor=actor, action="safety.hazard", target=hazard)
    return hazard


def hazard_report_by_worker(
    *, user: Any, description: str, employer_name: str, location: str = "", anonymous: bool = False,
    photos: Sequence[UploadedFile] = (),
) -> SafetyHazard:
    """A worker reports a hazard from the app. It goes to their own union (or, for someone the
    union does not know, where the case routing sends a safety problem). Anonymous: the
    report keeps no link to the worker at all."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录后再报告。"), code="login_required")
    description = clean_text(description, field="description", label=gettext("隐患描述"), max_len=2000)
    employer_name = clean_text(employer_name, field="employer_name", label=gettext("单位名称"), max_len=150)
    _check_photos(photos)
    person = Person.objects.filter(user=user).first()
    member_union = member_union_for(person)
    union = member_union or case_route(category=Category.SAFETY, employer=None, region=None, is_new_form=False)
    employer = union.employer if member_union is not None and union.employer_id else None
    with transaction.atomic():
        hazard = SafetyHazard.objects.create(
            union=union, employer=employer, employer_name=employer_name, source=SafetyHazard.Source.WORKER,
            description=description, location=location.strip()[:120], status=SafetyHazard.Status.REPORTED, found_on=today(),
            reported_by=None if anonymous else user, anonymous=anonymous,
        )
        _photos_store(photos, union=union, kind=SafetyPhoto.Kind.REPORT, hazard=hazard)
        notify_staff(union, gettext("职工报告了一处安全隐患（%(employer)s），请核实。") % {"employer": employer_name},
                     link=reverse("console:bargaining:hazard", args=[hazard.pk]), object_id=hazard.pk)
        audit_record(actor=None if anonymous else user, action="safety.worker_report", target=hazard)
    return hazard


def _lock(hazard: SafetyHazard, actor: Any, *, as_employer: bool = False) -> SafetyHazard:
    if as_employer:
        from .employer import hazard_is_theirs

        if not hazard_is_theirs(actor, hazard):
            raise NotFound()
    else:
        require_action(actor, hazard.union)
    return SafetyHazard.objects.select_for_update().select_related("union").get(pk=hazard.pk)


def hazard_verify(*, actor: Any, hazard: SafetyHazard, confirmed: bool, severity: str = SafetyHazard.Severity.GENERAL,
                  rectify_days: int = 0, note: str = "") -> SafetyHazard:
    """A worker's report checked by the union: a real hazard gets a severity and a deadline
    counted from today; otherwise it is dismissed with a note."""
    with transaction.atomic():
        hazard = _lock(hazard, actor)
        if hazard.status != SafetyHazard.Status.REPORTED:
            raise Conflict(_("该隐患已核实。"), code="already_verified")
        if confirmed:
            if severity not in SafetyHazard.Severity.values:
                raise ValidationFailed(_("请选择隐患等级。"), code="severity_invalid", field="severity")
            _rectify_days_check(rectify_days)
            start = today()
            hazard.status, hazard.severity, hazard.rectify_days = SafetyHazard.Status.OPEN, severity, rectify_days
            hazard.rectify_due = clocks.days_after(start, rectify_days).on
        else:
            hazard.status = SafetyHazard.Status.DISMISSED
            hazard.reinspection_note = clean_text(note, field="note", label=gettext("核实情况"), max_len=2000)
        hazard.save(update_fields=["status", "severity", "rectify_days", "rectify_due", "reinspection_note"])
        mark_dirty_since(hazard.found_on)
        audit_record(actor=actor, action="safety.hazard_verify", target=hazard, data={"confirmed": confirmed})
    return hazard


def hazard_rectification_record(*, actor: Any, hazard: SafetyHazard, rectified_on: dt.date, rectification: str,
                                 evidence: Sequence[UploadedFile] = (), as_employer: bool = False) -> SafetyHazard:
    """The employer reports the hazard fixed, with evidence; it then waits for re-inspection.
    Entered by union staff, or (`as_employer`) by the employer's own account for its own
    hazards only (employer.py), in which case the union's staff are told to re-inspect."""
    rectification = clean_text(rectification, field="rectification", label=gettext("整改情况"), max_len=2000)
    _check_photos(evidence)
    with transaction.atomic():
        hazard = _lock(hazard, actor, as_employer=as_employer)
        if hazard.status != SafetyHazard.Status.OPEN:
            raise Conflict(_("只有待整改的隐患可以登记整改。"), code="not_open")
        if rectified_on < hazard.found_on or rectified_on > today():
            raise ValidationFailed(_("整改日期应在发现日期和今天之间。"), code="date_invalid", field="rectified_on")
        hazard.status, hazard.rectified_on, hazard.rectification = SafetyHazard.Status.RECTIFIED, rectified_on, rectification
        hazard.save(update_fields=["status", "rectified_on", "rectification"])
        _photos_store(evidence, union=hazard.union, kind=SafetyPhoto.Kind.EVIDENCE, hazard=hazard)
        mark_dirty_since(min(rectified_on, hazard.rectify_due or rectified_on))
        audit_record(actor=actor, action="safety.hazard_rectified", target=hazard, data={"by_employer": as_employer})
        if as_employer:
            notify_staff(hazard.union, gettext("%(employer)s 报告安全隐患已整改，请安排复查。") % {"employer": hazard.employer_name},
                         link=reverse("console:bargaining:hazard", args=[hazard.pk]), object_id=hazard.pk)
    return hazard


def hazard_reinspect(*, actor: Any, hazard: SafetyHazard, reinspected_on: dt.date, passed: bool, note: str,
                     rectify_days: int = 0) -> SafetyHazard:
    """Re-inspection: passed closes the hazard; failed reopens it with a new deadline counted
    from the re-inspection (the first deadline stays missed in the figures if it was)."""
    note = clean_text(note, field="note", label=gettext("复查意见"), max_len=2000)
    with transaction.atomic():
        hazard = _lock(hazard, actor)
        if hazard.status != SafetyHazard.Status.RECTIFIED:
            raise Conflict(_("整改后才能复查。"), code="not_rectified")
        if hazard.rectified_on and (reinspected_on < hazard.rectified_on or reinspected_on > today()):
            raise ValidationFailed(_("复查日期应在整改日期和今天之间。"), code="date_invalid", field="reinspected_on")
        hazard.reinspected_on, hazard.reinspection_note = reinspected_on, note
        if passed:
            hazard.status = SafetyHazard.Status.CLOSED
        else:
            _rectify_days_check(rectify_days)
            hazard.status = SafetyHazard.Status.OPEN
            hazard.rectified_on = None
            hazard.rectify_days = rectify_days
            hazard.rectify_due = clocks.days_after(reinspected_on, rectify_days).on
        hazard.save(update_fields=["status", "reinspected_on", "reinspection_note", "rectified_on", "rectify_days", "rectify_due"])
        mark_dirty_since(hazard.found_on)  # a reopened hazard changes its overdue days and on-time count
        audit_record(actor=actor, action="safety.hazard_reinspect", target=hazard, data={"passed": passed})
    return hazard


def hazards_overdue_run(*, on: dt.date | None = None) -> int:
    """Daily: flag open hazards past their rectification deadline (once) and tell the union
    and the union above."""
    on = on or today()
    count = 0
    staff: dict[int, set[int]] = {}
    for hazard in SafetyHazard.objects.filter(status=SafetyHazard.Status.OPEN, rectify_due__lt=on,
                                              overdue_flagged_on__isnull=True).select_related("union__parent"):
        with transaction.atomic():
            if not SafetyHazard.objects.filter(pk=hazard.pk, overdue_flagged_on__isnull=True).update(overdue_flagged_on=on):
                continue
            text = gettext("%(employer)s 的安全隐患已超过整改期限 %(due)s，请督促或转一函两书。") % {
                "employer": hazard.employer_name, "due": hazard.rectify_due.isoformat() if hazard.rectify_due else ""}
            link = reverse("console:bargaining:hazard", args=[hazard.pk])
            notify_staff(hazard.union, text, link=link, object_id=hazard.pk, cache=staff)
            if hazard.union.parent is not None:
                notify_staff(hazard.union.parent, text, link=link, object_id=hazard.pk, cache=staff)
            count += 1
    return count


def _case_open(hazard: SafetyHazard, actor: Any) -> Case:
    """The safety case at the hazard's union (already locked by the caller)."""
    with translation.override("zh-hans"):  # the case is kept in Chinese
        description = gettext("安全隐患逾期未整改：%(what)s（位置：%(where)s，整改期限 %(due)s）。") % {
            "what": hazard.description, "where": hazard.location or "-",
            "due": hazard.rectify_due.isoformat() if hazard.rectify_due else "-"}
    case: Case = case_create(
        channel=Channel.WALK_IN, category=Category.SAFETY, description=description, reporter_name=hazard.union.name[:50],
        employer=hazard.employer, employer_name=hazard.employer_name, created_by=actor, union=hazard.union,
    )
    hazard.escalation_case = case
    hazard.save(update_fields=["escalation_case"])
    return case


def hazard_escalate(*, actor: Any, hazard: SafetyHazard, letter_body: str = "") -> SupervisionLetter:
    """An overdue hazard goes to the cases module: a safety case at the hazard's union (the
    daily run may have opened it already) and a 提示函 to the employer (一函两书), numbered and
    rendered as PDF there. A letter has a signer, so it is always issued by staff."""
    with transaction.atomic():
        hazard = _lock(hazard, actor)
        if hazard.status != SafetyHazard.Status.OPEN or hazard.rectify_due is None or hazard.rectify_due >= today():
            raise Conflict(_("只有超过整改期限的隐患可以转一函两书。"), code="not_overdue")
        if hazard.escalation_letter_id is not None:
            raise Conflict(_("已制发一函两书。"), code="already_escalated")
        case = hazard.escalation_case if hazard.escalation_case is not None else _case_open(hazard, actor)
        with translation.override("zh-hans"):  # the letter is kept in Chinese
            subject = gettext("安全隐患逾期未整改")
        letter = legal_services.letter_issue(
            case=case, kind=SupervisionLetter.Kind.NOTICE, recipient=hazard.employer_name, subject=subject,
            body=(letter_body.strip()[:3000] or case.description), by=actor,
        )
        hazard.escalation_letter = letter
        hazard.save(update_fields=["escalation_letter"])
        audit_record(actor=actor, action="safety.hazard_escalate", target=hazard, data={"case_id": case.pk, "letter_id": letter.pk})
    return letter


def hazards_escalate_run(*, on: dt.date | None = None) -> int:
    """Daily: every hazard still open after its rectification deadline gets its safety case
    opened at its union, once (no staff button needed). The 提示函 then goes out from the
    case or the hazard page, signed by a staff member. Idempotent: a hazard with a case is
    skipped, and each one is re-read under a row lock."""
    on = on or today()
    opened = 0
    due = SafetyHazard.objects.filter(status=SafetyHazard.Status.OPEN, rectify_due__lt=on, escalation_case__isnull=True)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            hazard = SafetyHazard.objects.select_for_update(of=("self",)).select_related("union", "employer").filter(
                pk=pk, status=SafetyHazard.Status.OPEN, rectify_due__lt=on, escalation_case__isnull=True).first()
            if hazard is None:
                continue
            case = _case_open(hazard, None)
            audit_record(actor=None, action="safety.hazard_case_auto", target=hazard, data={"case_id": case.pk})
            opened += 1
    return opened
