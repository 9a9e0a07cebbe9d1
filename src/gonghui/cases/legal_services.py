"""Writes for the legal side: the workers' legal-help requests (consultation, legal aid with
its eligibility rules, mediation), the lawyer roster and its public directory, lawyer
assignment, legal-aid decisions, mediation, and 一函两书 letters (with their Chinese PDF)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, ValidationFailed, problem_response
from gonghui.core.sequences import sequence_reserve
from gonghui.core.validators import parse_name, parse_phone
from gonghui.core.workdays import deadline_after
from gonghui.orgs.models import Employer, Region, Union

from . import pdf, routing
from .legal_aid import AidAnswers, legal_aid_check
from .models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    DisputeType,
    Hardship,
    Lawyer,
    LegalAidApplication,
    LegalAidDecision,
    Mediation,
    MediationSession,
    Stage,
    SupervisionLetter,
)
from .services import (
    MAX_AMOUNT_FEN,
    _clean_text,
    _event,
    _notify_reporter,
    _require_staff,
    case_create,
)


class LegalAidNotEligible(ValidationFailed):
    """The applicant cannot get legal aid; `reasons` says why, one sentence each."""

    default_code = "legal_aid_not_eligible"

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            _("暂不符合工会法律援助条件：%(reasons)s 您可以改为申请法律咨询，工会律师会免费解答。") % {"reasons": " ".join(reasons)},
            code=self.default_code,
        )

    def as_response(self) -> HttpResponse:
        return problem_response(self.status, self.code, str(self.message), reasons=self.reasons)


def _require_union(user: Any, union: Union) -> None:
    if not jurisdiction.has_action(user, "change", union.path):
        raise NotFound()


def _check_lawyer(lawyer: Lawyer | None, case: Case) -> None:
    if lawyer is None:
        return
    # The roster of the handling union or of any union above it.
    if not lawyer.is_active or not case.union_path.startswith(lawyer.union.path):
        raise ValidationFailed(_("该律师不在本工会或上级工会的名册中。"), code="lawyer_invalid", field="lawyer")


def _clean_fen(value: int, field: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_FEN:
        raise ValidationFailed(_("金额无效。"), code="amount_invalid", field=field)
    return value


# --- the worker's legal-help requests ----------------------------------------------------


def _require_place_or_union(user: Any, employer: Employer | None, region: Region | None) -> None:
    """A member (or applicant) without place or employer is served by their own union; someone
    the union does not know yet must say where, or the request would land at the root."""
    if employer is not None or region is not None:
        return
    from gonghui.members.models import Person

    pk = getattr(user, "pk", None)
    person = Person.objects.filter(user_id=pk).first() if pk is not None else None
    if routing.member_union_for(person) is None:
        raise ValidationFailed(_("请选择您所在的地区（或填写用人单位），工会才能安排就近办理。"), code="region_required",
                               field="region")


def legal_consultation_request(
    *, user: Any, description: str, dispute_type: str = "", employer: Employer | None = None,
    employer_name: str = "", region: Region | None = None, place: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Case:
    """法律咨询: a question for the union's lawyers. Anyone signed in may ask; no amount, no
    number of people. Routed like any case (a member without place goes to their union)."""
    if dispute_type and dispute_type not in DisputeType.values:
        raise ValidationFailed(_("请选择咨询的事项。"), code="dispute_type_invalid", field="dispute_type")
    _require_place_or_union(user, employer, region)
    with transaction.atomic():
        case = case_create(
            channel=Channel.APP, category=Category.LEGAL_CONSULTATION, description=description, reporter_user=user,
            employer=employer, employer_name=employer_name, region=region, place=place,
            attachments=attachments, created_by=user,
        )
        if dispute_type:
            _event(case, kind=CaseEvent.Kind.LEGAL, by=user, public=False,
                   body=gettext("咨询事项：%(topic)s") % {"topic": DisputeType(dispute_type).label},
                   data={"dispute_type": dispute_type})
    return case


def legal_aid_apply(
    *, user: Any, description: str, dispute_type: str, hardship: str, stage: str, has_lawyer: bool,
    documents: Iterable[str], declared: bool, household_income_yuan: int | None = None,
    case_reference: str = "", employer: Employer | None = None, employer_name: str = "",
    region: Region | None = None, place: str = "", attachments: Sequence[UploadedFile] = (),
) -> Case:
    """法律援助 application: checked against the eligibility rules (`legal_aid.legal_aid_check`)
    before anything is stored. Not eligible → `LegalAidNotEligible` with the reasons (the form
    offers legal consultation instead). Eligible on the declaration → a legal-aid case for
    the union's review (`legal_aid_decide`), with the declaration kept beside it."""
    if dispute_type not in DisputeType.values:
        raise ValidationFailed(_("请选择争议类型。"), code="dispute_type_invalid", field="dispute_type")
    if hardship not in Hardship.values:
        raise ValidationFailed(_("请选择您的经济状况。"), code="hardship_invalid", field="hardship")
    if stage not in Stage.values:
        raise ValidationFailed(_("请选择争议目前所处的阶段。"), code="stage_invalid", field="stage")
    if not declared:
        raise ValidationFailed(_("请确认所填情况属实。"), code="declaration_required", field="declared")
    if household_income_yuan is not None and not 0 <= household_income_yuan <= 1_000_000:
        raise ValidationFailed(_("家庭人均月收入无效。"), code="income_invalid", field="household_income")
    if hardship == Hardship.HARDSHIP and household_income_yuan is None:
        raise ValidationFailed(_("申请经济困难援助，请填写家庭人均月收入。"), code="income_required", field="household_income")
    answers = AidAnswers.of(dispute_type=dispute_type, hardship=hardship, stage=stage, has_lawyer=has_lawyer,
                            documents=documents)
    reasons = legal_aid_check(answers)
    if reasons:
        raise LegalAidNotEligible(reasons)
    _require_place_or_union(user, employer, region)
    with transaction.atomic():
        case = case_create(
            channel=Channel.APP, category=Category.LEGAL_AID, description=description, reporter_user=user,
            employer=employer, employer_name=employer_name, region=region, place=place,
            attachments=attachments, created_by=user,
        )
        LegalAidApplication.objects.create(
            case=case, dispute_type=dispute_type, hardship=hardship, household_income_yuan=household_income_yuan,
            stage=stage, case_reference=(case_reference or "").strip()[:60], has_lawyer=answers.has_lawyer,
            documents=sorted(answers.documents),
        )
    return case


