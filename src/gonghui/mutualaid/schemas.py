"""API shapes of medical mutual aid. Money in fen (`*_fen`), ratios in per mille."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class AidRulesIn(Schema):
    waiting_days: int = Field(0, ge=0, le=365, description="新参保等待期（天）；续保无等待期")
    allowance_after_days: int = Field(0, ge=0, le=365, description="住院超过几天起付津贴")
    allowance_per_day: int = Field(0, ge=0, le=1_000_000_000, description="住院津贴每天（分）")
    allowance_stay_cap: int = Field(0, ge=0, le=1_000_000_000, description="每次住院津贴封顶（分），0 为不限")
    allowance_year_cap: int = Field(0, ge=0, le=1_000_000_000, description="住院津贴年度封顶（分）")
    deductible: int = Field(0, ge=0, le=1_000_000_000, description="医疗费用每次起付线（分）")
    reimburse_ratio: dict[str, int] = Field(default_factory=dict, description="医院级别 1/2/3 → 报销比例（千分比）")
    reimburse_year_cap: int = Field(0, ge=0, le=1_000_000_000, description="医疗费用年度封顶（分）")
    disease_amount: int = Field(0, ge=0, le=1_000_000_000, description="重大疾病一次性赔付（分）")
    diseases: list[str] = Field(default_factory=list, max_length=100, description="所列重大疾病")
    accident_amount: int = Field(0, ge=0, le=1_000_000_000, description="意外身故、伤残保额（分）")
    disability_percent: dict[str, int] | None = Field(None, description="伤残等级 1–10 → 保额百分比")
    illness_death_amount: int = Field(0, ge=0, le=1_000_000_000, description="疾病身故金（分）")


class AidTermsIn(Schema):
    price_fen: int = Field(..., ge=1, le=1_000_000_000)
    union_share: int = Field(100, ge=0, le=100, description="工会承担比例（%）")
    min_participation: int = Field(0, ge=0, le=100, description="整体/选择参保最低比例（%）")
    second_approval_above_fen: int = Field(1_000_000, ge=0, le=1_000_000_000, description="超过此金额须第二人复核")
    self_enrol: bool = Field(False, description="新就业形态劳动者可自行参保缴费")
    self_union_share: int = Field(0, ge=0, le=100, description="自行参保的工会补贴比例（%）")
    rules: AidRulesIn


class AidPlanIn(AidTermsIn):
    union_id: int
    name: str = Field(..., min_length=1, max_length=100)
    starts_on: dt.date
    ends_on: dt.date
    source: str = Field(..., max_length=16)


class AidVersionIn(AidTermsIn):
    effective_from: dt.date
    note: str = Field(..., min_length=1, max_length=200)


class AidVersionOut(Schema):
    number: int
    effective_from: dt.date
    price_fen: int
    union_share: int
    min_participation: int
    second_approval_above_fen: int
    self_enrol: bool
    self_union_share: int
    rules: dict


class AidPlanOut(Schema):
    id: int
    name: str
    union_id: int
    union_name: str
    starts_on: dt.date
    ends_on: dt.date
    source: str
    versions: list[AidVersionOut]


class AidEnrolIn(Schema):
    union_id: int
    mode: str = Field(..., description="whole 整体参保 / picked 选择参保 / joiners 期中新增")
    person_ids: list[int] | None = Field(None, max_length=100_000)


class AidEnrolmentOut(Schema):
    id: int
    plan_id: int
    union_id: int
    union_name: str
    mode: str
    count: int
    members_total: int
    premium_fen: int
    union_part_fen: int
    member_part_fen: int
    premium_transaction_id: int | None


class AidCoverageOut(Schema):
    id: int
    plan_id: int
    plan_name: str
    union_name: str
    serial: str
    starts_on: dt.date
    waiting_until: dt.date
    ends_on: dt.date
    renewal: bool
    in_waiting_period: bool
    certificate_token: str


class AidClaimIn(Schema):
    kind: str = Field(..., description="hospital / disease / accident_death / disability / illness_death")
    event_on: dt.date
    discharged_on: dt.date | None = None
    hospital_level: str = Field("", max_length=1)
    hospital: str = Field("", max_length=100)
    diagnosis: str = Field(..., max_length=500)
    disease: str = Field("", max_length=60)
    disability_grade: int = Field(0, ge=0, le=10)
    cost_fen: int = Field(0, ge=0, le=1_000_000_000)
    insurance_paid_fen: int = Field(0, ge=0, le=1_000_000_000)
    invoices: list[str] = Field(default_factory=list, max_length=20)
    payee_name: str = Field(..., max_length=60)
    bank_account: str = Field(..., max_length=40)


class AidBenefitOut(Schema):
    benefit: str
    label: str
    proposed_fen: int
    amount_fen: int
    explanation: str


class AidClaimOut(Schema):
    id: int
    number: str
    coverage_id: int
    kind: str
    status: str
    status_label: str
    event_on: dt.date
    discharged_on: dt.date | None
    version: int
    proposed_fen: int
    amount_fen: int
    flags: list[str]
    reason: str
    diagnosis_masked: str
    payout_status: str
    appealable: bool
    appeal_answer: str
    top_up_fen: int
    benefits: list[AidBenefitOut]


class AidDecisionIn(Schema):
    decision: str = Field(..., description="approve 核准（可调低）/ confirm 复核通过 / reject 不予赔付 / "
                                           "appeal 对核减金额申诉的复查决定（维持或补发）")
    amounts_fen: dict[str, int] | None = Field(None, description="按保障责任的核准金额（分）：核准时只能调低，复查时只能调高")
    reason: str = Field("", max_length=300, description="调整、不予赔付的原因，或复查意见")


class AidRevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class AidRevealOut(Schema):
    diagnosis: str
    invoices: list[str]


class AidLossRatioOut(Schema):
    plan_id: int
    plan_name: str
    union_name: str
    people: int
    premiums_fen: int
    paid_fen: int
    claims_paid: int
    by_benefit_fen: dict[str, int]
    loss_ratio: float | None


class AidVerifyOut(Schema):
    status: str
    plan_name: str
    union_name: str
    name_masked: str
    starts_on: dt.date | None
    waiting_until: dt.date | None
    ends_on: dt.date | None


class AidBatchOut(Schema):
    id: int
    number: str
    count: int
    total_fen: int


class AidAppealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500, description="申诉理由")


class AidSelfOfferOut(Schema):
    plan_id: int
    plan_name: str
    union_name: str
    starts_on: dt.date
    waiting_until: dt.date
    months: int
    period_months: int
    premium_fen: int
    union_part_fen: int
    member_part_fen: int
    premium_explained: str


class AidSelfEnrolIn(Schema):
    plan_id: int
    channel: str = Field(..., description="wechat / alipay / bank / cash")
    payment_ref: str = Field(..., min_length=1, max_length=40, description="缴费流水号")


class AidSelfEnrolmentOut(Schema):
    id: int
    plan_id: int
    plan_name: str
    status: str
    status_label: str
    starts_on: dt.date
    premium_fen: int
    member_part_fen: int
    channel: str
    payment_ref: str
    reason: str
    coverage_id: int | None


class AidSelfDecisionIn(Schema):
    decision: str = Field(..., description="confirm 确认到账并参保 / reject 未通过")
    reason: str = Field("", max_length=300)
