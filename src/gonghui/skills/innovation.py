"""创新创造云, the registry part: 劳模工匠创新工作室 (members, annual evaluation, renaming,
removal), the 技术革新 / 发明创造 registry with patent numbers, and 四技五小两比 activities.

Rules (worked by hand in tests/skills/test_innovation.py):
- A Chinese patent number is "ZL" + 12 digits + "." + a check character: Σ digitᵢ × wᵢ mod 11
  with weights 2,3,4,5,6,7,8,9,2,3,4,5; 10 is written "X". The fifth digit is the kind
  (1 发明 / 8 PCT 发明, 2 实用新型 / 9 PCT 实用新型, 3 外观设计) and must match the kind given.
- A studio evaluated 不合格 two years running is removed (撤销命名), with the reason on record.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, ValidationFailed

from .models import Innovation, SkillActivity, Studio, StudioEvent, StudioLevel, StudioMember

PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
PATENT_KIND_DIGITS: dict[str, str] = {
    Innovation.PatentKind.INVENTION.value: "18",
    Innovation.PatentKind.UTILITY.value: "29",
    Innovation.PatentKind.DESIGN.value: "3",
}


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    from .services import _text as text

    return text(value, field=field, label=label, max_len=max_len, required=required)


def _year(year: int, field: str = "year") -> int:
    if not 1950 <= int(year) <= timezone.localdate().year + 1:
        raise ValidationFailed(_("年度无效。"), code="year_invalid", field=field)
    return int(year)


def patent_check_char(digits12: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits12, PATENT_WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)


def patent_number_clean(number: str, kind: str) -> str:
    """"ZL202310123456.7" (spaces, lower case and a missing dot are forgiven); the check
    character and the kind digit are checked."""
    raw = re.sub(r"\s", "", number or "").upper()
    if not raw:
        if kind:
            raise ValidationFailed(_("请填写专利号。"), code="patent_required", field="patent_number")
        return ""
    if not kind:
        raise ValidationFailed(_("请选择专利类型。"), code="patent_kind_required", field="patent_kind")
    m = re.fullmatch(r"(?:ZL)?(\d{12})\.?([\dX])", raw)
    if not m:
        raise ValidationFailed(_("专利号格式应为 ZL + 12 位数字 + . + 校验位，如 ZL202310123456.7。"),
                               code="patent_format", field="patent_number")
    digits, check = m.groups()
    if patent_check_char(digits) != check:
        raise ValidationFailed(_("专利号校验位不对，请核对。"), code="patent_check", field="patent_number")
    if digits[4] not in PATENT_KIND_DIGITS.get(kind, ""):
        raise ValidationFailed(_("专利号第 5 位表示专利类型，与所选类型不符。"), code="patent_kind_mismatch", field="patent_number")
    return f"ZL{digits}.{check}"


# --- studios --------------------------------------------------------------------------------------


def studio_create(*, actor: Any, union: Any, name: str, level: str, leader: str, named_year: int, leader_title: str = "",
                  trades: str = "", employer: Any = None) -> Studio:
    name = _text(name, field="name", label=_("工作室名称"), max_len=80)
    leader = _text(leader, field="leader", label=_("领衔人"), max_len=40)
    leader_title = _text(leader_title, field="leader_title", label=_("领衔人称号"), max_len=60, required=False)
    trades = _text(trades, field="trades", label=_("工种"), max_len=200, required=False)
    if level not in StudioLevel.values:
        raise ValidationFailed(_("级别无效。"), code="level_invalid", field="level")
    with transaction.atomic():
        studio = Studio.objects.create(union=union, union_path=union.path, name=name, level=level, leader=leader,
                                       leader_title=leader_title, trades=trades, named_year=_year(named_year, "named_year"),
                                       employer=employer)
        audit_record(actor=actor, action="skills.studio.create", target=studio)
    return studio


def _active(studio: Studio) -> Studio:
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if studio.status != Studio.Status.ACTIVE:
        raise Conflict(_("工作室已撤销。"), code="studio_removed")
    return studio


def studio_member_add(*, actor: Any, studio: Studio, name: str, role: str = "", joined_on: dt.date) -> StudioMember:
    name = _text(name, field="name", label=_("姓名"), max_len=40)
    role = _text(role, field="role", label=_("分工"), max_len=40, required=False)
    with transaction.atomic():
        studio = _active(studio)
        member = StudioMember.objects.create(studio=studio, name=name, role=role, joined_on=joined_on)
        audit_record(actor=actor, action="skills.studio.member", target=studio, data={"member": member.pk})
    return member


def studio_evaluate(*, actor: Any, studio: Studio, year: int, grade: str, note: str = "") -> StudioEvent:
    """The annual evaluation, once a year; 不合格 two years running removes the studio."""
    note = _text(note, field="note", label=_("说明"), max_len=300, required=grade == StudioEvent.Grade.FAIL)
    if grade not in StudioEvent.Grade.values:
        raise ValidationFailed(_("考核结果无效。"), code="grade_invalid", field="grade")
    year = _year(year)
    try:
        with transaction.atomic():
            studio = _active(studio)
            if year < studio.named_year:
                raise ValidationFailed(_("考核年度早于命名年度。"), code="year_before_named", field="year")
            event = StudioEvent.objects.create(studio=studio, kind=StudioEvent.Kind.EVALUATION, year=year, grade=grade,
                                               note=note, by=actor)
            audit_record(actor=actor, action="skills.studio.evaluate", target=studio, data={"year": year, "grade": grade})
            previous = studio.events.filter(kind=StudioEvent.Kind.EVALUATION, year=year - 1).first()
            if grade == StudioEvent.Grade.FAIL and previous is not None and previous.grade == StudioEvent.Grade.FAIL:
                _remove(studio, actor, _("%(a)s、%(b)s 年连续两年考核不合格，撤销命名。") % {"a": year - 1, "b": year})
    except IntegrityError as exc:
        raise Conflict(_("%(y)s 年已经考核过。") % {"y": year}, code="evaluation_twice") from exc
    return event


def studio_rename(*, actor: Any, studio: Studio, name: str, note: str = "") -> Studio:
    name = _text(name, field="name", label=_("工作室名称"), max_len=80)
    note = _text(note, field="note", label=_("说明"), max_len=200, required=False)
    with transaction.atomic():
        studio = _active(studio)
        old = studio.name
        studio.name = name
        studio.save(update_fields=["name"])
        StudioEvent.objects.create(studio=studio, kind=StudioEvent.Kind.RENAME, by=actor,
                                   note=(_("原名“%(old)s”。%(note)s") % {"old": old, "note": note})[:300])
        audit_record(actor=actor, action="skills.studio.rename", target=studio, data={"from": old, "to": name})
    return studio


def _remove(studio: Studio, actor: Any, reason: str) -> None:
    studio.status, studio.removed_reason = Studio.Status.REMOVED, reason[:200]
    studio.save(update_fields=["status", "removed_reason"])
    StudioEvent.objects.create(studio=studio, kind=StudioEvent.Kind.REMOVE, note=reason[:300], by=actor)
    audit_record(actor=actor, action="skills.studio.remove", target=studio, reason=reason[:200])


def studio_remove(*, actor: Any, studio: Studio, reason: str) -> Studio:
    reason = _text(reason, field="reason", label=_("撤销原因"), max_len=200)
    with transaction.atomic():
        studio = _active(studio)
        _remove(studio, actor, reason)
    return studio


# --- 技术革新 / 发明创造 and 四技五小两比 -------------------------------------------------------------


def innovation_register(*, actor: Any, union: Any, kind: str, title: str, people: str, year: int, summary: str = "",
                        patent_kind: str = "", patent_number: str = "", benefit_fen: int | None = None,
                        studio: Studio | None = None) -> Innovation:
    if kind not in Innovation.Kind.values:
        raise ValidationFailed(_("类别无效。"), code="kind_invalid", field="kind")
    if patent_kind not in Innovation.PatentKind.values:
        raise ValidationFailed(_("专利类型无效。"), code="patent_kind_invalid", field="patent_kind")
    title = _text(title, field="title", label=_("成果名称"), max_len=100)
    people = _text(people, field="people", label=_("完成人"), max_len=200)
    summary = _text(summary, field="summary", label=_("简介"), max_len=4000, required=False)
    number = patent_number_clean(patent_number, patent_kind)
    if benefit_fen is not None and not 0 <= benefit_fen <= 10**13:
        raise ValidationFailed(_("经济效益金额超出范围。"), code="benefit_invalid", field="benefit")
    if studio is not None and not studio.union_path.startswith(union.path) and not union.path.startswith(studio.union_path):
        raise ValidationFailed(_("工作室不在这个工会的范围内。"), code="studio_other_branch", field="studio")
    try:
        with transaction.atomic():
            item = Innovation.objects.create(union=union, union_path=union.path, kind=kind, title=title, people=people,
                                             year=_year(year), summary=summary, patent_kind=patent_kind,
                                             patent_number=number, benefit_fen=benefit_fen, studio=studio)
            audit_record(actor=actor, action="skills.innovation.register", target=item)
    except IntegrityError as exc:
        raise Conflict(_("这个专利号已经登记过。"), code="patent_twice") from exc
    return item


def activity_record(*, actor: Any, union: Any, kind: str, title: str, held_on: dt.date, participants: int,
                    results: str = "", studio: Studio | None = None) -> SkillActivity:
    if kind not in SkillActivity.Kind.values:
        raise ValidationFailed(_("类别无效。"), code="kind_invalid", field="kind")
    title = _text(title, field="title", label=_("活动名称"), max_len=100)
    results = _text(results, field="results", label=_("成果"), max_len=4000, required=False)
    if not 1 <= participants <= 1_000_000:
        raise ValidationFailed(_("参加人数应在 1 到 1,000,000 之间。"), code="participants_invalid", field="participants")
    with transaction.atomic():
        activity = SkillActivity.objects.create(union=union, union_path=union.path, kind=kind, title=title, held_on=held_on,
                                                participants=participants, results=results, studio=studio)
        audit_record(actor=actor, action="skills.activity.record", target=activity)
    return activity