def mediation_request(
    *, user: Any, description: str, consent: bool, employer: Employer | None = None, employer_name: str = "",
    region: Region | None = None, place: str = "", attachments: Sequence[UploadedFile] = (),
) -> Case:
    """劳动争议调解: the union's mediators talk to the employer, so the employer must be named
    and the worker must agree that the union contacts it in their name."""
    employer_name = (employer.name if employer else (employer_name or "").strip())
    if not employer_name:
        raise ValidationFailed(_("调解需要知道和哪家单位发生了争议，请填写用人单位。"), code="employer_required",
                               field="employer_name")
    if not consent:
        raise ValidationFailed(_("调解要由工会联系单位、双方自愿参加，请同意工会以您的名义联系单位。"),
                               code="consent_required", field="consent")
    _require_place_or_union(user, employer, region)
    return case_create(
        channel=Channel.APP, category=Category.MEDIATION, description=description, reporter_user=user,
        employer=employer, employer_name=employer_name, region=region, place=place,
        employer_may_know_name=True, attachments=attachments, created_by=user,
    )


# --- roster -------------------------------------------------------------------------------


def lawyer_create(
    *, union: Union, name: str, kind: str = Lawyer.Kind.LAWYER, firm: str = "", specialities: str = "",
    phone: str = "", by: Any, is_public: bool = False, service_region: Region | None = None,
    address: str = "", hours: str = "", public_phone: str = "",
) -> Lawyer:
    _require_union(by, union)
    if kind not in Lawyer.Kind.values:
        raise ValidationFailed(_("类型无效。"), code="kind_invalid", field="kind")
    name = (name or "").strip()
    if kind == Lawyer.Kind.STATION:
        if not 2 <= len(name) <= 50 or any(ch in name for ch in "<>{}"):
            raise ValidationFailed(_("请填写站点名称。"), code="name_invalid", field="name")
    else:
        name = parse_name(name)
    public_phone = (public_phone or "").strip()[:30]
    if public_phone and not all(ch.isdigit() or ch in "-+ ()转" for ch in public_phone):
        raise ValidationFailed(_("公开电话只能包含数字、“-”和分机的“转”。"), code="phone_invalid", field="public_phone")
    if is_public and not public_phone and not (address or "").strip():
        raise ValidationFailed(_("向职工公开时，请至少填写公开电话或地址，职工才能找到。"), code="contact_required",
                               field="public_phone")
    with transaction.atomic():
        lawyer = Lawyer.objects.create(
            union=union, name=name, kind=kind, firm=firm.strip()[:120],
            specialities=specialities.strip()[:200], phone=parse_phone(phone) if phone else "",
            is_public=is_public, service_region=service_region, address=(address or "").strip()[:200],
            hours=(hours or "").strip()[:100], public_phone=public_phone,
        )
        audit_record(actor=by, action="lawyer.create", target=lawyer)
    return lawyer


