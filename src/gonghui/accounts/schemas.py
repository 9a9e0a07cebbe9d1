"""Request and response shapes for the accounts API."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class SmsCodeIn(Schema):
    phone: str = Field(max_length=20)


class SmsCodeOut(Schema):
    expires_in: int
    resend_after: int
    demo_code: str | None = Field(default=None, description="仅演示模式返回")


class SmsLoginIn(Schema):
    phone: str = Field(max_length=20)
    code: str = Field(max_length=10)


class UserSelfOut(Schema):
    id: int
    username: str
    full_name: str
    phone_masked: str
    is_staff_user: bool
