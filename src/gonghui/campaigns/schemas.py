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
