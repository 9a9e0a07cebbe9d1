"""就业帮扶云: minimum wages, employer accounts, job postings, job seekers, applications,
placements (with 3- and 6-month follow-up) and every employment service given to a person.

Invariants kept by the database, not only by the code:
- pay ranges are ordered and positive (`posting_pay_ordered`);
- one application per seeker and posting (`uniq_application`);
- one placement per application (OneToOne), one seeker profile per user (OneToOne);
- one minimum-wage standard per region, year and effective date.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.pii import EncryptedTextField, mask_name, mask_phone


class Trade(models.TextChoices):
    """工种 (a short list a worker recognises; the posting's title says the rest)."""

    GENERAL = "general", _("普工/操作工")
    ASSEMBLY = "assembly", _("装配/质检")
    ELECTRICIAN = "electrician", _("电工")
    WELDER = "welder", _("焊工")
    MECHANIC = "mechanic", _("机修/维修")
    DRIVER = "driver", _("司机")
    COURIER = "courier", _("快递/骑手")
    WAREHOUSE = "warehouse", _("仓储/叉车")
    CONSTRUCTION = "construction", _("建筑/装修")
    SECURITY = "security", _("保安")
    CLEANING = "cleaning", _("保洁/家政")
    CARE = "care", _("护理/养老/育儿")
    COOK = "cook", _("厨师/餐饮")
    SALES = "sales", _("销售/客服")
    TEXTILE = "textile", _("纺织/服装")
    OFFICE = "office", _("文员/行政")
    IT = "it", _("技术/IT")
    OTHER = "other", _("其他")


class PayUnit(models.TextChoices):
    MONTH = "month", _("元/月")
    HOUR = "hour", _("元/小时")


class Contract(models.TextChoices):
    LABOUR = "labour", _("劳动合同（全日制）")
    FIXED_TERM = "fixed_term", _("固定期限劳动合同")
    PART_TIME = "part_time", _("非全日制用工")
    DISPATCH = "dispatch", _("劳务派遣")
    PLATFORM = "platform", _("平台灵活用工")
    INTERNSHIP = "internship", _("实习")


class PriorityGroup(models.TextChoices):
    NONE = "", _("无")
    MIGRANT = "migrant", _("农民工")
    HARDSHIP = "hardship", _("困难职工")
    NEW_FORM = "new_form", _("新就业形态劳动者")
    WOMEN = "women", _("女职工")


def region_parents(code: str) -> tuple[str, str, str]:
    """`440305` → (`440305`, `440300`, `440000`): the county, its city and its province."""
    return code, code[:4] + "00", code[:2] + "0000"


UNVERIFIED_PREFIX = "待核实"


class MinimumWage(models.Model):
    """The 最低工资标准 of a region (a province, or a city/county when it has its own tier)
    from a date. Kept by the province's union staff; the newest standard in force applies."""

    region_code = models.CharField(_("区划代码"), max_length=6, db_index=True)
    region_name = models.CharField(_("地区"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    effective_from = models.DateField(_("施行日期"))
    monthly = models.PositiveIntegerField(_("月最低工资（分）"))
    hourly = models.PositiveIntegerField(_("小时最低工资（分）"), null=True, blank=True)
    # The notice the figures come from. The four rows seeded in 2025 were entered from memory:
    # their source says 待核实 until a province's staff check them against the official notice.
    source = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("维护人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "effective_from"], name="uniq_minimum_wage"),
            models.CheckConstraint(condition=Q(monthly__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region_name} {self.effective_from}: {self.monthly_yuan}"

    @property
    def monthly_yuan(self) -> str:
        return f"{self.monthly / 100:g}"

    @property
    def needs_check(self) -> bool:
        """No source on file, or marked as not yet checked against the official notice."""
        return not self.source.strip() or self.source.startswith(UNVERIFIED_PREFIX)

    @property
    def hourly_yuan(self) -> str:
        return f"{self.hourly / 100:g}" if self.hourly else ""


class EmployerAccountQuerySet(models.QuerySet["EmployerAccount"]):
    def visible_to(self, user: Any, action: str = "view") -> EmployerAccountQuerySet:
        return jurisdiction.scope(self, user, action=action)

    def active(self) -> EmployerAccountQuerySet:
        return self.filter(revoked_at__isnull=True)


class EmployerAccount(models.Model):
    """A signed-in user who recruits for one employer (单位招聘账号). Granted by staff of the
    union that verified the employer (its USCC, that it is in their branch); it lets the user
    post jobs for that employer and see that employer's applicants — nothing else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                             related_name="employer_accounts")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位"), on_delete=models.CASCADE,
                                 related_name="recruiter_accounts")
    union = models.ForeignKey("orgs.Union", verbose_name=_("核验工会"), on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("授权人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = EmployerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位招聘账号")
        verbose_name_plural = _("单位招聘账号")
        constraints = [models.UniqueConstraint(fields=["user", "employer"], condition=Q(revoked_at__isnull=True),
                                               name="uniq_active_employer_account")]

    def __str__(self) -> str:
        return f"{self.employer} · {self.user}"


# The columns the recommendation score reads (selectors._CANDIDATE_FIELDS) and the live filter.
SCORE_COLUMNS = ["closes_on", "skills", "region", "pay_max", "pay_unit"]


class PostingQuerySet(models.QuerySet["Posting"]):
    def visible_to(self, user: Any, action: str = "view") -> PostingQuerySet:
        return jurisdiction.scope(self, user, action=action)

    def live(self, today: Any) -> PostingQuerySet:
        return self.filter(status=Posting.Status.PUBLISHED, closes_on__gte=today)


class Posting(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("招聘中")
        REFUSED = "refused", _("未通过审核")
        FILLED = "filled", _("已招满")
        CLOSED = "closed", _("已关闭")
        EXPIRED = "expired", _("已过期")

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="postings")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT,
                                 related_name="postings")
    title = models.CharField(_("岗位名称"), max_length=40)
    # Lower-case title + pinyin initials + full pinyin: what the keyword search matches.
    search_text = models.CharField(max_length=400, editable=False, default="")
    trade = models.CharField(_("工种"), max_length=16, choices=Trade.choices)
    skills = models.JSONField(_("技能/证书要求"), default=list, blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name=_("工作地点"), on_delete=models.PROTECT, related_name="+")
    # The region's city and province codes, kept with the posting for indexed place filters.
    city_code = models.CharField(max_length=6, editable=False, default="")
    province_code = models.CharField(max_length=6, editable=False, default="")
    address = models.CharField(_("详细地址"), max_length=120, blank=True)
    pay_min = models.PositiveIntegerField(_("工资下限（分）"))
    pay_max = models.PositiveIntegerField(_("工资上限（分）"))
    pay_unit = models.CharField(_("计薪方式"), max_length=6, choices=PayUnit.choices, default=PayUnit.MONTH)
    hours = models.CharField(_("工作时间"), max_length=60)
    contract = models.CharField(_("用工形式"), max_length=12, choices=Contract.choices, default=Contract.LABOUR)
    requirements = models.TextField(_("任职要求"), blank=True, max_length=1000)
    openings = models.PositiveIntegerField(_("招聘人数"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REVIEW)
    # What the checks found before publishing: [{rule, severity, text, explanation}].
    flags = models.JSONField(_("审核提示"), default=list, blank=True)
    minimum_wage = models.PositiveIntegerField(_("核对时的最低工资（分）"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pay_min__gt=0) & Q(pay_max__gte=F("pay_min")), name="posting_pay_ordered"),
            models.CheckConstraint(condition=Q(openings__gt=0), name="posting_openings_positive"),
        ]
        indexes = [
            # Recommendations: a seeker's trades in their city / province, freshest first. They
            # carry (INCLUDE, PostgreSQL) every column the score reads: index-only scans.
            models.Index(fields=["status", "trade", "city_code", "-published_at"], name="posting_trade_city_cov",
                         include=SCORE_COLUMNS),
            models.Index(fields=["status", "trade", "province_code", "-published_at"], name="posting_trade_prov_cov",
                         include=SCORE_COLUMNS),
            # Search and recommendations by place only, freshest first.
            models.Index(fields=["status", "city_code", "-published_at"], name="posting_city_cov",
                         include=SCORE_COLUMNS),
            models.Index(fields=["status", "-published_at"], name="posting_fresh_idx"),
            models.Index(fields=["status", "closes_on"], name="posting_closes_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def pay_text(self) -> str:
        unit = PayUnit(self.pay_unit).label
        low, high = self.pay_min / 100, self.pay_max / 100
        return f"{low:g}–{high:g} {unit}" if high != low else f"{low:g} {unit}"


class SeekerQuerySet(models.QuerySet["Seeker"]):
    def visible_to(self, user: Any, action: str = "view") -> SeekerQuerySet:
        return jurisdiction.scope(self, user, action=action)


class Seeker(models.Model):
    """A job seeker's profile (求职登记): a worker, member or not. `union` is the union that
    serves them (their membership's, else the union of their place)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="job_seeker")
    union = models.ForeignKey("orgs.Union", verbose_name=_("服务工会"), on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(_("姓名"))
    phone = EncryptedTextField(_("手机号"))
    region = models.ForeignKey("orgs.Region", verbose_name=_("现居住地"), on_delete=models.PROTECT, related_name="+")
    places = models.JSONField(_("意向工作地（区划代码）"), default=list, blank=True)
    trades = models.JSONField(_("意向工种"), default=list)
    skills = models.JSONField(_("技能与证书"), default=list, blank=True)
    pay_wanted = models.PositiveIntegerField(_("期望月薪（分）"), default=0)
    available_from = models.DateField(_("可到岗日期"), null=True, blank=True)
    priority_group = models.CharField(_("重点群体"), max_length=10, choices=PriorityGroup.choices, blank=True)
    is_member = models.BooleanField(_("工会会员"), default=False)
    open_to_work = models.BooleanField(_("正在求职"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职者")
        verbose_name_plural = _("求职者")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name_masked

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def trade_labels(self) -> str:
        return "、".join(str(Trade(t).label) for t in self.trades if t in Trade.values)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class ApplicationQuerySet(models.QuerySet["JobApplication"]):
    def visible_to(self, user: Any, action: str = "view") -> ApplicationQuerySet:
        return jurisdiction.scope(self, user, path_field="posting__union__path", action=action)


class JobApplication(models.Model):
    class Stage(models.TextChoices):
        NEW = "new", _("已投递")
        INTERVIEW = "interview", _("邀请面试")
        OFFER = "offer", _("发出录用")
        HIRED = "hired", _("已入职")
        DECLINED = "declined", _("未录用")

    # Which stage may follow which (one transition service checks it).
    EDGES: dict[str, frozenset[str]] = {
        "new": frozenset({"interview", "offer", "hired", "declined"}),
        "interview": frozenset({"offer", "hired", "declined"}),
        "offer": frozenset({"hired", "declined"}),
        "hired": frozenset(),
        "declined": frozenset(),
    }

    posting = models.ForeignKey(Posting, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="applications")
    seeker = models.ForeignKey(Seeker, verbose_name=_("求职者"), on_delete=models.CASCADE, related_name="applications")
    stage = models.CharField(_("进度"), max_length=10, choices=Stage.choices, default=Stage.NEW)
    note = models.CharField(_("单位说明"), max_length=200, blank=True)
    # Applied at a job fair (its interviews, offers and hires are counted there).
    fair = models.ForeignKey("JobFair", verbose_name=_("招聘会"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="applications")
    created_at = models.DateTimeField(_("投递时间"), auto_now_add=True)
    stage_changed_at = models.DateTimeField(_("进度更新时间"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职申请")
        verbose_name_plural = _("求职申请")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["posting", "seeker"], name="uniq_application")]

    def __str__(self) -> str:
        return f"{self.posting} · {self.seeker}"


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: Any, action: str = "view") -> PlacementQuerySet:
        return jurisdiction.scope(self, user, action=action)


class Retention(models.TextChoices):
    PENDING = "", _("待回访")
    EMPLOYED = "employed", _("仍在岗")
    LEFT = "left", _("已离职")
    UNREACHABLE = "unreachable", _("联系不上")


class Placement(models.Model):
    """A seeker placed in a job (上岗). Counted at the posting's union; followed up at 3 and 6
    months after the start."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    seeker = models.ForeignKey(Seeker, verbose_name=_("求职者"), on_delete=models.PROTECT, related_name="placements")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(JobApplication, verbose_name=_("求职申请"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="placement")
    started_on = models.DateField(_("上岗日期"))
    due_3m = models.DateField(_("3个月回访日"))
    due_6m = models.DateField(_("6个月回访日"))
    status_3m = models.CharField(_("3个月回访"), max_length=12, choices=Retention.choices, blank=True)
    status_6m = models.CharField(_("6个月回访"), max_length=12, choices=Retention.choices, blank=True)
    checked_3m_at = models.DateTimeField(_("3个月回访时间"), null=True, blank=True)
    checked_6m_at = models.DateTimeField(_("6个月回访时间"), null=True, blank=True)
    reminded_3m_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_6m_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业安置")
        verbose_name_plural = _("就业安置")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["due_3m"], name="placement_due3_idx"),
                   models.Index(fields=["due_6m"], name="placement_due6_idx")]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.employer}"


class EmploymentServiceQuerySet(models.QuerySet["EmploymentService"]):
    def visible_to(self, user: Any, action: str = "view") -> EmploymentServiceQuerySet:
        return jurisdiction.scope(self, user, action=action)


class EmploymentService(models.Model):
    """One 就业帮扶 service given to one person (一人次). The 人次 figure counts these rows."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("就业咨询")
        REFERRAL = "referral", _("岗位推荐")
        TRAINING = "training", _("技能培训")
        PLACEMENT = "placement", _("就业安置")
        FOLLOW_UP = "follow_up", _("跟踪回访")

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    seeker = models.ForeignKey(Seeker, verbose_name=_("求职者"), on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("服务类型"), max_length=14, choices=Kind.choices)
    given_on = models.DateField(_("服务日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    placement = models.ForeignKey(Placement, verbose_name=_("安置"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("服务人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = EmploymentServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业帮扶服务")
        verbose_name_plural = _("就业帮扶服务")
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["given_on", "kind"], name="employment_service_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on}"


class JobFairQuerySet(models.QuerySet["JobFair"]):
    def visible_to(self, user: Any, action: str = "view") -> JobFairQuerySet:
        return jurisdiction.scope(self, user, action=action)


class JobFair(models.Model):
    """A job fair (招聘会, e.g. 春风行动): on site or online, with employers' booths and their
    postings; seekers register and are checked in by QR; applications made at the fair are
    marked with it, so interviews, offers and hires of the fair are counted."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("现场招聘会")
        ONLINE = "online", _("网络招聘会")

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("招聘会名称"), max_length=60)
    kind = models.CharField(_("形式"), max_length=8, choices=Kind.choices, default=Kind.ONSITE)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = JobFairQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="job_fair_dates_ordered")]

    def __str__(self) -> str:
        return self.name


class FairBooth(models.Model):
    fair = models.ForeignKey(JobFair, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="booths")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("展位号"), max_length=10, blank=True)
    postings = models.ManyToManyField(Posting, verbose_name=_("岗位"), blank=True, related_name="booths")

    class Meta:
        verbose_name = _("展位")
        verbose_name_plural = _("展位")
        ordering = ["number", "pk"]
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="uniq_booth_employer")]

    def __str__(self) -> str:
        return f"{self.number} {self.employer}"


class FairRegistration(models.Model):
    fair = models.ForeignKey(JobFair, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="registrations")
    seeker = models.ForeignKey(Seeker, verbose_name=_("求职者"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("签到码"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("招聘会报名")
        verbose_name_plural = _("招聘会报名")
        constraints = [models.UniqueConstraint(fields=["fair", "seeker"], name="uniq_fair_registration")]

    def __str__(self) -> str:
        return self.token


class TrainingOrderQuerySet(models.QuerySet["TrainingOrder"]):
    def visible_to(self, user: Any, action: str = "view") -> TrainingOrderQuerySet:
        return jurisdiction.scope(self, user, action=action)


class TrainingOrder(models.Model):
    """订单式培训: an employer's demand for trained workers, turned into a class (trade, places,
    dates, teacher) whose trainees are placed with that employer when they complete it.

    The teaching itself is the skills module's: a class may name a `skills.Course`, and then a
    trainee completes it only with that course's valid certificate (verified, not typed in)."""

    class Status(models.TextChoices):
        OPEN = "open", _("招生中")
        CLOSED = "closed", _("已结班")

    union = models.ForeignKey("orgs.Union", verbose_name=_("承办工会"), on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用工单位"), on_delete=models.PROTECT,
                                 related_name="+")
    posting = models.ForeignKey(Posting, verbose_name=_("对应岗位"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="training_orders")
    name = models.CharField(_("班级名称"), max_length=60)
    trade = models.CharField(_("工种"), max_length=16, choices=Trade.choices)
    demand = models.PositiveIntegerField(_("单位需求人数"))
    seats = models.PositiveIntegerField(_("培训名额"))
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    place = models.CharField(_("培训地点"), max_length=120, blank=True)
    teacher = models.CharField(_("授课老师"), max_length=60)
    course = models.ForeignKey("skills.Course", verbose_name=_("技能云课程"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TrainingOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("订单式培训")
        verbose_name_plural = _("订单式培训")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_dates_ordered"),
            models.CheckConstraint(condition=Q(seats__gt=0) & Q(demand__gt=0), name="training_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingEnrolmentQuerySet(models.QuerySet["TrainingEnrolment"]):
    def visible_to(self, user: Any, action: str = "view") -> TrainingEnrolmentQuerySet:
        return jurisdiction.scope(self, user, path_field="order__union__path", action=action)


class TrainingEnrolment(models.Model):
    """One trainee of a class: enrolled → completed → placed with the employer (or dropped)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在训")
        COMPLETED = "completed", _("已结业")
        PLACED = "placed", _("已上岗")
        DROPPED = "dropped", _("已退训")

    order = models.ForeignKey(TrainingOrder, verbose_name=_("培训班"), on_delete=models.CASCADE,
                              related_name="enrolments")
    seeker = models.ForeignKey(Seeker, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="trainings")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    certificate = models.ForeignKey("skills.Certificate", verbose_name=_("结业证书"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    placement = models.OneToOneField(Placement, verbose_name=_("就业安置"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="training")
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = TrainingEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["order", "seeker"], name="uniq_training_enrolment")]

    def __str__(self) -> str:
        return f"{self.order} · {self.seeker}"
