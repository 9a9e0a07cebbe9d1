"""Writes for regions, unions and employers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.text import pinyin_initials
from gonghui.core.validators import parse_uscc

from .models import (
    Employer,
    EmployerInitialsKey,
    Region,
    Union,
    UnionMove,
    initials_keys,
    region_prefix,
)

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
        EmployerInitialsKey.objects.bulk_create(
            EmployerInitialsKey(employer=employer, position=i, key=key)
            for i, key in enumerate(initials_keys(employer.name_initials))
        )
        audit_record(actor=actor, action="employer.create", target=employer)
    return employer


# --- staff writes (console and staff API) -----------------------------------------------


# Fields that keep a copy of a union's tree path for scoping (`union_path__startswith`).
TREE_PATH_FIELDS = ("union_path", "approving_path")


def tree_path_copies() -> list[tuple[type[models.Model], str]]:
    """Every copy of a tree path kept on another table, which a move must rewrite: the fields
    named in TREE_PATH_FIELDS on every model, unless the model names its own in
    `TREE_PATH_COPIES` (the fund ledger adds its transactions' `counterparty_path`; an empty
    tuple would mean the copy is history and stays). Returned in model order: the ledger's
    accounts before its transactions, which a posting racing the move relies on."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model is Union or model._meta.proxy or not model._meta.managed:
            continue
        names = getattr(model, "TREE_PATH_COPIES", None)
        if names is None:
            names = [f.name for f in model._meta.concrete_fields if f.name in TREE_PATH_FIELDS]
        found += [(model, name) for name in names]
    return found


