"""Helpers for the case tests: a case in the A branch of `Tree`, uploads of each kind."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.cases.models import Case, Category, Channel
from gonghui.cases.services import case_create
from gonghui.orgs.models import Region
from tests.factories import make_worker_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "contract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def app_case(tree: Any, *, user: Any = None, category: str = Category.WAGE_ARREARS, **kw: Any) -> Case:
    """A wage-arrears case reported in the app against grassroots A's employer."""
    user = user or make_worker_user(name="王小明")
    params: dict[str, Any] = {
        "channel": Channel.APP, "category": category, "description": "公司拖欠我三个月工资共一万二千元，多次讨要未果。",
        "reporter_user": user, "employer": tree.grassroots_a.employer, "region": Region.objects.get(code="440305"),
        "amount_fen": 1_200_000 if category == Category.WAGE_ARREARS else 0, "people_count": 3,
    }
    params.update(kw)
    return case_create(**params)
