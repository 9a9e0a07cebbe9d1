from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class JobsPostingIn(Schema):
    """A partner's posting. Pay in fen (整数分); `pay_unit` month or hour."""

    employer_uscc: str = Field(min_length=18, max_length=18)
    union_id: int
    title: str = Field(min_length=1, max_length=40)
    trade: str = Field(max_length=16)
    region_code: str = Field(min_length=6, max_length=6)
    address: str = Field(default="", max_length=120)
    pay_min: int = Field(ge=1, le=1_000_000_000)
    pay_max: int = Field(ge=1, le=1_000_000_000)
    pay_unit: str = Field(default="month", max_length=6)
    hours: str = Field(min_length=1, max_length=60)
    contract: str = Field(default="labour", max_length=12)
    requirements: str = Field(default="", max_length=1000)
    skills: list[str] = Field(default_factory=list, max_length=10)
    openings: int = Field(ge=1, le=10_000)
    closes_on: dt.date


class JobsFlagOut(Schema):
    rule: str
    severity: str
    text: str
    explanation: str


class JobsPostingOut(Schema):
    id: int
    title: str
    employer: str
    trade: str
    region_code: str
    region: str
    pay_min: int
    pay_max: int
    pay_unit: str
    hours: str
    contract: str
    requirements: str
    skills: list[str]
    openings: int
    closes_on: dt.date
    status: str
    status_label: str
    flags: list[JobsFlagOut]
    published_at: dt.datetime | None = None


class JobSuggestionOut(Schema):
    posting: JobsPostingOut
    score: int
    reasons: list[str]
    parts: dict[str, float]


class JobApplicationOut(Schema):
    id: int
    posting_id: int
    title: str
    employer: str
    stage: str
    stage_label: str
    created_at: dt.datetime
    stage_changed_at: dt.datetime


class JobsPlacementOut(Schema):
    id: int
    employer: str
    employer_uscc: str
    posting_id: int | None = None
    started_on: dt.date
    due_3m: dt.date
    due_6m: dt.date
    status_3m: str
    status_6m: str


class JobsPostingEditIn(Schema):
    """A posting's new terms (all of them, as when posting). Pay in fen."""

    title: str = Field(min_length=1, max_length=40)
    trade: str = Field(max_length=16)
    region_code: str = Field(min_length=6, max_length=6)
    address: str = Field(default="", max_length=120)
    pay_min: int = Field(ge=1, le=1_000_000_000)
    pay_max: int = Field(ge=1, le=1_000_000_000)
    pay_unit: str = Field(default="month", max_length=6)
    hours: str = Field(min_length=1, max_length=60)
    contract: str = Field(default="labour", max_length=12)
    requirements: str = Field(default="", max_length=1000)
    skills: list[str] = Field(default_factory=list, max_length=10)
    openings: int = Field(ge=1, le=10_000)
    closes_on: dt.date


class JobsCertificateOut(Schema):
    serial: str
    course: str
    trade: str
    level: str
    issued_on: dt.date


class JobsApplicantOut(Schema):
    """An applicant as the recruiter sees them: the seeker sent them their name and phone."""

    id: int
    posting_id: int
    name: str
    phone: str
    region: str
    trades: list[str]
    skills: list[str]
    certificates: list[JobsCertificateOut]
    stage: str
    stage_label: str
    next_stages: list[str]
    created_at: dt.datetime
    stage_changed_at: dt.datetime


class JobsStageIn(Schema):
    stage: str = Field(max_length=10)
    note: str = Field(default="", max_length=200)
    started_on: dt.date | None = None


class JobsCloseIn(Schema):
    filled: bool = True


class JobsFairBoothOut(Schema):
    number: str
    employer: str
    posting_ids: list[int]


class JobsFairOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    place: str
    starts_on: dt.date
    ends_on: dt.date
    union: str
    booths: list[JobsFairBoothOut] = []


class JobsFairRegistrationOut(Schema):
    fair_id: int
    token: str
    checked_in_at: dt.datetime | None = None


class JobsCheckinIn(Schema):
    token: str = Field(min_length=1, max_length=32)


class JobsFairSummaryOut(Schema):
    booths: int
    registered: int
    checked_in: int
    applications: int
    interviews: int
    offers: int
    hired: int


class JobsTrainingOrderIn(Schema):
    """订单式培训: an employer's demand turned into a class. `course_id`: a published skills-module
    course whose certificate proves completion (omit for an offline course); `posting_id`: the
    employer's posting the trainees will be hired into (optional)."""

    union_id: int
    employer_id: int
    name: str = Field(min_length=1, max_length=60)
    trade: str = Field(max_length=16)
    demand: int = Field(ge=1, le=10_000)
    seats: int = Field(ge=1, le=10_000)
    starts_on: dt.date
    ends_on: dt.date
    teacher: str = Field(min_length=1, max_length=60)
    place: str = Field(default="", max_length=120)
    course_id: int | None = None
    posting_id: int | None = None


class JobsTrainingEnrolmentOut(Schema):
    id: int
    training_order_id: int
    seeker_id: int
    seeker: str
    status: str
    status_label: str
    completed_on: dt.date | None = None
    certificate_serial: str = ""
    placement_id: int | None = None


class JobsTrainingOrderOut(Schema):
    id: int
    union: str
    employer: str
    posting_id: int | None = None
    name: str
    trade: str
    demand: int
    seats: int
    starts_on: dt.date
    ends_on: dt.date
    place: str
    teacher: str
    course: str = ""
    status: str
    status_label: str
    enrolled: int
    completed: int
    placed: int


class JobsTrainingOrderDetailOut(JobsTrainingOrderOut):
    enrolments: list[JobsTrainingEnrolmentOut]


class JobsTrainingEnrolIn(Schema):
    seeker_id: int
