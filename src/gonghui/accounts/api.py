"""Accounts API: SMS sign-in for the member app (session cookie) and who-am-I."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from ninja import Router, Status

from gonghui.core.net import client_ip

from . import selectors, services
from .auth import session_or_token
from .schemas import SmsCodeIn, SmsCodeOut, SmsLoginIn, UserSelfOut
from .views import MODEL_BACKEND

router = Router()


def _user_out(user: Any) -> UserSelfOut:
    return UserSelfOut(
        id=user.pk, username=user.username, full_name=user.full_name,
        phone_masked=user.phone_masked, is_staff_user=selectors.user_is_staff(user),
    )


@router.post("/sms-codes", response={202: SmsCodeOut}, auth=None, summary="发送短信登录验证码")
def sms_code_send(request: HttpRequest, payload: SmsCodeIn) -> Status[SmsCodeOut]:
    sent = services.sms_code_send(phone=payload.phone, ip=client_ip(request))
    return Status(202, SmsCodeOut(
        expires_in=sent.expires_in, resend_after=sent.resend_after,
        demo_code=sent.code if settings.DEMO_MODE else None,
    ))


@router.post("/sms-login", response=UserSelfOut, auth=None, summary="短信验证码登录（建立会话）")
def sms_login(request: HttpRequest, payload: SmsLoginIn) -> UserSelfOut:
    user = services.sms_code_verify(phone=payload.phone, code=payload.code)
    login(request, user, backend=MODEL_BACKEND)
    return _user_out(user)


@router.get("/me", response=UserSelfOut, auth=session_or_token, summary="当前账号")
def me(request: HttpRequest) -> UserSelfOut:
    return _user_out(request.user)
