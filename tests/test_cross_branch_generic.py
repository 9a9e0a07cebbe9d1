"""Cross-branch access, discovered rather than listed: every branch object, every id in a URL.

Nothing here names a page or an endpoint. At collection time the test walks:

- the models: every model whose rows belong to a union — a foreign key to `Union`, a
  `union_path`, a `visible_to()` queryset, or a chain of required foreign keys that ends at
  one of those (a mediation session → its mediation → its case → its union);
- the console URLs: every pattern in the URL resolver with a ``console`` path segment and an
  integer parameter (so `/console/<module>/…` and `<app>/console/…` are both found);
- the API: every operation of the ninja OpenAPI schema with a path parameter.

Then, for each model, it makes one object in branch A of `tests.factories.Tree` with the
factory registered below and checks that staff of branch B get 404 from every URL and API
operation that takes its id — while the owner (branch A's staff, or the worker for `/mine/`
and `/me/` operations) does not — and that the refused calls wrote nothing. A model, URL
parameter or operation the test cannot place FAILS with its name: register a factory in
`FACTORIES` (or a reason in `NOT_BRANCH_OBJECTS` / `PUBLIC_OPERATIONS`) and the new module is
covered without writing a new test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import grants, hardship, payouts, relief
from gonghui.assistance import services as ledger_services
from gonghui.assistance.models import (
    FundAccount,
    Grant,
    GrantProgram,
    HardshipFile,
    HardshipObjection,
    LedgerPeriod,
    LedgerTransaction,
    PaymentBatch,
    Payout,
    ReliefCampaign,
    ReliefTarget,
)
from gonghui.bargaining import safety as bargaining_safety
from gonghui.bargaining import services as bargaining_services
from gonghui.bargaining.models import (
    BargainingOffer,
    BargainingRound,
    BargainingUnit,
    CollectiveContract,
    CongressVote,
    ContractVersion,
    InspectionPlan,
    OfferCampaign,
    SafetyChecklist,
    SafetyHazard,
    SafetyInspection,
    SafetyPhoto,
)
from gonghui.campaigns import culture as campaign_culture
from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.models import (
    Appointment,
    Campaign,
    CheckupSlot,
    CultureEvent,
    CultureWork,
    Draw,
    ServiceActivity,
    ShowcaseEntry,
    Winner,
)
from gonghui.cases import legal_services
from gonghui.cases import services as case_services
from gonghui.cases.models import (
    Case,
    CaseAttachment,
    Category,
    Lawyer,
    LegalAidApplication,
    LegalAidDecision,
    Mediation,
    MediationSession,
    RoutingRule,
    Supervision,
    SupervisionLetter,
)
from gonghui.jobs import services as job_services
from gonghui.jobs.models import (
    EmployerAccount,
    EmploymentService,
    JobApplication,
    JobFair,
    Placement,
    Posting,
    Seeker,
    TrainingEnrolment,
    TrainingOrder,
)
from gonghui.members.models import (
    EmploymentForm,
    ImportJob,
    MemberCard,
    Membership,
    MembershipApplication,
    MembershipTransfer,
    Person,
)
from gonghui.members.services import membership_application_submit, roster_import_create
from gonghui.mutualaid.models import Claim as MutualAidClaim
from gonghui.mutualaid.models import Coverage, Plan, SelfEnrolment
from gonghui.mutualaid.models import Enrolment as AidEnrolment
from gonghui.orgs.models import Employer, Union
from gonghui.skills import competitions as skills_competitions
from gonghui.skills import innovation as skills_innovation
from gonghui.skills import selection as skills_selection
from gonghui.skills import services as skills_services
from gonghui.skills.models import (
    Academy,
    Attempt,
    Author,
    Certificate,
    Competition,
    Course,
    Enrolment,
    Entry,
    Innovation,
    Judge,
    Laureate,
    Lesson,
    Nomination,
    NominationObjection,
    Proposal,
    ProposalPolicy,
    Round,
    Selection,
    SkillActivity,
    Studio,
)
from gonghui.stations import services as station_services
from gonghui.stations.models import (
    ServiceRecord,
    StarApplication,
    Station,
    StationHonour,
    StationPhoto,
    StationRating,
    StationReport,
    StationVisit,
)
from gonghui.stations.selectors import station_checkin_token
from tests.bargaining.helpers import make_contract, make_hazard, make_inspection, make_unit
from tests.campaigns.helpers import campaign_winner_for, make_campaign
from tests.cases.helpers import PNG, app_case, png
from tests.factories import Tree, make_id_number, make_member, make_staff, make_worker_user
from tests.jobs.helpers import make_posting, make_recruiter, make_seeker
from tests.members.helpers import make_transfer
from tests.mutualaid.helpers import claim_for, covered_worker, self_enrolment_for
from tests.roster.helpers import csv_bytes, row, upload
from tests.skills.helpers import (
    certificate_for,
    make_author,
    make_competition,
    make_course,
    make_selection,
    nominate,
    on_notice,
    shortlist,
)
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db


# --- the world of branch A ---------------------------------------------------------------------


class World:
    """Objects of branch A, made on demand and once each (children share their parents)."""

    def __init__(self) -> None:
        self.tree = Tree()
        self.worker = make_worker_user(name="王小明")
        self._made: dict[type[models.Model], models.Model] = {}

    def get(self, model: type[models.Model]) -> models.Model:
        if model not in self._made:
            factory = FACTORIES.get(model)
            if factory is None:
                pytest.fail(f"no factory for {model._meta.label}: add one to FACTORIES in {__name__}")
            self._made[model] = factory(self)
        return self._made[model]


def _legal_case(w: World, category: str) -> Case:
    return app_case(w.tree, user=w.worker, category=category)


def _aid_application(w: World) -> LegalAidApplication:
    from gonghui.cases.legal_aid import Document
    from gonghui.cases.models import DisputeType, Hardship, Stage

    member = make_member(union=w.tree.grassroots_a)
    case = legal_services.legal_aid_apply(
        user=member.person.user, description="公司拖欠我三个月加班费，想请工会律师代理仲裁。",
        dispute_type=DisputeType.WAGES, hardship=Hardship.HARDSHIP, household_income_yuan=1500,
        stage=Stage.NOT_STARTED, has_lawyer=False, documents=[Document.ID, Document.HARDSHIP_PROOF, Document.DISPUTE],
        declared=True,
    )
    return case.aid_application


def _mediation(w: World) -> Mediation:
    case = _legal_case(w, Category.MEDIATION)
    return legal_services.mediation_open(case=case, applicant="王小明", respondent="某某公司", by=w.tree.staff_a)


def _disbursement(w: World) -> LedgerTransaction:
    union = w.tree.grassroots_a
    ledger_services.fund_receipt(union=union, source="central", amount=1000_00, memo="专项资金")
    return ledger_services.fund_disburse(union=union, source="central", amount=300_00, payee_name="王小明",
                                         memo="生活救助")


def _payment_batch(w: World) -> PaymentBatch:
    ledger_services.fund_receipt(union=w.tree.grassroots_a, source="central", amount=1000_00, memo="专项资金")
    w.get(Payout)
    return payouts.payment_batch_create(union=w.tree.grassroots_a)


def _relief_target(w: World) -> Any:
    from gonghui.assistance.models import HardshipStandard

    file = w.get(HardshipFile)
    HardshipStandard.objects.get_or_create(region="440000", year=timezone.localdate().year,
                                           defaults={"low_income_line": 1000_00})
    file = hardship.hardship_file_verify(file=file, by=w.tree.staff_a, visited_on=timezone.localdate(), findings="属实")
    from tests.assistance.hardship_helpers import approved

    file = approved(hardship.hardship_file_grade(file=file, by=w.tree.staff_a), w.tree.staff_a)
    campaign = w.get(ReliefCampaign)
    relief.relief_targets_generate(campaign=campaign, by=w.tree.staff_a)
    return campaign.targets.get(hardship_file=file)


def _import_job(w: World) -> ImportJob:
    with TestCase.captureOnCommitCallbacks(execute=True):  # validation runs after commit
        job = roster_import_create(
            actor=w.tree.staff_a, union_id=w.tree.grassroots_a.pk,
            upload=upload(csv_bytes([row(), row(id_number="110101199001011234")])),  # one bad row
        )
    job.refresh_from_db()
    return job


def _checkup_slot(w: Any) -> Any:
    """A published 体检 drive in the branch, with a slot the day after tomorrow (bookable now)."""
    from django.utils import timezone

    today = timezone.localdate()
    activity = campaign_services.activity_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, kind="checkup", name="工会体检行", starts_on=today,
        ends_on=today + dt.timedelta(days=10), points=[campaign_services.PointSpec("体检车")],
    )
    activity = campaign_services.activity_publish(actor=w.tree.staff_a, activity=activity)
    return campaign_services.slots_add(
        actor=w.tree.staff_a, activity=activity, point=activity.points.get(), day=today + dt.timedelta(days=2),
        start=dt.time(9), end=dt.time(10), minutes=30, capacity=5,
    )[0]


def _skills_objection(w: World) -> models.Model:
    from gonghui.skills import selection

    nomination = shortlist(w.get(Nomination))
    item = on_notice(w.get(Selection), start=dt.date(2026, 12, 7))
    return selection.objection_raise(user=w.worker, nomination=nomination, text="事迹中的效益数字有夸大，请核实。",
                                     today=item.notice_from)


def _skills_entry(w: World) -> models.Model:
    from gonghui.members.selectors import membership_live_for_worker

    if membership_live_for_worker(user=w.worker) is None:
        make_member(union=w.tree.grassroots_a, user=w.worker)
    return skills_competitions.entry_register(competition=w.get(Competition), user=w.worker)


def _hardship_objection(w: World) -> Any:
    from gonghui.assistance.models import HardshipStandard
    from tests.assistance.hardship_helpers import graded

    HardshipStandard.objects.get_or_create(region="440000", year=timezone.localdate().year,
                                           defaults={"low_income_line": 1000_00})
    file = hardship.hardship_file_notice_start(file=graded(w.tree.grassroots_a, w.tree.staff_a), by=w.tree.staff_a)
    return hardship.hardship_object(file=file, text="他家有两套房", by=w.worker)


# One object in branch A per model; the test fails for a discovered model that has none.
FACTORIES: dict[type[models.Model], Callable[[World], Any]] = {
    Union: lambda w: w.tree.grassroots_a,
    Employer: lambda w: w.tree.grassroots_a.employer,
    RoleGrant: lambda w: make_staff(union=w.tree.grassroots_a).grants.get(),
    Person: lambda w: w.get(Membership).person,
    Membership: lambda w: make_member(union=w.tree.grassroots_a),
    # The worker's own application, so the worker's /me/ operations have an owner.
    MembershipApplication: lambda w: membership_application_submit(
        user=w.worker, name="王小明", id_number=make_id_number(), phone=w.worker.phone,
        employment_form=EmploymentForm.STANDARD, employer=w.tree.grassroots_a.employer,
    ),
    MembershipTransfer: lambda w: make_transfer(tree=w.tree),
    MemberCard: lambda w: MemberCard.objects.filter(membership=w.get(Membership)).latest("pk"),
    ImportJob: _import_job,
    Case: lambda w: app_case(w.tree, user=w.worker),
    CaseAttachment: lambda w: case_services.case_attachment_add(case=w.get(Case), by=w.worker, uploads=[png()])[0],
    Supervision: lambda w: case_services.supervision_create(
        case=w.get(Case), by=w.tree.staff_a, note="请加快办理", due_on=w.get(Case).due_on + dt.timedelta(days=5)
    ),
    Lawyer: lambda w: legal_services.lawyer_create(union=w.tree.city_a, name="甲律师", by=w.tree.staff_a),
    LegalAidApplication: _aid_application,
    LegalAidDecision: lambda w: legal_services.legal_aid_decide(
        case=_legal_case(w, Category.LEGAL_AID), eligible=False, reason="收入超过援助标准", by=w.tree.staff_a
    ),
    Mediation: _mediation,
    MediationSession: lambda w: legal_services.mediation_session_add(
        case=w.get(Mediation).case, held_on=dt.date(2025, 3, 3), by=w.tree.staff_a, place="调解室"
    ),
    SupervisionLetter: lambda w: legal_services.letter_issue(
        case=w.get(Case), kind=SupervisionLetter.Kind.NOTICE, recipient="某某公司", subject="关于拖欠工资",
        body="请依法支付拖欠的工资。", by=w.tree.staff_a,
    ),
    Station: lambda w: make_station(union=w.tree.grassroots_a),
    StationPhoto: lambda w: station_services.station_photo_add(
        actor=w.tree.staff_a, station=w.get(Station), image=SimpleUploadedFile("p.png", PNG, content_type="image/png")
    ),
    StationVisit: lambda w: station_services.station_checkin(
        user=w.worker, token=station_checkin_token(station=w.get(Station))
    )[0],
    StationRating: lambda w: w.get(StationVisit) and station_services.station_rate(
        user=w.worker, station=w.get(Station), stars=5
    ),
    StationReport: lambda w: station_services.station_report_submit(
        user=w.worker, station=w.get(Station), category="dirty", text="卫生间很脏"
    ),
    ServiceRecord: lambda w: station_services.service_record_add(
        actor=w.tree.staff_a, station=w.get(Station), day=dt.date(2025, 3, 3), kind="meal", count=3
    ),
    StarApplication: lambda w: station_services.star_application_submit(
        actor=w.tree.staff_a, station=w.get(Station), requested_level=3
    ),
    StationHonour: lambda w: station_services.station_honour_record(
        actor=w.tree.staff_a, station=w.get(Station), title="最美驿站", level="city", year=2024
    ),
    FundAccount: lambda w: ledger_services.fund_accounts_open(union=w.tree.grassroots_a, source="central")["available"],
    LedgerTransaction: _disbursement,
    LedgerPeriod: lambda w: ledger_services.ledger_period_close(union=w.tree.grassroots_a, month=dt.date(2025, 1, 1)),
    Campaign: lambda w: make_campaign(union=w.tree.grassroots_a),
    # The worker's own cover and claim, so the /me/ operations have an owner.
    Coverage: lambda w: covered_worker(union=w.tree.grassroots_a, staff=w.tree.staff_a, user=w.worker),
    Plan: lambda w: w.get(Coverage).plan,
    AidEnrolment: lambda w: w.get(Coverage).enrolment,
    MutualAidClaim: lambda w: claim_for(coverage=w.get(Coverage)),
    SelfEnrolment: lambda w: self_enrolment_for(union=w.tree.grassroots_a, staff=w.tree.staff_a),
    ServiceActivity: lambda w: campaign_services.activity_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, kind="meal", name="爱心餐", starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 31), points=[campaign_services.PointSpec("食堂")],
    ),
    CheckupSlot: lambda w: _checkup_slot(w),
    # The worker's own booking, so their cancel is the owner's call.
    Appointment: lambda w: campaign_services.appointment_book(slot=w.get(CheckupSlot), user=w.worker),
    Winner: lambda w: campaign_winner_for(union=w.tree.grassroots_a, user=w.worker),
    CultureWork: lambda w: campaign_culture.work_submit(
        user=w.tree.staff_a, union=w.tree.grassroots_a, title="劳动者之歌", kind="song", author="职工艺术团",
        link="https://v.example.cn/1",
    ),
    CultureEvent: lambda w: campaign_culture.event_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, title="新春联谊会", starts_at=dt.datetime(2025, 1, 20, 11, tzinfo=dt.UTC),
        live_url="https://live.example.cn/1",
    ),
    ShowcaseEntry: lambda w: campaign_culture.showcase_set(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, day=dt.date(2099, 1, 1),
        works=[campaign_culture.work_review(actor=w.tree.staff_a, work=w.get(CultureWork), approve=True)],
    )[0],
    Draw: lambda w: w.get(Winner).draw,
    Payout: lambda w: payouts.payout_create(
        union=w.tree.grassroots_a, source="central", amount=100_00, payee_name="王小明",
        bank_account="6222021234567890123", memo="生活救助", idempotency_key="cross-branch-payout",
    ),
    PaymentBatch: _payment_batch,
    GrantProgram: lambda w: grants.grant_program_create(
        union=w.tree.city_a, name="生活救助", kind="living", source="central", min_amount=100_00,
        max_amount=5000_00, by=w.tree.staff_a,
    ),
    # The worker's own application (a member, through their hardship file's membership).
    Grant: lambda w: w.get(HardshipFile) and grants.grant_apply(
        user=w.worker, program=w.get(GrantProgram), amount=1000_00, reason="看病", bank_account="6222021234567890123",
    ),
    BargainingUnit: lambda w: make_unit(w.tree),
    BargainingOffer: lambda w: bargaining_services.offer_send(
        actor=w.tree.staff_a, unit=w.get(BargainingUnit), topics="工资集体协商", body="请就工资增长进行协商。"
    ),
    OfferCampaign: lambda w: bargaining_services.offer_campaign_launch(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, name="要约行动", topics="工资", body="请协商。",
        employers=[w.tree.grassroots_a.employer],
    ),
    BargainingRound: lambda w: bargaining_services.round_add(
        actor=w.tree.staff_a, unit=w.get(BargainingUnit), held_on=dt.date(2025, 3, 3), attendees="双方代表", minutes=png()
    ),
    CollectiveContract: lambda w: make_contract(w.tree, unit=w.get(BargainingUnit)),
    ContractVersion: lambda w: w.get(CollectiveContract).versions.get(),
    CongressVote: lambda w: bargaining_services.vote_record(
        actor=w.tree.staff_a, contract=w.get(CollectiveContract), held_on=dt.date(2025, 3, 3), total=3, present=2,
        in_favour=1, against=1, abstained=0,
    ),
    SafetyChecklist: lambda w: bargaining_safety.checklist_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, trade="manufacturing", name="消防检查表", items="安全出口畅通"
    ),
    SafetyInspection: lambda w: make_inspection(w.tree),
    InspectionPlan: lambda w: bargaining_safety.plan_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, employer=w.tree.grassroots_a.employer,
        planned_on=bargaining_services.today() + dt.timedelta(days=3), inspectors="陈师傅",
    ),
    SafetyHazard: lambda w: make_hazard(w.tree, inspection=w.get(SafetyInspection)),
    SafetyPhoto: lambda w: bargaining_safety.inspection_record(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, employer=w.tree.grassroots_a.employer,
        inspected_on=dt.date(2025, 3, 3), inspectors="陈师傅", photos=[png()],
    ).photos.get(),
    ReliefCampaign: lambda w: ledger_services.fund_receipt(
        union=w.tree.city_a, source="central", amount=1000_00, memo="送温暖") and relief.relief_campaign_create(
        union=w.tree.city_a, name="送温暖", year=2026, source="central", budget=1000_00,
        grade_amounts={"deep": 100_00, "relative": 100_00, "accident": 100_00}, starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 1, 1), by=w.tree.staff_a,
    ),
    ReliefTarget: _relief_target,
    # The worker's own file, so the worker's /mine/ operations have an owner.
    HardshipFile: lambda w: hardship.hardship_file_apply(
        user=make_member(union=w.tree.grassroots_a, user=w.worker).person.user, household=[], monthly_income=0,
        cause="illness", cause_note="重病",
    ),
    HardshipObjection: _hardship_objection,
    Academy: lambda w: skills_services.academy_create(actor=w.tree.staff_a, union=w.tree.grassroots_a, name="焊工工匠学院"),
    # The worker authors the course, so the authoring /me/ operations have an owner.
    Author: lambda w: make_author(union=w.tree.grassroots_a, user=w.worker),
    Course: lambda w: make_course(union=w.tree.grassroots_a, author=w.get(Author), quiz_on_first=True),
    Lesson: lambda w: w.get(Course).lessons.first(),
    Enrolment: lambda w: skills_services.enrol(course=w.get(Course), user=w.worker),
    Attempt: lambda w: skills_services.attempt_start(enrolment=w.get(Enrolment), lesson=w.get(Lesson)),
    Certificate: lambda w: certificate_for(union=w.tree.grassroots_a, user=w.worker, course=w.get(Course)),
    Competition: lambda w: make_competition(union=w.tree.city_a, staff=w.tree.staff_a, judges=3),
    Round: lambda w: w.get(Competition).rounds.order_by("order").first(),
    # The worker is the judge and the entrant, so the /me/ operations have an owner.
    Judge: lambda w: skills_competitions.judge_add(actor=w.tree.staff_a, competition=w.get(Competition), user=w.worker,
                                                   name="王评委"),
    Entry: lambda w: _skills_entry(w),
    Studio: lambda w: skills_innovation.studio_create(actor=w.tree.staff_a, union=w.tree.grassroots_a, name="李焊工创新工作室",
                                                      level="city", leader="李焊工", named_year=2023),
    Innovation: lambda w: skills_innovation.innovation_register(actor=w.tree.staff_a, union=w.tree.grassroots_a,
                                                                kind="innovation", title="焊枪防护罩", people="李焊工",
                                                                year=2024, studio=w.get(Studio)),
    SkillActivity: lambda w: skills_innovation.activity_record(actor=w.tree.staff_a, union=w.tree.grassroots_a,
                                                               kind="compare_skill", title="岗位练兵",
                                                               held_on=dt.date(2025, 5, 20), participants=30),
    Selection: lambda w: make_selection(tree=w.tree),
    Nomination: lambda w: nominate(w.get(Selection), union=w.tree.grassroots_a, actor=w.tree.staff_a),
    NominationObjection: _skills_objection,
    Laureate: lambda w: skills_selection.laureate_register(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, name="王师傅", id_number=make_id_number(), kind="craftsman",
        title="大国工匠", level="national", year=2022, unit_name="甲市重工集团", awarding_body="中华全国总工会",
    ),
    ProposalPolicy: lambda w: skills_services.policy_set(actor=w.tree.staff_a, union=w.tree.grassroots_a,
                                                         ordinary_months=1, major_months=3),
    # The worker's own proposal (a member of grassroots A), so /me/ operations have an owner.
    Proposal: lambda w: skills_services.proposal_submit(
        user=make_member(union=w.tree.grassroots_a, user=w.worker).person.user, title="焊枪加装防护罩",
        problem="飞溅烫伤", suggestion="加装防护罩", expected_benefit="减少工伤",
    ),
    Posting: lambda w: make_posting(w.tree),
    # The worker's own profile, so the worker's /me/ operations have an owner.
    Seeker: lambda w: make_seeker(user=w.worker),
    JobApplication: lambda w: job_services.application_create(user=w.get(Seeker).user, posting=w.get(Posting)),
    Placement: lambda w: job_services.placement_create(
        actor=w.tree.staff_a, seeker=w.get(Seeker), employer=w.tree.grassroots_a.employer, union=w.tree.grassroots_a,
        started_on=job_services.today(),
    ),
    EmploymentService: lambda w: job_services.service_record(
        actor=w.tree.staff_a, seeker=w.get(Seeker), kind="consultation", given_on=job_services.today(),
    ),
    EmployerAccount: lambda w: make_recruiter(w.tree).employer_accounts.get(),
    JobFair: lambda w: job_services.fair_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, name="春风行动", kind="onsite",
        starts_on=job_services.today(), ends_on=job_services.today(),
    ),
    TrainingOrder: lambda w: job_services.training_order_create(
        actor=w.tree.staff_a, union=w.tree.grassroots_a, employer=w.tree.grassroots_a.employer, name="保安员订单班",
        trade="security", demand=10, seats=5, starts_on=job_services.today(), ends_on=job_services.today(),
        teacher="王教官",
    ),
    TrainingEnrolment: lambda w: job_services.training_enrol(actor=w.tree.staff_a, order=w.get(TrainingOrder),
                                                              seeker=w.get(Seeker)),
}

# Rows that belong to a union but are no branch object of their own, and why.
NOT_BRANCH_OBJECTS: dict[str, str] = {
    "cases.RoutingRule": "routing configuration, kept by superusers in the Django admin",
    "cases.CaseEvent": "a case's timeline: read only through its case",
    "cases.CaseRating": "read only through its case",
    "notices.Notice": "one user's own inbox, read by recipient (its union_path only narrows it)",
    "members.ImportRowError": "read only through its import job",
    "orgs.EmployerInitialsKey": "a search index row of an employer, never addressed by id",
    "stations.StarApplicationEvent": "read only through its star application",
    "stations.AssessmentScore": "read only through its star application",
    "assistance.LedgerEntry": "a leg of a transaction: read only through its transaction or account",
    "assistance.AccountMonthTotal": "pre-aggregated totals, read only through balances and the 收支表",
    "assistance.PaymentLine": "a line of a payment batch: read only through its batch or payout",
    "assistance.PaymentReturn": "an imported return file: read only through its batch",
    "assistance.GrantObjection": "kept with its grant: read only through the grant",
    "assistance.HardshipFileEvent": "a hardship file's history: read only through its file",
    "assistance.HardshipDocument": "read only through its file (served by name via core/files, checked there)",
    "assistance.GrantDocument": "read only through its grant (served by name via core/files, checked there)",
    "assistance.ReliefAllocation": "a 送温暖 campaign's allocation: read only through its campaign (and its ledger "
                                   "transaction, covered as LedgerTransaction)",
    "stats.Fact": "statistics rows, never addressed by id: read by union through stats selectors (tests/stats)",
    "stats.Rollup": "statistics rows, never addressed by id: read by union through stats selectors (tests/stats)",
    "orgs.UnionMove": "the history of the tree, kept for statistics; no page or API addresses it",
    "campaigns.CardKind": "a campaign's configuration: read only through its campaign",
    "campaigns.Prize": "a campaign's configuration: read only through its campaign",
    "campaigns.Participant": "one worker's own entry in a campaign, never addressed by id",
    "campaigns.TaskCompletion": "one worker's own record, never addressed by id",
    "jobs.FairBooth": "a job fair's booth: read only through its fair",
    "jobs.FairRegistration": "a seeker's registration for a fair: read through the fair (check-in by its code)",
    "campaigns.FuCard": "one worker's own card book, read by the worker through the campaign",
    "skills.Question": "a course's question bank: read only through its course and the attempts that drew it",
    "skills.LessonDone": "one worker's progress row: read only through their enrolment",
    "skills.ProposalEvent": "a proposal's timeline: read only through its proposal",
    "skills.Cosign": "a co-signature: read only through its proposal",
    "skills.ScoreItem": "a line of a competition's score sheet: read only through its competition",
    "skills.Recusal": "a judge's declared conflict: read only through the judge's own pages",
    "skills.ScoreSheet": "a judge's sheet: written through the judge's own pages, read only through its round",
    "skills.RoundResult": "a round's places: read only through its competition",
    "skills.Award": "a published place: read only through its competition",
    "skills.Honour": "a title on a person's record, never addressed by id: the person reads their own list",
    "skills.StudioMember": "a studio's member: read and changed only through its studio",
    "skills.StudioEvent": "a studio's history: read only through its studio",
    "skills.SelectionQuota": "a selection's places: set and read only through its selection",
    "skills.NominationFile": "read only through its nomination (served by name via core/files, checked there)",
    "skills.NominationReview": "a nomination's review steps: read only through its nomination",
    "skills.LaureateEvent": "a registry entry's history: read only through the entry",
    "skills.Talk": "a 宣讲 of a registry entry: written and read only through the entry",
    "mutualaid.PlanVersion": "a plan's terms from a day on: read only through its plan",
    "mutualaid.ClaimLine": "one benefit's payout of a claim: read only through its claim",
    "mutualaid.ClaimInvoice": "an invoice number's keyed hash, never shown or addressed",
    "mutualaid.PlanTotal": "a plan's running totals: read only through its plan and the report",
    "mutualaid.ClaimDocument": "read only through its claim (served by name via core/files, checked there)",
    "campaigns.ServicePoint": "an activity's configuration: read only through its activity",
    "campaigns.WorkLike": "one worker's own like, never addressed by id",
    "campaigns.CultureViewDay": "statistics rows (views per union and day), read only by the stats figure",
    "campaigns.Voucher": "one worker's own voucher, addressed by its code: tests/campaigns/test_activity_pages.py "
                         "checks another branch's staff get 404 on its redeem page",
}

# Operations with an id that anyone may call, and why.
PUBLIC_OPERATIONS: dict[str, str] = {
    "station_detail": "a station's public page: the map is open to everyone",
    "station_rate": "any worker rates any station",
    "station_report": "any worker reports a problem at any station",
    "campaign_detail": "a published campaign is open to every worker",
    "campaign_board": "a campaign's live board is public",
    "campaign_steps_report": "any eligible worker joins any published campaign",
    "campaign_partner_steps": "the partner app's signed push: the signature, not a branch, authorises it",
    "campaign_book": "the worker's own card book in any published campaign",
    "campaign_combine": "the worker's own cards in any published campaign",
    "campaign_draw_public": "a draw's record is published for anyone to verify",
    "course_detail": "a published course is open to everyone (the catalogue is public)",
    "course_enrol": "any worker enrols in any published course",
    "competition_detail": "a competition's rules and published places are public",
    "competition_register": "any member registers for any competition (eligibility is the service's rule)",
    "selection_notice": "a selection's 公示 is public (ID numbers masked, no phones)",
    "notice_object": "anyone signed in may object to a nominee on public notice",
    "laureate_public_detail": "the registry of model workers and craftsmen is public",
    "posting_detail": "a published job posting is public (the job search is open to everyone)",
    "posting_apply": "any worker applies to any published posting",
    "fair_detail": "a job fair and its booths are public (workers find fairs anywhere)",
    "fair_register": "any worker with a job-seeker profile registers for any fair",
    "fair_apply": "any worker applies, at any fair, to a posting shown there",
    "training_join": "any worker with a job-seeker profile joins any open 订单式培训 class (as on the worker page)",
    "grant_object": "anyone signed in may object to a grant on public notice (the notice board is public)",
    "hardship_object": "anyone signed in may object to a hardship file on public notice (the board is public)",
    "hardship_notice_object": "the same objection from the public notice board page",
    "activity_vouchers": "the worker's own vouchers in any published service activity",
    "activity_voucher_take": "any eligible worker takes a voucher in any published service activity",
    "activity_slots": "a published 体检 drive's open slots are public",
    "my_appointments": "the worker's own bookings in any published service activity",
    "slot_book": "any eligible worker books a slot of any published 体检 drive",
}

# Values for path parameters that are not ids. Refused calls try them all; the owner's
# call must succeed (not 404) with at least one.
STRING_PARAMS: dict[str, Callable[[models.Model], list[str]]] = {
    "action": lambda obj: ["note", "assign_lawyer", "deliver", "release"],
    "number": lambda obj: [obj.number],
    "step": lambda obj: ["verify", "reject", "reveal", "notice", "allocate", "visit"],
}

# --- discovery -------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _gonghui_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("gonghui.")]


def _is_direct_branch_model(model: type[models.Model]) -> bool:
    fields = model._meta.concrete_fields
    return (
        model is Union
        or hasattr(model._default_manager, "visible_to")
        or any(f.name == "union_path" for f in fields)
        or any(f.is_relation and f.related_model is Union and not f.null for f in fields)
    )


def branch_models() -> list[type[models.Model]]:
    """Models whose rows belong to a union, directly or through required foreign keys."""
    found = {m for m in _gonghui_models() if _is_direct_branch_model(m)}
    grew = True
    while grew:
        grew = False
        for model in _gonghui_models():
            if model in found:
                continue
            if any(f.is_relation and not f.null and f.related_model in found for f in model._meta.concrete_fields
                   if f.many_to_one or f.one_to_one):
                found.add(model)
                grew = True
    return sorted(found, key=lambda m: m._meta.label)


def _model_for_param(param: str, app_label: str, route: str) -> type[models.Model] | str:
    """The model an id parameter names: `station_id` → Station, `application_id` in stations →
    StarApplication, `pk` → the model named by the path segment before it, else the app's own."""
    if param == "pk":
        before = route.split("<")[0].rstrip("/").split("/")[-1]
        base = before[:-1] if before.endswith("s") else before
        if base in {"console", ""}:
            base = app_label[:-1] if app_label.endswith("s") else app_label
    elif param.endswith("_id"):
        base = param[: -len("_id")]
    else:
        return f"parameter {param!r} names no model"
    candidates = [m for m in _gonghui_models() if _snake(m.__name__) == base or _snake(m.__name__).endswith("_" + base)]
    exact = [m for m in candidates if _snake(m.__name__) == base]
    own_app = [m for m in candidates if m._meta.app_label == app_label]
    own_exact = [m for m in exact if m._meta.app_label == app_label]  # mutualaid: Enrolment, not SelfEnrolment
    for group in (own_exact, exact, own_app, candidates):
        if len(group) == 1:
            return group[0]
    # The console app holds the member pages until they move to members/console_views.py.
    members = [m for m in candidates if m._meta.app_label == "members"]
    if app_label == "console" and len(members) == 1:
        return members[0]
    return f"cannot tell which model {param!r} names (candidates: {[m.__name__ for m in candidates]})"


