from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An append-only record of a sensitive read or a write."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Sequence(models.Model):
    """Named counters for human-readable numbers (member numbers, case numbers)."""

    name = models.CharField(max_length=60, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class HolidayYear(models.Model):
    """One year's official holiday arrangement (放假 and 调休 days), as the State Council
    (or a provincial government, for local holidays) publishes it. A year that has a row here
    is counted from this table, before the chinese-calendar package."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=300,
        help_text=_("发布节假日安排的文件，例如“国务院办公厅关于2027年部分节假日安排的通知”及文号。"),
    )
    source_url = models.URLField(_("文件链接"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday (放假) or a working weekend
    day (调休上班)."""

    class Kind(models.TextChoices):
        OFF = "off", _("放假")
        WORK = "work", _("调休上班")

    calendar = models.ForeignKey(HolidayYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.date and self.calendar_id and self.date.year != self.calendar.year:
            raise ValidationError({"date": _("日期不在 %(year)s 年。") % {"year": self.calendar.year}})
        if self.date and self.kind == self.Kind.WORK and self.date.weekday() < 5:
            raise ValidationError({"date": _("周一至周五本来就是工作日，不需要登记为调休上班。")})


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` header, kept so a retry
    (the client never saw the answer) gets the same answer instead of a second case."""

    owner = models.CharField(max_length=64)  # a hash of the caller's credential
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body of the first request
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_uniq")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"


class OutboxMessage(models.Model):
    """A side effect (a text message) promised by a committed transaction.

    The row is written in the same transaction as the change it reports, so a message exists
    exactly when the change does. After commit it is sent at once (the queue, or a thread of
    the web process when the broker is away); if that never happens — the process died, the
    broker lost the task, the gateway failed — `outbox_drain` (beat, every minute) sends it
    again once `available_at` has passed. `done_at` is set in the transaction that ran it,
    under the row's lock, so two deliveries of one message run it once."""

    task = models.CharField(_("任务"), max_length=100)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    available_at = models.DateTimeField(_("可重发时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            models.Index(fields=["available_at"], condition=models.Q(done_at__isnull=True), name="outbox_pending_idx"),
            models.Index(fields=["done_at"], condition=models.Q(done_at__isnull=False), name="outbox_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
