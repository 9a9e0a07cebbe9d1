"""The skills module's XLSX exports, through the one safe writer (core/xlsx.py): a selection's
nominations (for the review meeting and the notice) and the registry of model workers and
craftsmen. ID numbers are masked (110***********002X); phone numbers are not exported."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from gonghui.core.xlsx import XlsxWriter

from .models import Laureate, Nomination, Selection


def nominations_xlsx(selection: Selection, nominations: Iterable[Nomination]) -> bytes:
    writer = XlsxWriter()
    head = writer.sheet(_("评选"), widths=[16, 50])
    head.append([_("评选名称"), selection.title])
    head.append([_("授予称号"), selection.honour_title])
    head.append([_("级别"), selection.get_level_display()])
    head.append([_("年度"), selection.year])
    head.append([_("组织工会"), selection.union.name])
    head.append([_("状态"), selection.get_status_display()])
    if selection.notice_from and selection.notice_until:
        head.append([_("公示期"), f"{selection.notice_from:%Y-%m-%d} — {selection.notice_until:%Y-%m-%d}"])
    sheet = writer.sheet(_("推荐名单"), widths=[16, 10, 6, 10, 22, 30, 20, 8, 26, 12, 8, 60])
    sheet.header([_("推荐编号"), _("姓名"), _("性别"), _("出生年月"), _("身份证号"), _("工作单位"), _("职务或岗位"),
                  _("一线职工"), _("推荐工会"), _("状态"), _("异议"), _("主要事迹")])
    for n in nominations:
        sheet.append([n.number, n.name, n.get_gender_display(), f"{n.birth_date:%Y-%m}", n.id_number_masked, n.unit_name,
                      n.post, _("是") if n.frontline else _("否"), n.union.name, n.get_status_display(),
                      getattr(n, "n_objections", 0), n.achievements[:2000]])
    return writer.to_bytes()


def laureates_xlsx(laureates: Iterable[Laureate]) -> bytes:
    writer = XlsxWriter()
    sheet = writer.sheet(_("劳模工匠名录"), widths=[10, 6, 22, 10, 18, 12, 8, 24, 30, 26, 20, 10, 30])
    sheet.header([_("姓名"), _("性别"), _("身份证号"), _("类别"), _("称号"), _("级别"), _("年度"), _("授予机关"), _("工作单位"),
                  _("所在工会"), _("表彰决定文号"), _("状态"), _("撤销原因")])
    for item in laureates:
        sheet.append([item.name, item.get_gender_display(), item.id_number_masked, item.get_kind_display(), item.title,
                      item.get_level_display(), item.year, item.awarding_body, item.unit_name, item.union.name,
                      item.decision_ref, item.get_status_display(), item.revoked_reason])
    return writer.to_bytes()
