"""The jobs module's key figures (see gonghui/stats/registry.py for the contract).

Postings count at the union they were published under, on the Beijing day of publishing;
seekers at their serving union on the day they registered; applications at the posting's
union; placements on their start day; retention on the day the 3- or 6-month follow-up was
recorded (rate = still employed / followed up); services (人次) on the day they were given,
one row per person served — counted from the records, never typed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import (
    EmploymentService,
    FairRegistration,
    JobApplication,
    JobFair,
    Placement,
    Posting,
    Retention,
    Seeker,
    TrainingEnrolment,
)


def jobs_postings(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Posting.objects.filter(published_at__gte=start, published_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def jobs_openings(day: dt.date) -> Iterable[Row]:
    from django.db.models import Sum

    start, end = day_bounds(day)
    qs = Posting.objects.filter(published_at__gte=start, published_at__lt=end)
    return ((u, "", n or 0) for u, n in qs.values_list("union_id").annotate(n=Sum("openings")).order_by())


def jobs_seekers(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Seeker.objects.filter(created_at__gte=start, created_at__lt=end)
    # "" is the stats registry's "no breakdown": a seeker in no priority group counts as "none".
    return ((u, g or "none", n) for u, g, n in qs.values_list("union_id", "priority_group").annotate(n=Count("id")).order_by())


def jobs_applications(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = JobApplication.objects.filter(created_at__gte=start, created_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("posting__union_id").annotate(n=Count("id")).order_by())


def jobs_placements(day: dt.date) -> Iterable[Row]:
    qs = Placement.objects.filter(started_on=day)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def _checked(which: str, *, employed: bool) -> object:
    def compute(day: dt.date) -> Iterable[Row]:
        start, end = day_bounds(day)
        qs = Placement.objects.filter(**{f"checked_{which}_at__gte": start, f"checked_{which}_at__lt": end})
        if employed:
            qs = qs.filter(**{f"status_{which}": Retention.EMPLOYED})
        return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())

    return compute


def jobs_fairs(day: dt.date) -> Iterable[Row]:
    qs = JobFair.objects.filter(starts_on=day)
    return qs.values_list("union_id", "kind").annotate(n=Count("id")).order_by()


def jobs_fair_checkins(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = FairRegistration.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("fair__union_id").annotate(n=Count("id")).order_by())


def jobs_services(day: dt.date) -> Iterable[Row]:
    qs = EmploymentService.objects.filter(given_on=day)
    return qs.values_list("union_id", "kind").annotate(n=Count("id")).order_by()


def jobs_training_completed(day: dt.date) -> Iterable[Row]:
    qs = TrainingEnrolment.objects.filter(completed_on=day)
    return ((u, "", n) for u, n in qs.values_list("order__union_id").annotate(n=Count("id")).order_by())


def jobs_training_placed(day: dt.date) -> Iterable[Row]:
    qs = TrainingEnrolment.objects.filter(placement__started_on=day)
    return ((u, "", n) for u, n in qs.values_list("order__union_id").annotate(n=Count("id")).order_by())


FIGURES = (
    Figure(
        key="jobs.postings", label=_("发布招聘岗位"), unit=_("个"), compute=jobs_postings, headline=True,
        phrase=_("发布招聘岗位 {value} 个"),
        definition=_("统计期内通过核对（最低工资、无歧视性要求）发布的招聘岗位数，按发布日计入发布工会。"),
    ),
    Figure(
        key="jobs.openings", label=_("招聘人数"), unit=_("人"), compute=jobs_openings,
        definition=_("统计期内发布的岗位计划招聘的人数合计。"),
    ),
    Figure(
        key="jobs.seekers", label=_("求职登记"), unit=_("人"), compute=jobs_seekers,
        phrase=_("{value} 名职工登记求职"),
        definition=_("统计期内新登记求职的人数，计入为其服务的工会，按重点群体分类（无：非重点群体）。"),
        dimension=_("重点群体"), dimension_choices=(("none", _("非重点群体")), ("migrant", _("农民工")),
                                                  ("hardship", _("困难职工")), ("new_form", _("新就业形态劳动者")),
                                                  ("women", _("女职工"))),
    ),
    Figure(
        key="jobs.applications", label=_("求职申请"), unit=_("份"), compute=jobs_applications,
        definition=_("统计期内求职者投递的申请数（同一人同一岗位只计一次），计入岗位的发布工会。"),
    ),
    Figure(
        key="jobs.placements", label=_("就业安置"), unit=_("人"), compute=jobs_placements, headline=True,
        phrase=_("帮助 {value} 人实现就业"),
        definition=_("统计期内上岗的人数（单位录用或工会登记的安置），按上岗日期计入岗位的发布工会。"),
    ),
    Figure(
        key="jobs.checked_3m", label=_("3个月回访"), unit=_("人"), compute=_checked("3m", employed=False),  # type: ignore[arg-type]
        definition=_("统计期内完成上岗满3个月回访的人数。"),
    ),
    Figure(
        key="jobs.retained_3m", label=_("3个月仍在岗"), unit=_("人"), compute=_checked("3m", employed=True),  # type: ignore[arg-type]
        definition=_("统计期内完成的3个月回访中，仍在岗的人数。"),
    ),
    Figure(
        key="jobs.retention_3m", label=_("3个月稳岗率"), unit="%", kind="rate", numerator="jobs.retained_3m",
        denominator="jobs.checked_3m", definition=_("3个月回访中仍在岗的比例：仍在岗人数 ÷ 回访人数。"),
    ),
    Figure(
        key="jobs.checked_6m", label=_("6个月回访"), unit=_("人"), compute=_checked("6m", employed=False),  # type: ignore[arg-type]
        definition=_("统计期内完成上岗满6个月回访的人数。"),
    ),
    Figure(
        key="jobs.retained_6m", label=_("6个月仍在岗"), unit=_("人"), compute=_checked("6m", employed=True),  # type: ignore[arg-type]
        definition=_("统计期内完成的6个月回访中，仍在岗的人数。"),
    ),
    Figure(
        key="jobs.retention_6m", label=_("6个月稳岗率"), unit="%", kind="rate", numerator="jobs.retained_6m",
        denominator="jobs.checked_6m", definition=_("6个月回访中仍在岗的比例：仍在岗人数 ÷ 回访人数。"),
    ),
    Figure(
        key="jobs.services", label=_("就业帮扶服务"), unit=_("人次"), compute=jobs_services, headline=True,
        phrase=_("提供就业帮扶服务 {value} 人次"),
        definition=_("统计期内为职工提供的就业咨询、岗位推荐、技能培训、就业安置、跟踪回访，每服务一人一次计一人次，"
                     "全部来自服务记录，不手工填报。"),
        dimension=_("服务类型"), dimension_choices=tuple(EmploymentService.Kind.choices),
    ),
    Figure(
        key="jobs.fairs", label=_("招聘会"), unit=_("场"), compute=jobs_fairs,
        phrase=_("举办招聘会 {value} 场"),
        definition=_("统计期内开始举办的招聘会场数（现场、网络分列），计入主办工会。"),
        dimension=_("形式"), dimension_choices=tuple(JobFair.Kind.choices),
    ),
    Figure(
        key="jobs.fair_checkins", label=_("招聘会签到"), unit=_("人次"), compute=jobs_fair_checkins,
        definition=_("统计期内在招聘会扫码签到的求职者人次，计入主办工会。"),
    ),
    Figure(
        key="jobs.training_completed", label=_("订单式培训结业"), unit=_("人"), compute=jobs_training_completed,
        phrase=_("订单式培训结业 {value} 人"),
        definition=_("统计期内从订单式培训班结业的人数（开了技能云课程的班，须有该课程的有效证书），按结业日计入承办工会。"),
    ),
    Figure(
        key="jobs.training_placed", label=_("订单式培训上岗"), unit=_("人"), compute=jobs_training_placed,
        definition=_("统计期内订单式培训结业后到提出订单的单位上岗的人数，按上岗日计入承办工会。"),
    ),
)