def union_move(*, union: Union, new_parent: Union, actor: Any = None) -> Union:
    """调整隶属关系: move `union` (with its whole subtree) under `new_parent`. The materialized
    paths of the subtree and every copy kept on other tables (cases, notices, hardship files,
    grants, claims, proposals, the fund ledger … see `tree_path_copies`) change in one transaction, so every
    scope follows the move at once. The move is recorded (`UnionMove`): statistics
    file each day along the tree of that day, so past days stay with the old parent."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr

    if union.parent_id is None:
        raise Conflict(_("全国总工会不能调整隶属关系。"), code="root_cannot_move")
    with transaction.atomic():
        union = Union.objects.select_for_update().get(pk=union.pk)
        new_parent = Union.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.path.startswith(union.path):
            raise Conflict(_("不能把工会调整到它自己或它的下级工会之下。"), code="move_into_subtree", field="parent")
        if new_parent.status != Union.Status.ACTIVE:
            raise Conflict(_("上级工会已撤销。"), code="parent_dissolved", field="parent")
        if new_parent.pk == union.parent_id:
            return union
        if Union.objects.filter(parent=new_parent, name=union.name).exists():
            raise Conflict(_("同一上级下已有同名工会。"), code="union_name_taken", field="name")
        old_path, new_path = union.path, f"{new_parent.path}{union.pk}/"
        depth_change = new_parent.depth + 1 - union.depth
        tail = Substr(F("path"), len(old_path) + 1)
        Union.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), tail), depth=F("depth") + depth_change
        )
        Union.objects.filter(pk=union.pk).update(parent=new_parent)
        for model, field in tree_path_copies():
            moved = Concat(Value(new_path), Substr(F(field), len(old_path) + 1))
            model._default_manager.filter(**{f"{field}__startswith": old_path}).update(**{field: moved})
        UnionMove.objects.create(union=union, old_path=old_path, new_path=new_path, moved_at=timezone.now(),
                                 moved_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action="union.move", target=union,
                     data={"from": old_path, "to": new_path})
    union.refresh_from_db()
    return union


def union_create_child(
    *,
    actor: Any,
    parent: Union,
    name: str,
    kind: str,
    region: Region | None = None,
    employer: Employer | None = None,
) -> Union:
    """Staff create a union under `parent`, which must lie in their subtree with "change"."""
    if not jurisdiction.has_action(actor, "view", parent.path):
        raise NotFound()
    if not jurisdiction.has_action(actor, "change", parent.path):
        raise PermissionDenied(_("您的角色不能在该工会下建立组织。"), code="union_create_forbidden")
    if kind in {Union.Kind.NATIONAL, Union.Kind.PROVINCIAL}:
        raise ValidationFailed(_("不能在此建立该类型的工会。"), code="kind_invalid", field="kind")
    if parent.kind == Union.Kind.GRASSROOTS:
        raise ValidationFailed(_("基层工会下不能再建立下级工会。"), code="parent_is_grassroots", field="parent")
    if region is not None and parent.region_id and not region.code.startswith(region_prefix(parent.region_id)):
        raise ValidationFailed(_("所在地区须在上级工会的地区范围内。"), code="region_outside_parent", field="region")
    if employer is not None:
        if kind != Union.Kind.GRASSROOTS:
            raise ValidationFailed(_("只有基层工会可以关联用人单位。"), code="employer_not_allowed", field="employer")
        if hasattr(employer, "union"):
            raise Conflict(_("该单位已建立工会。"), code="employer_has_union", field="employer")
    return union_create(
        name=name, kind=kind, parent=parent, region=region or parent.region, employer=employer, actor=actor
    )


def employer_register(
    *,
    actor: Any,
    uscc: str,
    name: str,
    region: Region,
    ownership: str = Employer.Ownership.PRIVATE,
    industry: str = "",
    address: str = "",
    headcount: int = 0,
    is_platform: bool = False,
) -> Employer:
    """Staff register an employer in a region their subtree covers (so they keep seeing it)."""
    paths = jurisdiction.union_paths_for(actor, "change")
    if paths is not None:
        if not paths:
            raise PermissionDenied()
        prefixes = [
            region_prefix(code)
            for code in Union.objects.filter(path__in=paths).values_list("region_id", flat=True)
            if code
        ]
        if not any(region.code.startswith(prefix) for prefix in prefixes):
            raise ValidationFailed(
                _("所在地区不在您负责的范围内。"), code="region_outside_jurisdiction", field="region"
            )
    return employer_create(
        uscc=uscc, name=name, region=region, ownership=ownership, industry=industry, address=address,
        headcount=headcount, is_platform=is_platform, actor=actor,
    )


def role_grant_create(*, actor: Any, user: Any, union: Union, role: str) -> Any:
    """An admin grants a staff role over `union` (and its subtree), inside their own subtree."""
    from gonghui.accounts.models import RoleGrant

    if not jurisdiction.has_action(actor, "view", union.path):
        raise NotFound()
    if not jurisdiction.has_action(actor, "manage_grants", union.path):
        raise PermissionDenied(_("只有管理员可以授权。"), code="grant_forbidden")
    if role not in RoleGrant.Role.values:
        raise ValidationFailed(_("角色无效。"), code="role_invalid", field="role")
    if user is None or not user.is_active:
        raise ValidationFailed(_("未找到该用户，或账号已停用。"), code="user_not_found", field="username")
    if union.status != Union.Status.ACTIVE:
        raise Conflict(_("该工会已撤销。"), code="union_dissolved")
    with transaction.atomic():
        if RoleGrant.objects.filter(user=user, union=union, role=role).exists():
            raise Conflict(_("该用户已有此授权。"), code="grant_exists")
        grant = RoleGrant.objects.create(user=user, union=union, role=role, granted_by=actor)
        audit_record(
            actor=actor, action="role_grant.create", target=grant,
            data={"user": user.pk, "union": union.pk, "role": role},
        )
    return grant


def role_grant_revoke(*, actor: Any, grant: Any) -> None:
    """Remove a grant within the admin's subtree. Nobody revokes their own grant."""
    from gonghui.accounts.models import RoleGrant

    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("union").filter(pk=grant.pk).first()
        if grant is None or not jurisdiction.has_action(actor, "manage_grants", grant.union.path):
            raise NotFound()
        if grant.user_id == getattr(actor, "pk", None):
            raise Conflict(_("不能撤销自己的授权，请联系上级管理员。"), code="grant_self")
        audit_record(
            actor=actor, action="role_grant.revoke", target=grant,
            data={"user": grant.user_id, "union": grant.union_id, "role": grant.role},
        )
        grant.delete()


def union_printed_cards_set(*, union: Union, allowed: bool, actor: Any) -> Union:
    """Allow (or stop) the fixed QR of printed member cards for `union` and its subtree."""
    if not jurisdiction.has_action(actor, "change", union.path):
        raise NotFound()
    with transaction.atomic():
        locked = Union.objects.select_for_update().get(pk=union.pk)
        if locked.printed_cards_allowed != allowed:
            locked.printed_cards_allowed = allowed
            locked.save(update_fields=["printed_cards_allowed"])
            audit_record(actor=actor, action="union.printed_cards", target=locked, data={"allowed": allowed})
    return locked
