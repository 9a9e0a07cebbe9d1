"""Demo data of 建功立业 (called from `gonghui.core.demo`): a 工匠学院 of 深圳市总工会, a
craftsman who authors courses (two published, one waiting for review), a demo member who
finished one course with a certificate, and 合理化建议 in several states. Idempotent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import services
from .models import Academy, Course, Lesson


def _course(author: Any, *, title: str, trade: str, level: str, provider: str, series: str = "",
            academy: Any = None, publish: bool, reviewer: Any) -> Course:
    course = services.course_create(author=author, title=title, trade=trade, level=level, provider=provider, series=series,
                                    academy=academy, hours=4, exam_questions=3, exam_minutes=20,
                                    description="劳模工匠结合一线经验讲解，学完参加结业考试。")
    user = author.user
    services.lesson_add(course=course, by=user, title="安全规范与准备", kind=Lesson.Kind.TEXT,
                        body="作业前检查设备、穿戴好防护用品，确认作业环境安全。")
    second = services.lesson_add(course=course, by=user, title="操作要领", kind=Lesson.Kind.TEXT,
                                 body="按工艺要求分步操作，每一步自检，发现问题及时停下处理。")
    services.question_add(course=course, by=user, text="作业前首先要做什么？", options=["检查设备和防护", "直接开工"],
                          answer=0, lesson=second)
    for text, options in [
        ("发现设备异常应当？", ["立即停机报告", "继续作业", "自行拆修"]),
        ("防护用品什么时候穿戴？", ["作业前", "作业后", "有检查时"]),
        ("自检的目的是？", ["及时发现问题", "应付检查", "节省材料"]),
        ("作业环境不安全时？", ["先整改再作业", "边干边改", "不用管"]),
    ]:
        services.question_add(course=course, by=user, text=text, options=options, answer=0)
    services.course_submit(course=course, by=user)
    if publish:
        course = services.course_review(course=course, actor=reviewer, publish=True)
    return course


@transaction.atomic
def skills_demo_load(*, union: Any, author_user: Any, learner: Any, proposer: Any, reviewer: Any) -> None:
    if Academy.objects.filter(union=union).exists():
        return
    academy = services.academy_create(actor=reviewer, union=union, name="深圳工匠学院", trades="焊工、电工、数控车工",
                                      teachers="黄志明 深圳市劳动模范\n陈建国 南粤工匠")
    author = services.author_register(actor=reviewer, union=union, user=author_user, name="黄志明", title="深圳市劳动模范")
    author.academy = academy
    author.save(update_fields=["academy"])
    welding = _course(author, title="电焊工技能提升", trade="焊工", level="middle", provider="academy", academy=academy,
                      publish=True, reviewer=reviewer)
    _course(author, title="中国工人大学思政课：劳模精神", trade="通用", level="junior", provider="union",
            series="中国工人大学思政课", publish=True, reviewer=reviewer)
    _course(author, title="数控车床编程入门", trade="数控车工", level="junior", provider="enterprise", publish=False,
            reviewer=reviewer)
    enrolment = services.enrol(course=welding, user=learner)
    for lesson in welding.lessons.all():
        if lesson.questions.exists():
            quiz = services.attempt_start(enrolment=enrolment, lesson=lesson)
            services.attempt_submit(attempt=quiz, answers={str(q): 0 for q in quiz.question_ids})
        else:
            services.lesson_complete(enrolment=enrolment, lesson=lesson)
    exam = services.attempt_start(enrolment=enrolment)
    services.attempt_submit(attempt=exam, answers={str(q): 0 for q in exam.question_ids})

    rewarded = services.proposal_submit(user=proposer, title="脚手架连接件改用快装卡扣", problem="螺栓连接拆装慢，高处作业时间长",
                                        suggestion="改用快装卡扣并统一规格", expected_benefit="缩短搭设时间约三成，减少高处作业风险")
    services.proposal_route(proposal=rewarded, actor=reviewer, reviewer=reviewer)
    services.proposal_decide(proposal=rewarded, actor=reviewer, adopt=True, reason="经试点，安全和效率都有提升，予以采纳。")
    services.proposal_implement(proposal=rewarded, actor=reviewer, note="已在南山两个项目部推广。")
    services.proposal_benefit_record(proposal=rewarded, actor=reviewer, benefit_fen=86_000_00, verified_by="财务部 周会计")
    services.proposal_reward(proposal=rewarded, actor=reviewer, reward_fen=2_000_00, note="合理化建议二等奖")
    services.proposal_submit(user=proposer, title="工地食堂增加夜班餐", problem="夜班工人下班后没有热饭",
                                        suggestion="食堂晚上十点加开一次", expected_benefit="保障夜班职工就餐", major=False)
