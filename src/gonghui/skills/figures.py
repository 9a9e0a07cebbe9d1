"""The skills module's key figures (see gonghui/stats/registry.py for the contract).

Courses, 学时 and certificates count at the course's owning union; proposals at the union
that received them; each on the Beijing day it happened, rolled up the tree by the snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.stats.registry import Figure, Row
from gonghui.stats.services import day_bounds

from .models import (
    Certificate,
    Competition,
    CompetitionLevel,
    Course,
    Enrolment,
    Entry,
    Honour,
    HonourKind,
    HonourLevel,
    Innovation,
    Laureate,
    Nomination,
    Proposal,
    Provider,
    SkillActivity,
    Studio,
    StudioLevel,
)

ADOPTED = (Proposal.Status.ADOPTED, Proposal.Status.IMPLEMENTED, Proposal.Status.REWARDED)


def skills_courses(day: dt.date) -> Iterable[Row]:
    _start, end = day_bounds(day)
    qs = Course.objects.filter(status=Course.Status.PUBLISHED, published_at__lt=end)
    return qs.values_list("union_id", "provider").annotate(n=Count("id")).order_by()


def skills_enrolments(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Enrolment.objects.filter(enrolled_at__gte=start, enrolled_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("course__union_id").annotate(n=Count("id")).order_by())


def skills_hours(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Enrolment.objects.filter(completed_at__gte=start, completed_at__lt=end)
    return ((u, "", n or 0) for u, n in qs.values_list("course__union_id").annotate(n=Sum("hours_earned")).order_by())


def skills_certificates(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Certificate.objects.filter(issued_at__gte=start, issued_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("enrolment__course__union_id").annotate(n=Count("id")).order_by())


def skills_proposals(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Proposal.objects.filter(created_at__gte=start, created_at__lt=end)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def skills_proposals_adopted(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Proposal.objects.filter(decided_at__gte=start, decided_at__lt=end, status__in=ADOPTED)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def skills_proposals_benefit(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Proposal.objects.filter(benefit_at__gte=start, benefit_at__lt=end)
    return ((u, "", n or 0) for u, n in qs.values_list("union_id").annotate(n=Sum("benefit_fen")).order_by())


LEARNING_AND_PROPOSALS: tuple[Figure, ...] = (
    Figure(
        key="skills.courses", label=_("技能课程"), unit=_("门"), kind="stock", compute=skills_courses,
        phrase=_("技能云上线课程 {value} 门"),
        definition=_("统计日结束时已发布的技能课程门数，计入课程所属工会，按提供方分类。"),
        dimension=_("提供方"), dimension_choices=tuple(Provider.choices),
    ),
    Figure(
        key="skills.enrolments", label=_("报名学习"), unit=_("人次"), compute=skills_enrolments,
        definition=_("统计期内职工报名学习课程的人次，计入课程所属工会。"),
    ),
    Figure(
        key="skills.hours", label=_("获得学时"), unit=_("学时"), compute=skills_hours, headline=True,
        phrase=_("职工通过技能云学习获得 {value} 学时"),
        definition=_("统计期内职工考试通过、结业的课程学时合计，按结业日期计入课程所属工会。"),
    ),
    Figure(
        key="skills.certificates", label=_("结业证书"), unit=_("张"), compute=skills_certificates,
        phrase=_("颁发结业证书 {value} 张"),
        definition=_("统计期内颁发的结业证书张数（含之后撤销的），计入课程所属工会。"),
    ),
    Figure(
        key="skills.proposals", label=_("合理化建议"), unit=_("条"), compute=skills_proposals, headline=True,
        phrase=_("职工提出合理化建议 {value} 条"),
        definition=_("统计期内职工提交的合理化建议条数，计入受理工会。"),
        records_url="console:skills:proposals", records_query="status=",
    ),
    Figure(
        key="skills.proposals_adopted", label=_("采纳建议"), unit=_("条"), compute=skills_proposals_adopted,
        phrase=_("采纳 {value} 条"),
        definition=_("统计期内答复为采纳的合理化建议条数（按答复日期，含之后实施和奖励的），计入受理工会。"),
    ),
    Figure(
        key="skills.proposals_benefit", label=_("建议经济效益"), unit=_("元"), money=True, compute=skills_proposals_benefit,
        phrase=_("创造经济效益 {value} 元"),
        definition=_("统计期内登记的已实施合理化建议经济效益合计（经核定），按登记日期计入受理工会。"),
    ),
)


def skills_competitions(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Competition.objects.filter(published_at__gte=start, published_at__lt=end)
    return qs.values_list("union_id", "level").annotate(n=Count("id")).order_by()


def skills_competitors(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Entry.objects.filter(endorsed_at__gte=start, endorsed_at__lt=end, status=Entry.Status.ENDORSED)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def skills_titles(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    # Titles from competitions only (劳模 and 工匠 titles are counted by skills.laureates).
    qs = Honour.objects.filter(awarded_at__gte=start, awarded_at__lt=end, award__isnull=False)
    return ((u, "", n) for u, n in qs.values_list("union_id").annotate(n=Count("id")).order_by())


def skills_nominations(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Nomination.objects.filter(created_at__gte=start, created_at__lt=end)
    return qs.values_list("union_id", "selection__kind").annotate(n=Count("id")).order_by()


def skills_laureates(day: dt.date) -> Iterable[Row]:
    """Model workers and craftsmen on the registry at the end of the day (a revoked title stops
    counting on the day it is revoked), at the person's own union, by level."""
    _start, end = day_bounds(day)
    qs = Laureate.objects.filter(created_at__lt=end).exclude(revoked_at__lt=end)
    return qs.values_list("union_id", "level").annotate(n=Count("id")).order_by()



