"""Service stations (工会驿站, 户外劳动者服务站点, 哺乳室, 司机之家, 文化宫, 职工书屋), their visits,
ratings, problem reports, service counts, star-rating applications and honours."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction


class Kind(models.TextChoices):
    YIZHAN = "yizhan", _("工会驿站")
    OUTDOOR = "outdoor", _("户外劳动者服务站点")
    NURSING = "nursing", _("女职工休息哺乳室")
    DRIVERS = "drivers", _("司机之家")
    PALACE = "palace", _("工人文化宫")
    BOOKHOUSE = "bookhouse", _("职工书屋")


class Facility(models.TextChoices):
    """Facilities a station offers; stored together as a bit mask (bit = position here)."""

    WATER = "water", _("饮水")
    MEAL = "meal", _("热饭")
    CHARGING = "charging", _("充电")
    TOILET = "toilet", _("如厕")
    REST = "rest", _("休息")
    CLIMATE = "climate", _("空调取暖")
    FIRST_AID = "first_aid", _("药箱")
    WIFI = "wifi", _("无线网络")
    MOTHER_BABY = "mother_baby", _("母婴")
    READING = "reading", _("阅读")
    REPAIR = "repair", _("维修工具")
    PARKING = "parking", _("停车")


FACILITY_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(Facility.values)}
KIND_CODES: dict[str, int] = {code: i for i, code in enumerate(Kind.values)}


def facilities_to_mask(codes: list[str] | tuple[str, ...] | set[str]) -> int:
    mask = 0
    for code in codes:
        mask |= FACILITY_BITS[code]
    return mask


def mask_to_facilities(mask: int) -> list[str]:
    return [code for code, bit in FACILITY_BITS.items() if mask & bit]


class StationQuerySet(models.QuerySet["Station"]):
    def visible_to(self, user: Any, action: str = "view") -> StationQuerySet:
        return jurisdiction.scope(self, user, action=action)

    def public(self) -> StationQuerySet:
        return self.filter(status=Station.Status.ACTIVE)


class Station(models.Model):
    """A place where workers can rest, run by one union."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("运营中")
        SUSPENDED = "suspended", _("暂停服务")
        CLOSED = "closed", _("已撤销")

    code = models.CharField(_("站点编码"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, db_index=True)
    union = models.ForeignKey(
        "orgs.Union", verbose_name=_("运营工会"), on_delete=models.PROTECT, related_name="stations"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在区县"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField(_("地址"), max_length=200)
    # GCJ-02, the datum of Chinese map apps and the default AutoNavi tiles (see docs/stations.md).
    lat = models.FloatField(_("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("经度"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    facilities = models.PositiveIntegerField(_("设施"), default=0)
    hours_text = models.CharField(_("开放时间"), max_length=300, default="24小时")
    # Normalized form of `hours_text` (see gonghui.stations.hours), kept for the search index.
    hours = models.JSONField(_("开放时间（结构化）"), default=dict, editable=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    description = models.TextField(_("简介"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    star_level = models.PositiveSmallIntegerField(_("星级"), default=0)
    star_valid_until = models.DateField(_("星级有效期至"), null=True, blank=True)
    # The validity date the last re-assessment reminder was about (one reminder per rating).
    star_reminded_for = models.DateField(_("已提醒复评的有效期"), null=True, blank=True, editable=False)
    rating_sum = models.PositiveIntegerField(_("评分合计"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("评分人数"), default=0, editable=False)
    visit_count = models.PositiveIntegerField(_("累计到访"), default=0, editable=False)
    review_flag = models.BooleanField(_("待复核"), default=False)
    review_reason = models.CharField(_("复核原因"), max_length=200, blank=True)
    qr_nonce = models.PositiveIntegerField(_("二维码版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(lat__gte=-90, lat__lte=90), name="station_lat_range"),
            models.CheckConstraint(condition=models.Q(lon__gte=-180, lon__lte=180), name="station_lon_range"),
            models.CheckConstraint(condition=models.Q(star_level__lte=5), name="station_star_level_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def facility_codes(self) -> list[str]:
        return mask_to_facilities(self.facilities)

    @property
    def facility_labels(self) -> list[str]:
        labels = dict(Facility.choices)
        return [str(labels[c]) for c in self.facility_codes]

    @property
    def rating_avg(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


def station_photo_path(instance: StationPhoto, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"stations/{instance.station_id}/{instance.uid}.{suffix}"


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="photos")
    application = models.ForeignKey(
        "StarApplication", verbose_name=_("星级申报"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="photos",
    )
    uid = models.CharField(max_length=32, editable=False)
    image = models.ImageField(_("照片"), upload_to=station_photo_path)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("站点照片")
        verbose_name_plural = _("站点照片")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class StationVisitQuerySet(models.QuerySet["StationVisit"]):
    def visible_to(self, user: Any, action: str = "view") -> StationVisitQuerySet:
        return jurisdiction.scope(self, user, path_field="station__union__path", action=action)


class StationVisit(models.Model):
    """A check-in by QR code. At most one per worker per station per hour."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("签到时间"), db_index=True)
    # Clock hour of `at`: the database-level guard against double counting under concurrency.
    hour_bucket = models.DateTimeField(editable=False)

    objects = StationVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("到访签到")
        verbose_name_plural = _("到访签到")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["station", "user", "hour_bucket"], name="visit_once_per_hour"),
        ]
        indexes = [models.Index(fields=["station", "at"]), models.Index(fields=["user", "station", "at"])]

    def __str__(self) -> str:
        return f"{self.station} · {self.at:%Y-%m-%d %H:%M}"


class StationRating(models.Model):
    """A worker's star rating (1–5) of a station they visited; one per worker, re-rating replaces it."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("评价"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("站点评分")
        verbose_name_plural = _("站点评分")
        constraints = [
            models.UniqueConstraint(fields=["station", "user"], name="rating_one_per_user"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_range"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.stars}"


class StationReportQuerySet(models.QuerySet["StationReport"]):
    def visible_to(self, user: Any, action: str = "view") -> StationReportQuerySet:
        return jurisdiction.scope(self, user, path_field="station__union__path", action=action)


class StationReport(models.Model):
    """A problem a worker reports about a station. It is filed as a 12351 case (category
    站点服务) for the operating union, which handles it in the case console; reports made
    before that, or whose case could not be filed, are handled here."""

    class Category(models.TextChoices):
        CLOSED = "closed", _("开放时间未开门")
        DIRTY = "dirty", _("卫生问题")
        BROKEN = "broken", _("设施损坏")
        INFO = "info", _("信息有误")
        SAFETY = "safety", _("安全隐患")
        ATTITUDE = "attitude", _("服务态度")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        FORWARDED = "forwarded", _("已转诉求")
        RESOLVED = "resolved", _("已处理")

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反映人"), null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(_("问题类型"), max_length=10, choices=Category.choices)
    text = models.TextField(_("问题描述"), max_length=1000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("诉求"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="station_report",
    )
    resolution = models.CharField(_("处理结果"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("反映时间"), auto_now_add=True, db_index=True)

    objects = StationReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("站点问题反映")
        verbose_name_plural = _("站点问题反映")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.station} · {self.get_category_display()}"


class ServiceRecord(models.Model):
    """Services given at a station on one day, as counts (爱心餐, 体检, 维修…)."""

    class Kind(models.TextChoices):
        MEAL = "meal", _("爱心餐")
        CHECKUP = "checkup", _("健康体检")
        REPAIR = "repair", _("维修服务")
        LEGAL = "legal", _("法律咨询")
        OTHER = "other", _("其他服务")

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="services")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("服务类型"), max_length=10, choices=Kind.choices)
    count = models.PositiveIntegerField(_("人次"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-day", "-created_at"]

    def __str__(self) -> str:
        return f"{self.station} · {self.day} · {self.get_kind_display()} {self.count}"


class AssessmentSheet(models.Model):
    """A scoring sheet for 考评考核: items with maximum points, and the score needed for each star."""

    name = models.CharField(_("名称"), max_length=100)
    is_default = models.BooleanField(_("默认"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    # Minimum total score (out of 100) for 1..5 stars.
    thresholds = models.JSONField(_("星级分数线"), default=list)

    class Meta:
        verbose_name = _("考评表")
        verbose_name_plural = _("考评表")

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self) -> int:
        return sum(item.weight for item in self.items.all())


class AssessmentItem(models.Model):
    sheet = models.ForeignKey(AssessmentSheet, verbose_name=_("考评表"), on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("考评维度"), max_length=30)
    title = models.CharField(_("考评内容"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("分值"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考评项")
        verbose_name_plural = _("考评项")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.section} · {self.title}"


class StarApplicationQuerySet(models.QuerySet["StarApplication"]):
    def visible_to(self, user: Any, action: str = "view") -> StarApplicationQuerySet:
        return jurisdiction.scope(self, user, path_field="station__union__path", action=action)


class StarApplication(models.Model):
    """申报评定: an operator applies for a star level; the next union up assesses it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        ASSESSING = "assessing", _("考评中")
        RATED = "rated", _("已评定")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    # Allowed state-machine edges (see services.star_application_transition).
    EDGES: dict[str, frozenset[str]] = {
        "submitted": frozenset({"assessing", "withdrawn"}),
        "assessing": frozenset({"rated", "rejected"}),
        "rated": frozenset(),
        "rejected": frozenset(),
        "withdrawn": frozenset(),
    }

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="star_applications")
    requested_level = models.PositiveSmallIntegerField(_("申报星级"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    statement = models.TextField(_("申报说明"), blank=True)
    is_reassessment = models.BooleanField(_("年度复评"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), null=True, on_delete=models.SET_NULL, related_name="+")
    sheet = models.ForeignKey(AssessmentSheet, verbose_name=_("考评表"), null=True, blank=True, on_delete=models.PROTECT)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("考评人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total_score = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    awarded_level = models.PositiveSmallIntegerField(_("评定星级"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    conclusion = models.CharField(_("考评意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    objects = StarApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("星级申报")
        verbose_name_plural = _("星级申报")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["station"], condition=models.Q(status__in=["submitted", "assessing"]),
                name="star_application_one_open_per_station",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.requested_level}★ · {self.get_status_display()}"


class StarApplicationEvent(models.Model):
    """Timeline of a star application: every transition, who and why."""

    application = models.ForeignKey(StarApplication, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("星级申报记录")
        verbose_name_plural = _("星级申报记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_label or '—'} → {self.to_label}"

    # The stored values are StarApplication.Status codes; people read their labels.
    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    if not value:
        return ""
    try:
        return str(StarApplication.Status(value).label)
    except ValueError:
        return value


class AssessmentScore(models.Model):
    application = models.ForeignKey(StarApplication, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(AssessmentItem, verbose_name=_("考评项"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("得分"))
    note = models.CharField(_("扣分说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考评得分")
        verbose_name_plural = _("考评得分")
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="score_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class StationHonour(models.Model):
    """An honour a station received (最美驿站 …)."""

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        PROVINCIAL = "provincial", _("省级")
        NATIONAL = "national", _("全国")

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("荣誉名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    awarded_by = models.CharField(_("授予单位"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("站点荣誉")
        verbose_name_plural = _("站点荣誉")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "title", "year"], name="honour_once_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"
