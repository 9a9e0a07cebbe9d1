"""Users, role grants bound to a subtree of the union tree, SMS login codes, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.pii import EncryptedTextField, mask_phone


class User(AbstractUser):
    """Workers sign in by phone + SMS code; staff by username + password (+ TOTP)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_index = models.CharField(_("手机号索引"), max_length=32, null=True, blank=True, unique=True, editable=False)
    totp_secret = EncryptedTextField(_("动态口令密钥"), blank=True, default="")
    totp_confirmed = models.BooleanField(_("已绑定动态口令"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class RoleGrant(models.Model):
    """A staff role over one union and its whole subtree."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("管理员")
        STAFF = "staff", _("工作人员")
        OPERATOR = "operator", _("热线坐席")
        LEGAL = "legal", _("法律工作者")
        STATION = "station", _("站点运营")
        VIEWER = "viewer", _("只读")
        FINANCE = "finance", _("财务")

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    union = models.ForeignKey("orgs.Union", verbose_name=_("工会"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "union", "role"], name="grant_unique_user_union_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.union} · {self.get_role_display()}"


class SmsCode(models.Model):
    """A one-time login code sent to a phone. Only its hash is kept."""

    phone_index = models.CharField(max_length=32, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone_index[:8]}… {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.phone_index[:8]


class ApiToken(models.Model):
    """A partner system's bearer token; scoped like a user (it acts as `user`)."""

    user = models.ForeignKey(User, verbose_name=_("所属账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True, help_text=_("留空表示长期有效，直到吊销。"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
