"""Writes for the legal side: the lawyer roster, lawyer assignment, legal-aid decisions,
mediation, and 一函两书 letters (with their Chinese PDF)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.sequences import sequence_reserve
from gonghui.core.validators import parse_name, parse_phone
from gonghui.core.workdays import add_workdays
from gonghui.orgs.models import Union

from . import pdf
from .models import (
    Case,
    CaseEvent,
    Category,
    Lawyer,
    LegalAidDecision,
    Mediation,
    MediationSession,
    SupervisionLetter,
)
from .services import MAX_AMOUNT_FEN, _clean_text, _event, _notify_reporter, _require_staff


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


# --- roster -------------------------------------------------------------------------------


def lawyer_create(
    *, union: Union, name: str, kind: str = Lawyer.Kind.LAWYER, firm: str = "", specialities: str = "",
    phone: str = "", by: Any,
) -> Lawyer:
    _require_union(by, union)
    if kind not in Lawyer.Kind.values:
        raise ValidationFailed(_("类型无效。"), code="kind_invalid", field="kind")
    with transaction.atomic():
        lawyer = Lawyer.objects.create(
            union=union, name=parse_name(name), kind=kind, firm=firm.strip()[:120],
            specialities=specialities.strip()[:200], phone=parse_phone(phone) if phone else "",
        )
        audit_record(actor=by, action="lawyer.create", target=lawyer)
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
        (seq,) = sequence_reserve(f"letter-{today.year}")
        letter = SupervisionLetter(
            number=f"{SupervisionLetter.Kind(kind).label}〔{today.year}〕{seq}号", kind=kind, union=case.union,
            case=case, employer=case.employer, recipient=recipient, subject=subject, body=body, issued_by=by,
            response_due=add_workdays(today, response_workdays),
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
