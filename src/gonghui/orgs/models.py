"""Regions, unions (the organization tree) and employers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction


class Region(models.Model):
    """An administrative division (GB/T 2260), down to county level."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class UnionQuerySet(models.QuerySet["Union"]):
    def visible_to(self, user: Any, action: str = "view") -> UnionQuerySet:
        return jurisdiction.scope(self, user, path_field="path", action=action)

    def active(self) -> UnionQuerySet:
        return self.filter(status=Union.Status.ACTIVE)


class Union(models.Model):
    """A trade-union organization: one node of the tree, from 全国总工会 to a grassroots union."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("全国总工会")
        PROVINCIAL = "provincial", _("省总工会")
        CITY = "city", _("市总工会")
        COUNTY = "county", _("县（区）总工会")
        INDUSTRIAL = "industrial", _("产业工会")
        TOWNSHIP = "township", _("乡镇（街道）工会")
        DEVELOPMENT_ZONE = "zone", _("开发区（园区）工会")
        FEDERATION_REGIONAL = "fed_regional", _("区域工会联合会")
        FEDERATION_INDUSTRY = "fed_industry", _("行业工会联合会")
        FEDERATION_NEW_FORM = "fed_new_form", _("新业态工会联合会")
        GRASSROOTS = "grassroots", _("基层工会")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        DISSOLVED = "dissolved", _("已撤销")

    # Kinds that take members directly (the others are leading bodies).
    MEMBER_KINDS = frozenset(
        {Kind.GRASSROOTS, Kind.FEDERATION_REGIONAL, Kind.FEDERATION_INDUSTRY, Kind.FEDERATION_NEW_FORM}
    )

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级工会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="unions",
    )
    employer = models.OneToOneField(
        "Employer", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="union",
    )
    path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    name_initials = models.CharField(_("拼音首字母"), max_length=120, blank=True, db_index=True)
    # E-member cards show a QR that changes every minute. A union that still hands out
    # printed cards allows their fixed QR (for itself and every union below it).
    printed_cards_allowed = models.BooleanField(
        _("允许印制会员卡"), default=False,
        help_text=_("开启后，本工会及下级工会会员卡的固定二维码（印制卡）可以核验；否则只认每分钟更新的动态二维码。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="union_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_members(self) -> bool:
        return self.kind in self.MEMBER_KINDS

    def is_descendant_of(self, other: Union) -> bool:
        return self.path.startswith(other.path)


class EmployerQuerySet(models.QuerySet["Employer"]):
    def visible_to(self, user: Any, action: str = "view") -> EmployerQuerySet:
        """Staff see the employers whose union, or whose region's unions, they cover.

        An employer without a union is visible to a staff user whose subtree holds a union
        in the employer's region: that is who organizes it.
        """
        paths = jurisdiction.union_paths_for(user, action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        in_subtree = models.Q()
        for path in paths:
            in_subtree |= models.Q(union__path__startswith=path)
        unorganized = models.Q()
        for code in Union.objects.filter(path__in=paths).values_list("region_id", flat=True):
            if code:
                unorganized |= models.Q(union__isnull=True, region__code__startswith=region_prefix(code))
        return self.filter(in_subtree | unorganized)


def region_prefix(code: str) -> str:
    """`440000` → `44`, `440300` → `4403`, `440305` → `440305`: the codes a region contains."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Employer(models.Model):
    """An employing organization, identified by its 统一社会信用代码."""

    class Ownership(models.TextChoices):
        STATE = "state", _("国有")
        COLLECTIVE = "collective", _("集体")
        PRIVATE = "private", _("非公（民营）")
        FOREIGN = "foreign", _("外资")
        HMT = "hmt", _("港澳台资")
        PUBLIC_INSTITUTION = "institution", _("事业单位")
        GOVERNMENT = "government", _("机关")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=150, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=150, blank=True, db_index=True)
    ownership = models.CharField(_("所有制"), max_length=12, choices=Ownership.choices, default=Ownership.PRIVATE)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="employers")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(_("职工人数"), default=0)
    is_platform = models.BooleanField(_("平台企业"), default=False)
    headquarters = models.ForeignKey(
        "self", verbose_name=_("总部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="branches",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_union(self) -> bool:
        return hasattr(self, "union")


# Longest key kept per suffix: what a person types as initials is far shorter; a longer query
# matches on its first letters and is checked against `name_initials` (see employer_search).
INITIALS_KEY_LENGTH = 20


def initials_keys(initials: str) -> list[str]:
    """Every suffix of `initials`, cut to INITIALS_KEY_LENGTH: "szpckj" → szpckj, zpckj, pckj, …"""
    return [initials[i:i + INITIALS_KEY_LENGTH] for i in range(len(initials))]


class EmployerInitialsKey(models.Model):
    """One suffix of an employer's pinyin initials. Initials typed anywhere in the name ("pc"
    finds 深圳鹏城科技, "szpckj") become an indexed prefix lookup on these keys instead of a
    `LIKE '%pc%'` scan of every employer. Written with the employer (`employer_create`)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="initials_keys")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=INITIALS_KEY_LENGTH)

    class Meta:
        verbose_name = _("单位拼音首字母索引")
        verbose_name_plural = _("单位拼音首字母索引")
        constraints = [
            models.UniqueConstraint(fields=["employer", "position"], name="employer_initials_key_once"),
        ]
        indexes = [
            # LIKE 'pc%' uses the index whatever the database collation (varchar_pattern_ops).
            models.Index(fields=["key"], name="employer_initials_key_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.key


class UnionMove(models.Model):
    """One 调整隶属关系: the subtree at `old_path` now lies at `new_path`. Kept so that the tree
    of any past day can be rebuilt (statistics file each day along the tree of its day)."""

    union = models.ForeignKey(Union, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="moves")
    old_path = models.CharField(_("原树路径"), max_length=255)
    new_path = models.CharField(_("新树路径"), max_length=255)
    moved_at = models.DateTimeField(_("调整时间"), db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("隶属关系调整")
        verbose_name_plural = _("隶属关系调整")
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.union_id}: {self.old_path} → {self.new_path}"
