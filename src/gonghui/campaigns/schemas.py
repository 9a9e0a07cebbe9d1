from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class CampaignOut(Schema):
    id: int
    name: str
    union: str
    starts_on: dt.date
    ends_on: dt.date
    steps_goal: int
    rope_goal: int
    plank_goal: int
    draw_time: str


class BoardOut(Schema):
    participants: int
    tasks_done: int
    cards_given: int
    ultimate_cards: int
    winners: list[dict[str, str]]


class StepsIn(Schema):
    steps: int = Field(ge=0, le=1_000_000)


class TaskOut(Schema):
    task: str
    day: dt.date
    counted: bool
    card: str | None = None


class BookEntryOut(Schema):
    kind: str
    held: int


class BookOut(Schema):
    entries: list[BookEntryOut]
    ultimate: int
    can_combine: bool
    today_done: list[str]
    entrant_code: str


class CombineOut(Schema):
    ultimate: int


class ClaimIn(Schema):
    method: str = Field(max_length=10)
    address: str = Field(default="", max_length=200)


class WinnerOut(Schema):
    id: int
    campaign: str
    day: dt.date
    prize: str
    status: str
    status_label: str
    claim_by: dt.datetime


class ActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    union: str
    starts_on: dt.date
    ends_on: dt.date
    daily_quota: int
    points: list[str]


class VoucherOut(Schema):
    id: int
    activity_id: int
    day: dt.date
    code: str
    redeemed: bool
    scanned_at: dt.datetime | None
    point: str | None


class RedemptionIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    point_id: int
    scanned_at: dt.datetime | None = Field(default=None, description="离线扫码的时间（带时区）；在线核销不填")


class RedemptionsIn(Schema):
    scans: list[RedemptionIn] = Field(min_length=1, max_length=500)


class RedemptionOut(Schema):
    code: str
    status: str = Field(description="redeemed 核销成功 / already 已核销过（不重复计数）/ invalid 无效")
    message: str
    voucher_day: dt.date | None


class CampaignSlotOut(Schema):
    id: int
    point: str
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    left: int


class CampaignAppointmentOut(Schema):
    id: int
    activity_id: int
    slot: CampaignSlotOut
    status: str
    status_label: str
