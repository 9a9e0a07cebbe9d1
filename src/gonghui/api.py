"""The JSON API at /api/v1 (OpenAPI at /api/v1/docs).

Errors always come back as RFC 9457 problem documents with a stable `code` and a message
in the caller's language; a request never gets a bare 500 for bad input.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gonghui.accounts.api import router as accounts_router
from gonghui.assistance.api import router as assistance_router
from gonghui.bargaining.api import router as bargaining_router
from gonghui.campaigns.api import router as campaigns_router
from gonghui.cases.api import router as cases_router
from gonghui.core.errors import DomainError, problem_response
from gonghui.core.views import unavailable_response
from gonghui.jobs.api import router as jobs_router
from gonghui.members.api import cards_router
from gonghui.members.api import router as members_router
from gonghui.members.api_roster import router as roster_router
from gonghui.mutualaid.api import router as mutualaid_router
from gonghui.notices.api import router as notices_router
from gonghui.orgs.api import router as orgs_router
from gonghui.skills.api import router as skills_router
from gonghui.stations.api import router as stations_router
from gonghui.stats.api import router as stats_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="职工之家 Gonghui API",
    version="1",
    description="工会数字服务平台接口。会话认证（页面）或 Bearer 令牌（合作方系统）。",
    urls_namespace="api",
)


def problem(request: HttpRequest, status: int, code: str, title: str, **extra: Any) -> HttpResponse:
    return problem_response(status, code, title, **extra)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return exc.as_response()


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))} for e in exc.errors
    ]
    return problem(request, 422, "validation_failed", _("输入有误，请检查后重试。"), errors=errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "unauthenticated", _("请先登录，或提供有效的接口令牌。"))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is unreachable or did not answer in time: 503, retry later."""
    logger.error("database unavailable on %s: %s", request.path, exc)
    return unavailable_response(request)


@api.exception_handler(MultiPartParserError)
def on_multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # No boundary, a damaged body, oversized part headers: the client's request, not our bug.
    return problem(request, 400, "multipart_invalid", _("上传的表单格式不正确，请重新选择文件后提交。"))


@api.exception_handler(RequestDataTooBig)
def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(request, 413, "request_too_large", _("提交的内容过大。"))


@api.exception_handler(TooManyFieldsSent)
def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
    return problem(request, 413, "request_too_large", _("提交的内容过大。"))


@api.exception_handler(TooManyFilesSent)
def on_too_many_files(request: HttpRequest, exc: TooManyFilesSent) -> HttpResponse:
    return problem(request, 413, "request_too_large", _("提交的内容过大。"))


@api.exception_handler(UnreadablePostError)
def on_unreadable_body(request: HttpRequest, exc: UnreadablePostError) -> HttpResponse:
    return problem(request, 400, "request_invalid", _("请求内容无法读取，请重试。"))


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return problem(request, 400, "request_invalid", _("请求无法处理。"))


@api.exception_handler(BadRequest)
def on_bad_request_plain(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return problem(request, 400, "request_invalid", _("请求无法处理。"))


@api.exception_handler(OverflowError)
def on_number_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or number larger than the database's integers (SQLite raises this one).
    return problem(request, 422, "number_out_of_range", _("输入的数值超出范围。"))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The database refused a value for its column type (PostgreSQL: integer out of range).
    return problem(request, 422, "number_out_of_range", _("输入的数值超出范围。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not_found", _("未找到，或您无权查看。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # django-ninja's own English message for a body that is not valid JSON.
        return problem(request, 400, "body_unreadable", _("请求内容无法解析，请发送有效的 JSON。"))
    return problem(request, exc.status_code, "http_error", str(exc))


api.add_router("/accounts", accounts_router, tags=["账号"])
api.add_router("/orgs", orgs_router, tags=["组织"])
api.add_router("/members", members_router, tags=["会员"])
api.add_router("/members/imports", roster_router, tags=["花名册导入"])
api.add_router("/cards", cards_router, tags=["电子会员卡"])
api.add_router("/cases", cases_router, tags=["诉求"])
api.add_router("/stations", stations_router, tags=["站点"])
api.add_router("/notices", notices_router, tags=["消息"])
api.add_router("/assistance", assistance_router, tags=["帮扶资金"])
api.add_router("/stats", stats_router, tags=["统计"])
api.add_router("/campaigns", campaigns_router, tags=["健身活动"])
api.add_router("/mutualaid", mutualaid_router, tags=["医疗互助保障"])
api.add_router("/bargaining", bargaining_router, tags=["集体协商与安全监督"])
api.add_router("/skills", skills_router, tags=["建功立业"])
api.add_router("/jobs", jobs_router, tags=["就业帮扶"])
