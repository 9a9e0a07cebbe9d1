"""API shapes of the bargaining module. Amounts are decimal text with an ISO 4217 code; the
server stores them in the currency's minor unit."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class UnitIn(Schema):
    union_id: int
    kind: str = Field(description="enterprise / sector / regional / platform")
    name: str = Field(max_length=120)
    employer_id: int | None = None
    employer_ids: list[int] = Field(default_factory=list, max_length=500)
    sector: str = Field("", max_length=60)
    employer_party: str = Field(max_length=150)
    union_chief: str = Field(max_length=50)
    employer_chief: str = Field(max_length=50)
    union_representatives: str = Field("", max_length=2000)
    employer_representatives: str = Field("", max_length=2000)
    workers_covered: int = Field(ge=1, le=10_000_000)
    members_covered: int = Field(ge=0, le=10_000_000)


class UnitOut(Schema):
    id: int
    union_id: int
    kind: str
    name: str
    employer_id: int | None
    employer_ids: list[int]
    employer_party: str
    union_chief: str
    employer_chief: str
    workers_covered: int
    members_covered: int


class OfferIn(Schema):
    topics: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    sent_on: dt.date | None = None
    recipient: str = Field("", max_length=150)
    from_side: str = "union"


class OfferOut(Schema):
    id: int
    unit_id: int
    number: str
    status: str
    from_side: str
    recipient: str
    topics: str
    sent_on: dt.date
    received_on: dt.date | None
    answer_due: dt.date | None
    answer_due_provisional: bool
    answered_on: dt.date | None
    answer: str
    escalation_case_id: int | None


class OfferReceiptIn(Schema):
    received_on: dt.date


class AnswerIn(Schema):
    accepted: bool
    answered_on: dt.date
    answer: str = Field(max_length=5000)


class EscalateIn(Schema):
    note: str = Field("", max_length=1000)


class CaseRefOut(Schema):
    case_id: int
    number: str


class RoundOut(Schema):
    id: int
    number: int
    held_on: dt.date
    place: str
    attendees: str
    union_position: str
    employer_position: str
    agreed_points: str
    has_minutes: bool


class TermsSchema(Schema):
    wage_adjustment_pct: str = Field("", max_length=12, description="e.g. 5.5 for +5.5 %")
    min_pay_amount: str = Field("", max_length=20, description="decimal text in the currency's major unit, e.g. 293")
    min_pay_currency: str = Field("", max_length=8, description="ISO 4217 code: CNY, USD …")
    min_pay_period: str = Field("", description="hour / day / month")
    weekly_hours: int | None = None
    hours_and_rest: str = Field("", max_length=5000)
    leave: str = Field("", max_length=5000)
    safety: str = Field("", max_length=5000)
    women_protection: str = Field("", max_length=5000)
    training: str = Field("", max_length=5000)
    algo_dispatch: str = Field("", max_length=5000)
    algo_pay_rules: str = Field("", max_length=5000)
    algo_penalties: str = Field("", max_length=5000)
    algo_rest_reminders: str = Field("", max_length=5000)
    other_terms: str = Field("", max_length=5000)


class ContractIn(Schema):
    kind: str = "comprehensive"
    title: str = Field(max_length=120)
    starts_on: dt.date
    ends_on: dt.date
    terms: TermsSchema
    note: str = Field("", max_length=200)


class VersionIn(Schema):
    terms: TermsSchema
    note: str = Field("", max_length=200)


class VersionOut(Schema):
    number: int
    note: str
    wage_adjustment_pct: str
    min_pay_minor: int | None
    min_pay_currency: str
    min_pay_period: str
    min_pay_text: str
    weekly_hours: int | None


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str
    change_pct: str | None


class ContractOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    signed_on: dt.date | None
    filing_due: dt.date | None
    filed_on: dt.date | None
    review_due: dt.date | None
    in_force_on: dt.date | None
    objection: str
    versions: list[VersionOut]
    changes: list[list[ChangeOut]]


class VoteIn(Schema):
    body: str = "congress"
    held_on: dt.date
    total: int = Field(ge=1, le=1_000_000)
    present: int = Field(ge=0, le=1_000_000)
    in_favour: int = Field(ge=0, le=1_000_000)
    against: int = Field(ge=0, le=1_000_000)
    abstained: int = Field(ge=0, le=1_000_000)


class VoteOut(Schema):
    id: int
    total: int
    present: int
    in_favour: int
    quorum_met: bool
    adopted: bool


class SignIn(Schema):
    signed_on: dt.date


class FileIn(Schema):
    filed_on: dt.date
    labour_department: str = Field(max_length=120)


class ContractObjectionIn(Schema):
    objection: str = Field(max_length=5000)


class PayRowOut(Schema):
    contract_id: int
    title: str
    amount_minor: int
    currency: str
    text: str


class MyContractOut(Schema):
    id: int
    title: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    in_force_on: dt.date | None
    min_pay_text: str
    wage_adjustment_pct: str


class InspectionIn(Schema):
    union_id: int
    employer_id: int
    inspected_on: dt.date
    inspectors: str = Field(max_length=200)
    findings: str = Field("", max_length=5000)
    checklist_id: int | None = None
    results: dict[str, str] = Field(default_factory=dict)


class InspectionOut(Schema):
    id: int
    union_id: int
    employer_id: int
    inspected_on: dt.date
    inspectors: str
    findings: str
    hazard_ids: list[int]


class HazardIn(Schema):
    description: str = Field(max_length=2000)
    severity: str = "general"
    rectify_days: int = Field(ge=1, le=180)
    location: str = Field("", max_length=120)


class HazardOut(Schema):
    id: int
    union_id: int
    source: str
    status: str
    severity: str
    description: str
    employer_name: str
    found_on: dt.date
    rectify_due: dt.date | None
    rectified_on: dt.date | None
    reinspected_on: dt.date | None
    anonymous: bool
    escalation_case_id: int | None
    escalation_letter_id: int | None


class RectifyIn(Schema):
    rectified_on: dt.date
    rectification: str = Field(max_length=2000)


class ReinspectIn(Schema):
    reinspected_on: dt.date
    passed: bool
    note: str = Field(max_length=2000)
    rectify_days: int = Field(0, ge=0, le=180)


class WorkerHazardIn(Schema):
    description: str = Field(max_length=2000)
    employer_name: str = Field(max_length=150)
    location: str = Field("", max_length=120)
    anonymous: bool = False


class WorkerHazardOut(Schema):
    id: int
    status: str
    anonymous: bool


class SafetyCountsOut(Schema):
    inspections: int
    hazards: int
    rectified_on_time: int
    rectified_late: int
    overdue: int


# --- uploads and the employer's own account -------------------------------------------------


class BargainingPhotoOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str


class BargainingEmployerOfferOut(Schema):
    id: int
    number: str
    union_name: str
    topics: str
    body: str
    sent_on: dt.date
    received_on: dt.date | None
    answer_due: dt.date | None
    status: str
    answered_on: dt.date | None
    answer: str


class BargainingEmployerAnswerIn(Schema):
    received_on: dt.date | None = Field(None, description="本单位收到要约的日期（工会尚未登记时必填）")
    accepted: bool
    answered_on: dt.date
    answer: str = Field(max_length=5000)


class BargainingEmployerHazardOut(Schema):
    id: int
    status: str
    severity: str
    description: str
    location: str
    found_on: dt.date
    rectify_due: dt.date | None
    rectified_on: dt.date | None
    rectification: str
    reinspection_note: str


class BargainingRoundIn(Schema):
    """A round as multipart form fields (the minutes file beside them). Missing fields are
    refused by the service in words, after the unit is looked up (another branch: 404)."""

    held_on: dt.date | None = None
    attendees: str = Field("", max_length=2000)
    place: str = Field("", max_length=120)
    union_position: str = Field("", max_length=5000)
    employer_position: str = Field("", max_length=5000)
    agreed_points: str = Field("", max_length=5000)


class BargainingWorkerReportForm(Schema):
    """A worker's hazard report as multipart form fields (photos beside them)."""

    employer_name: str = Field(max_length=150)
    description: str = Field(max_length=2000)
    location: str = Field("", max_length=120)
    anonymous: bool = False


class BargainingRectifyForm(Schema):
    rectified_on: dt.date | None = None
    rectification: str = Field("", max_length=2000)
