"""建功立业, first part: 技能云 learning (工匠学院, course authors, courses, lessons, quizzes and
the final exam, enrolments, 学时 and certificates) and 合理化建议 (rationalization proposals).

Invariants kept by the database, not only by the code:
- one enrolment per worker and course (`uniq_enrolment`), one completion per lesson;
- one certificate per enrolment (a OneToOne), with a unique serial;
- one co-signature per colleague and proposal (`uniq_cosign`);
- an exam's pass mark lies in 1..100 (`course_pass_mark_range`); money is never negative.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.files import random_upload_name


class Level(models.TextChoices):
    JUNIOR = "junior", _("初级工")
    MIDDLE = "middle", _("中级工")
    SENIOR = "senior", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")


class Provider(models.TextChoices):
    ACADEMY = "academy", _("工匠学院")
    UNION = "union", _("工会")
    ENTERPRISE = "enterprise", _("企业")


def _upload_to(instance: models.Model, filename: str) -> str:
    return random_upload_name("skills", filename)


class UnionScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: object, action: str = "view") -> UnionScopedQuerySet:
        return jurisdiction.scope(self, user, action=action)


class Academy(models.Model):
    """工匠学院: an academy run by a union, with its trades and teachers."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="academies")
    name = models.CharField(_("学院名称"), max_length=80)
    trades = models.CharField(_("工种"), max_length=200, blank=True, help_text=_("用顿号或空格分隔"))
    teachers = models.TextField(_("师资"), blank=True, help_text=_("每行一位：姓名 称号"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工匠学院")
        verbose_name_plural = _("工匠学院")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def teacher_lines(self) -> list[str]:
        return [line.strip() for line in self.teachers.splitlines() if line.strip()]


class Author(models.Model):
    """A model worker or craftsman the union lets author courses (劳模、工匠)."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="course_authors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="course_author")
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("荣誉称号"), max_length=60, help_text=_("如：全国劳动模范、大国工匠"))
    academy = models.ForeignKey(Academy, verbose_name=_("工匠学院"), on_delete=models.SET_NULL, null=True, blank=True, related_name="authors")
    active = models.BooleanField(_("可以编写课程"), default=True)
    laureate = models.ForeignKey("skills.Laureate", verbose_name=_("劳模工匠名录"), on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="authors")

    objects = UnionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程作者")
        verbose_name_plural = _("课程作者")
        constraints = [models.UniqueConstraint(fields=["union", "user"], name="uniq_course_author")]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）"


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("编写中")
        SUBMITTED = "submitted", _("待审核")
        PUBLISHED = "published", _("已发布")
        RETURNED = "returned", _("已退回修改")

    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="courses")
    author = models.ForeignKey(Author, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="courses")
    academy = models.ForeignKey(Academy, verbose_name=_("工匠学院"), on_delete=models.SET_NULL, null=True, blank=True, related_name="courses")
    title = models.CharField(_("课程名称"), max_length=80)
    # Pinyin initials and full pinyin of the title, lower case: "anywhere in the title" is a
    # substring match on these (see selectors.course_search).
    title_initials = models.CharField(_("拼音首字母"), max_length=80, editable=False, default="")
    title_pinyin = models.CharField(_("拼音"), max_length=400, editable=False, default="")
    trade = models.CharField(_("工种"), max_length=40)
    level = models.CharField(_("等级"), max_length=20, choices=Level.choices)
    provider = models.CharField(_("提供方"), max_length=12, choices=Provider.choices)
    series = models.CharField(_("系列"), max_length=60, blank=True)
    description = models.TextField(_("课程简介"), blank=True)
    hours = models.PositiveSmallIntegerField(_("学时"), default=1)
    pass_mark = models.PositiveSmallIntegerField(_("及格分（百分制）"), default=60)
    exam_questions = models.PositiveSmallIntegerField(_("每次考试抽题数"), default=5)
    exam_minutes = models.PositiveSmallIntegerField(_("考试时限（分钟）"), default=30)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="course_pass_mark_range"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="course_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "trade"], name="skills_course_status_trade"),
            # The catalogue walks published courses newest first and stops at a page.
            models.Index(fields=["status", "-published_at", "-id"], name="skills_course_catalogue"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        LINK = "link", _("外部视频链接")
        TEXT = "text", _("图文")
        PDF = "pdf", _("PDF 讲义")

    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("课时名称"), max_length=80)
    kind = models.CharField(_("形式"), max_length=8, choices=Kind.choices)
    upload = models.FileField(_("文件"), upload_to=_upload_to, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=40, blank=True)
    video_url = models.URLField(_("视频链接"), blank=True)
    body = models.TextField(_("正文"), blank=True)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A single-choice question: of a lesson's quiz (`lesson` set) or the course's final
    exam bank (`lesson` empty)."""

    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="questions")
    lesson = models.ForeignKey(Lesson, verbose_name=_("课时测验"), on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    text = models.CharField(_("题目"), max_length=300)
    options = models.JSONField(_("选项"), default=list)
    answer = models.PositiveSmallIntegerField(_("正确选项序号"))

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Enrolment(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="skill_enrolments")
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    # Where the worker stopped: the lesson the course page opens next.
    last_lesson = models.ForeignKey(Lesson, verbose_name=_("上次学到"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    hours_earned = models.PositiveSmallIntegerField(_("获得学时"), default=0)

    class Meta:
        verbose_name = _("报名学习")
        verbose_name_plural = _("报名学习")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="uniq_enrolment")]
        indexes = [models.Index(fields=["user", "-enrolled_at"], name="skills_enrolment_user")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.user_id}"


class LessonDone(models.Model):
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="lessons_done")
    lesson = models.ForeignKey(Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已学课时")
        verbose_name_plural = _("已学课时")
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="uniq_lesson_done")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}:{self.lesson_id}"