def lawyer_publish(*, lawyer: Lawyer, is_public: bool, by: Any) -> Lawyer:
    """Show (or stop showing) a roster entry in the workers' directory."""
    _require_union(by, lawyer.union)
    if is_public and not lawyer.public_phone and not lawyer.address:
        raise ValidationFailed(_("向职工公开时，请至少填写公开电话或地址，职工才能找到。"), code="contact_required",
                               field="public_phone")
    with transaction.atomic():
        Lawyer.objects.filter(pk=lawyer.pk).update(is_public=is_public)
        lawyer.is_public = is_public
        audit_record(actor=by, action="lawyer.publish" if is_public else "lawyer.unpublish", target=lawyer)
    return lawyer


def case_lawyer_assign(*, case: Case, lawyer: Lawyer, by: Any) -> Case:
    """Give a consultation, legal-aid or mediation case to a lawyer or volunteer on the roster."""
    _require_staff(by, case)
    _check_lawyer(lawyer, case)
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(lawyer=lawyer, updated_at=timezone.now())
        case.lawyer = lawyer
        _event(case, kind=CaseEvent.Kind.LEGAL, by=by, public=True,
               body=gettext("已安排%(kind)s %(name)s 为您提供法律服务。") % {"kind": lawyer.get_kind_display(), "name": lawyer.name},
               data={"lawyer_id": lawyer.pk})
        _notify_reporter(case, gettext("您的诉求 %(number)s 已安排法律工作者。") % {"number": case.number})
        audit_record(actor=by, action="case.lawyer_assign", target=case, data={"lawyer_id": lawyer.pk})
    return case


def legal_aid_decide(*, case: Case, eligible: bool, reason: str, by: Any, lawyer: Lawyer | None = None) -> LegalAidDecision:
    """Eligibility decision on a legal-aid application; eligible ones get a lawyer."""
    _require_staff(by, case)
    if case.category != Category.LEGAL_AID:
        raise Conflict(_("只有法律援助申请需要审查。"), code="not_legal_aid")
    reason = _clean_text(reason, field="reason", max_len=500)
    if eligible and lawyer is None:
        raise ValidationFailed(_("符合条件的须指派律师。"), code="lawyer_required", field="lawyer")
    _check_lawyer(lawyer, case)
    with transaction.atomic():
        if LegalAidDecision.objects.filter(case=case).exists():
            raise Conflict(_("该申请已作出决定。"), code="already_decided")
        decision = LegalAidDecision.objects.create(case=case, eligible=eligible, reason=reason, lawyer=lawyer, decided_by=by)
        if lawyer is not None:
            Case.objects.filter(pk=case.pk).update(lawyer=lawyer)
        text = gettext("经审查，符合法律援助条件，指派 %(name)s 律师。") % {"name": lawyer.name} if eligible and lawyer else gettext("经审查，暂不符合法律援助条件：%(reason)s") % {"reason": reason}
        _event(case, kind=CaseEvent.Kind.LEGAL, by=by, public=True, body=text, data={"eligible": eligible})
        _notify_reporter(case, gettext("您的法律援助申请 %(number)s 已有审查结果。") % {"number": case.number})
        audit_record(actor=by, action="legal_aid.decide", target=case, reason=reason, data={"eligible": eligible})
    return decision


def mediation_open(
    *, case: Case, applicant: str, respondent: str, by: Any, mediator: Lawyer | None = None, claim_fen: int = 0
) -> Mediation:
    _require_staff(by, case)
    if case.category != Category.MEDIATION:
        raise Conflict(_("只有调解申请可以立案调解。"), code="not_mediation")
    _check_lawyer(mediator, case)
    applicant = _clean_text(applicant, field="applicant", max_len=120)
    respondent = _clean_text(respondent, field="respondent", max_len=150)
    with transaction.atomic():
        if Mediation.objects.filter(case=case).exists():
            raise Conflict(_("该诉求已立案调解。"), code="mediation_exists")
        mediation = Mediation.objects.create(
            case=case, applicant=applicant, respondent=respondent, mediator=mediator,
            claim_fen=_clean_fen(claim_fen, "claim"),
        )
        _event(case, kind=CaseEvent.Kind.LEGAL, by=by, public=True,
               body=gettext("调解立案：%(a)s 与 %(r)s。") % {"a": applicant, "r": respondent})
        audit_record(actor=by, action="mediation.open", target=case)
    return mediation


