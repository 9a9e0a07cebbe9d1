"""Request and response shapes for the members and cards API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

# --- worker (member app) ------------------------------------------------------------------


class ApplicationIn(Schema):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=30)
    phone: str = Field(default="", max_length=20)
    employment_form: str = Field(max_length=12)
    new_form_kind: str = Field(default="", max_length=14)
    is_migrant_worker: bool = False
    employer_id: int | None = None
    union_id: int | None = None


class MembershipApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    union_id: int
    union_name: str
    employer_name: str = ""
    employment_form: str
    new_form_kind: str = ""
    is_migrant_worker: bool
    decision_reason: str = ""
    submitted_at: dt.datetime
    decided_at: dt.datetime | None = None


class PersonSelfOut(Schema):
    name: str
    id_number_masked: str
    phone_masked: str
    gender: str
    employment_form: str
    new_form_kind: str = ""
    is_migrant_worker: bool


class MembershipSelfOut(Schema):
    number: str
    status: str
    status_label: str
    union_id: int
    union_name: str
    employer_name: str = ""
    joined_on: dt.date


class MembershipTransferIn(Schema):
    employer_id: int | None = None
    union_id: int | None = None
    reason: str = Field(default="", max_length=300)


class TransferOut(Schema):
    id: int
    status: str
    status_label: str
    from_union_name: str
    to_union_name: str
    to_employer_name: str = ""
    note: str = ""
    requested_at: dt.datetime


class MeOut(Schema):
    person: PersonSelfOut | None = None
    membership: MembershipSelfOut | None = None
    applications: list[MembershipApplicationOut]
    transfers: list[TransferOut]


# --- e-member cards -------------------------------------------------------------------------


class CardOut(Schema):
    serial: str
    member_number: str
    name: str
    union_name: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    token: str = Field(description="动态二维码令牌，每60秒更换；请在 refresh_in 秒后重新获取")
    token_kind: str = "dynamic"  # noqa: S105 - a label, not a secret
    refresh_in: int = Field(description="距下次更换的秒数")
    verify_url: str


class CardVerifyIn(Schema):
    token: str = Field(max_length=500)


class CardVerifyOut(Schema):
    """What anyone scanning a card learns: no name, ID number or phone."""

    status: str = Field(description="valid 有效 / revoked 已注销 / expired 已过期 / invalid 无效 / "
                              "stale 动态二维码已过期（如截图） / printed_not_allowed 该工会不认印制卡")
    kind: str = Field("", description="核验的二维码类型：dynamic 动态（会员卡页面）/ printed 印制卡固定码")
    union_name: str = ""
    expires_at: dt.datetime | None = None
    serial_tail: str = ""


# --- staff (console API): people are shown masked; reveal is a separate, audited call -----


class StaffApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    person_id: int
    person_name: str
    id_number_masked: str
    phone_masked: str
    union_id: int
    union_name: str
    employer_id: int | None = None
    employer_name: str = ""
    employment_form: str
    new_form_kind: str = ""
    is_migrant_worker: bool
    decision_reason: str = ""
    submitted_at: dt.datetime
    decided_at: dt.datetime | None = None


class ApproveIn(Schema):
    note: str = Field(default="", max_length=300)


class ReasonIn(Schema):
    reason: str = Field(default="", max_length=300)


class MemberNoteIn(Schema):
    note: str = Field(default="", max_length=300)


class StaffCardOut(Schema):
    id: int
    serial: str
    membership_id: int
    issued_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoke_reason: str = ""


class StaffMembershipOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    person_id: int
    union_id: int
    union_name: str
    employer_name: str = ""
    joined_on: dt.date
    ended_on: dt.date | None = None
    end_reason: str = ""
    source: str
    cards: list[StaffCardOut] = []


class StaffPersonOut(Schema):
    id: int
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str
    employer_name: str = ""
    employment_form: str
    new_form_kind: str = ""
    is_migrant_worker: bool
    member_number: str = ""
    union_name: str = ""


class StaffPersonDetailOut(StaffPersonOut):
    memberships: list[StaffMembershipOut]


class RevealIn(Schema):
    field: str = Field(max_length=20)
    reason: str = Field(default="", max_length=300)


class RevealOut(Schema):
    field: str
    value: str


class StaffTransferIn(Schema):
    membership_id: int
    to_union_id: int
    to_employer_id: int | None = None
    reason: str = Field(default="", max_length=300)


class StaffTransferOut(Schema):
    id: int
    status: str
    status_label: str
    membership_id: int
    person_id: int
    person_name: str
    from_union_id: int
    from_union_name: str
    to_union_id: int
    to_union_name: str
    to_employer_name: str = ""
    reason: str = ""
    note: str = ""
    requested_at: dt.datetime
    released_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    new_membership_id: int | None = None
