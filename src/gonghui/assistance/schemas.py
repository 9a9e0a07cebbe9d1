"""API schemas of the fund ledger. Money is integer fen in every field named `*_fen`."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .models import FundSource

AmountFen = Field(..., gt=0, le=1_000_000_000_000, description="金额（分），1 到 1000000000000")
SOURCE_DESCRIPTION = "资金来源：" + ", ".join(f"{v}（{label}）" for v, label in FundSource.choices)


class FundAccountOut(Schema):
    id: int
    union_id: int
    union_name: str
    source: str
    source_label: str
    kind: str
    kind_label: str
    allow_negative: bool
    balance_fen: int


class AccountsOpenIn(Schema):
    union_id: int
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)


class LegOut(Schema):
    account_id: int
    union_name: str
    kind: str
    amount_fen: int = Field(..., description="借方为正，贷方为负")


class LedgerTransactionOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    union_id: int
    union_name: str
    counterparty_id: int | None
    booked_on: dt.date
    amount_fen: int
    memo: str
    payee_name: str
    reverses_id: int | None
    reversed_by_id: int | None
    refund_of_id: int | None
    legs: list[LegOut]


class ReceiptIn(Schema):
    union_id: int
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)
    amount_fen: int = AmountFen
    memo: str = Field(..., min_length=1, max_length=200)
    booked_on: dt.date | None = None


class AllocationIn(ReceiptIn):
    to_union_id: int


class DisbursementIn(ReceiptIn):
    payee_name: str = Field(..., min_length=1, max_length=60)


class RefundIn(Schema):
    amount_fen: int = AmountFen
    memo: str = Field(..., min_length=1, max_length=200)
    booked_on: dt.date | None = None


class ReversalIn(Schema):
    reason: str = Field(..., min_length=1, max_length=150)
    booked_on: dt.date | None = None


class PeriodCloseIn(Schema):
    union_id: int
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="会计期间，YYYY-MM")


class PeriodOut(Schema):
    union_id: int
    union_name: str
    month: str
    closed_at: dt.datetime


class BalanceOut(Schema):
    source: str
    source_label: str
    available_fen: int
    payable_fen: int
    funds_fen: int
    spent_fen: int
    received_fen: int


class StatementRowOut(Schema):
    label: str
    source: str
    opening_fen: int
    receipts_fen: int
    allocations_fen: int = Field(..., description="上级拨入减下拨给本范围以外的净额")
    spent_fen: int
    refunds_fen: int
    closing_fen: int


class StatementOut(Schema):
    union_id: int
    union_name: str
    month_from: str
    month_to: str
    subtree: bool
    rows: list[StatementRowOut]
    total: StatementRowOut
    children: list[StatementRowOut]


# --- payouts ----------------------------------------------------------------------------------


class PayoutIn(Schema):
    union_id: int
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)
    amount_fen: int = AmountFen
    payee_name: str = Field(..., min_length=1, max_length=60)
    bank_account: str = Field(..., min_length=8, max_length=40, description="收款银行账号（8–30 位数字）")
    bank_name: str = Field("", max_length=60)
    memo: str = Field(..., min_length=1, max_length=200)
    idempotency_key: str = Field(..., min_length=1, max_length=200,
                                 description="幂等键：同一个键重复或并发提交只产生一笔代发")


class PayoutOut(Schema):
    id: int
    union_id: int
    union_name: str
    source: str
    amount_fen: int
    payee_name: str
    bank_account_masked: str
    bank_name: str
    memo: str
    status: str
    status_label: str
    failure_reason: str
    failures: int
    paid_on: dt.date | None
    created_at: dt.datetime


class PayoutRevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class PayoutRevealOut(Schema):
    bank_account: str


class PaymentBatchIn(Schema):
    union_id: int
    payout_ids: list[int] | None = Field(None, max_length=100_000, description="不填则发送该工会全部待发放记录")


class PaymentLineOut(Schema):
    seq: int
    reference: str
    payout_id: int
    payee_name: str
    bank_account_masked: str
    amount_fen: int
    result: str
    bank_reason: str


class PaymentBatchOut(Schema):
    id: int
    number: str
    union_id: int
    status: str
    count: int
    total_fen: int
    created_at: dt.datetime


class PaymentReturnOut(Schema):
    batch_id: int
    new_file: bool
    paid: int
    failed: int
    unchanged: int


# --- hardship files ---------------------------------------------------------------------------


class HouseholdMember(Schema):
    name: str = Field(..., max_length=50)
    relation: str = Field(..., max_length=20)
    age: int | None = Field(None, ge=0, le=120)


class HardshipApplyIn(Schema):
    household: list[HouseholdMember] = Field(default_factory=list, max_length=12, description="家庭成员（不含本人）")
    monthly_income_fen: int = Field(..., ge=0, le=100_000_000, description="全家每月总收入（分）")
    cause: str = Field(..., max_length=16)
    cause_note: str = Field(..., min_length=1, max_length=2000)


class HardshipFileOut(Schema):
    id: int
    union_id: int
    union_name: str
    name: str
    id_number_masked: str
    household: list[HouseholdMember]
    household_size: int
    monthly_income_fen: int
    cause: str
    cause_label: str
    status: str
    status_label: str
    due_on: dt.date | None
    visited_on: dt.date | None
    grade: str
    grade_label: str
    per_capita_income_fen: int | None
    approved_on: dt.date | None
    review_due: dt.date | None
    closed_reason: str
    appeal_union_name: str = Field("", description="复核工会（不予建档或退档后申请复核时）")
    appeal_reason: str = ""
    appeal_requested_on: dt.date | None = None
    appeal_due: dt.date | None = None
    appeal_outcome: str = Field("", description="upheld（维持原决定）/ overturned（撤销原决定）/ 空：待复核或未申请")
    appeal_note: str = ""
    appeal_decided_on: dt.date | None = None
    notice_from: dt.date | None = Field(None, description="公示开始日期")
    notice_until: dt.date | None = Field(None, description="公示截止日期（含当日；次日起可审批）")


class HardshipObjectionOut(Schema):
    id: int
    file_id: int
    text: str
    at: dt.datetime
    answer: str = Field("", description="工会的核实答复；空：未答复（未答复时不能审批）")
    answered_at: dt.datetime | None = None


class HardshipObjectionAnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=1000)


class HardshipNoticeOut(Schema):
    id: int
    name_masked: str = Field(..., description="姓名（脱敏，如 张*）；不含身份证号、电话")
    union_name: str
    grade_label: str
    notice_until: dt.date


class HardshipVerifyIn(Schema):
    visited_on: dt.date
    findings: str = Field(..., min_length=1, max_length=2000)
    monthly_income_fen: int | None = Field(None, ge=0, le=100_000_000)
    household_size: int | None = Field(None, ge=1, le=13)


class HardshipReviewIn(Schema):
    reviewed_on: dt.date
    findings: str = Field(..., min_length=1, max_length=2000)
    monthly_income_fen: int | None = Field(None, ge=0, le=100_000_000)
    household_size: int | None = Field(None, ge=1, le=13)


class HardshipReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class HardshipNoteIn(Schema):
    note: str = Field("", max_length=500)


class HardshipLookupIn(Schema):
    id_number: str = Field(..., min_length=15, max_length=18)


class HardshipLookupOut(Schema):
    found: str = Field(..., description="none（未建档）、mine（本辖区建档，见 file_id）、elsewhere（已在其他工会建档）")
    file_id: int | None
    union_name: str


class HardshipStandardIn(Schema):
    region: str = Field(..., min_length=6, max_length=6)
    year: int = Field(..., ge=2000, le=2100)
    low_income_line_fen: int = Field(..., gt=0, le=10_000_000, description="城乡低保标准（分/人·月）")
    hardship_permille: int = Field(1500, ge=1000, le=5000, description="困难标准为低保标准的倍数（‰，1500 即 1.5 倍）")
    required_documents: list[str] = Field(default_factory=list, description="建档申请必须提交的材料（名称，最多 8 种）")


class HardshipStandardOut(Schema):
    region: str
    year: int
    low_income_line_fen: int
    hardship_permille: int
    hardship_line_fen: int
    required_documents: list[str] = []


# --- grants -----------------------------------------------------------------------------------


class GrantProgramIn(Schema):
    union_id: int
    name: str = Field(..., min_length=1, max_length=100)
    kind: str = Field(..., max_length=12)
    source: str = Field(..., max_length=16, description=SOURCE_DESCRIPTION)
    min_amount_fen: int = Field(..., gt=0)
    max_amount_fen: int = Field(..., gt=0)
    yearly_cap_fen: int = Field(6000_00, gt=0, description="每人每年上限（分），默认 6000 元")
    eligible_grades: list[str] = Field(default_factory=list, max_length=3, description="deep、relative、accident；空为不限")
    notice_days: int = Field(5, ge=1, le=30)
    approval_threshold_fen: int = Field(3000_00, ge=0, description="超过此金额由上级工会审批")
    required_documents: list[str] = Field(default_factory=list, max_length=8, description="所需材料名称，如“录取通知书”")


class GrantProgramOut(Schema):
    id: int
    union_id: int
    union_name: str
    name: str
    kind: str
    source: str
    min_amount_fen: int
    max_amount_fen: int
    yearly_cap_fen: int
    eligible_grades: list[str]
    notice_days: int
    approval_threshold_fen: int
    required_documents: list[str]
    active: bool


class StudentIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=15, max_length=18)
    level: str = Field(..., description="new_undergraduate、new_college、undergraduate、college")
    school: str = Field(..., min_length=1, max_length=100)


class GrantApplyIn(Schema):
    program_id: int
    amount_fen: int = Field(0, ge=0, le=100_000_000, description="金秋助学按资助标准，可填 0")
    student: StudentIn | None = Field(None, description="金秋助学：学生信息")
    reason: str = Field(..., min_length=1, max_length=2000)
    bank_account: str = Field(..., min_length=8, max_length=40)
    bank_name: str = Field("", max_length=60)


class GrantOnBehalfIn(GrantApplyIn):
    id_number: str = Field(..., min_length=15, max_length=18, description="职工（会员）身份证号")


class GrantReviewRequestIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class GrantReviewDecideIn(Schema):
    outcome: str = Field(..., description="upheld（维持）或 overturned（撤销原决定，重新办理）")
    note: str = Field(..., min_length=1, max_length=1000)


class EducationTierIn(Schema):
    region: str = Field(..., min_length=6, max_length=6)
    year: int = Field(..., ge=2000, le=2100)
    level: str
    amount_fen: int = Field(..., gt=0, le=100_000_00)


class EducationTierOut(Schema):
    region: str
    year: int
    level: str
    level_label: str
    amount_fen: int


class GrantOut(Schema):
    id: int
    program_id: int
    program_name: str
    name: str
    filed_by_staff: bool
    student_name: str
    academic_year: int | None
    documents: list[str]
    review_status: str = Field(..., description="空、requested、upheld、overturned")
    review_note: str
    amount_fen: int
    status: str
    status_label: str
    union_name: str
    approving_union_name: str
    holder_name: str
    due_on: dt.date | None
    notice_from: dt.date | None
    notice_until: dt.date | None
    decision: str
    rejection_reason: str
    payout_status: str
    objections: int


class GrantNoteIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000)


class GrantApproveIn(Schema):
    decision: str = Field(..., min_length=1, max_length=2000, description="会议决定（如主席办公会决定）")
    decided_on: dt.date


class GrantNoticeOut(Schema):
    id: int
    name_masked: str
    kind_label: str
    program_name: str
    union_name: str
    amount_fen: int
    notice_until: dt.date


class AssistanceSchoolResultOut(Schema):
    name_masked: str = Field(..., description="职工姓名（脱敏，如 张*）")
    student_name_masked: str = Field(..., description="学生姓名（脱敏）")
    union_name: str
    level: str
    level_label: str
    academic_year: int
    amount_fen: int
    decided_on: dt.date | None


class ObjectionIn(Schema):
    text: str = Field(..., min_length=1, max_length=1000)
