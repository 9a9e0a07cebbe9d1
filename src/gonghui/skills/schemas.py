from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class CourseOut(Schema):
    id: int
    title: str
    trade: str
    level: str
    level_label: str
    provider: str
    provider_label: str
    series: str
    union: str
    author: str
    academy: str
    hours: int
    pass_mark: int


class LessonOut(Schema):
    id: int
    order: int
    title: str
    kind: str
    video_url: str
    file_url: str
    has_quiz: bool


class CourseDetailOut(CourseOut):
    description: str
    exam_questions: int
    exam_minutes: int
    lessons: list[LessonOut]


class EnrolmentOut(Schema):
    id: int
    course_id: int
    course: str
    last_lesson_id: int | None
    lessons_done: list[int]
    completed_at: dt.datetime | None
    hours_earned: int
    certificate_id: int | None


class QuestionOut(Schema):
    id: int
    text: str
    options: list[str]


class AttemptOut(Schema):
    id: int
    kind: str
    lesson_id: int | None
    due_at: dt.datetime | None
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, int] = Field(description="{试题 id: 所选选项序号（从 0 起）}")


class AttemptResultOut(Schema):
    id: int
    score: int
    passed: bool
    correct: int
    total: int
    certificate_id: int | None


class CertificateOut(Schema):
    id: int
    serial: str
    course: str
    hours: int
    score: int
    issued_at: dt.datetime
    verify_url: str


class CertificateCheckOut(Schema):
    status: str = Field(description="valid 有效 / revoked 已撤销 / invalid 无效（被篡改或不存在）")
    serial: str = ""
    holder: str = ""
    course: str = ""
    union_name: str = ""
    hours: int = 0
    issued_on: dt.date | None = None


class TranscriptOut(Schema):
    hours: int
    courses_completed: int
    certificates: list[CertificateOut]


class CourseIn(Schema):
    title: str = Field(max_length=80)
    trade: str = Field(max_length=40)
    level: str = Field(max_length=20)
    provider: str = Field(max_length=12)
    series: str = Field(default="", max_length=60)
    description: str = Field(default="", max_length=2000)
    hours: int = Field(default=1, ge=1, le=200)
    pass_mark: int = Field(default=60, ge=1, le=100)
    exam_questions: int = Field(default=5, ge=1, le=100)
    exam_minutes: int = Field(default=30, ge=5, le=240)


class LessonIn(Schema):
    title: str = Field(max_length=80)
    kind: str = Field(description="link 外部视频链接 / text 图文（视频与 PDF 请在页面上传）", max_length=8)
    video_url: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=20000)


class QuestionIn(Schema):
    text: str = Field(max_length=300)
    options: list[str] = Field(max_length=6)
    answer: int = Field(ge=0, le=5)
    lesson_id: int | None = None


class ReviewIn(Schema):
    publish: bool
    note: str = Field(default="", max_length=300)


class StaffCourseOut(CourseOut):
    status: str
    status_label: str
    review_note: str


class ProposalIn(Schema):
    title: str = Field(max_length=80)
    problem: str = Field(max_length=2000)
    suggestion: str = Field(max_length=4000)
    expected_benefit: str = Field(max_length=2000)
    major: bool = False


class ProposalEventOut(Schema):
    at: dt.datetime
    status: str
    body: str


class ProposalOut(Schema):
    id: int
    number: str
    title: str
    problem: str
    suggestion: str
    expected_benefit: str
    major: bool
    status: str
    status_label: str
    union: str
    due_on: dt.date
    decision_reason: str
    implementation: str
    benefit_fen: int | None
    benefit_verified_by: str
    reward_fen: int | None
    cosigns: int
    events: list[ProposalEventOut]


class RouteIn(Schema):
    reviewer_id: int


class DecideIn(Schema):
    adopt: bool
    reason: str = Field(max_length=2000)


class ImplementIn(Schema):
    note: str = Field(max_length=2000)


class BenefitIn(Schema):
    benefit_fen: int = Field(ge=0, le=10**13)
    verified_by: str = Field(max_length=60)


class RewardIn(Schema):
    reward_fen: int = Field(ge=1, le=10**10)
    note: str = Field(default="", max_length=200)


class CosignOut(Schema):
    proposal_id: int
    cosigns: int


# --- competitions -------------------------------------------------------------------------------


class SkillsCompetitionOut(Schema):
    id: int
    title: str
    union: str
    level: str
    level_label: str
    trade: str
    entry_kind: str
    status: str
    status_label: str
    registration_closes: dt.date
    drop_extremes: bool
    min_judges: int
    tie_rule: str
    tie_rule_label: str


class SkillsScoreItemOut(Schema):
    id: int
    name: str
    weight: int


class SkillsRoundOut(Schema):
    id: int
    order: int
    name: str
    advance: int
    status: str


class SkillsResultOut(Schema):
    rank: int
    entry_number: str
    name: str
    union: str
    score: str
    tie_note: str
    prize_fen: int
    title: str


class SkillsCompetitionDetailOut(SkillsCompetitionOut):
    eligibility: str
    prizes: list[dict[str, Any]]
    items: list[SkillsScoreItemOut]
    rounds: list[SkillsRoundOut]
    results: list[SkillsResultOut]


