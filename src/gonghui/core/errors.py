"""Domain errors: one code and one translatable message each.

Services raise `DomainError`; the API maps it to an RFC 9457 problem response, forms to a
form error and pages to a message (see `gonghui.api` and `gonghui.core.views`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _


def problem_response(status: int, code: str, title: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document: what every API error looks like."""
    body = {"type": f"https://gonghui.example/errors/{code}", "title": title, "status": status, "code": code}
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder), status=status,
        content_type="application/problem+json",
    )


class DomainError(Exception):
    """A rule of the domain said no. `code` is stable for clients, `message` is for people."""

    status = 400
    default_code = "invalid"
    default_message = _("请求无法处理。")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.field = field
        self.params = params or {}
        super().__init__(str(self.message))

    def as_response(self) -> HttpResponse:
        """This error as a problem document (the API's answer to it)."""
        return problem_response(self.status, self.code, str(self.message), **({"field": self.field} if self.field else {}))


class ValidationFailed(DomainError):
    status = 422
    default_code = "validation_failed"
    default_message = _("输入有误，请检查后重试。")


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = _("未找到，或您无权查看。")


class PermissionDenied(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = _("您没有权限执行此操作。")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = _("当前状态不允许此操作。")


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
    default_message = _("操作太频繁，请稍后再试。")


class ServiceUnavailable(DomainError):
    """A dependency (the cache behind the rate limits, the database) is away: retry later.
    Never the user's fault, so never a form error about their input."""

    status = 503
    default_code = "service_busy"
    default_message = _("服务繁忙，请稍后再试。")

    def as_response(self) -> HttpResponse:
        response = super().as_response()
        response["Retry-After"] = "5"
        return response