def mediation_session_add(*, case: Case, held_on: dt.date, by: Any, place: str = "", notes: str = "") -> MediationSession:
    _require_staff(by, case)
    mediation = Mediation.objects.filter(case=case).first()
    if mediation is None:
        raise Conflict(_("尚未立案调解。"), code="no_mediation")
    if mediation.outcome:
        raise Conflict(_("调解已结束。"), code="mediation_closed")
    with transaction.atomic():
        session = MediationSession.objects.create(
            mediation=mediation, held_on=held_on, place=place.strip()[:120], notes=notes.strip(), recorded_by=by
        )
        _event(case, kind=CaseEvent.Kind.LEGAL, by=by, public=True,
               body=gettext("调解会：%(day)s %(place)s") % {"day": held_on.isoformat(), "place": place})
    return session


def mediation_conclude(
    *, case: Case, outcome: str, by: Any, agreement: str = "", agreed_fen: int = 0, arbitration_ref: str = ""
) -> Mediation:
    """End a mediation: agreement (with amount), failure, withdrawal, or referral to arbitration."""
    _require_staff(by, case)
    if outcome not in Mediation.Outcome.values or not outcome:
        raise ValidationFailed(_("请选择调解结果。"), code="outcome_invalid", field="outcome")
    if outcome == Mediation.Outcome.AGREEMENT and not agreement.strip():
        raise ValidationFailed(_("达成协议须填写协议内容。"), code="agreement_required", field="agreement")
    if outcome == Mediation.Outcome.REFERRED and not arbitration_ref.strip():
        raise ValidationFailed(_("转劳动仲裁须填写仲裁案号。"), code="arbitration_ref_required", field="arbitration_ref")
    with transaction.atomic():
        mediation = Mediation.objects.select_for_update().filter(case=case).first()
        if mediation is None:
            raise Conflict(_("尚未立案调解。"), code="no_mediation")
        if mediation.outcome:
            raise Conflict(_("调解已结束。"), code="mediation_closed")
        mediation.outcome = outcome
        mediation.agreement = agreement.strip()
        mediation.agreed_fen = _clean_fen(agreed_fen, "agreed")
        mediation.arbitration_ref = arbitration_ref.strip()[:60]
        mediation.closed_at = timezone.now()
        mediation.save(update_fields=["outcome", "agreement", "agreed_fen", "arbitration_ref", "closed_at"])
        _event(case, kind=CaseEvent.Kind.LEGAL, by=by, public=True,
               body=gettext("调解结束：%(outcome)s") % {"outcome": mediation.get_outcome_display()},
               data={"outcome": outcome, "agreed_fen": mediation.agreed_fen, "arbitration_ref": mediation.arbitration_ref})
        audit_record(actor=by, action="mediation.conclude", target=case, data={"outcome": outcome})
    return mediation


# --- 一函两书 --------------------------------------------------------------------------------


def letter_issue(
    *, case: Case, kind: str, recipient: str, subject: str, body: str, by: Any, response_workdays: int = 10
) -> SupervisionLetter:
    """Issue a 提示函 / 意见书 / 建议书 for a case, numbered and rendered as a Chinese PDF.

    The worker's name goes into the letter only when they allowed the employer to learn it.
    When the response deadline reaches a year whose holidays are not entered, it is counted
    Monday–Friday and marked provisional (`response_due_provisional`), never a silent guess.
    """
    _require_staff(by, case)
    if kind not in SupervisionLetter.Kind.values:
        raise ValidationFailed(_("类型无效。"), code="kind_invalid", field="kind")
    recipient = _clean_text(recipient, field="recipient", max_len=150)
    subject = _clean_text(subject, field="subject", max_len=200)
    body = _clean_text(body, field="body", max_len=5000)
    if not 1 <= response_workdays <= 60:
        raise ValidationFailed(_("回复期限应在 1 到 60 个工作日之间。"), code="due_invalid", field="response_days")
    with transaction.atomic():
        today = timezone.localdate()
        due = deadline_after(today, response_workdays)
        (seq,) = sequence_reserve(f"letter-{today.year}")
        letter = SupervisionLetter(
            number=f"{SupervisionLetter.Kind(kind).label}〔{today.year}〕{seq}号", kind=kind, union=case.union,
            case=case, employer=case.employer, recipient=recipient, subject=subject, body=body, issued_by=by,
            response_due=due.on, response_workdays=response_workdays, response_due_provisional=due.provisional,
        )
        content = pdf.letter_pdf(
            letter=letter, worker_name=case.reporter_name if case.employer_may_know_name else "", issued_on=today,
        )
        # Stored under letters/<year>/<random>.pdf; downloads are named by the letter number.
        letter.pdf.save(f"{secrets.token_urlsafe(18)}.pdf", ContentFile(content), save=False)
        letter.save()
        _event(case, kind=CaseEvent.Kind.LETTER, by=by, public=False,
               body=gettext("制发%(kind)s %(number)s，送达 %(to)s。") % {"kind": letter.get_kind_display(), "number": letter.number, "to": recipient},
               data={"letter_id": letter.pk})
        audit_record(actor=by, action="letter.issue", target=letter)
    return letter


