"""Facts and roll-ups of the registered figures (see `registry.py`).

- `Fact`: one union's **own** value of a stored figure on one day (its own records only).
- `Rollup`: a union's **subtree** value for a day, a month or a year — what every dashboard,
  report, export and API answer reads. Rows whose value is 0 are not stored.
- `SnapshotDay`: which days have been computed, when, and whether a correction asks for a re-run.

All three are written only by `services.snapshot_day`, which replaces a day's rows as a whole
(re-running a day is idempotent). Source tables are never scanned by a reader.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    key = models.CharField(_("指标"), max_length=60)
    dim = models.CharField(_("分类"), max_length=30, blank=True, default="")
    value = models.BigIntegerField(_("数值"))

    class Meta:
        verbose_name = _("本级统计数据")
        verbose_name_plural = _("本级统计数据")
        constraints = [
            models.UniqueConstraint(fields=["day", "key", "union", "dim"], name="stats_fact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.union_id} {self.key}[{self.dim}]={self.value}"


class Rollup(models.Model):
    class Period(models.TextChoices):
        DAY = "day", _("日")
        MONTH = "month", _("月")
        YEAR = "year", _("年")

    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("周期"), max_length=5, choices=Period.choices)
    start = models.DateField(_("起始日"))
    key = models.CharField(_("指标"), max_length=60)
    dim = models.CharField(_("分类"), max_length=30, blank=True, default="")
    value = models.BigIntegerField(_("数值"))

    class Meta:
        verbose_name = _("汇总统计数据")
        verbose_name_plural = _("汇总统计数据")
        constraints = [
            models.UniqueConstraint(fields=["union", "period", "start", "key", "dim"], name="stats_rollup_unique"),
        ]
        indexes = [models.Index(fields=["period", "start"], name="stats_rollup_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.start} {self.union_id} {self.key}[{self.dim}]={self.value}"


class SnapshotDay(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")

    day = models.DateField(_("日期"), unique=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    # A late correction (a case reopened, a membership back-dated) marks its day for a re-run.
    dirty = models.BooleanField(_("待重算"), default=False, db_index=True)
    facts = models.PositiveIntegerField(_("本级数据条数"), default=0)
    rollups = models.PositiveIntegerField(_("汇总数据条数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.status}"
