"""Request and response shapes for the orgs API."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

# --- public lookups (join form) ----------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    level: str


class EmployerPublicOut(Schema):
    """What the join form shows about an employer: no headcount or internal data."""

    id: int
    name: str
    uscc: str
    region_name: str
    has_union: bool
    union_id: int | None = None
    union_name: str = ""


class FederationPublicOut(Schema):
    id: int
    name: str
    region_code: str | None = None
    region_name: str = ""


# --- staff (jurisdiction-scoped) ---------------------------------------------------------


class UnionOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    parent_id: int | None = None
    region_code: str | None = None
    region_name: str = ""
    employer_id: int | None = None
    path: str
    depth: int


class UnionChildIn(Schema):
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20)
    region_code: str = Field(default="", max_length=6)
    employer_id: int | None = None


class EmployerOut(Schema):
    id: int
    uscc: str
    name: str
    ownership: str
    industry: str = ""
    region_code: str
    region_name: str
    address: str = ""
    headcount: int
    is_platform: bool
    union_id: int | None = None
    union_name: str = ""


class EmployerIn(Schema):
    uscc: str = Field(max_length=30)
    name: str = Field(max_length=150)
    region_code: str = Field(max_length=6)
    ownership: str = Field(default="private", max_length=12)
    industry: str = Field(default="", max_length=60)
    address: str = Field(default="", max_length=200)
    headcount: int = Field(default=0, ge=0, le=10_000_000)
    is_platform: bool = False
