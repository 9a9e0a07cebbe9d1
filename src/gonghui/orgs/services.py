"""Writes for regions, unions and employers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, ValidationFailed
from gonghui.core.text import pinyin_initials
from gonghui.core.validators import parse_uscc

from .models import Employer, Region, Union

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"


def regions_load(*, path: Path = REGIONS_CSV) -> int:
    """Upsert the GB/T 2260 divisions from the shipped CSV; returns the number of rows."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = {row["code"] for row in rows}
    with transaction.atomic():
        existing = set(Region.objects.values_list("code", flat=True))
        # Parents first: provinces, then cities, then counties.
        order = {"province": 0, "city": 1, "county": 2}
        for row in sorted(rows, key=lambda r: order[r["level"]]):
            values = {"name": row["name"], "level": row["level"], "parent_id": row["parent"] or None, "is_active": True}
            if row["code"] in existing:
                Region.objects.filter(code=row["code"]).update(**values)
            else:
                Region.objects.create(code=row["code"], **values)
        Region.objects.exclude(code__in=codes).update(is_active=False)
    return len(rows)


def union_create(
    *,
    name: str,
    kind: str,
    parent: Union | None,
    region: Region | None = None,
    employer: Employer | None = None,
    actor: Any = None,
) -> Union:
    """Create a union under `parent`, with its materialized path."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写工会名称。"), code="name_required", field="name")
    if kind not in Union.Kind.values:
        raise ValidationFailed(_("工会类型无效。"), code="kind_invalid", field="kind")
    if parent is None and kind != Union.Kind.NATIONAL:
        raise ValidationFailed(_("只有全国总工会可以没有上级工会。"), code="parent_required", field="parent")
    if parent is not None and parent.status != Union.Status.ACTIVE:
        raise Conflict(_("上级工会已撤销。"), code="parent_dissolved")
    if kind == Union.Kind.GRASSROOTS and employer is not None and hasattr(employer, "union"):
        raise Conflict(_("该单位已建立工会。"), code="employer_has_union")
    with transaction.atomic():
        if parent is not None and Union.objects.filter(parent=parent, name=name).exists():
            raise Conflict(_("同一上级下已有同名工会。"), code="union_name_taken", field="name")
        union = Union.objects.create(
            name=name, kind=kind, parent=parent, region=region, employer=employer,
            name_initials=pinyin_initials(name),
        )
        union.path = f"{parent.path if parent else '/'}{union.pk}/"
        union.depth = (parent.depth + 1) if parent else 0
        union.save(update_fields=["path", "depth"])
        audit_record(actor=actor, action="union.create", target=union)
    return union


def employer_create(
    *,
    uscc: str,
    name: str,
    region: Region,
    ownership: str = Employer.Ownership.PRIVATE,
    industry: str = "",
    address: str = "",
    headcount: int = 0,
    is_platform: bool = False,
    headquarters: Employer | None = None,
    actor: Any = None,
) -> Employer:
    code = parse_uscc(uscc)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写单位名称。"), code="name_required", field="name")
    if headcount < 0:
        raise ValidationFailed(_("职工人数不能为负数。"), code="headcount_invalid", field="headcount")
    if ownership not in Employer.Ownership.values:
        raise ValidationFailed(_("所有制类型无效。"), code="ownership_invalid", field="ownership")
    with transaction.atomic():
        if Employer.objects.filter(uscc=code).exists():
            raise Conflict(_("该统一社会信用代码已登记。"), code="uscc_taken", field="uscc")
        employer = Employer.objects.create(
            uscc=code, name=name, name_initials=pinyin_initials(name), region=region,
            ownership=ownership, industry=industry, address=address, headcount=headcount,
            is_platform=is_platform, headquarters=headquarters,
        )
        audit_record(actor=actor, action="employer.create", target=employer)
    return employer