class SkillsEntryIn(Schema):
    team_name: str = Field(default="", max_length=40)
    team_members: str = Field(default="", max_length=1000)


class SkillsEntryOut(Schema):
    id: int
    competition_id: int
    number: str
    name: str
    status: str
    status_label: str
    endorse_note: str


class SkillsEndorseIn(Schema):
    endorse: bool
    note: str = Field(default="", max_length=200)


class SkillsSheetIn(Schema):
    entry_id: int
    scores: dict[str, int]


class SkillsSheetOut(Schema):
    entry_id: int
    round_id: int
    total: str


class SkillsJudgingEntryOut(Schema):
    entry_id: int
    number: str
    name: str
    conflict: str
    total: str | None


class SkillsRoundResultOut(Schema):
    entry_id: int
    rank: int
    score: str
    judges_counted: int
    advanced: bool
    tie_note: str


class SkillsStudioOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    union: str
    leader: str
    leader_title: str
    trades: str
    named_year: int
    members: int
    results: int


class SkillsInnovationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    people: str
    year: int
    union: str
    studio_id: int | None
    patent_kind: str
    patent_number: str


# --- 劳模工匠评选 and the registry -----------------------------------------------------------------


class SkillsSelectionOut(Schema):
    id: int
    title: str
    union: str
    kind: str
    honour_title: str
    level: str
    level_label: str
    year: int
    status: str
    status_label: str
    nominate_until: dt.date
    notice_days: int
    notice_from: dt.date | None
    notice_until: dt.date | None
    decision_ref: str


class SkillsSelectionIn(Schema):
    union_id: int
    title: str = Field(max_length=100)
    kind: str
    honour_title: str = Field(max_length=40)
    level: str
    year: int = Field(ge=1950, le=2100)
    nominate_until: dt.date
    notice_days: int = Field(default=5, ge=5, le=30)
    criteria: str = Field(default="", max_length=4000)
    awarding_body: str = Field(default="", max_length=80)


class SkillsQuotaIn(Schema):
    union_id: int
    places: int = Field(ge=1, le=1000)


class SkillsNoticeStartIn(Schema):
    start: dt.date | None = None


class SkillsConfirmIn(Schema):
    decision_ref: str = Field(max_length=60)
    decided_on: dt.date


class SkillsNoticeEntryOut(Schema):
    id: int
    number: str
    name: str
    gender: str
    birth_month: str
    id_number_masked: str
    unit_name: str
    post: str
    achievements: str
    status: str


class SkillsNominationIn(Schema):
    union_id: int
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=20)
    phone: str = Field(default="", max_length=20)
    unit_name: str = Field(max_length=80)
    post: str = Field(max_length=60)
    frontline: bool = True
    trade: str = Field(default="", max_length=40)
    achievements: str = Field(max_length=8000)
    prior_honours: str = Field(default="", max_length=2000)


class SkillsNominationReviewOut(Schema):
    union: str
    passed: bool
    note: str
    at: dt.datetime


class SkillsObjectionOut(Schema):
    id: int
    text: str
    at: dt.datetime
    finding: str
    answer: str


class SkillsNominationOut(Schema):
    id: int
    number: str
    selection_id: int
    name: str
    gender: str
    id_number_masked: str
    unit_name: str
    post: str
    union: str
    status: str
    status_label: str
    step_union: str | None
    decision_note: str
    files: int
    reviews: list[SkillsNominationReviewOut]
    objections: list[SkillsObjectionOut]


class SkillsReviewIn(Schema):
    passed: bool
    note: str = Field(default="", max_length=300)


class SkillsWithdrawIn(Schema):
    reason: str = Field(max_length=300)


class SkillsObjectionIn(Schema):
    text: str = Field(max_length=2000)
    contact: str = Field(default="", max_length=60)


class SkillsObjectionAnswerIn(Schema):
    finding: str
    answer: str = Field(max_length=2000)


class SkillsLaureateOut(Schema):
    id: int
    name: str
    kind: str
    title: str
    level: str
    level_label: str
    year: int
    unit_name: str
    trade: str
    awarding_body: str
    status: str


class SkillsLaureateDetailOut(SkillsLaureateOut):
    achievements: str
    honours: list[str]
    courses: list[str]
    studios: list[str]
    talks: list[str]


class SkillsLaureateIn(Schema):
    union_id: int
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=20)
    kind: str
    title: str = Field(max_length=40)
    level: str
    year: int = Field(ge=1950, le=2100)
    unit_name: str = Field(max_length=80)
    awarding_body: str = Field(max_length=80)
    trade: str = Field(default="", max_length=40)
    achievements: str = Field(default="", max_length=8000)
    decision_ref: str = Field(default="", max_length=60)


class SkillsLaureateHonourIn(Schema):
    year: int = Field(ge=1950, le=2100)
    title: str = Field(max_length=60)
    note: str = Field(default="", max_length=300)


class SkillsTalkIn(Schema):
    topic: str = Field(max_length=100)
    held_on: dt.date
    place: str = Field(max_length=100)
    audience: int = Field(ge=1, le=1_000_000)


class SkillsRevokeIn(Schema):
    reason: str = Field(max_length=300)


class SkillsLaureateQuery(Schema):
    q: str = Field(default="", max_length=40)
    level: str = Field(default="", max_length=12)
    kind: str = Field(default="", max_length=14)
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)
