"""劳模工匠评选表彰: every write, and the rules. Worked by hand in tests/skills/test_selection.py.

The workflow (states of a selection: 筹备中 → 推荐中 → 评审中 → 公示中 → 已表彰):

1. The organising union creates the selection (kind, title to award, level, year, the
   nomination deadline, the notice period of 5–30 working days) and gives unions in its subtree
   their places (推荐名额). Quota unions never nest (no quota inside another quota union's
   subtree), so each nominating union draws on exactly one quota: the quota union at or above it.
2. 推荐: staff of a union with a quota at or above it nominate a person (ID number checked, stored
   encrypted with a blind index; achievements; JPG/PNG/PDF supporting files). A nomination takes
   a place while it is under review, shortlisted or confirmed; a rejected or withdrawn one frees
   its place. The same person (ID number) is nominated once per selection, and not at all for a
   title and level they already hold (active on the registry).
3. Review up the tree: the quota union reviews first (unless it nominated the person itself, or is
   the organiser), then the organiser (评审). Passing at the organiser shortlists (拟表彰); not
   passing, at any step, needs a reason the nominating union reads.
4. 公示: when no nomination is left under review, the organiser puts the shortlist on notice from a
   working day (the day chosen, or the next working day) for `notice_days` working days, that day
   counted, on the official calendar (core/workdays): from Monday 2026-09-28 five working days run
   to Friday 10-09 (28, 29, 30 September, 8 and 9 October: 10-01..10-07 are 国庆 holidays); chosen
   on Friday 2026-02-13 they run to 02-26 (13, Saturday 14 — a 调休 working day —, 24, 25, 26). The public page shows the name, sex, birth month, unit, post and achievements,
   the ID number masked; no phone number.
5. Anyone signed in may object while the notice runs (from its first to its last day). Staff of the
   organiser answer each objection with a finding: 不属实, or 属实 — which drops the nomination.
6. 表彰: after the last notice day, with every objection answered, the organiser records the
   decision (文号, date after the notice) and each shortlisted nominee enters the registry
   (`Laureate`) and, when they have an account, their record of honours (`Honour`).
7. The registry: later honours, 宣讲 talks, the courses and studios a person leads; revocation
   (by the union that ran the selection, or above) keeps the entry with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.pii import id_number_index
from gonghui.core.sequences import sequence_next
from gonghui.core.validators import parse_id_number, parse_phone
from gonghui.core.workdays import deadline_after, is_workday, year_known

from .models import (
    Author,
    Honour,
    HonourKind,
    HonourLevel,
    Laureate,
    LaureateEvent,
    Nomination,
    NominationFile,
    NominationObjection,
    NominationReview,
    Selection,
    SelectionQuota,
    Studio,
    Talk,
)

MIN_NOTICE_DAYS = 5
MAX_NOTICE_DAYS = 30
MAX_FILES = 10
ACHIEVEMENTS_MIN = 30
FILE_TYPES: dict[str, tuple[tuple[str, ...], bytes]] = {
    "application/pdf": ((".pdf",), b"%PDF-"),
    "image/jpeg": ((".jpg", ".jpeg"), b"\xff\xd8\xff"),
    "image/png": ((".png",), b"\x89PNG\r\n\x1a\n"),
}


def file_max_bytes() -> int:
    return int(getattr(settings, "SKILLS_NOMINATION_FILE_MAX_MB", 10)) * 1024 * 1024


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    from .services import _text as text

    return text(value, field=field, label=label, max_len=max_len, required=required)


def _require(actor: Any, path: str, action: str = "change") -> None:
    """Another branch's object is indistinguishable from a missing one (404)."""
    if not jurisdiction.has_action(actor, action, path):
        raise NotFound()


def _year(year: int) -> int:
    if not 1950 <= int(year) <= timezone.localdate().year + 1:
        raise ValidationFailed(_("年度无效。"), code="year_invalid", field="year")
    return int(year)


def _notify_staff(union: Any, text: str, link: str) -> None:
    from gonghui.cases.services import staff_reminder_send

    from .services import _union_staff_ids

    staff_reminder_send(user_ids=_union_staff_ids(union), text=text, link=link)


def _nomination_link(nomination: Nomination) -> str:
    return reverse("console:skills:nomination_detail", kwargs={"nomination_id": nomination.pk})


# --- the selection and its quotas -------------------------------------------------------------------


