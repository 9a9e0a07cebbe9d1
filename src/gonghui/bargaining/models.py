"""集体协商 / 集体合同 and 群众性安全生产监督检查.

Bargaining: a unit (one employer, a sector or region with many employers, a platform with
its HQ and branches), the offers (要约) with their 20-day answer clock, the rounds, the
contract with its versions of structured terms, the workers' congress vote, signing, filing
with the labour department and the 15-day review, and 集中要约 campaigns.

Safety: checklists by trade, inspections with photos, hazards with a rectification deadline,
the employer's rectification, re-inspection, escalation; workers' hazard reports.

Every row belongs to a union (the unit's or the inspection's), scoped with `visible_to`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction

from .currencies import CHOICES as CURRENCY_CHOICES


class _UnionScoped(models.QuerySet[Any]):
    path_field = "union__path"

    def visible_to(self, user: Any, action: str = "view") -> Any:
        return jurisdiction.scope(self, user, path_field=self.path_field, action=action)


class _ViaUnit(_UnionScoped):
    path_field = "unit__union__path"


class _ViaContract(_UnionScoped):
    path_field = "contract__unit__union__path"


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("单个企业")
    SECTOR = "sector", _("行业性")
    REGIONAL = "regional", _("区域性")
    PLATFORM = "platform", _("平台企业（总部及分支机构）")


class Side(models.TextChoices):
    UNION = "union", _("职工方（工会）")
    EMPLOYER = "employer", _("企业方")


class Sector(models.TextChoices):
    """国民经济行业门类 (GB/T 4754-2017), the sector a unit's workers are in: coverage figures
    are broken down by it. The free-text `sector` keeps the finer name (如：快递、网约车)."""

    AGRICULTURE = "A", _("农、林、牧、渔业")
    MINING = "B", _("采矿业")
    MANUFACTURING = "C", _("制造业")
    UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = "E", _("建筑业")
    TRADE = "F", _("批发和零售业")
    TRANSPORT = "G", _("交通运输、仓储和邮政业")
    HOSPITALITY = "H", _("住宿和餐饮业")
    IT = "I", _("信息传输、软件和信息技术服务业")
    FINANCE = "J", _("金融业")
    REAL_ESTATE = "K", _("房地产业")
    BUSINESS = "L", _("租赁和商务服务业")
    RESEARCH = "M", _("科学研究和技术服务业")
    ENVIRONMENT = "N", _("水利、环境和公共设施管理业")
    HOUSEHOLD = "O", _("居民服务、修理和其他服务业")
    EDUCATION = "P", _("教育")
    HEALTH = "Q", _("卫生和社会工作")
    CULTURE = "R", _("文化、体育和娱乐业")
    PUBLIC = "S", _("公共管理、社会保障和社会组织")


# Written where a campaign created a unit and nobody was named yet.
PENDING = "待定"


class BargainingUnit(models.Model):
    """Who bargains with whom and for which workers."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("职工方工会"), on_delete=models.PROTECT, related_name="bargaining_units")
    kind = models.CharField(_("协商类型"), max_length=12, choices=UnitKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    # One employer; for a platform, its headquarters.
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("用人单位（平台总部）"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # Sector / region: the employers covered; platform: the branches.
    employers = models.ManyToManyField("orgs.Employer", verbose_name=_("覆盖单位"), blank=True, related_name="bargaining_units")
    sector = models.CharField(_("行业"), max_length=60, blank=True)
    sector_code = models.CharField(_("行业门类"), max_length=1, choices=Sector.choices, blank=True)
    employer_party = models.CharField(_("企业方"), max_length=150, help_text=_("企业或企业代表组织（行业协会等）"))
    union_chief = models.CharField(_("职工方首席代表"), max_length=50)
    union_representatives = models.TextField(_("职工方协商代表"), blank=True, help_text=_("每行一人"))
    employer_chief = models.CharField(_("企业方首席代表"), max_length=50)
    employer_representatives = models.TextField(_("企业方协商代表"), blank=True, help_text=_("每行一人"))
    workers_covered = models.PositiveIntegerField(_("覆盖职工人数"))
    members_covered = models.PositiveIntegerField(_("其中工会会员"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("协商单位")
        verbose_name_plural = _("协商单位")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(members_covered__lte=F("workers_covered")), name="unit_members_within_workers")]

    def __str__(self) -> str:
        return self.name

    @property
    def representatives_pending(self) -> bool:
        """A campaign made this unit before anyone was named: the chief representatives are 待定."""
        return PENDING in (self.union_chief.strip(), self.employer_chief.strip())

    def covered_employer_ids(self) -> set[int]:
        ids = set(self.employers.values_list("pk", flat=True))
        if self.employer_id:
            ids.add(self.employer_id)
        return ids


class OfferCampaign(models.Model):
    """集中要约行动: one union sends offers to many employers at once."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("发起工会"), on_delete=models.PROTECT, related_name="offer_campaigns")
    name = models.CharField(_("行动名称"), max_length=80)
    topics = models.CharField(_("协商议题"), max_length=200)
    sent_on = models.DateField(_("发出日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("集中要约行动")
        verbose_name_plural = _("集中要约行动")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class BargainingOffer(models.Model):
    """要约: a written offer to bargain, and the other side's answer."""

    class Status(models.TextChoices):
        SENT = "sent", _("待回应")
        ACCEPTED = "accepted", _("已同意协商")
        REFUSED = "refused", _("拒绝协商")
        SILENT = "silent", _("逾期未回应")

    unit = models.ForeignKey(BargainingUnit, verbose_name=_("协商单位"), on_delete=models.PROTECT, related_name="offers")
    campaign = models.ForeignKey(OfferCampaign, verbose_name=_("集中要约行动"), null=True, blank=True, on_delete=models.PROTECT, related_name="offers")
    number = models.CharField(_("编号"), max_length=40, unique=True)
    from_side = models.CharField(_("提出方"), max_length=10, choices=Side.choices, default=Side.UNION)
    recipient = models.CharField(_("送达对象"), max_length=150)
    topics = models.CharField(_("协商议题"), max_length=200)
    body = models.TextField(_("要约内容"))
    sent_on = models.DateField(_("发出日期"))
    received_on = models.DateField(_("对方收到日期"), null=True, blank=True)
    answer_due = models.DateField(_("回应期限"), null=True, blank=True)
    answer_due_provisional = models.BooleanField(_("期限暂定"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SENT)
    answered_on = models.DateField(_("回应日期"), null=True, blank=True)
    answer = models.TextField(_("回应内容"), blank=True)
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    escalation_case = models.ForeignKey("cases.Case", verbose_name=_("报上级工会诉求"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    pdf = models.FileField(_("要约书 PDF"), upload_to="bargaining/offers/", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _ViaUnit.as_manager()

    class Meta:
        verbose_name = _("协商要约")
        verbose_name_plural = _("协商要约")
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["status", "answer_due"], name="offer_status_due_idx")]

    def __str__(self) -> str:
        return self.number


def _minutes_path(instance: Any, filename: str) -> str:
    from gonghui.core.files import random_upload_name

    return random_upload_name("bargaining/minutes", filename)


class BargainingRound(models.Model):
    unit = models.ForeignKey(BargainingUnit, verbose_name=_("协商单位"), on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("协商日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    attendees = models.TextField(_("出席人员"))
    union_position = models.TextField(_("职工方意见"), blank=True)
    employer_position = models.TextField(_("企业方意见"), blank=True)
    agreed_points = models.TextField(_("达成一致的事项"), blank=True)
    minutes = models.FileField(_("会议纪要"), upload_to=_minutes_path, max_length=200, blank=True)
    minutes_name = models.CharField(_("纪要文件名"), max_length=120, blank=True)
    minutes_type = models.CharField(_("纪要文件类型"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _ViaUnit.as_manager()

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["unit", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="uniq_round_number")]

    def __str__(self) -> str:
        return f"{self.unit} #{self.number}"


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合性集体合同")
    WAGE = "wage", _("工资专项集体合同")
    WOMEN = "women", _("女职工权益保护专项集体合同")
    SAFETY = "safety", _("劳动安全卫生专项集体合同")


class CollectiveContract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草案")
        ADOPTED = "adopted", _("职代会已通过")
        SIGNED = "signed", _("已签订待报送")
        FILED = "filed", _("已报送审查")
        IN_FORCE = "in_force", _("已生效")
        EXPIRED = "expired", _("已到期")

    unit = models.ForeignKey(BargainingUnit, verbose_name=_("协商单位"), on_delete=models.PROTECT, related_name="contracts")
    kind = models.CharField(_("合同类型"), max_length=14, choices=ContractKind.choices, default=ContractKind.COMPREHENSIVE)
    title = models.CharField(_("合同名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(_("期限开始"))
    ends_on = models.DateField(_("期限结束"))
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    filing_due = models.DateField(_("报送期限"), null=True, blank=True)
    filed_on = models.DateField(_("报送日期"), null=True, blank=True)
    labour_department = models.CharField(_("审查部门"), max_length=120, blank=True)
    review_due = models.DateField(_("审查期限"), null=True, blank=True)
    in_force_on = models.DateField(_("生效日期"), null=True, blank=True)
    objection = models.TextField(_("审查意见（异议）"), blank=True)
    renewal_reminded_on = models.DateField(_("续订提醒日期"), null=True, blank=True)
    filing_overdue_flagged_on = models.DateField(_("超期未报送提醒日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = _ViaUnit.as_manager()

    class Meta:
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_dates_ordered")]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> ContractVersion | None:
        return self.versions.order_by("-number").first()


class PayPeriod(models.TextChoices):
    HOUR = "hour", _("每小时")
    DAY = "day", _("每天")
    MONTH = "month", _("每月")


class ContractVersion(models.Model):
    """One text of the contract, with its terms as data. Versions are never edited: a change
    is a new version, so the changes between two versions can always be shown."""

    contract = models.ForeignKey(CollectiveContract, verbose_name=_("集体合同"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    # Wage adjustment in basis points of a percent (5.5 % = 550), so no float is stored.
    wage_adjustment_bp = models.IntegerField(_("工资调整幅度（万分之一）"), null=True, blank=True)
    # Minimum pay in the currency's minor unit (fen, cents).
    min_pay_minor = models.BigIntegerField(_("最低工资标准（最小货币单位）"), null=True, blank=True)
    min_pay_currency = models.CharField(_("币种"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    min_pay_period = models.CharField(_("计酬周期"), max_length=6, choices=PayPeriod.choices, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(_("每周工作时间（小时）"), null=True, blank=True)
    hours_and_rest = models.TextField(_("工作时间与休息"), blank=True)
    leave = models.TextField(_("休假"), blank=True)
    safety = models.TextField(_("劳动安全卫生"), blank=True)
    women_protection = models.TextField(_("女职工特殊保护"), blank=True)
    training = models.TextField(_("职业技能培训"), blank=True)
    algo_dispatch = models.TextField(_("派单规则"), blank=True)
    algo_pay_rules = models.TextField(_("计件单价与抽成规则"), blank=True)
    algo_penalties = models.TextField(_("奖惩规则"), blank=True)
    algo_rest_reminders = models.TextField(_("休息提醒与连续在线时长"), blank=True)
    other_terms = models.TextField(_("其他条款"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = _ViaContract.as_manager()

    class Meta:
        verbose_name = _("合同文本版本")
        verbose_name_plural = _("合同文本版本")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="uniq_contract_version"),
            models.CheckConstraint(condition=Q(min_pay_minor__isnull=True) | ~Q(min_pay_currency=""), name="min_pay_has_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"

    @classmethod
    def label_of(cls, name: str) -> str:
        """The translated label of a term field."""
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))


class CongressVote(models.Model):
    """职工代表大会 (or all workers) on a draft: quorum ⅔ present, adopted with more than half
    of ALL representatives in favour (《集体合同规定》第36条)."""

    class Body(models.TextChoices):
        CONGRESS = "congress", _("职工代表大会")
        ALL_WORKERS = "all_workers", _("全体职工大会")

    contract = models.ForeignKey(CollectiveContract, verbose_name=_("集体合同"), on_delete=models.CASCADE, related_name="votes")
    version = models.ForeignKey(ContractVersion, verbose_name=_("表决文本"), on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("表决机构"), max_length=12, choices=Body.choices, default=Body.CONGRESS)
    held_on = models.DateField(_("会议日期"))
    total = models.PositiveIntegerField(_("应到代表（职工）人数"))
    present = models.PositiveIntegerField(_("实到人数"))
    in_favour = models.PositiveIntegerField(_("赞成"))
    against = models.PositiveIntegerField(_("反对"))
    abstained = models.PositiveIntegerField(_("弃权"))
    quorum_met = models.BooleanField(_("达到法定人数"))
    adopted = models.BooleanField(_("通过"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _ViaContract.as_manager()

    class Meta:
        verbose_name = _("职代会表决")
        verbose_name_plural = _("职代会表决")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=F("total")), name="vote_present_within_total"),
            models.CheckConstraint(condition=Q(in_favour__lte=F("present") - F("against") - F("abstained")), name="vote_tally_within_present"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.held_on}"


# --- safety supervision -------------------------------------------------------------------


class Trade(models.TextChoices):
    MANUFACTURING = "manufacturing", _("制造业")
    CONSTRUCTION = "construction", _("建筑施工")
    MINING = "mining", _("矿山")
    CHEMICALS = "chemicals", _("危险化学品")
    LOGISTICS = "logistics", _("物流与快递")
    SERVICES = "services", _("商贸服务")
    OTHER = "other", _("其他")


class SafetyChecklist(models.Model):
    """A checklist of one union. `shared`: a template (a national or provincial one, say) that
    every union below may use for its inspections — read-only to them, inherited down the tree."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("制定工会"), on_delete=models.PROTECT, related_name="safety_checklists")
    trade = models.CharField(_("行业"), max_length=14, choices=Trade.choices)
    name = models.CharField(_("名称"), max_length=80)
    items = models.TextField(_("检查项目"), help_text=_("每行一项，如：安全出口畅通"))
    shared = models.BooleanField(_("下级工会可用（模板）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("安全检查表")
        verbose_name_plural = _("安全检查表")
        ordering = ["trade", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class SafetyInspection(models.Model):
    union = models.ForeignKey("orgs.Union", verbose_name=_("检查工会"), on_delete=models.PROTECT, related_name="safety_inspections")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(SafetyChecklist, verbose_name=_("检查表"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("劳动保护监督检查员"), max_length=200)
    findings = models.TextField(_("检查情况"), blank=True)
    # Item → "ok" / "hazard", as ticked on the phone.
    results = models.JSONField(_("逐项结果"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("安全检查")
        verbose_name_plural = _("安全检查")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.employer} {self.inspected_on}"


class InspectionPlan(models.Model):
    """An inspection planned ahead (检查计划): which employer, when, with which checklist and
    inspectors. Recording the inspection from the plan marks it done; a plan past its day and
    not done shows as overdue on the safety page."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        DONE = "done", _("已检查")
        CANCELLED = "cancelled", _("已取消")

    union = models.ForeignKey("orgs.Union", verbose_name=_("检查工会"), on_delete=models.PROTECT, related_name="inspection_plans")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(SafetyChecklist, verbose_name=_("检查表"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("计划检查日期"))
    inspectors = models.CharField(_("劳动保护监督检查员"), max_length=200)
    topic = models.CharField(_("检查重点"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    inspection = models.OneToOneField(SafetyInspection, verbose_name=_("检查记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="plan")
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("安全检查计划")
        verbose_name_plural = _("安全检查计划")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["status", "planned_on"], name="plan_status_day_idx")]

    def __str__(self) -> str:
        return f"{self.employer} {self.planned_on}"


def _photo_path(instance: Any, filename: str) -> str:
    from gonghui.core.files import random_upload_name

    return random_upload_name("bargaining/safety", filename)


class SafetyHazard(models.Model):
    class Severity(models.TextChoices):
        GENERAL = "general", _("一般隐患")
        MAJOR = "major", _("重大隐患")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查发现")
        WORKER = "worker", _("职工报告")

    class Status(models.TextChoices):
        REPORTED = "reported", _("职工报告待核实")
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改待复查")
        CLOSED = "closed", _("复查合格")
        DISMISSED = "dismissed", _("核实不属实")

    union = models.ForeignKey("orgs.Union", verbose_name=_("跟踪工会"), on_delete=models.PROTECT, related_name="safety_hazards")
    inspection = models.ForeignKey(SafetyInspection, verbose_name=_("检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards")
    employer = models.ForeignKey("orgs.Employer", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employer_name = models.CharField(_("单位名称"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("位置"), max_length=120, blank=True)
    severity = models.CharField(_("等级"), max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    found_on = models.DateField(_("发现日期"))
    rectify_days = models.PositiveSmallIntegerField(_("整改期限（天）"), null=True, blank=True)
    rectify_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    reinspected_on = models.DateField(_("复查日期"), null=True, blank=True)
    reinspection_note = models.TextField(_("复查意见"), blank=True)
    overdue_flagged_on = models.DateField(_("超期标记日期"), null=True, blank=True)
    escalation_case = models.ForeignKey("cases.Case", verbose_name=_("转诉求"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalation_letter = models.ForeignKey("cases.SupervisionLetter", verbose_name=_("一函两书"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A worker's report: empty when they chose to stay anonymous.
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymous = models.BooleanField(_("匿名报告"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("安全隐患")
        verbose_name_plural = _("安全隐患")
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["status", "rectify_due"], name="hazard_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.description[:20]}"

    @property
    def rectified_on_time(self) -> bool:
        return bool(self.rectified_on and self.rectify_due and self.rectified_on <= self.rectify_due)


class SafetyPhoto(models.Model):
    """A photo (or the employer's evidence) kept with an inspection or a hazard."""

    class Kind(models.TextChoices):
        FINDING = "finding", _("检查照片")
        EVIDENCE = "evidence", _("整改证明")
        REPORT = "report", _("职工报告照片")

    inspection = models.ForeignKey(SafetyInspection, verbose_name=_("检查"), null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    hazard = models.ForeignKey(SafetyHazard, verbose_name=_("隐患"), null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=_photo_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=120)
    content_type = models.CharField(_("文件类型"), max_length=40)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = _UnionScoped.as_manager()

    class Meta:
        verbose_name = _("安全检查照片")
        verbose_name_plural = _("安全检查照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