class Attempt(models.Model):
    """One sitting of a lesson quiz or the final exam, with the questions drawn for it."""

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("课时测验")
        EXAM = "exam", _("结业考试")

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(_("类别"), max_length=4, choices=Kind.choices)
    lesson = models.ForeignKey(Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    question_ids = models.JSONField(_("抽到的试题"), default=list)
    started_at = models.DateTimeField(_("开始时间"))
    due_at = models.DateTimeField(_("交卷截止"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), default=False)

    class Meta:
        verbose_name = _("测验与考试")
        verbose_name_plural = _("测验与考试")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Certificate(models.Model):
    enrolment = models.OneToOneField(Enrolment, verbose_name=_("报名"), on_delete=models.PROTECT, related_name="certificate")
    serial = models.CharField(_("证书编号"), max_length=24, unique=True)
    hours = models.PositiveSmallIntegerField(_("学时"))
    score = models.PositiveSmallIntegerField(_("考试成绩"))
    issued_at = models.DateTimeField(_("发证时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.serial


# --- 合理化建议 -------------------------------------------------------------------------------


class ProposalPolicy(models.Model):
    """A union's answer deadlines (months; the date moves to the next working day). Unions
    without their own use the nearest ancestor's, else the defaults."""

    union = models.OneToOneField("orgs.Union", verbose_name=_("工会"), on_delete=models.CASCADE, related_name="proposal_policy")
    ordinary_months = models.PositiveSmallIntegerField(_("一般建议答复期限（月）"), default=1)
    major_months = models.PositiveSmallIntegerField(_("重大建议答复期限（月）"), default=3)
    remind_days = models.PositiveSmallIntegerField(_("到期前提醒（工作日）"), default=3)

    objects = UnionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("合理化建议答复期限")
        verbose_name_plural = _("合理化建议答复期限")
        constraints = [
            models.CheckConstraint(condition=Q(ordinary_months__gte=1, ordinary_months__lte=12), name="policy_ordinary_range"),
            models.CheckConstraint(condition=Q(major_months__gte=1, major_months__lte=12), name="policy_major_range"),
        ]

    def __str__(self) -> str:
        return str(self.union)


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def visible_to(self, user: object, action: str = "view") -> ProposalQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class Proposal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        REVIEWING = "reviewing", _("评审中")
        ADOPTED = "adopted", _("已采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")
        IMPLEMENTED = "implemented", _("已实施")
        REWARDED = "rewarded", _("已奖励")

    OPEN = (Status.SUBMITTED, Status.REVIEWING)

    number = models.CharField(_("编号"), max_length=20, unique=True)
    union = models.ForeignKey("orgs.Union", verbose_name=_("受理工会"), on_delete=models.PROTECT, related_name="proposals")
    # Copied from the union so a queue filters one table (index below).
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建议人"), on_delete=models.PROTECT, related_name="skill_proposals")
    proposer_name = models.CharField(_("建议人姓名"), max_length=40)
    title = models.CharField(_("标题"), max_length=80)
    problem = models.TextField(_("存在的问题"))
    suggestion = models.TextField(_("建议内容"))
    expected_benefit = models.TextField(_("预期效益"))
    major = models.BooleanField(_("重大建议"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_on = models.DateField(_("答复期限"))
    due_provisional = models.BooleanField(_("期限待定（节假日未录入）"), default=False)
    reminded_on = models.DateField(_("已提醒"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超期上报时间"), null=True, blank=True)
    decision_reason = models.TextField(_("采纳意见"), blank=True)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    implementation = models.TextField(_("实施情况"), blank=True)
    benefit_fen = models.BigIntegerField(_("经济效益（分）"), null=True, blank=True)
    benefit_verified_by = models.CharField(_("效益核定人"), max_length=60, blank=True)
    benefit_at = models.DateTimeField(_("效益登记时间"), null=True, blank=True)
    benefit_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("效益登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reward_fen = models.BigIntegerField(_("奖励金额（分）"), null=True, blank=True)
    reward_note = models.CharField(_("奖励说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("合理化建议")
        verbose_name_plural = _("合理化建议")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(benefit_fen__gte=0) | Q(benefit_fen__isnull=True), name="proposal_benefit_not_negative"),
            models.CheckConstraint(condition=Q(reward_fen__gte=0) | Q(reward_fen__isnull=True), name="proposal_reward_not_negative"),
        ]
        indexes = [
            # A union's open-proposals queue: path prefix, open status, soonest deadline first.
            models.Index(fields=["union_path", "status", "due_on"], name="skills_proposal_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ProposalEvent(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("状态"), max_length=12, choices=Proposal.Status.choices, blank=True)
    body = models.TextField(_("内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Shown to the proposer (every step is; internal notes such as the reviewer's name are not).
    public = models.BooleanField(_("建议人可见"), default=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("建议进展")
        verbose_name_plural = _("建议进展")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]


class Cosign(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("建议"), on_delete=models.CASCADE, related_name="cosigns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("附议人"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("附议人姓名"), max_length=40)
    at = models.DateTimeField(_("附议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="uniq_cosign")]

    def __str__(self) -> str:
        return self.name


class PathScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows that carry their union's tree path (`union_path`)."""

    def visible_to(self, user: object, action: str = "view") -> PathScopedQuerySet:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


# --- 劳动和技能竞赛 -------------------------------------------------------------------------------
#
# Invariants kept by the database:
# - one registration per worker and competition (`uniq_entry_person`), one judge per user and
#   competition (`uniq_judge`), one score sheet per round, entry and judge (`uniq_score_sheet`);
# - one result per round and entry (`uniq_round_result`), one award per entry (a OneToOne);
# - item weights lie in 1..100 (their sum is checked by the service before judging starts).


class CompetitionLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    INDUSTRY = "industry", _("全国产业")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")
    ENTERPRISE = "enterprise", _("企业")
    TEAM_LEADER = "team_leader", _("班组长")


class Competition(models.Model):
    """A 劳动和技能竞赛 organised by a union, open to members of its subtree."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        REGISTRATION = "registration", _("报名中")
        JUDGING = "judging", _("比赛评分中")
        PUBLISHED = "published", _("结果已公布")

    class EntryKind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人赛")
        TEAM = "team", _("团体（班组）赛")

    class TieRule(models.TextChoices):
        # Both rules first compare the final score; they differ only in what decides a tie.
        ITEMS = "items", _("总分相同，依次比较权重最高的评分项得分，仍相同则并列")
        SHARE = "share", _("总分相同即并列")

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="competitions")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    title = models.CharField(_("竞赛名称"), max_length=80)
    level = models.CharField(_("级别"), max_length=12, choices=CompetitionLevel.choices)
    trade = models.CharField(_("工种"), max_length=40)
    entry_kind = models.CharField(_("参赛方式"), max_length=10, choices=EntryKind.choices, default=EntryKind.INDIVIDUAL)
    eligibility = models.TextField(_("参赛条件"), blank=True)
    registration_closes = models.DateField(_("报名截止"))
    drop_extremes = models.BooleanField(_("去掉一个最高分和一个最低分"), default=True)
    min_judges = models.PositiveSmallIntegerField(_("每个选手至少几位评委"), default=3)
    tie_rule = models.CharField(_("同分规则"), max_length=8, choices=TieRule.choices, default=TieRule.ITEMS)
    # [{"from": 1, "to": 1, "fen": 500000, "title": "技术能手"}, …] — places, prize money and title.
    prizes = models.JSONField(_("名次奖励"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动和技能竞赛")
        verbose_name_plural = _("劳动和技能竞赛")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_judges__gte=1, min_judges__lte=30), name="competition_min_judges_range"),
        ]

    def __str__(self) -> str:
        return self.title


class ScoreItem(models.Model):
    """One line of the score sheet: each judge gives 0..100 and the line counts `weight`%."""

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("评分项"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="score_item_weight_range")]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


class Round(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("未开始")
        OPEN = "open", _("评分中")
        CLOSED = "closed", _("已结束")

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=20, help_text=_("如：初赛、复赛、决赛"))
    # How many go on to the next round (entries tied at the last place all go on); 0 in the final.
    advance = models.PositiveSmallIntegerField(_("晋级名额"), default=0)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.WAITING)

    class Meta:
        verbose_name = _("比赛轮次")
        verbose_name_plural = _("比赛轮次")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["competition", "order"], name="uniq_round_order")]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A registration: an individual or a team (班组), endorsed by the worker's own union."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待工会推荐")
        ENDORSED = "endorsed", _("工会已推荐")
        REFUSED = "refused", _("工会未推荐")
        WITHDRAWN = "withdrawn", _("已撤回")

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(_("参赛号"), max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="competition_entries")
    name = models.CharField(_("选手或队名"), max_length=40)
    team_members = models.TextField(_("队员"), blank=True, help_text=_("团体赛：每行一位"))
    # The worker's own union endorses; the entry belongs to its branch.
    union = models.ForeignKey("orgs.Union", verbose_name=_("推荐工会"), on_delete=models.PROTECT, related_name="competition_entries")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    endorse_note = models.CharField(_("推荐意见"), max_length=200, blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    endorsed_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("竞赛报名")
        verbose_name_plural = _("竞赛报名")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="uniq_entry_person")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Judge(models.Model):
    """A judge of a competition, with the unit they work in: they never score an entry of
    their own unit, nor one they declared a conflict with (`Recusal`)."""

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="competition_judging")
    name = models.CharField(_("姓名"), max_length=40)
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("所在单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    employer_name = models.CharField(_("所在单位名称"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="uniq_judge")]

    def __str__(self) -> str:
        return self.name


class Recusal(models.Model):
    """A conflict of interest a judge declared (a relative, a former apprentice …)."""

    judge = models.ForeignKey(Judge, verbose_name=_("评委"), on_delete=models.CASCADE, related_name="recusals")
    entry = models.ForeignKey(Entry, verbose_name=_("选手"), on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(_("回避原因"), max_length=100)
    at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评委回避")
        verbose_name_plural = _("评委回避")
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="uniq_recusal")]

    def __str__(self) -> str:
        return self.reason


class ScoreSheet(models.Model):
    """One judge's sheet for one entry in one round: 0..100 per item; `total` is the weighted
    sum in hundredths of a point (Σ score × weight%, exact in integers)."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="sheets")
    entry = models.ForeignKey(Entry, verbose_name=_("选手"), on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(Judge, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="sheets")
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.PositiveIntegerField(_("加权总分（百分之一分）"))
    at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "judge"], name="uniq_score_sheet"),
            models.CheckConstraint(condition=Q(total__lte=10000), name="score_sheet_total_range"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.entry_id}:{self.judge_id}"


class RoundResult(models.Model):
    """An entry's place in a closed round (see competitions.rank_round for the rules)."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, verbose_name=_("选手"), on_delete=models.CASCADE, related_name="results")
    score = models.DecimalField(_("最后得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    judges_counted = models.PositiveSmallIntegerField(_("计分评委数"))
    advanced = models.BooleanField(_("晋级"), default=False)
    tie_note = models.CharField(_("同分说明"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("轮次成绩")
        verbose_name_plural = _("轮次成绩")
        ordering = ["rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="uniq_round_result")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.entry_id}"


class Award(models.Model):
    """A published place with its prize and title."""

    entry = models.OneToOneField(Entry, verbose_name=_("选手"), on_delete=models.PROTECT, related_name="award")
    rank = models.PositiveSmallIntegerField(_("名次"))
    prize_fen = models.BigIntegerField(_("奖金（分）"), default=0)
    title = models.CharField(_("授予称号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("竞赛奖项")
        verbose_name_plural = _("竞赛奖项")
        ordering = ["rank", "pk"]
        constraints = [models.CheckConstraint(condition=Q(prize_fen__gte=0), name="award_prize_not_negative")]

    def __str__(self) -> str:
        return f"{self.rank} {self.title}"


class Honour(models.Model):
    """A title on a person's record (技术能手 from a competition, later 劳模 …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("获得者"), on_delete=models.PROTECT, related_name="skill_honours")
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("称号"), max_length=40)
    union = models.ForeignKey("orgs.Union", verbose_name=_("授予工会"), on_delete=models.PROTECT, related_name="skill_honours")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=120)
    award = models.OneToOneField(Award, verbose_name=_("竞赛奖项"), on_delete=models.PROTECT, null=True, blank=True, related_name="honour")
    laureate = models.OneToOneField("skills.Laureate", verbose_name=_("劳模工匠名录"), on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="honour")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("授予时间"))

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("荣誉记录")
        verbose_name_plural = _("荣誉记录")
        ordering = ["-awarded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.title}"


# --- 创新创造: 劳模工匠创新工作室, 技术革新 / 发明创造, 四技五小两比 ---------------------------------


class StudioLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    ENTERPRISE = "enterprise", _("企业")


class Studio(models.Model):
    """劳模工匠创新工作室: named after its leader, with members, trades and results; evaluated
    each year, renamed or removed (the record stays)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        REMOVED = "removed", _("已撤销")

    union = models.ForeignKey("orgs.Union", verbose_name=_("命名工会"), on_delete=models.PROTECT, related_name="studios")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    name = models.CharField(_("工作室名称"), max_length=80)
    level = models.CharField(_("级别"), max_length=12, choices=StudioLevel.choices)
    leader = models.CharField(_("领衔人"), max_length=40)
    leader_title = models.CharField(_("领衔人称号"), max_length=60, blank=True)
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("所在单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    trades = models.CharField(_("工种"), max_length=200, blank=True)
    named_year = models.PositiveSmallIntegerField(_("命名年度"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    removed_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    laureate = models.ForeignKey("skills.Laureate", verbose_name=_("领衔人（劳模工匠名录）"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="studios")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳模工匠创新工作室")
        verbose_name_plural = _("劳模工匠创新工作室")
        ordering = ["-named_year", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("分工"), max_length=40, blank=True)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作室成员")
        verbose_name_plural = _("工作室成员")
        ordering = ["joined_on", "pk"]

    def __str__(self) -> str:
        return self.name


class StudioEvent(models.Model):
    """The studio's history: annual evaluations, renamings, removal."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("年度考核")
        RENAME = "rename", _("更名")
        REMOVE = "remove", _("撤销")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    grade = models.CharField(_("考核结果"), max_length=10, choices=Grade.choices, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作室记录")
        verbose_name_plural = _("工作室记录")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], condition=Q(kind="evaluation"),
                                               name="uniq_studio_evaluation_year")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Innovation(models.Model):
    """技术革新 or 发明创造 on the registry, linked to its people and, optionally, a studio."""

    class Kind(models.TextChoices):
        INNOVATION = "innovation", _("技术革新")
        INVENTION = "invention", _("发明创造")

    class PatentKind(models.TextChoices):
        NONE = "", _("未申请专利")
        INVENTION = "invention", _("发明专利")
        UTILITY = "utility", _("实用新型")
        DESIGN = "design", _("外观设计")

    union = models.ForeignKey("orgs.Union", verbose_name=_("登记工会"), on_delete=models.PROTECT, related_name="innovations")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("成果名称"), max_length=100)
    people = models.CharField(_("完成人"), max_length=200, help_text=_("用顿号分隔"))
    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.SET_NULL, null=True, blank=True, related_name="innovations")
    year = models.PositiveSmallIntegerField(_("年度"))
    summary = models.TextField(_("简介"), blank=True)
    patent_kind = models.CharField(_("专利类型"), max_length=10, choices=PatentKind.choices, blank=True, default="")
    patent_number = models.CharField(_("专利号"), max_length=20, blank=True)
    benefit_fen = models.BigIntegerField(_("经济效益（分）"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("技术革新与发明创造")
        verbose_name_plural = _("技术革新与发明创造")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(benefit_fen__gte=0) | Q(benefit_fen__isnull=True), name="innovation_benefit_not_negative"),
            models.UniqueConstraint(fields=["patent_number"], condition=~Q(patent_number=""), name="uniq_innovation_patent"),
        ]

    def __str__(self) -> str:
        return self.title


class SkillActivity(models.Model):
    """四技五小两比: an activity recorded as an event with participants and results."""

    class Kind(models.TextChoices):
        # 四技
        TECH_INNOVATION = "tech_innovation", _("技术革新")
        TECH_COOPERATION = "tech_cooperation", _("技术协作")
        TECH_BREAKTHROUGH = "tech_breakthrough", _("技术攻关")
        TECH_TRAINING = "tech_training", _("技术培训")
        # 五小
        SMALL_INVENTION = "small_invention", _("小发明")
        SMALL_CREATION = "small_creation", _("小创造")
        SMALL_INNOVATION = "small_innovation", _("小革新")
        SMALL_DESIGN = "small_design", _("小设计")
        SMALL_PROPOSAL = "small_proposal", _("小建议")
        # 两比
        COMPARE_LEARN = "compare_learn", _("比学赶帮超")
        COMPARE_SKILL = "compare_skill", _("岗位练兵技能比武")

    union = models.ForeignKey("orgs.Union", verbose_name=_("组织工会"), on_delete=models.PROTECT, related_name="skill_activities")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    held_on = models.DateField(_("日期"))
    participants = models.PositiveIntegerField(_("参加人数"))
    results = models.TextField(_("成果"), blank=True)
    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PathScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("四技五小两比活动")
        verbose_name_plural = _("四技五小两比活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- 劳模工匠评选表彰 and the registry (models in selection_models.py) -------------------------------

from .selection_models import (  # noqa: E402, F401
    Gender,
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
    Talk,
)