@dataclass(frozen=True)
class Endpoint:
    kind: str  # "console" or "api"
    name: str  # URL name or operation name, for messages
    route: str  # with {param} placeholders
    method: str  # for the API; console pages are tried with GET and POST
    params: tuple[tuple[str, Any], ...]  # (name, model or "str")
    owner: str  # "staff" or "worker"
    body: dict[str, Any] | None = None
    multipart: bool = False

    def label(self) -> str:
        return f"{self.kind} {self.method.upper()} {self.route} ({self.name})"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    out = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            out.extend(_walk(p, prefix + str(p.pattern), ns))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), ":".join(filter(None, [namespace, p.name or ""])), p))
    return out


def console_endpoints() -> tuple[list[Endpoint], list[str]]:
    found, problems = [], []
    for route, name, pattern in _walk(get_resolver()):
        segments = route.split("/")
        if "console" not in segments or "<int:" not in route:
            continue
        app_label = pattern.callback.__module__.split(".")[1]
        params = []
        for conv, param in re.findall(r"<(\w+):(\w+)>", route):
            if conv == "int":
                model = _model_for_param(param, app_label, route[: route.index(f"<{conv}:{param}>") + 1])
                if isinstance(model, str):
                    problems.append(f"console URL {name} ({route}): {model}")
                    model = None
                params.append((param, model))
            elif param in STRING_PARAMS:
                params.append((param, "str"))
            else:
                problems.append(f"console URL {name} ({route}): no value for parameter {param!r} in STRING_PARAMS")
        placeholder = re.sub(r"<\w+:(\w+)>", r"{\1}", route)
        found.append(Endpoint("console", name, "/" + placeholder, "get+post", tuple(params), "staff"))
    return found, problems


