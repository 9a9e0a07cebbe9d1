"""The jobs module's XLSX exports, through the one safe writer (core/xlsx.py): placements with
their follow-ups, a job fair's summary, and services 人次 by union and type. Personal data is
masked (李*, 139****0010), as on the console pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.xlsx import XlsxWriter

from .models import FairBooth, JobFair, Placement, Retention


def _retention(value: str) -> str:
    return str(Retention(value).label) if value in Retention.values else value


def placements_xlsx(placements: Iterable[Placement]) -> bytes:
    writer = XlsxWriter()
    sheet = writer.sheet(_("就业安置"), widths=[8, 10, 16, 30, 22, 28, 12, 12, 12, 12, 12, 14])
    sheet.header([_("编号"), _("求职者"), _("手机号"), _("用人单位"), _("统一社会信用代码"), _("工会"), _("上岗日期"),
                  _("3个月回访日"), _("3个月回访"), _("6个月回访日"), _("6个月回访"), _("来源")])
    for p in placements:
        source = _("订单式培训") if getattr(p, "from_training", False) else (_("求职申请") if p.application_id else _("工会登记"))
        sheet.append([p.pk, p.seeker.name_masked, p.seeker.phone_masked, p.employer.name, p.employer.uscc, p.union.name,
                      p.started_on, p.due_3m, _retention(p.status_3m), p.due_6m, _retention(p.status_6m), source])
    return writer.to_bytes()


def fair_xlsx(fair: JobFair, summary: dict[str, int], booths: list[FairBooth],
              registrations: Iterable[Any]) -> bytes:
    writer = XlsxWriter()
    head = writer.sheet(_("招聘会汇总"), widths=[20, 40])
    head.append([_("招聘会"), fair.name])
    head.append([_("形式"), fair.get_kind_display()])
    head.append([_("地点"), fair.place])
    head.append([_("日期"), f"{fair.starts_on:%Y-%m-%d} — {fair.ends_on:%Y-%m-%d}"])
    head.append([_("主办工会"), fair.union.name])
    for key, label in (("booths", _("展位")), ("registered", _("报名人数")), ("checked_in", _("签到人数")),
                       ("applications", _("现场投递")), ("interviews", _("面试")), ("offers", _("录用")),
                       ("hired", _("入职"))):
        head.append([label, summary.get(key, 0)])
    sheet = writer.sheet(_("展位"), widths=[10, 30, 22, 12])
    sheet.header([_("展位号"), _("用人单位"), _("统一社会信用代码"), _("岗位数")])
    for booth in booths:
        sheet.append([booth.number, booth.employer.name, booth.employer.uscc, len(getattr(booth, "open_postings", []))])
    regs = writer.sheet(_("报名与签到"), widths=[10, 16, 20, 20])
    regs.header([_("求职者"), _("手机号"), _("报名时间"), _("签到时间")])
    for r in registrations:
        regs.append([r.seeker.name_masked, r.seeker.phone_masked, _local(r.created_at), _local(r.checked_in_at)])
    return writer.to_bytes()


def _local(value: dt.datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def services_xlsx(rows: list[tuple[str, str, int, int]], start: dt.date, end: dt.date) -> bytes:
    writer = XlsxWriter()
    sheet = writer.sheet(_("就业帮扶人次"), widths=[30, 14, 10, 10])
    sheet.append([_("统计期间"), f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"])
    sheet.header([_("工会"), _("服务类型"), _("人次"), _("人数")])
    total = 0
    for union, kind, n, people in rows:
        sheet.append([union, kind, n, people])
        total += n
    sheet.append([_("合计"), "", total, None])
    return writer.to_bytes()
