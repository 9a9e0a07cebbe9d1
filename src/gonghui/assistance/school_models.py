"""Documents carried by grant applications, and the 金秋助学 tiers.

Imported at the end of `models.py`, so these are models of the `assistance` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.files import random_upload_name


class SchoolLevel(models.TextChoices):
    NEW_UNDERGRADUATE = "new_undergraduate", _("新考入本科")
    NEW_COLLEGE = "new_college", _("新考入大专（高职）")
    UNDERGRADUATE = "undergraduate", _("在读本科")
    COLLEGE = "college", _("在读大专（高职）")


class EducationTier(models.Model):
    """How much 金秋助学 gives a student of one level, set by a province for a year."""

    region = models.CharField(_("省级区划代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("档次"), max_length=24, choices=SchoolLevel.choices)
    amount = models.BigIntegerField(_("金额（分）"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("金秋助学资助标准")
        verbose_name_plural = _("金秋助学资助标准")
        ordering = ["region", "-year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "level"], name="education_tier_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="education_tier_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.level}"


def grant_document_path(instance: GrantDocument, filename: str) -> str:
    return random_upload_name("assistance/grants", filename)


class GrantDocument(models.Model):
    """One document of a grant application, under the name of a document its program requires."""

    grant = models.ForeignKey("assistance.Grant", verbose_name=_("救助申请"), on_delete=models.PROTECT,
                              related_name="documents")
    name = models.CharField(_("材料名称"), max_length=40)
    upload = models.FileField(_("文件"), upload_to=grant_document_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("救助申请材料")
        verbose_name_plural = _("救助申请材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.original_name}"