def selection_create(*, actor: Any, union: Any, title: str, kind: str, honour_title: str, level: str, year: int,
                     nominate_until: dt.date, notice_days: int = MIN_NOTICE_DAYS, criteria: str = "",
                     awarding_body: str = "") -> Selection:
    _require(actor, union.path)
    title = _text(title, field="title", label=_("评选名称"), max_len=100)
    honour_title = _text(honour_title, field="honour_title", label=_("授予称号"), max_len=40)
    criteria = _text(criteria, field="criteria", label=_("评选条件"), max_len=4000, required=False)
    awarding_body = _text(awarding_body or union.name, field="awarding_body", label=_("授予机关"), max_len=80)
    if kind not in HonourKind.values:
        raise ValidationFailed(_("类别无效。"), code="kind_invalid", field="kind")
    if level not in HonourLevel.values:
        raise ValidationFailed(_("级别无效。"), code="level_invalid", field="level")
    if not MIN_NOTICE_DAYS <= notice_days <= MAX_NOTICE_DAYS:
        raise ValidationFailed(_("公示期应为 %(a)s 到 %(b)s 个工作日。") % {"a": MIN_NOTICE_DAYS, "b": MAX_NOTICE_DAYS},
                               code="notice_days_invalid", field="notice_days")
    with transaction.atomic():
        selection = Selection.objects.create(
            union=union, union_path=union.path, title=title, kind=kind, honour_title=honour_title, level=level,
            year=_year(year), nominate_until=nominate_until, notice_days=notice_days, criteria=criteria,
            awarding_body=awarding_body, created_by=actor)
        audit_record(actor=actor, action="skills.selection.create", target=selection)
    return selection


def _lock(selection: Selection) -> Selection:
    return Selection.objects.select_for_update().select_related("union").get(pk=selection.pk)


def quota_set(*, actor: Any, selection: Selection, union: Any, places: int) -> SelectionQuota:
    """Give `union` (in the organiser's subtree) `places` places; never below what its subtree
    already uses, and never nested inside or above another quota union."""
    _require(actor, selection.union_path)
    if not union.path.startswith(selection.union_path):
        raise ValidationFailed(_("只能给本评选组织工会及其下级工会分配名额。"), code="quota_outside", field="union")
    if not 1 <= places <= 1000:
        raise ValidationFailed(_("名额应在 1 到 1000 之间。"), code="places_invalid", field="places")
    with transaction.atomic():
        selection = _lock(selection)
        if selection.status not in (Selection.Status.DRAFT, Selection.Status.NOMINATING):
            raise Conflict(_("推荐已截止，名额不能再改。"), code="quota_locked")
        for other in selection.quotas.select_related("union").exclude(union=union):
            if other.union.path.startswith(union.path) or union.path.startswith(other.union.path):
                raise ValidationFailed(_("%(u)s 已有名额；名额不能分给它的上级或下级工会。") % {"u": other.union.name},
                                       code="quota_nested", field="union")
        used = selection.nominations.filter(quota_union=union, status__in=Nomination.COUNTED).count()
        if places < used:
            raise Conflict(_("该工会已推荐 %(n)s 人，名额不能少于 %(n)s。") % {"n": used}, code="quota_below_used")
        quota, _created = SelectionQuota.objects.update_or_create(selection=selection, union=union,
                                                                  defaults={"places": places})
        audit_record(actor=actor, action="skills.selection.quota", target=selection,
                     data={"union": union.pk, "places": places})
    return quota


def selection_open(*, actor: Any, selection: Selection) -> Selection:
    _require(actor, selection.union_path)
    with transaction.atomic():
        selection = _lock(selection)
        if selection.status != Selection.Status.DRAFT:
            raise Conflict(_("评选已经开始推荐。"), code="selection_not_draft")
        if not selection.quotas.exists():
            raise Conflict(_("请先分配推荐名额。"), code="no_quotas")
        selection.status = Selection.Status.NOMINATING
        selection.save(update_fields=["status"])
        audit_record(actor=actor, action="skills.selection.open", target=selection)
        for quota in selection.quotas.select_related("union"):
            _notify_staff(quota.union, _("“%(s)s”开始推荐，贵单位名额 %(n)s 个，%(d)s 截止。") % {
                "s": selection.title, "n": quota.places, "d": f"{selection.nominate_until:%Y-%m-%d}"},
                reverse("console:skills:selection_detail", kwargs={"selection_id": selection.pk}))
    return selection


