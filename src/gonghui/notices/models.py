"""One inbox for every module: a notice to one user, from one module, linking to its page.

Workers read theirs under 消息 (the app shell), staff under 我的提醒 (the console). A notice
about an object in the union tree carries that object's `union_path`, so a staff member sees
it only while the object is in their jurisdiction (a case transferred away drops out, as the
case itself would 404)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    WORKER = "worker", _("职工")
    STAFF = "staff", _("工作人员")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notices"
    )
    audience = models.CharField(_("对象"), max_length=6, choices=Audience.choices, default=Audience.WORKER)
    module = models.CharField(_("来自"), max_length=30)
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    # What the notice is about, inside its module (a case's id and number), for its API and
    # for re-scoping when the object moves to another branch.
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    ref = models.CharField(_("编号"), max_length=40, blank=True)
    union_path = models.CharField(_("所属工会路径"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "audience", "-created_at"], name="notice_inbox_idx"),
            models.Index(fields=["module", "object_id"], name="notice_object_idx"),
        ]

    def __str__(self) -> str:
        return self.text
