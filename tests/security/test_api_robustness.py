"""Bad input never gets a 500 from the API.

- every paging parameter in the OpenAPI schema is bounded, and out-of-range values are 422;
- a multipart body without a boundary, or over the size limits, is a problem document
  (400 / 413) in both DEBUG modes;
- schemathesis generates valid and invalid requests for every operation of the schema, as a
  worker and as staff (small, derandomized example counts: the run stays well under a
  minute), and no answer is >= 500.
"""

from __future__ import annotations

import copy
import functools
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from gonghui.api import api
from tests.cases.helpers import app_case
from tests.factories import Tree, make_member

pytestmark = pytest.mark.django_db

PAGING = {"limit", "offset", "errors_limit", "errors_offset"}
# CI keeps the run short; SCHEMATHESIS_EXAMPLES=50 digs deeper by hand.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
CSRF = "s3curityT3stCsrfT0kenForSchemath"  # 32 characters: an unmasked Django CSRF secret


@functools.cache
def _schema() -> dict:
    return api.get_openapi_schema()


def _list_operations() -> list[tuple[str, str, list[str]]]:
    found = []
    for path, methods in _schema()["paths"].items():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] in PAGING]
            if names:
                found.append((method, path, names))
    return found


def test_every_paging_parameter_in_the_schema_is_bounded():
    unbounded = []
    for _method, path, _names in _list_operations():
        for method_spec in _schema()["paths"][path].values():
            for param in method_spec.get("parameters", []):
                if param["name"] in PAGING:
                    schema = param["schema"]
                    if "maximum" not in schema or "minimum" not in schema:
                        unbounded.append((path, param["name"]))
    assert len(_list_operations()) >= 8
    assert unbounded == []


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1e3", "abc", "100000000"])
def test_out_of_range_paging_is_422_on_every_list(client, value):
    tree = Tree()
    client.force_login(tree.staff_a)
    wrong = []
    for method, path, names in _list_operations():
        if method != "get":
            continue
        url = path.replace("{job_id}", "1")
        for name in names:
            response = client.get(url, {name: value})
            if response.status_code == 404 and "{" in path:
                continue  # no such job: the path, not the paging, answered
            if response.status_code != 422 or response["Content-Type"] != "application/problem+json":
                wrong.append((url, name, response.status_code))
    assert wrong == []


MULTIPART_ENDPOINTS = ["/api/v1/members/imports", "/api/v1/cases/{case}/attachments", "/api/v1/cases/mine/{case}/attachments"]


@pytest.mark.parametrize("debug", [False, True])
def test_broken_or_oversized_bodies_get_problem_documents(settings, debug):
    settings.DEBUG = debug
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    case = app_case(tree, user=member.person.user)
    client = Client(raise_request_exception=False)
    client.force_login(tree.staff_a)
    worker = Client(raise_request_exception=False)
    worker.force_login(member.person.user)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    for url in MULTIPART_ENDPOINTS:
        who = worker if "/mine/" in url else client
        url = url.format(case=case.pk)
        no_boundary = who.generic("POST", url, b"--x\r\nhello", content_type="multipart/form-data")
        assert no_boundary.status_code == 400, url
        assert no_boundary["Content-Type"] == "application/problem+json"
        assert no_boundary.json()["code"] == "multipart_invalid"
        fields = "&".join(f"f{i}=x" for i in range(2000)).encode()
        too_big = who.generic("POST", url, fields, content_type="application/x-www-form-urlencoded")
        assert too_big.status_code == 413, (url, too_big.status_code)
        assert too_big.json()["code"] == "request_too_large"
    json_too_big = client.post("/api/v1/cases/", b'{"x": "' + b"y" * 4096 + b'"}', content_type="application/json")
    assert json_too_big.status_code == 413 and json_too_big.json()["code"] == "request_too_large"
    # A body that is not JSON: a problem document in the caller's language, not ninja's English.
    broken = client.post("/api/v1/cases/", b'{"description": ', content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    assert broken.json()["code"] == "body_unreadable"
    assert broken.json()["title"] == "请求内容无法解析，请发送有效的 JSON。"


def _session_cookies(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


def _fuzz(cookies: dict[str, str], *, examples: int) -> list[tuple[str, str, int, str]]:
    # The session is the credential here: without the security schemes schemathesis does
    # not invent Authorization headers (a wrong one is a 401 before any input is read).
    raw = copy.deepcopy(_schema())
    raw.get("components", {}).pop("securitySchemes", None)
    for methods in raw["paths"].values():
        for operation in methods.values():
            operation.pop("security", None)
    schema = schemathesis.openapi.from_dict(raw)
    app = WSGIHandler()
    failures: list[tuple[str, str, int, str]] = []
    # As Django's test client does: the end of a request must not close the test's database
    # connection (on PostgreSQL a refused value would otherwise take it down for the rest).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_operations(schema, app, cookies, examples, failures)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return failures


def _fuzz_operations(schema, app, cookies, examples, failures) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def send(case) -> None:
                # A savepoint per request, as each real request has its own transaction: one
                # refused write must not poison the test's transaction for the next request.
                with transaction.atomic():
                    response = case.call(base_url="http://localhost", app=app, cookies=cookies,
                                         headers={"X-CSRFToken": CSRF})
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, response.status_code, response.text[-300:]))

            try:
                send()
            except Unsatisfiable:
                continue  # nothing to get wrong in this operation (no parameters, no body)


def test_schemathesis_finds_no_server_error_as_staff():
    tree = Tree()
    app_case(tree)
    assert _fuzz(_session_cookies(tree.staff_a), examples=EXAMPLES) == []


def test_schemathesis_finds_no_server_error_as_a_worker():
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    app_case(tree, user=member.person.user)
    assert _fuzz(_session_cookies(member.person.user), examples=EXAMPLES) == []

