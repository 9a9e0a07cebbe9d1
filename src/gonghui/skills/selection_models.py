"""劳模工匠评选表彰 and the registry of model workers and craftsmen (imported by models.py).

A selection (评选) is organised by a union for a level and year; the organiser gives each union
under it a number of places (推荐名额). A union nominates (推荐) a person with their achievements
and supporting files; the nomination is reviewed at the quota union and then by the organiser
(评审); the organiser's shortlist goes on public notice (公示) for at least 5 working days, with
objections that staff must answer; then the organiser confirms it (表彰决定) and each nominee
enters the registry (`Laureate`) — later honours, talks (宣讲), courses and studios hang off the
registry entry, and it can be revoked.

Invariants kept by the database:
- one quota per selection and union (`uniq_selection_quota`), places ≥ 1;
- one nomination per person (ID-number blind index) and selection (`uniq_nomination_person`);
- a notice period of 5..30 working days (`selection_notice_days_range`);
- one registry entry per nomination (a OneToOne).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.files import random_upload_name
from gonghui.core.pii import EncryptedTextField, mask_id_number

NOMINATION_FILES = "skills/nominations"


def _nomination_upload_to(instance: models.Model, filename: str) -> str:
    return random_upload_name(NOMINATION_FILES, filename)


class _PathScoped(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: object, action: str = "view") -> _PathScoped:
        return jurisdiction.scope(self, user, path_field="union_path", action=action)


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")
    ENTERPRISE = "enterprise", _("企业")


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("劳动模范")
    CRAFTSMAN = "craftsman", _("工匠")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Selection(models.Model):
    """A 评选表彰 of model workers or craftsmen, organised by a union for a level and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        NOMINATING = "nominating", _("推荐中")
        REVIEWING = "reviewing", _("评审中")
        NOTICE = "notice", _("公示中")
        CONFIRMED = "confirmed", _("已表彰")

    union = models.ForeignKey("orgs.Union", verbose_name=_("组织工会"), on_delete=models.PROTECT, related_name="selections")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    title = models.CharField(_("评选名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=14, choices=HonourKind.choices)
    honour_title = models.CharField(_("授予称号"), max_length=40, help_text=_("如：省劳动模范、江苏工匠"))
    level = models.CharField(_("级别"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    criteria = models.TextField(_("评选条件"), blank=True)
    nominate_until = models.DateField(_("推荐截止"))
    notice_days = models.PositiveSmallIntegerField(_("公示工作日"), default=5)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    notice_provisional = models.BooleanField(_("公示截止日为推算"), default=False)
    awarding_body = models.CharField(_("授予机关"), max_length=80, help_text=_("如：省总工会、省人民政府"))
    decision_ref = models.CharField(_("表彰决定文号"), max_length=60, blank=True)
    decided_on = models.DateField(_("表彰决定日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = _PathScoped.as_manager()

    class Meta:
        verbose_name = _("劳模工匠评选")
        verbose_name_plural = _("劳模工匠评选")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(notice_days__gte=5, notice_days__lte=30), name="selection_notice_days_range"),
        ]

    def __str__(self) -> str:
        return self.title


class SelectionQuota(models.Model):
    """推荐名额: how many a union's subtree may nominate (nominations not rejected or withdrawn)."""

    selection = models.ForeignKey(Selection, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="quotas")
    union = models.ForeignKey("orgs.Union", verbose_name=_("分配给"), on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["union__path"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "union"], name="uniq_selection_quota"),
            models.CheckConstraint(condition=Q(places__gte=1), name="selection_quota_places_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.union_id}: {self.places}"


class Nomination(models.Model):
    """A person nominated (推荐) by a union, with achievements and supporting files."""

    class Status(models.TextChoices):
        REVIEWING = "reviewing", _("审核中")
        SHORTLISTED = "shortlisted", _("拟表彰")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")
        DROPPED = "dropped", _("公示未通过")
        CONFIRMED = "confirmed", _("已表彰")

    # Nominations that take up one of the quota's places.
    COUNTED = (Status.REVIEWING, Status.SHORTLISTED, Status.CONFIRMED)

    selection = models.ForeignKey(Selection, verbose_name=_("评选"), on_delete=models.PROTECT, related_name="nominations")
    number = models.CharField(_("推荐编号"), max_length=20, unique=True)
    union = models.ForeignKey("orgs.Union", verbose_name=_("推荐工会"), on_delete=models.PROTECT, related_name="+")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    quota_union = models.ForeignKey("orgs.Union", verbose_name=_("占用名额的工会"), on_delete=models.PROTECT, related_name="+")
    # Whose review is awaited (the quota union, then the organiser); empty once decided.
    step_union = models.ForeignKey("orgs.Union", verbose_name=_("待审核工会"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(_("身份证号索引"), max_length=64, db_index=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    unit_name = models.CharField(_("工作单位"), max_length=80)
    post = models.CharField(_("职务或岗位"), max_length=60)
    frontline = models.BooleanField(_("一线职工"), default=True)
    trade = models.CharField(_("工种或专业"), max_length=40, blank=True)
    achievements = models.TextField(_("主要事迹"))
    prior_honours = models.TextField(_("曾获荣誉"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REVIEWING)
    decision_note = models.CharField(_("未通过原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    objects = _PathScoped.as_manager()

    class Meta:
        verbose_name = _("劳模工匠推荐")
        verbose_name_plural = _("劳模工匠推荐")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["selection", "id_number_index"], name="uniq_nomination_person")]
        indexes = [models.Index(fields=["selection", "status"], name="skills_nomination_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class NominationFile(models.Model):
    """A supporting document (事迹材料, 证书扫描件): JPG, PNG or PDF, served by the checked view."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=_nomination_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐材料")
        verbose_name_plural = _("推荐材料")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NominationReview(models.Model):
    """One step of the review: a union passed the nomination on, or did not (with a reason)."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="reviews")
    union = models.ForeignKey("orgs.Union", verbose_name=_("审核工会"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("通过"))
    note = models.CharField(_("审核意见"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐审核")
        verbose_name_plural = _("推荐审核")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.passed}"


class NominationObjection(models.Model):
    """An objection (异议) raised during the notice; staff record what they found."""

    class Finding(models.TextChoices):
        UNFOUNDED = "unfounded", _("经核实不属实")
        UPHELD = "upheld", _("经核实属实，取消拟表彰")

    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("异议内容"))
    contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    finding = models.CharField(_("核实结果"), max_length=10, choices=Finding.choices, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class Laureate(models.Model):
    """The registry of model workers and craftsmen: who, which title at which level and year;
    later honours and 宣讲 talks hang off it; revoked entries stay with the reason."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        REVOKED = "revoked", _("已撤销")

    # The person's own union (the nominating union): its branch keeps the record.
    union = models.ForeignKey("orgs.Union", verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="laureates")
    union_path = models.CharField(_("树路径"), max_length=255, db_index=True)
    # The union that ran the selection (empty for an entry recorded from before this system).
    awarded_by = models.ForeignKey("orgs.Union", verbose_name=_("组织评选的工会"), on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    awarding_body = models.CharField(_("授予机关"), max_length=80, help_text=_("如：中华全国总工会、省人民政府"))
    nomination = models.OneToOneField(Nomination, verbose_name=_("推荐"), on_delete=models.PROTECT, null=True, blank=True, related_name="laureate")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = models.CharField(_("身份证号索引"), max_length=64, db_index=True)
    kind = models.CharField(_("类别"), max_length=14, choices=HonourKind.choices)
    title = models.CharField(_("称号"), max_length=40)
    level = models.CharField(_("级别"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    unit_name = models.CharField(_("工作单位"), max_length=80)
    trade = models.CharField(_("工种或专业"), max_length=40, blank=True)
    achievements = models.TextField(_("主要事迹"), blank=True)
    decision_ref = models.CharField(_("表彰决定文号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    revoked_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = _PathScoped.as_manager()

    class Meta:
        verbose_name = _("劳模工匠名录")
        verbose_name_plural = _("劳模工匠名录")
        ordering = ["-year", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index", "title", "level", "year"], name="uniq_laureate_title_year"),
        ]
        indexes = [models.Index(fields=["status", "level", "-year"], name="skills_laureate_registry")]

    def __str__(self) -> str:
        return f"{self.name} {self.title}"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class LaureateEvent(models.Model):
    """The registry entry's history: later honours (后续荣誉) and revocation."""

    class Kind(models.TextChoices):
        HONOUR = "honour", _("后续荣誉")
        REVOKE = "revoke", _("撤销称号")

    laureate = models.ForeignKey(Laureate, verbose_name=_("名录"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    title = models.CharField(_("荣誉"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名录记录")
        verbose_name_plural = _("名录记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Talk(models.Model):
    """A 宣讲 (劳模工匠进企业、进校园 talk) given by a person on the registry."""

    laureate = models.ForeignKey(Laureate, verbose_name=_("宣讲人"), on_delete=models.CASCADE, related_name="talks")
    topic = models.CharField(_("主题"), max_length=100)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点或单位"), max_length=100)
    audience = models.PositiveIntegerField(_("听众人数"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("劳模工匠宣讲")
        verbose_name_plural = _("劳模工匠宣讲")
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(audience__lte=1_000_000), name="talk_audience_range")]

    def __str__(self) -> str:
        return self.topic
