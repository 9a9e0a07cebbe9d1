"""健身集五福 (fitness card-collection campaign): the campaign a union organises, its card
kinds and prizes, the workers' task completions and cards, and the provably fair nightly draw.

Invariants kept by the database, not only by the code:
- a task counts once per worker per day (`uniq_task_per_day`), however often a phone retries;
- a prize's stock never goes below zero (`prize_stock_not_negative`);
- one draw per campaign and day (`uniq_draw_per_day`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.pii import EncryptedTextField


class Task(models.TextChoices):
    STEPS = "steps", _("健步走")
    ROPE = "rope", _("跳绳")
    PLANK = "plank", _("平板支撑")


class Eligibility(models.TextChoices):
    EVERYONE = "everyone", _("所有职工")
    MEMBERS = "members", _("工会会员")
    BRANCH_MEMBERS = "branch_members", _("本工会及下级工会会员")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: object, action: str = "view") -> CampaignQuerySet:
        return jurisdiction.scope(self, user, action=action)


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("活动名称"), max_length=60)
    description = models.TextField(_("活动说明"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    eligibility = models.CharField(_("参加对象"), max_length=16, choices=Eligibility.choices, default=Eligibility.EVERYONE)
    steps_goal = models.PositiveIntegerField(_("步数目标"), default=5000)
    rope_goal = models.PositiveIntegerField(_("跳绳目标（个）"), default=50)
    plank_goal = models.PositiveIntegerField(_("平板支撑目标（秒）"), default=50)
    daily_card_limit = models.PositiveSmallIntegerField(_("每日最多得卡"), default=3)
    draw_time = models.TimeField(_("开奖时间（北京时间）"), default=dt.time(22, 0))
    claim_days = models.PositiveSmallIntegerField(_("领奖期限（天）"), default=7)
    # The partner fitness app signs its pushes with this key (HMAC-SHA256).
    partner_key = EncryptedTextField(_("合作方签名密钥"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("健身活动")
        verbose_name_plural = _("健身活动")
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered")]

    def __str__(self) -> str:
        return self.name

    def goal_for(self, task: str) -> int:
        return {Task.STEPS: self.steps_goal, Task.ROPE: self.rope_goal, Task.PLANK: self.plank_goal}[Task(task)]


class CardKind(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="kinds")
    name = models.CharField(_("福卡名称"), max_length=20)
    # Relative weight: a kind with weight 1 among kinds of weight 10 is rare.
    weight = models.PositiveIntegerField(_("权重"), default=10)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("福卡种类")
        verbose_name_plural = _("福卡种类")
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="card_kind_weight_positive")]

    def __str__(self) -> str:
        return self.name


class Prize(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="prizes")
    name = models.CharField(_("奖品"), max_length=40)
    per_night = models.PositiveIntegerField(_("每晚开出"), default=1)
    # What is left to give; unclaimed prizes come back here after the claim deadline.
    stock = models.IntegerField(_("库存"), default=0)

    class Meta:
        verbose_name = _("奖品")
        verbose_name_plural = _("奖品")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(stock__gte=0), name="prize_stock_not_negative")]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(_("参加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("参加者")
        verbose_name_plural = _("参加者")
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="uniq_participant")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.user_id}"


class TaskCompletion(models.Model):
    class Source(models.TextChoices):
        PARTNER = "partner", _("合作方推送")
        SELF = "self", _("本人填报")
        TIMER = "timer", _("计时页面")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    task = models.CharField(_("任务"), max_length=8, choices=Task.choices)
    value = models.PositiveIntegerField(_("成绩"))
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("完成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务完成")
        verbose_name_plural = _("任务完成")
        constraints = [models.UniqueConstraint(fields=["campaign", "user", "day", "task"], name="uniq_task_per_day")]
        indexes = [models.Index(fields=["campaign", "created_at"], name="campaign_completion_at_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_task_display()}"


class FuCard(models.Model):
    """One 福 card in a worker's card book. `kind` empty: the ultimate card (五福合成)."""

    class Status(models.TextChoices):
        HELD = "held", _("持有")
        USED = "used", _("已合成")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="cards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    kind = models.ForeignKey(CardKind, verbose_name=_("种类"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completion = models.OneToOneField(TaskCompletion, verbose_name=_("来自任务"), on_delete=models.CASCADE, null=True, blank=True, related_name="card")
    status = models.CharField(_("状态"), max_length=6, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(_("获得时间"), auto_now_add=True)
    used_at = models.DateTimeField(_("合成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("福卡")
        verbose_name_plural = _("福卡")
        indexes = [models.Index(fields=["campaign", "user", "status"], name="campaign_card_book_idx")]

    def __str__(self) -> str:
        return self.kind.name if self.kind else str(_("五福合成卡"))

    @property
    def is_ultimate(self) -> bool:
        return self.kind_id is None


class Draw(models.Model):
    """One night's lottery. The commitment is published before the day starts; the seed only
    after the entrant list is frozen and the winners drawn."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已公布承诺")
        DRAWN = "drawn", _("已开奖")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="draws")
    day = models.DateField(_("开奖日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.COMMITTED)
    seed = EncryptedTextField(_("随机种子"))
    commitment = models.CharField(_("种子承诺（SHA-256）"), max_length=64)
    committed_at = models.DateTimeField(_("承诺公布时间"), default=timezone.now)
    # Draws before 0005 kept the frozen list here; later ones keep it in `entrants_file`
    # (a national night is ~10 million lines, ~200 MB: too big for a row).
    entrants = models.TextField(_("冻结的参与名单"), blank=True)
    entrants_file = models.FileField(_("冻结的参与名单文件"), max_length=200, blank=True)
    entrants_hash = models.CharField(_("名单哈希"), max_length=64, blank=True)
    entrants_count = models.PositiveIntegerField(_("参与人数"), default=0)
    tickets_total = models.PositiveIntegerField(_("抽奖券总数"), default=0)
    # The prizes of the night in slot order: [[prize id, prize name], …].
    slots = models.JSONField(_("奖项顺序"), default=list, blank=True)
    drawn_at = models.DateTimeField(_("开奖时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("开奖")
        verbose_name_plural = _("开奖")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="uniq_draw_per_day")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.day}"

    @property
    def seed_published(self) -> str:
        return self.seed if self.status == self.Status.DRAWN else ""

    def entrants_bytes(self) -> bytes:
        """The frozen list exactly as published and hashed (empty before the draw)."""
        if self.entrants_file:
            with self.entrants_file.open("rb") as fh:
                return bytes(fh.read())
        return self.entrants.encode()

    def entrants_text(self) -> str:
        return self.entrants_bytes().decode()


class Winner(models.Model):
    class Status(models.TextChoices):
        WON = "won", _("待领取")
        CLAIMED = "claimed", _("已领取")
        EXPIRED = "expired", _("逾期未领")

    class Method(models.TextChoices):
        PICKUP = "pickup", _("到工会自取")
        ADDRESS = "address", _("邮寄")

    draw = models.ForeignKey(Draw, verbose_name=_("开奖"), on_delete=models.CASCADE, related_name="winners")
    slot = models.PositiveIntegerField(_("序号"))
    prize = models.ForeignKey(Prize, verbose_name=_("奖品"), on_delete=models.PROTECT, related_name="winners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("中奖人"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("参与编号"), max_length=16)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.WON)
    claim_by = models.DateTimeField(_("领奖截止"))
    method = models.CharField(_("领取方式"), max_length=8, choices=Method.choices, blank=True)
    address = EncryptedTextField(_("邮寄地址"), blank=True, default="")
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("中奖记录")
        verbose_name_plural = _("中奖记录")
        ordering = ["draw", "slot"]
        constraints = [models.UniqueConstraint(fields=["draw", "slot"], name="uniq_winner_slot")]

    def __str__(self) -> str:
        return f"{self.draw} #{self.slot + 1}"


# --- service activities (爱心餐, 工会体检行, 送清凉, 暖途 …) ----------------------------------------
#
# A union runs a service drive at its service points (stations or other places); eligible
# workers take a voucher in the app (at most `daily_quota` a day) and the point's staff scan
# its QR to redeem it. A voucher is redeemed once, whoever scans it how often (the database
# update is conditional on it being unredeemed); the 人次 figures count redemptions.


class ActivityKind(models.TextChoices):
    MEAL = "meal", _("爱心餐")
    CHECKUP = "checkup", _("工会体检行")
    COOLING = "cooling", _("送清凉")
    COURIER = "courier", _("快递员温暖服务季")
    WARM_ROAD = "warm_road", _("暖途")
    OTHER = "other", _("其他服务")


class ServiceActivityQuerySet(models.QuerySet["ServiceActivity"]):
    def visible_to(self, user: object, action: str = "view") -> ServiceActivityQuerySet:
        return jurisdiction.scope(self, user, action=action)


class ServiceActivity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")

    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="service_activities")
    kind = models.CharField(_("服务类型"), max_length=12, choices=ActivityKind.choices)
    name = models.CharField(_("活动名称"), max_length=60)
    description = models.TextField(_("活动说明"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    eligibility = models.CharField(_("服务对象"), max_length=16, choices=Eligibility.choices, default=Eligibility.EVERYONE)
    daily_quota = models.PositiveSmallIntegerField(_("每人每天限领（张）"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ServiceActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务活动")
        verbose_name_plural = _("服务活动")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="activity_dates_ordered"),
            models.CheckConstraint(condition=Q(daily_quota__gte=1, daily_quota__lte=10), name="activity_quota_1_10"),
        ]

    def __str__(self) -> str:
        return self.name


class ServicePoint(models.Model):
    activity = models.ForeignKey(ServiceActivity, verbose_name=_("服务活动"), on_delete=models.CASCADE, related_name="points")
    name = models.CharField(_("服务点"), max_length=60)
    address = models.CharField(_("地址"), max_length=120, blank=True)
    station = models.ForeignKey("stations.Station", verbose_name=_("所在驿站"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务点")
        verbose_name_plural = _("服务点")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="uniq_point_name_per_activity")]

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    activity = models.ForeignKey(ServiceActivity, verbose_name=_("服务活动"), on_delete=models.CASCADE, related_name="vouchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("使用日期"))
    seq = models.PositiveSmallIntegerField(_("当日第几张"), default=1)
    code = models.CharField(_("券码"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("领取时间"), default=timezone.now)
    # When the point's staff scanned it (an offline scan is uploaded later) and when it was recorded.
    scanned_at = models.DateTimeField(_("扫码时间"), null=True, blank=True)
    redeemed_at = models.DateTimeField(_("核销时间"), null=True, blank=True, db_index=True)
    point = models.ForeignKey(ServicePoint, verbose_name=_("服务点"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    redeemed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核销人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务券")
        verbose_name_plural = _("服务券")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user", "day", "seq"], name="uniq_voucher_per_day_seq"),
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True, point__isnull=True, scanned_at__isnull=True)
                | Q(redeemed_at__isnull=False, point__isnull=False, scanned_at__isnull=False),
                name="voucher_redeemed_with_point_and_scan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.day} #{self.seq}"

    @property
    def redeemed(self) -> bool:
        return self.redeemed_at is not None


# --- 体检 appointments (工会体检行) ------------------------------------------------------------
#
# A 体检 drive has time slots at its mobile check points, each with a capacity. A worker books
# one slot at a time per drive; `booked` is kept under the slot's row lock and the database
# refuses more than `capacity` (`slot_not_overbooked`) and a second live booking per worker
# (`uniq_live_appointment`). The day before, the worker is reminded (in the app and by SMS);
# a booking nobody attended is marked 未到检 once the slot is over.


class CheckupSlot(models.Model):
    activity = models.ForeignKey(ServiceActivity, verbose_name=_("服务活动"), on_delete=models.CASCADE, related_name="slots")
    point = models.ForeignKey(ServicePoint, verbose_name=_("体检点"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)

    class Meta:
        verbose_name = _("体检时段")
        verbose_name_plural = _("体检时段")
        ordering = ["starts_at", "point_id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "starts_at"], name="uniq_slot_per_point_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {timezone.localtime(self.starts_at):%m-%d %H:%M}"

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        ATTENDED = "attended", _("已到检")
        NO_SHOW = "no_show", _("未到检")

    activity = models.ForeignKey(ServiceActivity, verbose_name=_("服务活动"), on_delete=models.CASCADE, related_name="appointments")
    slot = models.ForeignKey(CheckupSlot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    attended_at = models.DateTimeField(_("到检时间"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("体检预约")
        verbose_name_plural = _("体检预约")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], condition=Q(status="booked"), name="uniq_live_appointment"),
        ]
        indexes = [models.Index(fields=["status", "slot"], name="campaign_appt_status_idx")]

    def __str__(self) -> str:
        return f"{self.slot} {self.get_status_display()}"


# --- the culture showcase: works database, daily showcase, events with live or replay ------------
#
# Works (songs, videos, photos, writing) by workers and art troupes are submitted (by a member
# in the app, or by staff), reviewed, and only then public. Staff schedule what the home page
# shows on which day; events (the 新春联谊会) carry a live link and, later, a replay. Views and
# likes are counted (a like once per worker).


class WorkKind(models.TextChoices):
    SONG = "song", _("歌曲")
    VIDEO = "video", _("视频")
    PHOTO = "photo", _("摄影")
    WRITING = "writing", _("文学")
    OTHER = "other", _("其他")


class CultureWorkQuerySet(models.QuerySet["CultureWork"]):
    def visible_to(self, user: object, action: str = "view") -> CultureWorkQuerySet:
        return jurisdiction.scope(self, user, action=action)


class CultureWork(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        REJECTED = "rejected", _("未通过")

    union = models.ForeignKey("orgs.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="culture_works")
    title = models.CharField(_("作品名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=8, choices=WorkKind.choices)
    author = models.CharField(_("作者或团体"), max_length=40)
    description = models.TextField(_("简介"), blank=True)
    link = models.URLField(_("作品链接"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("投稿人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    views = models.PositiveIntegerField(_("浏览次数"), default=0)
    likes = models.PositiveIntegerField(_("点赞数"), default=0)
    created_at = models.DateTimeField(_("投稿时间"), default=timezone.now)

    objects = CultureWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("文化作品")
        verbose_name_plural = _("文化作品")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="campaign_work_status_idx")]

    def __str__(self) -> str:
        return self.title


class WorkLike(models.Model):
    work = models.ForeignKey(CultureWork, verbose_name=_("作品"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("点赞时间"), default=timezone.now)

    class Meta:
        verbose_name = _("点赞")
        verbose_name_plural = _("点赞")
        constraints = [models.UniqueConstraint(fields=["work", "user"], name="uniq_like_per_worker")]

    def __str__(self) -> str:
        return f"{self.work_id}:{self.user_id}"


class ShowcaseEntry(models.Model):
    """One work on the home page on one day, scheduled by a union."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("安排工会"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("展播日期"))
    work = models.ForeignKey(CultureWork, verbose_name=_("作品"), on_delete=models.CASCADE, related_name="showcase")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("每日展播")
        verbose_name_plural = _("每日展播")
        ordering = ["day", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["union", "day", "work"], name="uniq_showcase_work_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.work_id}"


class CultureEventQuerySet(models.QuerySet["CultureEvent"]):
    def visible_to(self, user: object, action: str = "view") -> CultureEventQuerySet:
        return jurisdiction.scope(self, user, action=action)


class CultureEvent(models.Model):
    union = models.ForeignKey("orgs.Union", verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="culture_events")
    title = models.CharField(_("活动名称"), max_length=60)
    description = models.TextField(_("活动介绍"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    live_url = models.URLField(_("直播链接"), max_length=300, blank=True)
    replay_url = models.URLField(_("回放链接"), max_length=300, blank=True)
    views = models.PositiveIntegerField(_("观看次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = CultureEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("文化活动")
        verbose_name_plural = _("文化活动")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CultureViewDay(models.Model):
    """Views of a union's works and events on one Beijing day (for the statistics)."""

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    views = models.PositiveIntegerField(_("浏览次数"), default=0)

    class Meta:
        verbose_name = _("文化展播浏览")
        verbose_name_plural = _("文化展播浏览")
        constraints = [models.UniqueConstraint(fields=["union", "day"], name="uniq_culture_views_per_day")]

    def __str__(self) -> str:
        return f"{self.union_id} {self.day}"