def quota_for(selection: Selection, union: Any) -> SelectionQuota | None:
    """The quota a nomination by `union` draws on: the quota union at or above it."""
    for quota in selection.quotas.select_related("union"):
        if union.path.startswith(quota.union.path):
            return quota
    return None


def places_used(selection: Selection, quota_union: Any) -> int:
    return selection.nominations.filter(quota_union=quota_union, status__in=Nomination.COUNTED).count()


# --- nominations ------------------------------------------------------------------------------------


def file_check(upload: UploadedFile) -> str:
    """Size, extension and the real first bytes; the content type."""
    name = (upload.name or "").lower()
    if upload.size is None or upload.size > file_max_bytes():
        raise ValidationFailed(_("材料过大，单个文件不能超过 %(mb)s MB。") % {"mb": file_max_bytes() // (1024 * 1024)},
                               code="file_too_large", field="files")
    if upload.size == 0:
        raise ValidationFailed(_("材料是空文件。"), code="file_empty", field="files")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (extensions, magic) in FILE_TYPES.items():
        if name.endswith(extensions) and head.startswith(magic):
            return content_type
    raise ValidationFailed(_("材料只能是 PDF 文件或 JPG、PNG 图片。"), code="file_type", field="files")


def _files_store(nomination: Nomination, uploads: Sequence[UploadedFile], by: Any) -> None:
    for upload, content_type in uploads_checked(uploads, already=nomination.files.count()):
        stored = NominationFile(nomination=nomination, original_name=(upload.name or "")[-200:], content_type=content_type,
                                size=upload.size or 0, uploaded_by=by)
        stored.file.save(f"file{FILE_TYPES[content_type][0][0]}", upload, save=False)
        stored.save()


def uploads_checked(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[tuple[UploadedFile, str]]:
    """Every file checked before any is stored (a bad one stores nothing)."""
    if already + len(uploads) > MAX_FILES:
        raise ValidationFailed(_("每份推荐最多 %(n)s 个材料文件。") % {"n": MAX_FILES}, code="file_count", field="files")
    return [(upload, file_check(upload)) for upload in uploads]


def nomination_submit(
    *, actor: Any, selection: Selection, union: Any, name: str, id_number: str, unit_name: str, post: str,
    achievements: str, phone: str = "", frontline: bool = True, trade: str = "", prior_honours: str = "",
    files: Sequence[UploadedFile] = (), today: dt.date | None = None,
) -> Nomination:
    """推荐: checked against the deadline, the quota and the registry; nothing is stored when a
    check or a file fails."""
    today = today or timezone.localdate()
    _require(actor, union.path)
    name = _text(name, field="name", label=_("姓名"), max_len=40)
    unit_name = _text(unit_name, field="unit_name", label=_("工作单位"), max_len=80)
    post = _text(post, field="post", label=_("职务或岗位"), max_len=60)
    trade = _text(trade, field="trade", label=_("工种或专业"), max_len=40, required=False)
    achievements = _text(achievements, field="achievements", label=_("主要事迹"), max_len=8000)
    prior_honours = _text(prior_honours, field="prior_honours", label=_("曾获荣誉"), max_len=2000, required=False)
    if len(achievements) < ACHIEVEMENTS_MIN:
        raise ValidationFailed(_("主要事迹不少于 %(n)s 字。") % {"n": ACHIEVEMENTS_MIN}, code="achievements_short",
                               field="achievements")
    info = parse_id_number(id_number)
    phone = parse_phone(phone) if (phone or "").strip() else ""
    checked = uploads_checked(files)
    if not union.path.startswith(selection.union_path):
        raise PermissionDenied(_("这个工会不在本评选的范围内。"), code="union_outside")
    index = id_number_index(info.number)
    held = Laureate.objects.filter(id_number_index=index, title=selection.honour_title, level=selection.level,
                                   status=Laureate.Status.ACTIVE).first()
    if held is not None:
        raise Conflict(_("%(name)s 已于 %(y)s 年获得“%(t)s”称号，不能重复推荐。") % {"name": name, "y": held.year,
                                                                                  "t": held.title},
                       code="already_honoured", field="id_number")
    from .selectors import user_by_phone

    try:
        with transaction.atomic():
            selection = _lock(selection)
            if selection.status != Selection.Status.NOMINATING or today > selection.nominate_until:
                raise Conflict(_("评选不在推荐期内。"), code="nomination_closed")
            quota = quota_for(selection, union)
            if quota is None:
                raise PermissionDenied(_("本单位没有分配推荐名额。"), code="no_quota")
            quota = SelectionQuota.objects.select_for_update().select_related("union").get(pk=quota.pk)
            used = places_used(selection, quota.union)
            if used >= quota.places:
                raise Conflict(_("%(u)s 的 %(n)s 个推荐名额已用完。") % {"u": quota.union.name, "n": quota.places},
                               code="quota_full")
            holder = quota.union
            step = holder if holder.pk not in (union.pk, selection.union_id) else selection.union
            nomination = Nomination.objects.create(
                selection=selection, number=f"LM{selection.pk:04d}{sequence_next('skills.nomination'):06d}",
                union=union, union_path=union.path, quota_union=holder, step_union=step, name=name,
                gender=info.gender, birth_date=info.birth_date, id_number=info.number, id_number_index=index,
                phone=phone, user=user_by_phone(phone=phone) if phone else None, unit_name=unit_name, post=post,
                frontline=frontline, trade=trade, achievements=achievements, prior_honours=prior_honours,
                created_by=actor)
            for upload, content_type in checked:
                stored = NominationFile(nomination=nomination, original_name=(upload.name or "")[-200:],
                                        content_type=content_type, size=upload.size or 0, uploaded_by=actor)
                stored.file.save(f"file{FILE_TYPES[content_type][0][0]}", upload, save=False)
                stored.save()
            audit_record(actor=actor, action="skills.nomination.submit", target=nomination)
            _notify_staff(step, _("收到“%(s)s”推荐：%(n)s（%(u)s），请审核。") % {
                "s": selection.title, "n": name, "u": union.name}, _nomination_link(nomination))
    except IntegrityError as exc:
        raise Conflict(_("此人已在本评选中被推荐。"), code="nominated_twice", field="id_number") from exc
    return nomination


def nomination_files_add(*, actor: Any, nomination: Nomination, files: Sequence[UploadedFile]) -> Nomination:
    _require(actor, nomination.union_path)
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != Nomination.Status.REVIEWING:
            raise Conflict(_("推荐已审核完毕，不能再补充材料。"), code="nomination_decided")
        _files_store(nomination, files, actor)
        audit_record(actor=actor, action="skills.nomination.files", target=nomination, data={"files": len(files)})
    return nomination


def _reviewable(selection: Selection) -> None:
    if selection.status not in (Selection.Status.NOMINATING, Selection.Status.REVIEWING):
        raise Conflict(_("评选不在推荐或评审阶段。"), code="selection_not_reviewing")


def nomination_review(*, actor: Any, nomination: Nomination, passed: bool, note: str = "") -> Nomination:
    """The awaited union (or one above it) passes the nomination up, or not, with a reason."""
    note = _text(note, field="note", label=_("审核意见"), max_len=300, required=not passed)
    with transaction.atomic():
        # Lock the nomination row only: PostgreSQL refuses FOR UPDATE on the outer join of step_union.
        nomination = (Nomination.objects.select_for_update(of=("self",))
                      .select_related("selection__union", "step_union", "union").get(pk=nomination.pk))
        if nomination.status != Nomination.Status.REVIEWING or nomination.step_union is None:
            raise Conflict(_("这份推荐已经审核完毕。"), code="nomination_decided")
        step = nomination.step_union
        _require(actor, step.path, "approve")
        selection = nomination.selection
        _reviewable(selection)
        NominationReview.objects.create(nomination=nomination, union=step, passed=passed, note=note, by=actor)
        if not passed:
            nomination.status, nomination.step_union, nomination.decision_note = Nomination.Status.REJECTED, None, note
            text = _("“%(s)s”推荐的 %(n)s 未通过%(u)s审核：%(note)s") % {
                "s": selection.title, "n": nomination.name, "u": step.name, "note": note}
        elif step.pk == selection.union_id:
            nomination.status, nomination.step_union = Nomination.Status.SHORTLISTED, None
            text = _("“%(s)s”推荐的 %(n)s 已通过评审，列入拟表彰名单。") % {"s": selection.title, "n": nomination.name}
        else:
            nomination.step_union = selection.union
            text = _("“%(s)s”推荐的 %(n)s 已通过%(u)s审核，报%(o)s评审。") % {
                "s": selection.title, "n": nomination.name, "u": step.name, "o": selection.union.name}
            _notify_staff(selection.union, _("“%(s)s”推荐 %(n)s 待评审。") % {"s": selection.title, "n": nomination.name},
                          _nomination_link(nomination))
        nomination.save(update_fields=["status", "step_union", "decision_note"])
        audit_record(actor=actor, action="skills.nomination.review", target=nomination,
                     data={"union": step.pk, "passed": passed}, reason=note)
        _notify_staff(nomination.union, text, _nomination_link(nomination))
    return nomination


def nomination_withdraw(*, actor: Any, nomination: Nomination, reason: str) -> Nomination:
    """The nominating union takes its nomination back while it is under review (the place is freed)."""
    _require(actor, nomination.union_path)
    reason = _text(reason, field="reason", label=_("撤回原因"), max_len=300)
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().select_related("selection").get(pk=nomination.pk)
        _reviewable(nomination.selection)
        if nomination.status != Nomination.Status.REVIEWING:
            raise Conflict(_("这份推荐已经审核完毕，不能撤回。"), code="nomination_decided")
        nomination.status, nomination.step_union, nomination.decision_note = Nomination.Status.WITHDRAWN, None, reason
        nomination.save(update_fields=["status", "step_union", "decision_note"])
        audit_record(actor=actor, action="skills.nomination.withdraw", target=nomination, reason=reason)
    return nomination


def selection_close(*, actor: Any, selection: Selection) -> Selection:
    """推荐截止: no more nominations; reviews go on."""
    _require(actor, selection.union_path)
    with transaction.atomic():
        selection = _lock(selection)
        if selection.status != Selection.Status.NOMINATING:
            raise Conflict(_("只有推荐中的评选可以截止推荐。"), code="selection_not_nominating")
        selection.status = Selection.Status.REVIEWING
        selection.save(update_fields=["status"])
        audit_record(actor=actor, action="skills.selection.close", target=selection)
    return selection


# --- 公示, objections, confirmation -----------------------------------------------------------------


def notice_period(start: dt.date, days: int) -> tuple[dt.date, dt.date, bool]:
    """(first day, last day, provisional): the first working day on or after `start`, and the
    `days`-th working day counting it."""
    first = start
    while not is_workday(first):
        first += dt.timedelta(days=1)
    last = deadline_after(first, days - 1)
    return first, last.on, last.provisional or not year_known(first.year)


def selection_notice_start(*, actor: Any, selection: Selection, start: dt.date | None = None,
                           today: dt.date | None = None) -> Selection:
    _require(actor, selection.union_path, "approve")
    today = today or timezone.localdate()
    start = start or today
    if start < today:
        raise ValidationFailed(_("公示开始日期不能早于今天。"), code="notice_start_past", field="start")
    if start > today + dt.timedelta(days=60):
        raise ValidationFailed(_("公示开始日期不能晚于 60 天后。"), code="notice_start_far", field="start")
    with transaction.atomic():
        selection = _lock(selection)
        if selection.status != Selection.Status.REVIEWING:
            raise Conflict(_("请先截止推荐，评审完毕后再公示。"), code="selection_not_reviewing")
        pending = selection.nominations.filter(status=Nomination.Status.REVIEWING).count()
        if pending:
            raise Conflict(_("还有 %(n)s 份推荐未审核完毕。") % {"n": pending}, code="reviews_pending")
        if not selection.nominations.filter(status=Nomination.Status.SHORTLISTED).exists():
            raise Conflict(_("没有拟表彰对象，无需公示。"), code="shortlist_empty")
        first, last, provisional = notice_period(start, selection.notice_days)
        selection.status, selection.notice_from, selection.notice_until = Selection.Status.NOTICE, first, last
        selection.notice_provisional = provisional
        selection.save(update_fields=["status", "notice_from", "notice_until", "notice_provisional"])
        audit_record(actor=actor, action="skills.selection.notice", target=selection,
                     data={"from": first.isoformat(), "until": last.isoformat()})
    return selection


def objection_raise(*, user: Any, nomination: Nomination, text: str, contact: str = "",
                    today: dt.date | None = None) -> NominationObjection:
    """Anyone signed in objects to a shortlisted nominee while the notice runs."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录再提出异议。"), code="login_required")
    today = today or timezone.localdate()
    text = _text(text, field="text", label=_("异议内容"), max_len=2000)
    contact = _text(contact, field="contact", label=_("联系方式"), max_len=60, required=False)
    if len(text) < 10:
        raise ValidationFailed(_("请写明异议的具体事实（不少于 10 字）。"), code="text_short", field="text")
    nomination = Nomination.objects.select_related("selection__union").get(pk=nomination.pk)  # the state now
    selection = nomination.selection
    if (selection.status != Selection.Status.NOTICE or nomination.status != Nomination.Status.SHORTLISTED
            or not (selection.notice_from or dt.date.max) <= today <= (selection.notice_until or dt.date.min)):
        raise Conflict(_("不在公示期内，不能提出异议。"), code="notice_closed")
    with transaction.atomic():
        objection = NominationObjection.objects.create(nomination=nomination, text=text, contact=contact, by=user)
        audit_record(actor=user, action="skills.nomination.objection", target=nomination)
        _notify_staff(selection.union, _("“%(s)s”公示收到对 %(n)s 的异议，请核实答复。") % {
            "s": selection.title, "n": nomination.name}, _nomination_link(nomination))
    return objection


def objection_answer(*, actor: Any, objection: NominationObjection, finding: str, answer: str) -> NominationObjection:
    """The organiser records what it found; an objection found true drops the nominee."""
    answer = _text(answer, field="answer", label=_("答复"), max_len=2000)
    if finding not in NominationObjection.Finding.values:
        raise ValidationFailed(_("请选择核实结果。"), code="finding_invalid", field="finding")
    with transaction.atomic():
        objection = (NominationObjection.objects.select_for_update().select_related("nomination__selection__union")
                     .get(pk=objection.pk))
        nomination = objection.nomination
        selection = nomination.selection
        _require(actor, selection.union_path, "approve")
        if objection.answered_at is not None:
            raise Conflict(_("这条异议已经答复。"), code="objection_answered")
        if selection.status != Selection.Status.NOTICE:
            raise Conflict(_("评选不在公示阶段。"), code="selection_not_notice")
        objection.finding, objection.answer, objection.answered_by, objection.answered_at = (
            finding, answer, actor, timezone.now())
        objection.save(update_fields=["finding", "answer", "answered_by", "answered_at"])
        if finding == NominationObjection.Finding.UPHELD and nomination.status == Nomination.Status.SHORTLISTED:
            nomination.status, nomination.decision_note = Nomination.Status.DROPPED, answer[:300]
            nomination.save(update_fields=["status", "decision_note"])
            _notify_staff(nomination.union, _("“%(s)s”拟表彰对象 %(n)s 经公示核实，取消拟表彰：%(a)s") % {
                "s": selection.title, "n": nomination.name, "a": answer[:200]}, _nomination_link(nomination))
        if objection.by_id:
            from gonghui.notices.services import notice_send

            notice_send(user_ids=[objection.by_id], module="skills", object_id=selection.pk,
                        text=_("您对“%(s)s”公示提出的异议已答复：%(a)s") % {"s": selection.title, "a": answer[:200]},
                        link=reverse("skills:selection_notice", kwargs={"selection_id": selection.pk}))
        audit_record(actor=actor, action="skills.nomination.objection_answer", target=nomination,
                     data={"objection": objection.pk, "finding": finding})
    return objection


def selection_confirm(*, actor: Any, selection: Selection, decision_ref: str, decided_on: dt.date,
                      today: dt.date | None = None) -> list[Laureate]:
    """表彰决定: after the notice, with every objection answered; the shortlist enters the registry."""
    _require(actor, selection.union_path, "approve")
    today = today or timezone.localdate()
    decision_ref = _text(decision_ref, field="decision_ref", label=_("表彰决定文号"), max_len=60)
    with transaction.atomic():
        selection = _lock(selection)
        if selection.status != Selection.Status.NOTICE or selection.notice_until is None:
            raise Conflict(_("评选不在公示阶段。"), code="selection_not_notice")
        if today <= selection.notice_until:
            raise Conflict(_("公示期至 %(d)s，期满后才能确认表彰。") % {"d": f"{selection.notice_until:%Y-%m-%d}"},
                           code="notice_running")
        if not selection.notice_until < decided_on <= today:
            raise ValidationFailed(_("表彰决定日期应在公示期满之后、今天或以前。"), code="decided_on_invalid", field="decided_on")
        open_objections = NominationObjection.objects.filter(nomination__selection=selection,
                                                             answered_at__isnull=True).count()
        if open_objections:
            raise Conflict(_("还有 %(n)s 条异议未答复，答复后才能确认表彰。") % {"n": open_objections},
                           code="objections_open")
        now = timezone.now()
        laureates = []
        for nomination in selection.nominations.filter(status=Nomination.Status.SHORTLISTED).select_related("union"):
            laureate = Laureate.objects.create(
                union=nomination.union, union_path=nomination.union_path, awarded_by=selection.union,
                awarding_body=selection.awarding_body, nomination=nomination, user=nomination.user, name=nomination.name,
                gender=nomination.gender, id_number=nomination.id_number, id_number_index=nomination.id_number_index,
                kind=selection.kind, title=selection.honour_title, level=selection.level, year=selection.year,
                unit_name=nomination.unit_name, trade=nomination.trade, achievements=nomination.achievements,
                decision_ref=decision_ref)
            laureates.append(laureate)
            nomination.status = Nomination.Status.CONFIRMED
            nomination.save(update_fields=["status"])
            if nomination.user_id:
                Honour.objects.create(user_id=nomination.user_id, name=nomination.name, title=selection.honour_title,
                                      union=selection.union, union_path=selection.union_path, year=selection.year,
                                      source=f"{selection.title}（{decision_ref}）"[:120], laureate=laureate,
                                      awarded_at=now)
                from gonghui.notices.services import notice_send

                notice_send(user_ids=[nomination.user_id], module="skills", object_id=laureate.pk,
                            text=_("祝贺您被授予“%(t)s”称号（%(ref)s）。") % {"t": selection.honour_title, "ref": decision_ref},
                            link=reverse("skills:laureate", kwargs={"laureate_id": laureate.pk}))
        selection.status, selection.decision_ref, selection.decided_on = Selection.Status.CONFIRMED, decision_ref, decided_on
        selection.save(update_fields=["status", "decision_ref", "decided_on"])
        audit_record(actor=actor, action="skills.selection.confirm", target=selection, data={"laureates": len(laureates)})
    return laureates


# --- the registry -------------------------------------------------------------------------------------


def laureate_register(*, actor: Any, union: Any, name: str, id_number: str, kind: str, title: str, level: str,
                      year: int, unit_name: str, awarding_body: str, trade: str = "", achievements: str = "",
                      decision_ref: str = "") -> Laureate:
    """Enter a person honoured before this system (from the union's archive) on the registry."""
    _require(actor, union.path)
    name = _text(name, field="name", label=_("姓名"), max_len=40)
    title = _text(title, field="title", label=_("称号"), max_len=40)
    unit_name = _text(unit_name, field="unit_name", label=_("工作单位"), max_len=80)
    awarding_body = _text(awarding_body, field="awarding_body", label=_("授予机关"), max_len=80)
    trade = _text(trade, field="trade", label=_("工种或专业"), max_len=40, required=False)
    achievements = _text(achievements, field="achievements", label=_("主要事迹"), max_len=8000, required=False)
    decision_ref = _text(decision_ref, field="decision_ref", label=_("表彰决定文号"), max_len=60, required=False)
    if kind not in HonourKind.values:
        raise ValidationFailed(_("类别无效。"), code="kind_invalid", field="kind")
    if level not in HonourLevel.values:
        raise ValidationFailed(_("级别无效。"), code="level_invalid", field="level")
    info = parse_id_number(id_number)
    try:
        with transaction.atomic():
            laureate = Laureate.objects.create(
                union=union, union_path=union.path, awarding_body=awarding_body, name=name, gender=info.gender,
                id_number=info.number, id_number_index=id_number_index(info.number), kind=kind, title=title, level=level,
                year=_year(year), unit_name=unit_name, trade=trade, achievements=achievements, decision_ref=decision_ref)
            audit_record(actor=actor, action="skills.laureate.register", target=laureate)
    except IntegrityError as exc:
        raise Conflict(_("名录里已有此人这一年度的这个称号。"), code="laureate_twice") from exc
    return laureate


def _active(laureate: Laureate) -> Laureate:
    laureate = Laureate.objects.select_for_update().get(pk=laureate.pk)
    if laureate.status != Laureate.Status.ACTIVE:
        raise Conflict(_("称号已撤销。"), code="laureate_revoked")
    return laureate


def laureate_honour_add(*, actor: Any, laureate: Laureate, year: int, title: str, note: str = "") -> LaureateEvent:
    """A later honour (e.g. a provincial model worker later named 全国劳动模范 or 大国工匠)."""
    _require(actor, laureate.union_path)
    title = _text(title, field="title", label=_("荣誉"), max_len=60)
    note = _text(note, field="note", label=_("说明"), max_len=300, required=False)
    year = _year(year)
    with transaction.atomic():
        laureate = _active(laureate)
        if year < laureate.year:
            raise ValidationFailed(_("后续荣誉的年度不能早于获得称号的年度。"), code="year_before_title", field="year")
        event = LaureateEvent.objects.create(laureate=laureate, kind=LaureateEvent.Kind.HONOUR, year=year, title=title,
                                             note=note, by=actor)
        audit_record(actor=actor, action="skills.laureate.honour", target=laureate, data={"title": title, "year": year})
    return event


def laureate_revoke(*, actor: Any, laureate: Laureate, reason: str) -> Laureate:
    """撤销称号 (e.g. after a criminal conviction): by the union that ran the selection or above
    (the person's own union for an archive entry); the entry stays with the reason."""
    reason = _text(reason, field="reason", label=_("撤销原因"), max_len=300)
    _require(actor, laureate.union_path)
    with transaction.atomic():
        laureate = _active(laureate)
        awarded_by = laureate.awarded_by
        deciding = awarded_by.path if awarded_by is not None else laureate.union_path
        if not jurisdiction.has_action(actor, "approve", deciding):
            raise PermissionDenied(_("只有组织评选的工会（或其上级）可以撤销称号。"), code="revoke_not_allowed")
        now = timezone.now()
        laureate.status, laureate.revoked_reason, laureate.revoked_at = Laureate.Status.REVOKED, reason, now
        laureate.save(update_fields=["status", "revoked_reason", "revoked_at"])
        LaureateEvent.objects.create(laureate=laureate, kind=LaureateEvent.Kind.REVOKE, note=reason, by=actor)
        Honour.objects.filter(laureate=laureate).update(revoked_at=now)
        audit_record(actor=actor, action="skills.laureate.revoke", target=laureate, reason=reason)
    return laureate


def talk_record(*, actor: Any, laureate: Laureate, topic: str, held_on: dt.date, place: str, audience: int) -> Talk:
    """A 宣讲 given by a person on the registry."""
    _require(actor, laureate.union_path)
    topic = _text(topic, field="topic", label=_("主题"), max_len=100)
    place = _text(place, field="place", label=_("地点或单位"), max_len=100)
    if not 1 <= audience <= 1_000_000:
        raise ValidationFailed(_("听众人数应在 1 到 1,000,000 之间。"), code="audience_invalid", field="audience")
    if held_on > timezone.localdate():
        raise ValidationFailed(_("宣讲日期不能晚于今天。"), code="held_on_future", field="held_on")
    with transaction.atomic():
        laureate = _active(laureate)
        talk = Talk.objects.create(laureate=laureate, topic=topic, held_on=held_on, place=place, audience=audience, by=actor)
        audit_record(actor=actor, action="skills.laureate.talk", target=laureate, data={"talk": talk.pk})
    return talk


def laureate_link(*, actor: Any, laureate: Laureate, author: Author | None = None, studio: Studio | None = None) -> Laureate:
    """Name the registry entry as the person behind a course author or a studio (both of the
    actor's branch: the caller fetched them through `visible_to`)."""
    _require(actor, laureate.union_path)
    if author is None and studio is None:
        raise ValidationFailed(_("请选择课程作者或创新工作室。"), code="link_empty", field="author")
    with transaction.atomic():
        laureate = _active(laureate)
        if author is not None:
            Author.objects.filter(pk=author.pk).update(laureate=laureate)
        if studio is not None:
            Studio.objects.filter(pk=studio.pk).update(laureate=laureate)
        audit_record(actor=actor, action="skills.laureate.link", target=laureate,
                     data={"author": getattr(author, "pk", None), "studio": getattr(studio, "pk", None)})
    return laureate