def skills_studios(day: dt.date) -> Iterable[Row]:
    """Studios on the registry at the end of the day (removed ones are no longer counted;
    the removal is dated by its event)."""
    _start, end = day_bounds(day)
    removed_before = Studio.objects.filter(status=Studio.Status.REMOVED, events__kind="remove", events__at__lt=end)
    qs = Studio.objects.filter(created_at__lt=end).exclude(pk__in=removed_before.values("pk"))
    return qs.values_list("union_id", "level").annotate(n=Count("id")).order_by()


def skills_innovations(day: dt.date) -> Iterable[Row]:
    start, end = day_bounds(day)
    qs = Innovation.objects.filter(created_at__gte=start, created_at__lt=end)
    return qs.values_list("union_id", "kind").annotate(n=Count("id")).order_by()


def skills_activity_participants(day: dt.date) -> Iterable[Row]:
    qs = SkillActivity.objects.filter(held_on=day)
    return ((u, "", n or 0) for u, n in qs.values_list("union_id").annotate(n=Sum("participants")).order_by())


FIGURES: tuple[Figure, ...] = (
    *LEARNING_AND_PROPOSALS,
    Figure(
        key="skills.competitions", label=_("技能竞赛"), unit=_("项"), compute=skills_competitions,
        phrase=_("举办劳动和技能竞赛 {value} 项"),
        definition=_("统计期内公布结果的劳动和技能竞赛项数，按公布日期计入主办工会，按竞赛级别分类。"),
        dimension=_("级别"), dimension_choices=tuple(CompetitionLevel.choices),
        records_url="console:skills:competitions",
    ),
    Figure(
        key="skills.competitors", label=_("竞赛参赛"), unit=_("人次"), compute=skills_competitors, headline=True,
        phrase=_("职工参加技能竞赛 {value} 人次"),
        definition=_("统计期内经工会推荐参赛的报名人次（团体赛一队计一次），按推荐日期计入推荐工会。"),
    ),
    Figure(
        key="skills.titles", label=_("竞赛称号"), unit=_("人"), compute=skills_titles,
        phrase=_("{value} 人获得技术能手等称号"),
        definition=_("统计期内通过竞赛授予称号（如技术能手）的人数，按公布日期计入主办工会。"),
    ),
    Figure(
        key="skills.studios", label=_("创新工作室"), unit=_("个"), kind="stock", compute=skills_studios,
        phrase=_("劳模工匠创新工作室 {value} 个"),
        definition=_("统计日结束时在册（未撤销）的劳模工匠创新工作室个数，计入命名工会，按级别分类。"),
        dimension=_("级别"), dimension_choices=tuple(StudioLevel.choices),
        records_url="console:skills:studios",
    ),
    Figure(
        key="skills.innovations", label=_("创新成果"), unit=_("项"), compute=skills_innovations,
        phrase=_("登记技术革新和发明创造 {value} 项"),
        definition=_("统计期内登记的技术革新和发明创造成果项数，按登记日期计入登记工会，按类别分类。"),
        dimension=_("类别"), dimension_choices=tuple(Innovation.Kind.choices),
        records_url="console:skills:innovations",
    ),
    Figure(
        key="skills.activity_participants", label=_("四技五小两比参加人次"), unit=_("人次"),
        compute=skills_activity_participants,
        definition=_("统计期内举办的四技五小两比活动参加人数合计，按活动日期计入组织工会。"),
    ),
    Figure(
        key="skills.nominations", label=_("劳模工匠推荐"), unit=_("人"), compute=skills_nominations,
        phrase=_("推荐劳模工匠人选 {value} 人"),
        definition=_("统计期内各级工会推荐参加劳模工匠评选的人数，按推荐日期计入推荐工会，按类别（劳动模范、工匠）分类。"),
        dimension=_("类别"), dimension_choices=tuple(HonourKind.choices),
        records_url="console:skills:selections",
    ),
    Figure(
        key="skills.laureates", label=_("劳模工匠"), unit=_("人"), kind="stock", compute=skills_laureates, headline=True,
        phrase=_("在册劳模工匠 {value} 人"),
        definition=_("统计日结束时劳模工匠名录在册（未撤销称号）的人数，计入本人所在工会，按称号级别分类；同一人获得不同称号分别计算。"),
        dimension=_("级别"), dimension_choices=tuple(HonourLevel.choices),
        records_url="console:skills:laureates",
    ),
)