# Letters whose response is still awaited: their deadline still matters.
LETTER_AWAITING = (SupervisionLetter.Status.ISSUED, SupervisionLetter.Status.DELIVERED)


def letters_deadlines_recount() -> int:
    """Count provisional response deadlines again, now that more holiday years may be
    entered (from the day of issue, as many working days as asked). The PDF already issued
    keeps the date it states; the union follows up on the official one, noted on the case.
    Returns how many deadlines are no longer provisional."""
    fixed = 0
    pending = SupervisionLetter.objects.filter(
        response_due_provisional=True, status__in=LETTER_AWAITING, response_workdays__isnull=False,
    )
    for letter_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            letter = SupervisionLetter.objects.select_for_update().get(pk=letter_id)
            if not letter.response_due_provisional or letter.response_workdays is None:
                continue
            due = deadline_after(timezone.localdate(letter.issued_at), letter.response_workdays)
            if due.provisional:
                continue
            letter.response_due, letter.response_due_provisional = due.on, False
            letter.save(update_fields=["response_due", "response_due_provisional"])
            if letter.case is not None:
                _event(letter.case, kind=CaseEvent.Kind.NOTE, by=None, public=False,
                       body=gettext("节假日安排已录入，%(number)s 的回复期限按官方日历重新计算为 %(due)s。") % {
                           "number": letter.number, "due": due.on.isoformat()})
            fixed += 1
    return fixed


def _letter_lock(letter: SupervisionLetter, by: Any) -> SupervisionLetter:
    _require_union(by, letter.union)
    return SupervisionLetter.objects.select_for_update().get(pk=letter.pk)


def letter_deliver(*, letter: SupervisionLetter, method: str, by: Any) -> SupervisionLetter:
    method = _clean_text(method, field="method", max_len=60)
    with transaction.atomic():
        letter = _letter_lock(letter, by)
        if letter.status != SupervisionLetter.Status.ISSUED:
            raise Conflict(_("该函件已送达。"), code="already_delivered")
        letter.status = SupervisionLetter.Status.DELIVERED
        letter.delivered_at = timezone.now()
        letter.delivery_method = method
        letter.save(update_fields=["status", "delivered_at", "delivery_method"])
        audit_record(actor=by, action="letter.deliver", target=letter, data={"method": method})
    return letter


def letter_response_record(*, letter: SupervisionLetter, response: str, by: Any) -> SupervisionLetter:
    response = _clean_text(response, field="response", max_len=5000)
    with transaction.atomic():
        letter = _letter_lock(letter, by)
        if letter.status != SupervisionLetter.Status.DELIVERED:
            raise Conflict(_("送达后才能登记回复。"), code="not_delivered")
        letter.status = SupervisionLetter.Status.RESPONDED
        letter.response = response
        letter.responded_at = timezone.now()
        letter.save(update_fields=["status", "response", "responded_at"])
        audit_record(actor=by, action="letter.response", target=letter)
    return letter


def letter_follow_up(*, letter: SupervisionLetter, note: str, by: Any) -> SupervisionLetter:
    note = _clean_text(note, field="note", max_len=5000)
    with transaction.atomic():
        letter = _letter_lock(letter, by)
        if letter.status not in (SupervisionLetter.Status.DELIVERED, SupervisionLetter.Status.RESPONDED):
            raise Conflict(_("送达后才能跟踪落实。"), code="not_delivered")
        letter.status = SupervisionLetter.Status.FOLLOWED_UP
        letter.follow_up = note
        letter.save(update_fields=["status", "follow_up"])
        audit_record(actor=by, action="letter.follow_up", target=letter)
    return letter
