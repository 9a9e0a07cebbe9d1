"""会员名册 export: the member list a staff member filtered, as XLSX through the one safe
writer (`core.xlsx`). ID and phone numbers are masked unless the staff member holds the
`reveal_pii` right over every exported row and gives a reason; every export is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.core.xlsx import XlsxWriter

from .selectors import MemberFilter, membership_list

# A request builds the file in memory; larger extracts are a job for the statistics exports.
EXPORT_MAX_ROWS = 50_000


def membership_export(*, actor: Any, filters: MemberFilter, reveal: bool = False, reason: str = "") -> tuple[bytes, int]:
    """The filtered member list as XLSX bytes and its row count.

    Raises `ValidationFailed` when the list is longer than `EXPORT_MAX_ROWS` or an unmasked
    export has no reason, `PermissionDenied` when the actor may not reveal every row."""
    rows = membership_list(user=actor, filters=filters)
    count = rows.count()
    if count > EXPORT_MAX_ROWS:
        raise ValidationFailed(
            _("一次最多导出 %(n)s 条，请缩小范围后再导出。") % {"n": EXPORT_MAX_ROWS}, code="export_too_large"
        )
    reason = (reason or "").strip()[:300]
    if reveal:
        if not reason:
            raise ValidationFailed(_("导出完整身份证号和手机号须填写事由。"), code="reason_required", field="reason")
        if membership_list(user=actor, filters=filters, action="reveal_pii").count() != count:
            raise PermissionDenied(_("您的角色不能导出其中部分会员的完整个人信息。"), code="reveal_forbidden")
    writer = XlsxWriter()
    sheet = writer.sheet(gettext("会员名册"), widths=[16, 10, 22, 15, 6, 12, 14, 14, 8, 30, 30, 12, 10], text_columns="ACD")
    sheet.header([
        gettext("会员号"), gettext("姓名"), gettext("身份证号"), gettext("手机号"), gettext("性别"), gettext("出生日期"),
        gettext("用工形式"), gettext("新就业形态类别"), gettext("农民工"), gettext("所属工会"), gettext("工作单位"),
        gettext("入会日期"), gettext("状态"),
    ])
    yes, no = gettext("是"), gettext("否")
    for m in rows.iterator(chunk_size=2000):
        person = m.person
        sheet.append([
            m.number, person.name,
            person.id_number if reveal else person.id_number_masked,
            person.phone if reveal else person.phone_masked,
            person.get_gender_display(), person.birth_date, person.get_employment_form_display(),
            person.get_new_form_kind_display() if person.new_form_kind else "",
            yes if person.is_migrant_worker else no, m.union.name, m.employer.name if m.employer else "",
            m.joined_on, m.get_status_display(),
        ])
    with transaction.atomic():
        audit_record(
            actor=actor, action="member.export.unmasked" if reveal else "member.export", reason=reason,
            data={
                "rows": count, "q": bool(filters.q), "union_id": filters.union_id, "union_name": filters.union_name, "status": filters.status,
                "new_form": filters.new_form,
                "joined_from": filters.joined_from.isoformat() if filters.joined_from else None,
                "joined_to": filters.joined_to.isoformat() if filters.joined_to else None,
            },
        )
    return writer.to_bytes(), count