def _example(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A value the schema accepts (the handler may still refuse it: that is fine for the owner)."""
    if "$ref" in schema:
        return _example(defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _example(options[0], defs) if options else None
    if "allOf" in schema:
        return _example(schema["allOf"][0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {key: _example(sub, defs) for key, sub in schema.get("properties", {}).items()
                if key in schema.get("required", [])}
    if kind == "array":
        return [_example(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return dt.date.today().isoformat()
    if schema.get("format") == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    return "测试内容，请核对"[: max(schema.get("minLength", 8), 8)][: schema.get("maxLength", 100)]


def api_endpoints() -> tuple[list[Endpoint], list[str]]:
    from gonghui.api import api

    schema = api.get_openapi_schema()
    defs = schema.get("components", {}).get("schemas", {})
    found, problems = [], []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            path_params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            if not path_params:
                continue
            module, func = op["operationId"].split("_api_")[0], op["operationId"].split("_api_")[-1]
            if func in PUBLIC_OPERATIONS:
                continue
            app_label = module.split("_")[-1]
            params = []
            for param in path_params:
                spec = next(p for p in op["parameters"] if p["name"] == param)
                if spec.get("schema", {}).get("type") == "integer":
                    model = _model_for_param(param, app_label, path.split("{" + param)[0])
                    if isinstance(model, str):
                        problems.append(f"API {func} ({path}): {model}")
                        model = None
                    params.append((param, model))
                elif param in STRING_PARAMS:
                    params.append((param, "str"))
                else:
                    problems.append(f"API {func} ({path}): no value for parameter {param!r} in STRING_PARAMS")
            body, multipart = None, False
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _example(content["application/json"]["schema"], defs)
            elif "multipart/form-data" in content:
                multipart = True
                body = {}
            segments = path.split("/")
            owner = "worker" if "mine" in segments or "me" in segments else "staff"
            if path.startswith("/api/v1/bargaining/employer/"):
                owner = "employer"  # an employer account's own offers and hazards (bargaining/employer.py)
            elif app_label == "jobs" and "employer" in segments:
                owner = "recruiter"  # a recruiter (employer account) of branch A's employer
            found.append(Endpoint("api", func, path, method, tuple(params), owner, body, multipart))
    return found, problems


MODELS = branch_models()
CONSOLE, CONSOLE_PROBLEMS = console_endpoints()
API, API_PROBLEMS = api_endpoints()
ENDPOINTS = CONSOLE + API


def _first_model(endpoint: Endpoint) -> Any:
    return next((model for _, model in endpoint.params if model not in (None, "str")), None)


# --- the checks --------------------------------------------------------------------------------


def test_discovery_finds_the_known_object_types_and_endpoints():
    """Guards the discovery itself: if it found nothing, every check below would pass."""
    labels = {m._meta.label for m in MODELS}
    assert {"cases.Case", "cases.MediationSession", "stations.ServiceRecord", "members.MemberCard"} <= labels
    assert len(CONSOLE) >= 20 and len(API) >= 40
    assert any(e.name.endswith("union_detail") for e in CONSOLE)


def test_every_discovered_url_parameter_is_understood():
    assert CONSOLE_PROBLEMS + API_PROBLEMS == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_branch_model_has_a_factory_and_is_hidden_from_other_branches(model):
    label = model._meta.label
    if label in NOT_BRANCH_OBJECTS:
        return
    assert model in FACTORIES, (
        f"{label} belongs to a union but has no factory: add one to FACTORIES in {__name__} "
        f"(or, if it is no branch object of its own, a reason to NOT_BRANCH_OBJECTS)"
    )
    world = World()
    obj = world.get(model)
    if hasattr(model._default_manager, "visible_to"):
        assert not model._default_manager.visible_to(world.tree.staff_b).filter(pk=obj.pk).exists(), label
        assert model._default_manager.visible_to(world.tree.staff_a).filter(pk=obj.pk).exists(), label


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _gonghui_models() if m._meta.label != "core.AuditEvent"}


def _urls(endpoint: Endpoint, world: World) -> list[str]:
    values: dict[str, list[str]] = {}
    main = world.get(_first_model(endpoint)) if _first_model(endpoint) else None
    for param, model in endpoint.params:
        if model == "str":
            values[param] = STRING_PARAMS[param](main)
        else:
            values[param] = [str(world.get(model).pk)]
    urls = [endpoint.route]
    for param, options in values.items():
        urls = [u.replace("{" + param + "}", option) for u in urls for option in options]
    return urls


def _call(client: Client, endpoint: Endpoint, url: str, method: str) -> Any:
    if endpoint.kind == "console":
        return getattr(client, method)(url)
    if endpoint.multipart:
        return client.post(url, {"files": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    if endpoint.body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, endpoint.body, content_type="application/json")


def _methods(endpoint: Endpoint) -> list[str]:
    return ["get", "post"] if endpoint.kind == "console" else [endpoint.method]


ENDPOINT_MODELS = sorted({_first_model(e) for e in ENDPOINTS if _first_model(e)}, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", ENDPOINT_MODELS, ids=lambda m: m._meta.label)
def test_every_url_and_api_operation_with_an_id_hides_other_branches(model):
    """Staff of branch B get 404 (a `not_found` problem from the API) for branch A's object,
    from every page and operation that takes its id, and their calls write nothing; the owner
    gets past the lookup."""
    world = World()
    endpoints = [e for e in ENDPOINTS if _first_model(e) is model]
    other, owner_staff, owner_worker, owner_employer = Client(), Client(), Client(), Client()
    other.force_login(world.tree.staff_b)
    owner_staff.force_login(world.tree.staff_a)
    owner_worker.force_login(world.worker)
    if any(e.owner == "employer" for e in endpoints):
        owner_employer.force_login(make_recruiter(world.tree))  # an account for branch A's employer
    plans = [(e, url) for e in endpoints for url in _urls(e, world)]
    failures: list[str] = []

    before = _counts()
    refused: dict[tuple[str, str], set[str]] = {}
    for endpoint, url in plans:
        for method in _methods(endpoint):
            response = _call(other, endpoint, url, method)
            status = response.status_code
            if endpoint.kind == "api":
                ok = status == 404 and response.json().get("code") == "not_found"
            else:
                ok = status in (404, 405)
            if not ok:
                failures.append(f"{endpoint.label()} {method.upper()} {url}: branch B got {status}, expected 404")
            refused.setdefault((endpoint.name, url), set()).add(method if status == 404 else "")
    after = _counts()
    if after != before:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        failures.append(f"refused calls wrote rows: {changed}")

    for endpoint in endpoints:
        # The owner is branch A's staff, or the worker whose case or application it is (the
        # `/mine/` and `/me/` operations, wherever they live): the first one that gets in.
        owners = [owner_worker, owner_staff] if endpoint.owner == "worker" else [owner_staff, owner_worker]
        if endpoint.owner == "employer":
            owners = [owner_employer]
        if endpoint.owner == "recruiter":
            owner_recruiter = Client()
            owner_recruiter.force_login(world.get(EmployerAccount).user)  # type: ignore[attr-defined]
            owners = [owner_recruiter]
        found = False
        for client in owners:
            for url in _urls(endpoint, world):
                for method in _methods(endpoint):
                    # The owner's call may change the object (accept, transfer…): undo it so
                    # the next endpoint starts from the same object.
                    with transaction.atomic():
                        status = _call(client, endpoint, url, method).status_code
                        transaction.set_rollback(True)
                    if status not in (404, 405) and method in refused[(endpoint.name, url)]:
                        found = True
            if found:
                break
        if not found:
            failures.append(f"{endpoint.label()}: the owner got 404/405 too, so the 404 proves nothing "
                            f"(fix its factory or STRING_PARAMS)")
    assert failures == [], "\n".join(failures)


def test_routing_rules_are_configuration_not_branch_objects():
    # Listed in NOT_BRANCH_OBJECTS: if the model stops having a union, the entry must go.
    assert any(f.related_model is Union for f in RoutingRule._meta.concrete_fields if f.is_relation)
