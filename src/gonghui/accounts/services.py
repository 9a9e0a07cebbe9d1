"""Writes for accounts: SMS login codes, worker users, staff TOTP, role grants, API tokens.

Each function is one complete change in one transaction; failures raise `DomainError`s
with a Chinese message and a stable code, so pages and the API report them the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.audit import audit_record
from gonghui.core.cache import CACHE_ERRORS, cache_required
from gonghui.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)
from gonghui.core.pii import mask_personal_numbers, phone_index
from gonghui.core.validators import parse_phone
from gonghui.orgs.models import Union

from .models import ApiToken, RoleGrant, SmsCode, User
from .signals import phone_verified

logger = logging.getLogger(__name__)

# Caps that stop one phone or one address from draining the SMS budget.
SMS_PHONE_DAILY_LIMIT = 10
SMS_IP_HOURLY_LIMIT = 30
STAFF_LOGIN_MAX_FAILURES = 10
STAFF_LOGIN_LOCK_SECONDS = 15 * 60
TOTP_MAX_FAILURES = 5
TOTP_LOCK_SECONDS = 5 * 60
TOTP_ISSUER = "职工之家"


# --- SMS login --------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsSent:
    """Result of sending a code. `code` is for DEMO_MODE display only; never log it."""

    code: str
    expires_in: int
    resend_after: int


def sms_backend() -> Any:
    return _backend_class(settings.SMS_BACKEND)()


@lru_cache(maxsize=4)
def _backend_class(path: str) -> Any:
    return import_string(path)


def _code_hash(index: str, code: str) -> str:
    # Keyed by the server secret and bound to the phone, so a leaked table cannot be
    # brute-forced offline and a code for one phone never works for another.
    return hmac.new(settings.SECRET_KEY.encode(), f"sms:{index}:{code}".encode(), hashlib.sha256).hexdigest()


def _digits(code: str | None) -> str:
    """A typed code with full-width digits (a Chinese IME's １２３) read as ASCII; any other
    kind of digit stays as it is and fails the format check instead of costing an attempt."""
    code = unicodedata.normalize("NFKC", code or "").strip()
    return code if code.isascii() else "?"


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def sms_code_send(*, phone: str, ip: str | None = None) -> SmsSent:
    """Send a 6-digit login code to `phone`; only its keyed hash is stored.

    Rate limits: one code per phone per SMS_SEND_INTERVAL_SECONDS, SMS_PHONE_DAILY_LIMIT per
    phone per day, SMS_IP_HOURLY_LIMIT per client address per hour.
    """
    phone = parse_phone(phone)
    index = phone_index(phone)
    interval = int(settings.SMS_SEND_INTERVAL_SECONDS)
    # The limits live in the cache: without it no code is sent (fail closed, 503).
    # The cache entry holds when the next code may go out, so a refused resend can say how
    # long is really left (the login page counts it down).
    with cache_required("sms rate limits"):
        next_at = timezone.now().timestamp() + interval
        if interval > 0 and not cache.add(f"sms:interval:{index}", next_at, timeout=interval):
            held = cache.get(f"sms:interval:{index}")
            left = interval if not isinstance(held, int | float) else held - timezone.now().timestamp()
            wait = min(interval, max(1, math.ceil(left)))
            raise RateLimited(
                _("验证码发送太频繁，请%(seconds)s秒后再试。") % {"seconds": wait},
                code="sms_too_frequent", field="phone", params={"retry_after": wait},
            )
        if ip and _count(f"sms:ip:{ip}", 3600) > SMS_IP_HOURLY_LIMIT:
            raise RateLimited(_("该网络请求验证码次数过多，请一小时后再试。"), code="sms_ip_limit", field="phone")
        if _count(f"sms:day:{index}", 24 * 3600) > SMS_PHONE_DAILY_LIMIT:
            raise RateLimited(_("该手机号今日获取验证码次数已达上限。"), code="sms_daily_limit", field="phone")

    code = f"{secrets.randbelow(10**6):06d}"
    ttl = int(settings.SMS_CODE_TTL_SECONDS)
    now = timezone.now()
    text = gettext("【职工之家】您的登录验证码是%(code)s，%(minutes)s分钟内有效。请勿告诉他人。") % {
        "code": code, "minutes": max(1, ttl // 60),
    }
    failure: Exception | None = None
    with transaction.atomic():
        # A new code replaces any earlier one still waiting.
        SmsCode.objects.filter(phone_index=index, used_at__isnull=True).update(used_at=now)
        SmsCode.objects.create(
            phone_index=index, code_hash=_code_hash(index, code), expires_at=now + dt.timedelta(seconds=ttl)
        )
        # Sent inside the transaction, last: a code is stored only if the gateway took it,
        # and when the gateway (or the queue in front of it) fails the earlier code stays
        # valid. The row lock held meanwhile covers only this phone's codes.
        try:
            sms_backend().send(phone, text)
        except Exception as exc:  # HTTP errors, timeouts, a broker away: whatever the gateway raises
            failure = exc
            transaction.set_rollback(True)
    if failure is not None:
        # Not the worker's fault, so the attempt does not count against their limits.
        # The gateway's message may echo the text: never log the code or the phone.
        detail = mask_personal_numbers(str(failure).replace(code, "******"))
        logger.error("SMS gateway failed sending a login code: %s: %s", type(failure).__name__, detail)
        _sms_limits_release(index=index, ip=ip, interval=interval)
        raise ServiceUnavailable(_("短信服务暂时不可用，请稍后再试。"), code="sms_unavailable") from failure
    return SmsSent(code=code, expires_in=ttl, resend_after=interval)


def _sms_limits_release(*, index: str, ip: str | None, interval: int) -> None:
    """Give back what a code that was never sent took from the rate limits."""
    try:
        if interval > 0:
            cache.delete(f"sms:interval:{index}")
        for key in ([f"sms:ip:{ip}"] if ip else []) + [f"sms:day:{index}"]:
            try:
                cache.decr(key)
            except ValueError:  # expired meanwhile: nothing to give back
                pass
    except CACHE_ERRORS as exc:  # the limits expire by themselves
        logger.warning("cache unavailable, SMS limits not released: %s", exc)


def sms_code_verify(*, phone: str, code: str) -> User:
    """Check the code and return the worker's user, creating it on first sign-in.

    Each wrong guess counts against the code; after SMS_CODE_MAX_ATTEMPTS it is dead and the
    worker must ask for a new one.
    """
    phone = parse_phone(phone)
    code = _digits(code)
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationFailed(_("请输入6位数字验证码。"), code="sms_code_format", field="code")
    index = phone_index(phone)
    now = timezone.now()
    failure: ValidationFailed | None = None
    with transaction.atomic():
        sms = SmsCode.objects.select_for_update().filter(phone_index=index, used_at__isnull=True).first()
        if sms is None:
            failure = ValidationFailed(_("验证码无效，请先获取验证码。"), code="sms_code_missing", field="code")
        elif sms.expires_at <= now:
            failure = ValidationFailed(_("验证码已过期，请重新获取。"), code="sms_code_expired", field="code")
        elif sms.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            failure = ValidationFailed(_("验证码错误次数过多，请重新获取。"), code="sms_code_locked", field="code")
        elif not hmac.compare_digest(sms.code_hash, _code_hash(index, code)):
            sms.attempts += 1
            sms.save(update_fields=["attempts"])
            left = settings.SMS_CODE_MAX_ATTEMPTS - sms.attempts
            if left > 0:
                failure = ValidationFailed(
                    _("验证码不正确，还可以再试%(left)s次。") % {"left": left}, code="sms_code_wrong", field="code"
                )
            else:
                failure = ValidationFailed(_("验证码错误次数过多，请重新获取。"), code="sms_code_locked", field="code")
        else:
            sms.used_at = now
            sms.save(update_fields=["used_at"])
    # Raised outside the block so the counted attempt is committed, not rolled back.
    if failure is not None:
        raise failure
    user = worker_user_get_or_create(phone=phone)
    # Listeners (the case module claims earlier hotline cases from this phone) must never
    # stop a sign-in: their errors are logged, not raised.
    for receiver, result in phone_verified.send_robust(sender=User, user=user, phone=phone):
        if isinstance(result, Exception):
            logger.error("phone_verified receiver %r failed", receiver, exc_info=result)
    return user


def worker_username_new() -> str:
    """A username for a worker account: random, so it carries no personal data.

    Workers never type it (they sign in by phone); it only has to be unique. Earlier
    accounts were named "w" + phone number; migration accounts 0002 renamed them.
    """
    return f"w_{secrets.token_hex(6)}"


def worker_user_get_or_create(*, phone: str) -> User:
    """The worker account for a verified phone: a random username, no usable password.

    The phone is kept only encrypted and as a blind index, never in clear (not even in
    the username)."""
    phone = parse_phone(phone)
    index = phone_index(phone)
    user = User.objects.filter(phone_index=index).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=worker_username_new(), phone=phone, phone_index=index)
                user.set_unusable_password()
                user.save()
                audit_record(actor=user, action="user.create_by_sms", target=user)
        except IntegrityError:  # a concurrent first sign-in won the race
            user = User.objects.get(phone_index=index)
    if not user.is_active:
        raise PermissionDenied(_("该账号已停用，请联系所在工会。"), code="user_inactive")
    return user


# --- staff sign-in and TOTP ---------------------------------------------------------------


def staff_authenticate(*, username: str, password: str, ip: str | None = None, request: Any = None) -> User:
    """Check a staff username and password, locking the username after repeated failures."""
    username = (username or "").strip()[:150]
    if not username or not password:
        raise ValidationFailed(_("请输入用户名和密码。"), code="credentials_required")
    key = f"staff-login:{hashlib.sha256(username.lower().encode()).hexdigest()[:24]}"
    # The lock-out counter lives in the cache: without it nobody is let in (fail closed, 503).
    with cache_required("staff login lock-out"):
        if int(cache.get(key, 0)) >= STAFF_LOGIN_MAX_FAILURES:
            raise RateLimited(_("登录失败次数过多，请15分钟后再试。"), code="login_locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        with cache_required("staff login lock-out"):
            _count(key, STAFF_LOGIN_LOCK_SECONDS)
        # Workers sometimes type their phone here: the audit log keeps it masked.
        audit_record(actor=None, action="user.login_failed", data={"username": mask_personal_numbers(username)}, ip=ip)
        raise ValidationFailed(_("用户名或密码不正确。"), code="credentials_invalid")
    with cache_required("staff login lock-out"):
        cache.delete(key)
    return user  # type: ignore[return-value]


def totp_secret_ensure(*, user: User) -> str:
    """Give an unbound staff user a fresh authenticator secret (kept until confirmed)."""
    if user.totp_confirmed:
        raise Conflict(_("已绑定动态口令，如需更换请联系管理员重置。"), code="totp_already_bound")
    if user.totp_secret:
        return user.totp_secret
    with transaction.atomic():
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_provisioning_uri(*, user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _totp_check(user: User, code: str) -> None:
    with cache_required("totp lock-out"):
        _totp_check_guarded(user, code)


def _totp_check_guarded(user: User, code: str) -> None:
    code = _digits(code).replace(" ", "")
    lock_key = f"totp-fail:{user.pk}"
    if int(cache.get(lock_key, 0)) >= TOTP_MAX_FAILURES:
        raise RateLimited(_("动态口令错误次数过多，请5分钟后再试。"), code="totp_locked", field="code")
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationFailed(_("请输入6位数字动态口令。"), code="totp_format", field="code")
    totp = pyotp.TOTP(user.totp_secret)
    if not user.totp_secret or not totp.verify(code, valid_window=1):
        _count(lock_key, TOTP_LOCK_SECONDS)
        raise ValidationFailed(_("动态口令不正确，请核对手机上的时间后重试。"), code="totp_wrong", field="code")
    # A code works once: replaying a captured code inside its window is refused.
    if not cache.add(f"totp-used:{user.pk}:{code}", 1, timeout=90):
        raise ValidationFailed(_("该动态口令已使用，请等待下一个。"), code="totp_reused", field="code")
    cache.delete(lock_key)


def totp_confirm(*, user: User, code: str) -> User:
    """Bind the authenticator: the first correct code proves the secret was scanned."""
    if user.totp_confirmed:
        raise Conflict(_("已绑定动态口令。"), code="totp_already_bound")
    if not user.totp_secret:
        raise Conflict(_("请先生成动态口令密钥。"), code="totp_no_secret")
    _totp_check(user, code)
    with transaction.atomic():
        user.totp_confirmed = True
        user.save(update_fields=["totp_confirmed"])
        audit_record(actor=user, action="user.totp_bind", target=user)
    return user


def totp_verify(*, user: User, code: str) -> None:
    """Second sign-in step for a staff user with a bound authenticator."""
    if not user.totp_confirmed:
        raise Conflict(_("尚未绑定动态口令。"), code="totp_not_bound")
    _totp_check(user, code)


def totp_reset(*, user: User, actor: Any) -> User:
    """An administrator clears a lost authenticator; the user binds a new one next sign-in."""
    with transaction.atomic():
        user.totp_secret = ""
        user.totp_confirmed = False
        user.save(update_fields=["totp_secret", "totp_confirmed"])
        audit_record(actor=actor, action="user.totp_reset", target=user)
    return user


# --- role grants ---------------------------------------------------------------------------


def role_grant_create(*, user: User, union: Union, role: str, granted_by: Any) -> RoleGrant:
    if role not in RoleGrant.Role.values:
        raise ValidationFailed(_("角色无效。"), code="role_invalid", field="role")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, union=union, role=role,
                granted_by=granted_by if getattr(granted_by, "is_authenticated", False) else None,
            )
            audit_record(actor=granted_by, action="role_grant.create", target=grant, data={"user": user.pk, "union": union.pk, "role": role})
    except IntegrityError as exc:
        raise Conflict(_("该用户在该工会已有此角色。"), code="grant_exists") from exc
    return grant


def role_grant_revoke(*, grant: RoleGrant, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor, action="role_grant.revoke", target=grant,
            data={"user": grant.user_id, "union": grant.union_id, "role": grant.role},
        )
        RoleGrant.objects.filter(pk=grant.pk).delete()


# --- API tokens ------------------------------------------------------------------------------


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, actor: Any = None, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored. With `expires_at`
    it stops authenticating at that time (401), like a revoked one."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写令牌名称（如合作方系统名）。"), code="name_required", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("到期时间须晚于现在。"), code="expires_in_past", field="expires_at")
    key = "gh_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:80], key_hash=token_hash(key), prefix=key[:8], expires_at=expires_at,
        )
        audit_record(actor=actor or user, action="api_token.create", target=token, data={"user": user.pk})
    return token, key


def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke at once; a revoked token never authenticates again."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
        if locked is None:
            raise NotFound()
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", target=locked)
    return locked
