"""Request and response shapes for the cases API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from ninja import Schema
from pydantic import Field

from .models import Case, CaseEvent, Category, Status

# Plain dicts: `get_FOO_display()` hashes lazy strings on every call, which shows up in lists.
CATEGORY_LABELS = dict(Category.choices)
STATUS_LABELS = dict(Status.choices)


class CaseIn(Schema):
    """A new case. Partners (12351 call-centre software) send the caller's phone and name;
    a signed-in worker may leave them out."""

    category: str
    description: str = Field(max_length=2000)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=20)
    employer_id: int | None = None
    employer_name: str = Field("", max_length=150)
    region_code: str = Field("", max_length=6)
    place: str = Field("", max_length=200)
    amount_fen: int = Field(0, ge=0)
    people_count: int = Field(1, ge=1, le=100000)
    is_new_form: bool = False
    employer_may_know_name: bool = False
    union_id: int | None = None


class LegalAidApplicationIn(Schema):
    """A worker's legal-aid application with the eligibility declaration (see docs/cases.md,
    "Legal aid: who is eligible"). Choices: `dispute_type` wages | contract | social_insurance
    | work_injury | hours | other_labour | not_labour; `hardship` hardship | migrant | serious |
    none; `stage` not_started | arbitration | litigation; `documents` any of id,
    hardship_proof, dispute, case_papers."""

    description: str = Field(max_length=2000)
    dispute_type: str
    hardship: str
    household_income_yuan: int | None = Field(None, ge=0, le=1_000_000)
    stage: str
    case_reference: str = Field("", max_length=60)
    has_lawyer: bool = False
    documents: list[str] = Field(default_factory=list, max_length=10)
    declared: bool = False
    employer_id: int | None = None
    employer_name: str = Field("", max_length=150)
    region_code: str = Field("", max_length=6)
    place: str = Field("", max_length=200)


class CaseOut(Schema):
    id: int
    number: str
    channel: str
    category: str
    category_label: str
    status: str
    status_label: str
    union_id: int
    union_name: str
    employer_name: str
    region_code: str | None
    amount_fen: int
    people_count: int
    recovered_fen: int
    people_paid: int
    outcome: str
    accept_due: dt.date
    resolve_due: dt.date | None
    due_on: dt.date
    rating: str
    created_at: dt.datetime

    @staticmethod
    def from_case(case: Case) -> dict[str, Any]:
        """A plain dict (ninja validates the response once; building a schema here would
        validate every row twice)."""
        return {
            "id": case.pk, "number": case.number, "channel": case.channel, "category": case.category,
            "category_label": str(CATEGORY_LABELS.get(case.category, case.category)), "status": case.status,
            "status_label": str(STATUS_LABELS.get(case.status, case.status)), "union_id": case.union_id,
            "union_name": case.union.name, "employer_name": case.employer_name, "region_code": case.region_id,
            "amount_fen": case.amount_fen, "people_count": case.people_count, "recovered_fen": case.recovered_fen,
            "people_paid": case.people_paid, "outcome": case.outcome, "accept_due": case.accept_due,
            "resolve_due": case.resolve_due, "due_on": case.due_on, "rating": case.rating,
            "created_at": case.created_at,
        }


# The fields of CaseOut read straight from the database for list pages, in CaseOut's order.
CASE_LIST_FIELDS = (
    "id", "number", "channel", "category", "status", "union_id", "union__name", "employer_name", "region_id",
    "amount_fen", "people_count", "recovered_fen", "people_paid", "outcome", "accept_due", "resolve_due",
    "due_on", "rating", "created_at",
)


def case_rows_json(rows: Iterable[dict[str, Any]]) -> bytes:
    """CaseOut items as a JSON array, from `.values(*CASE_LIST_FIELDS)` rows: a queue page of
    50 cases without building 100 model instances and validating 50 schemas (tests hold the
    output to CaseOut)."""
    categories = {code: str(label) for code, label in CATEGORY_LABELS.items()}
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    items = []
    for row in rows:
        item = dict(row)
        item["category_label"] = categories.get(row["category"], row["category"])
        item["status_label"] = statuses.get(row["status"], row["status"])
        item["union_name"] = item.pop("union__name")
        item["region_code"] = item.pop("region_id")
        items.append(item)
    return json.dumps(items, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


class EventOut(Schema):
    kind: str
    at: dt.datetime
    actor: str
    body: str
    is_public: bool
    from_status: str
    to_status: str

    @staticmethod
    def from_event(event: CaseEvent) -> EventOut:
        return EventOut(kind=event.kind, at=event.at, actor=event.actor_label, body=event.body,
                        is_public=event.is_public, from_status=event.from_status, to_status=event.to_status)


class CaseDetailOut(Schema):
    case: CaseOut
    reporter_name: str
    reporter_phone_masked: str
    employer_may_know_name: bool
    description: str
    assignee: str
    timeline: list[EventOut]


class WorkerCaseOut(Schema):
    case: CaseOut
    description: str
    timeline: list[EventOut]


class NoteIn(Schema):
    body: str = Field(max_length=2000)
    public: bool = False


class TextIn(Schema):
    text: str = Field(max_length=5000)


class TransferIn(Schema):
    to_union_id: int
    reason: str = Field(max_length=500)


class AssignIn(Schema):
    assignee_id: int


class ResolveIn(Schema):
    outcome: str = Field(max_length=2000)
    recovered_fen: int = Field(0, ge=0)
    people_paid: int = Field(0, ge=0)


class RateIn(Schema):
    rating: str
    comment: str = Field("", max_length=500)


class SuperviseIn(Schema):
    note: str = Field(max_length=500)
    due_on: dt.date


class SuperviseOut(Schema):
    id: int
    by_union_id: int
    due_on: dt.date


class SuggestionOut(Schema):
    category: str | None
    label: str
    confidence: float
    ranked: list[tuple[str, float]]


class DuplicateOut(Schema):
    number: str
    status: str
    union_name: str
    created_at: dt.datetime


class StatsOut(Schema):
    total: int
    by_channel: dict[str, int]
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_union_kind: dict[str, int]
    resolved: int
    on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    amount_fen: int
    recovered_fen: int
    people_paid: int


class LawyerOut(Schema):
    id: int
    name: str
    kind: str
    firm: str
    specialities: str
    union_id: int


class LegalAidIn(Schema):
    eligible: bool
    reason: str = Field(max_length=500)
    lawyer_id: int | None = None


class MediationIn(Schema):
    applicant: str = Field(max_length=120)
    respondent: str = Field(max_length=150)
    mediator_id: int | None = None
    claim_fen: int = Field(0, ge=0)


class MediationSessionIn(Schema):
    held_on: dt.date
    place: str = Field("", max_length=120)
    notes: str = Field("", max_length=5000)


class MediationConcludeIn(Schema):
    outcome: str
    agreement: str = Field("", max_length=5000)
    agreed_fen: int = Field(0, ge=0)
    arbitration_ref: str = Field("", max_length=60)


class MediationOut(Schema):
    id: int
    outcome: str
    agreed_fen: int
    arbitration_ref: str
    sessions: int


class LetterIn(Schema):
    kind: str
    recipient: str = Field(max_length=150)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    response_workdays: int = Field(10, ge=1, le=60)


class LetterOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    recipient: str
    response_due: dt.date | None
    # True while the deadline is counted Monday–Friday (its year's holidays not entered yet).
    response_due_provisional: bool = False
    case_id: int | None


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class NotificationOut(Schema):
    id: int
    case_id: int | None = Field(None, description="关于某件诉求的提醒；其他提醒（站点星级到期等）为空")
    case_number: str | None = None
    link: str = Field("", description="没有诉求的提醒所指向的页面")
    text: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


class NotificationsReadOut(Schema):
    marked: int
    unread: int
