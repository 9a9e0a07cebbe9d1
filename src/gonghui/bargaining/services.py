"""Writes for collective bargaining: units, offers (要约) with their answer clock, rounds,
contracts with versions of structured terms, the workers' congress vote, signing, filing and
the labour department's review, 集中要约 campaigns. Safety supervision is in `safety.py`.

Every write is one function with one transaction; it checks the actor's jurisdiction,
validates with clear Chinese errors and records an audit event. Status changes happen only
here, each checking the status it starts from.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import RoleGrant
from gonghui.cases import pdf
from gonghui.cases.models import Case, Category, Channel
from gonghui.cases.services import attachment_validate, case_create
from gonghui.core import jurisdiction
from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.sequences import sequence_reserve
from gonghui.notices.models import Audience
from gonghui.notices.services import notice_send
from gonghui.orgs.models import Employer, Union
from gonghui.stats.services import mark_dirty_since

from . import clocks, currencies
from .models import (
    PENDING,
    BargainingOffer,
    BargainingRound,
    BargainingUnit,
    CollectiveContract,
    CongressVote,
    ContractKind,
    ContractVersion,
    OfferCampaign,
    PayPeriod,
    Sector,
    Side,
    UnitKind,
)

MAX_TEXT = 5000
# Days before the answer deadline when the union is reminded.
OFFER_REMIND_DAYS = 3


def today() -> dt.date:
    return timezone.localdate()


def require_action(user: Any, union: Union, action: str = "change") -> None:
    """NotFound when the union is outside the user's view (another branch looks like
    nothing); PermissionDenied when they may see it but not do this."""
    if not jurisdiction.has_action(user, "view", union.path):
        raise NotFound()
    if not jurisdiction.has_action(user, action, union.path):
        raise PermissionDenied()


def clean_text(value: Any, *, field: str, label: str, required: bool = True, max_len: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, code="required", field=field)
    if len(text) > max_len:
        raise ValidationFailed(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_len}, code="too_long", field=field)
    return text


def union_staff_ids(union: Union) -> set[int]:
    return set(RoleGrant.objects.filter(union=union, role__in=[RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF])
               .values_list("user_id", flat=True))


def notify_staff(union: Union, text: str, *, link: str, object_id: int, ref: str = "",
                 cache: dict[int, set[int]] | None = None) -> int:
    """A notice in 我的提醒 of the union's staff (admins and staff); a union without staff of
    its own (many grassroots unions) is looked after by the nearest union above that has some.
    A daily run passes one `cache` so each union's staff are read once per run."""
    cache = {} if cache is None else cache
    current: Union | None = union
    while current is not None:
        if current.pk not in cache:
            cache[current.pk] = union_staff_ids(current)
        ids = cache[current.pk]
        if ids:
            return len(notice_send(user_ids=ids, module="bargaining", audience=Audience.STAFF,
                                   text=text, link=link, object_id=object_id, ref=ref, union_path=union.path))
        current = current.parent
    return 0


# --- bargaining units ----------------------------------------------------------------------


def unit_create(
    *, actor: Any, union: Union, kind: str, name: str, employer_party: str, union_chief: str, employer_chief: str,
    workers_covered: int, members_covered: int, employer: Employer | None = None,
    employers: Sequence[Employer] = (), sector: str = "", union_representatives: str = "",
    employer_representatives: str = "", sector_code: str = "",
) -> BargainingUnit:
    """Register who bargains for whom. One employer: `employer`; a sector or region: the
    `employers` covered (at least two); a platform: `employer` is the HQ, `employers` its branches."""
    require_action(actor, union)
    if kind not in UnitKind.values:
        raise ValidationFailed(_("请选择协商类型。"), code="kind_invalid", field="kind")
    name = clean_text(name, field="name", label=gettext("名称"), max_len=120)
    employer_party = clean_text(employer_party, field="employer_party", label=gettext("企业方"), max_len=150)
    union_chief = clean_text(union_chief, field="union_chief", label=gettext("职工方首席代表"), max_len=50)
    employer_chief = clean_text(employer_chief, field="employer_chief", label=gettext("企业方首席代表"), max_len=50)
    if not isinstance(workers_covered, int) or not 1 <= workers_covered <= 10_000_000:
        raise ValidationFailed(_("覆盖职工人数应在 1 到 10000000 之间。"), code="workers_invalid", field="workers_covered")
    if not isinstance(members_covered, int) or not 0 <= members_covered <= workers_covered:
        raise ValidationFailed(_("会员人数不能超过覆盖职工人数。"), code="members_invalid", field="members_covered")
    if sector_code and sector_code not in Sector.values:
        raise ValidationFailed(_("请选择行业门类。"), code="sector_invalid", field="sector_code")
    employers = list(dict.fromkeys(employers))
    if kind == UnitKind.ENTERPRISE:
        if employer is None:
            raise ValidationFailed(_("请选择用人单位。"), code="employer_required", field="employer")
        employers = []
    elif kind == UnitKind.PLATFORM:
        if employer is None or not employer.is_platform:
            raise ValidationFailed(_("请选择平台企业总部（在单位信息中标为平台企业）。"), code="platform_required", field="employer")
        employers = [e for e in employers if e.pk != employer.pk]
    else:
        if len(employers) < 2:
            raise ValidationFailed(_("行业性、区域性协商至少覆盖两家单位。"), code="employers_required", field="employers")
        employer = None
    with transaction.atomic():
        unit = BargainingUnit.objects.create(
            union=union, kind=kind, name=name, employer=employer, sector_code=sector_code, sector=clean_text(sector, field="sector", label=gettext("行业"), required=False, max_len=60),
            employer_party=employer_party, union_chief=union_chief, employer_chief=employer_chief,
            union_representatives=clean_text(union_representatives, field="union_representatives", label=gettext("职工方协商代表"), required=False, max_len=2000),
            employer_representatives=clean_text(employer_representatives, field="employer_representatives", label=gettext("企业方协商代表"), required=False, max_len=2000),
            workers_covered=workers_covered, members_covered=members_covered,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if employers:
            unit.employers.set(employers)
        audit_record(actor=actor, action="bargaining.unit_create", target=unit, data={"kind": kind})
    return unit


# --- 要约 ----------------------------------------------------------------------------------


def _offer_pdf(offer: BargainingOffer) -> bytes:
    """The 要约书, always in Chinese (it goes to the employer), whatever the page language."""
    with translation.override("zh-hans"):
        return _offer_pdf_zh(offer)


def _offer_pdf_zh(offer: BargainingOffer) -> bytes:
    unit = offer.unit
    due_text = gettext("请你方自收到本要约书之日起二十日内以书面形式给予回应。")
    paragraphs = [
        gettext("根据《中华人民共和国劳动法》《中华人民共和国工会法》和《集体合同规定》，本方提出就以下事项进行集体协商：") ,
        offer.topics,
        offer.body,
        gettext("本方首席协商代表：%(chief)s。") % {"chief": unit.union_chief if offer.from_side == Side.UNION else unit.employer_chief},
        due_text,
    ]
    signer = unit.union.name if offer.from_side == Side.UNION else unit.employer_party
    return pdf.formal_letter_pdf(
        heading=signer, title=gettext("集体协商要约书"), number=offer.number, recipient=offer.recipient,
        paragraphs=paragraphs, signer=signer, issued_on=offer.sent_on,
    )


def unit_update(
    *, actor: Any, unit: BargainingUnit, union_chief: str, employer_chief: str, union_representatives: str = "",
    employer_representatives: str = "", employer_party: str | None = None, workers_covered: int | None = None,
    members_covered: int | None = None, sector: str | None = None, sector_code: str | None = None,
) -> BargainingUnit:
    """Complete or correct a unit: the representatives (a campaign's units start with 待定),
    the employer side, the workers and members covered, the sector. Kind and employers stay."""
    union_chief = clean_text(union_chief, field="union_chief", label=gettext("职工方首席代表"), max_len=50)
    employer_chief = clean_text(employer_chief, field="employer_chief", label=gettext("企业方首席代表"), max_len=50)
    with transaction.atomic():
        require_action(actor, unit.union)
        unit = BargainingUnit.objects.select_for_update().get(pk=unit.pk)
        workers = unit.workers_covered if workers_covered is None else workers_covered
        members = unit.members_covered if members_covered is None else members_covered
        if not isinstance(workers, int) or not 1 <= workers <= 10_000_000:
            raise ValidationFailed(_("覆盖职工人数应在 1 到 10000000 之间。"), code="workers_invalid", field="workers_covered")
        if not isinstance(members, int) or not 0 <= members <= workers:
            raise ValidationFailed(_("会员人数不能超过覆盖职工人数。"), code="members_invalid", field="members_covered")
        if sector_code is not None and sector_code and sector_code not in Sector.values:
            raise ValidationFailed(_("请选择行业门类。"), code="sector_invalid", field="sector_code")
        unit.union_chief, unit.employer_chief = union_chief, employer_chief
        unit.union_representatives = clean_text(union_representatives, field="union_representatives", label=gettext("职工方协商代表"),
                                                required=False, max_len=2000)
        unit.employer_representatives = clean_text(employer_representatives, field="employer_representatives",
                                                   label=gettext("企业方协商代表"), required=False, max_len=2000)
        if employer_party is not None:
            unit.employer_party = clean_text(employer_party, field="employer_party", label=gettext("企业方"), max_len=150)
        if sector is not None:
            unit.sector = clean_text(sector, field="sector", label=gettext("行业"), required=False, max_len=60)
        if sector_code is not None:
            unit.sector_code = sector_code
        unit.workers_covered, unit.members_covered = workers, members
        unit.save()
        # Coverage stocks are read from the unit: recount the days its contracts were in force.
        mark_dirty_since(unit.contracts.filter(in_force_on__isnull=False).order_by("in_force_on")
                         .values_list("in_force_on", flat=True).first())
        audit_record(actor=actor, action="bargaining.unit_update", target=unit)
    return unit


def offer_send(
    *, actor: Any, unit: BargainingUnit, topics: str, body: str, sent_on: dt.date | None = None,
    recipient: str = "", from_side: str = Side.UNION, campaign: OfferCampaign | None = None,
) -> BargainingOffer:
    """Record a written offer and render it as a Chinese PDF (要约书). The 20-day clock starts
    when the other side's receipt is recorded (`offer_receipt_record`)."""
    require_action(actor, unit.union)
    if from_side not in Side.values:
        raise ValidationFailed(_("请选择提出方。"), code="side_invalid", field="from_side")
    topics = clean_text(topics, field="topics", label=gettext("协商议题"), max_len=200)
    body = clean_text(body, field="body", label=gettext("要约内容"))
    recipient = clean_text(recipient or (unit.employer_party if from_side == Side.UNION else unit.union.name),
                           field="recipient", label=gettext("送达对象"), max_len=150)
    sent_on = sent_on or today()
    if sent_on > today():
        raise ValidationFailed(_("发出日期不能晚于今天。"), code="date_future", field="sent_on")
    with transaction.atomic():
        (seq,) = sequence_reserve(f"bargaining-offer-{sent_on.year}")
        with translation.override("zh-hans"):
            number = gettext("要约〔%(year)s〕%(seq)s号") % {"year": sent_on.year, "seq": seq}
        offer = BargainingOffer(
            unit=unit, campaign=campaign, number=number,
            from_side=from_side, recipient=recipient, topics=topics, body=body, sent_on=sent_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        offer.pdf.save(f"{secrets.token_urlsafe(18)}.pdf", ContentFile(_offer_pdf(offer)), save=False)
        offer.save()
        audit_record(actor=actor, action="bargaining.offer_send", target=offer)
    return offer


def _offer_lock(offer: BargainingOffer, actor: Any, *, as_employer: bool = False) -> BargainingOffer:
    if as_employer:
        from .employer import offer_is_theirs

        if not offer_is_theirs(actor, offer):
            raise NotFound()
    else:
        require_action(actor, offer.unit.union)
    return BargainingOffer.objects.select_for_update().select_related("unit__union").get(pk=offer.pk)


def offer_receipt_record(*, actor: Any, offer: BargainingOffer, received_on: dt.date,
                         as_employer: bool = False) -> BargainingOffer:
    """The other side received the offer on `received_on`: the answer is due 20 calendar days
    later (moved past a rest day, see clocks.days_after). `as_employer`: the employer's own
    account states it (see employer.py), not union staff."""
    with transaction.atomic():
        offer = _offer_lock(offer, actor, as_employer=as_employer)
        if offer.status != BargainingOffer.Status.SENT or offer.received_on is not None:
            raise Conflict(_("已登记送达。"), code="already_received")
        if received_on < offer.sent_on:
            raise ValidationFailed(_("收到日期不能早于发出日期。"), code="date_before_sent", field="received_on")
        if received_on > today():
            raise ValidationFailed(_("收到日期不能晚于今天。"), code="date_future", field="received_on")
        due = clocks.days_after(received_on, clocks.OFFER_ANSWER_DAYS)
        offer.received_on, offer.answer_due, offer.answer_due_provisional = received_on, due.on, due.provisional
        offer.save(update_fields=["received_on", "answer_due", "answer_due_provisional"])
        audit_record(actor=actor, action="bargaining.offer_receipt", target=offer,
                     data={"received_on": received_on.isoformat(), "by_employer": as_employer})
    return offer


def offer_answer_record(*, actor: Any, offer: BargainingOffer, accepted: bool, answered_on: dt.date, answer: str,
                        as_employer: bool = False) -> BargainingOffer:
    """The written answer: agreement to bargain, or a refusal. A late answer is still
    recorded (after silence was flagged, too); its date shows it was late. `as_employer`: the
    employer answers from its own account (employer.py); the union's staff are told."""
    answer = clean_text(answer, field="answer", label=gettext("回应内容"))
    with transaction.atomic():
        offer = _offer_lock(offer, actor, as_employer=as_employer)
        if offer.status not in (BargainingOffer.Status.SENT, BargainingOffer.Status.SILENT):
            raise Conflict(_("已登记回应。"), code="already_answered")
        if offer.received_on is None:
            raise Conflict(_("请先登记对方收到要约的日期。"), code="not_received")
        if answered_on < offer.received_on or answered_on > today():
            raise ValidationFailed(_("回应日期应在收到日期和今天之间。"), code="date_invalid", field="answered_on")
        offer.status = BargainingOffer.Status.ACCEPTED if accepted else BargainingOffer.Status.REFUSED
        offer.answered_on, offer.answer = answered_on, answer
        offer.save(update_fields=["status", "answered_on", "answer"])
        audit_record(actor=actor, action="bargaining.offer_answer", target=offer, data={"accepted": accepted, "by_employer": as_employer})
        if as_employer:
            text = (gettext("%(employer)s 已书面同意协商（要约 %(number)s）。") if accepted
                    else gettext("%(employer)s 书面拒绝协商（要约 %(number)s），可报上级工会。")) % {
                "employer": offer.unit.employer_party, "number": offer.number}
            notify_staff(offer.unit.union, text, link=reverse("console:bargaining:offer", args=[offer.pk]), object_id=offer.pk,
                         ref=offer.number)
    return offer


def offers_clock_run(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: remind the union of answers due within 3 days (once), and flag offers with no
    answer after their deadline as silent (逾期未回应), telling the union."""
    on = on or today()
    reminded = flagged = 0
    staff: dict[int, set[int]] = {}
    soon = BargainingOffer.objects.filter(status=BargainingOffer.Status.SENT, answer_due__gte=on,
                                          answer_due__lte=on + dt.timedelta(days=OFFER_REMIND_DAYS), reminded_on__isnull=True)
    for offer in soon.select_related("unit__union"):
        with transaction.atomic():
            if BargainingOffer.objects.filter(pk=offer.pk, reminded_on__isnull=True).update(reminded_on=on):
                notify_staff(offer.unit.union, gettext("要约 %(number)s 的回应期限为 %(due)s，请跟进对方回应。") % {
                    "number": offer.number, "due": offer.answer_due.isoformat() if offer.answer_due else ""},
                    link=reverse("console:bargaining:offer", args=[offer.pk]), object_id=offer.pk, ref=offer.number, cache=staff)
                reminded += 1
    late = BargainingOffer.objects.filter(status=BargainingOffer.Status.SENT, answer_due__lt=on)
    for offer in late.select_related("unit__union"):
        with transaction.atomic():
            if BargainingOffer.objects.filter(pk=offer.pk, status=BargainingOffer.Status.SENT).update(status=BargainingOffer.Status.SILENT):
                notify_staff(offer.unit.union, gettext("要约 %(number)s 已超过回应期限 %(due)s，对方未书面回应，可报上级工会。") % {
                    "number": offer.number, "due": offer.answer_due.isoformat() if offer.answer_due else ""},
                    link=reverse("console:bargaining:offer", args=[offer.pk]), object_id=offer.pk, ref=offer.number, cache=staff)
                flagged += 1
    return {"reminded": reminded, "silent": flagged}


def offer_escalate(*, actor: Any, offer: BargainingOffer, note: str = "") -> Case:
    """A refusal or silence: open a case for the union above (the cases module's engine), so
    the higher union can act (一函两书, coordination with the labour department)."""
    with transaction.atomic():
        offer = _offer_lock(offer, actor)
        if offer.status not in (BargainingOffer.Status.REFUSED, BargainingOffer.Status.SILENT):
            raise Conflict(_("只有拒绝或逾期未回应的要约才能报上级工会。"), code="not_refused")
        if offer.escalation_case_id is not None:
            raise Conflict(_("已报上级工会。"), code="already_escalated")
        union = offer.unit.union
        parent = union.parent or union
        with translation.override("zh-hans"):  # the case record is kept in Chinese
            what = gettext("拒绝协商") if offer.status == BargainingOffer.Status.REFUSED else gettext("收到要约后逾期未书面回应")
            description = gettext("%(recipient)s 对集体协商要约 %(number)s（议题：%(topics)s）%(what)s，请上级工会督促。") % {
                "recipient": offer.recipient, "number": offer.number, "topics": offer.topics, "what": what}
        if note.strip():
            description += "\n" + note.strip()[:1000]
        case = case_create(
            channel=Channel.WALK_IN, category=Category.OTHER, description=description, reporter_name=union.name[:50],
            employer=offer.unit.employer, employer_name=offer.unit.employer_party, people_count=offer.unit.workers_covered,
            created_by=actor, union=parent,
        )
        offer.escalation_case = case
        offer.save(update_fields=["escalation_case"])
        audit_record(actor=actor, action="bargaining.offer_escalate", target=offer, data={"case_id": case.pk})
    return case


# --- rounds --------------------------------------------------------------------------------


def round_add(
    *, actor: Any, unit: BargainingUnit, held_on: dt.date, attendees: str, place: str = "", union_position: str = "",
    employer_position: str = "", agreed_points: str = "", minutes: UploadedFile | None = None,
) -> BargainingRound:
    require_action(actor, unit.union)
    attendees = clean_text(attendees, field="attendees", label=gettext("出席人员"), max_len=2000)
    if held_on > today():
        raise ValidationFailed(_("协商日期不能晚于今天。"), code="date_future", field="held_on")
    content_type = attachment_validate(minutes) if minutes is not None else ""
    with transaction.atomic():
        BargainingUnit.objects.select_for_update().get(pk=unit.pk)
        number = (unit.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        row = BargainingRound(
            unit=unit, number=number, held_on=held_on, place=clean_text(place, field="place", label=gettext("地点"), required=False, max_len=120),
            attendees=attendees,
            union_position=clean_text(union_position, field="union_position", label=gettext("职工方意见"), required=False),
            employer_position=clean_text(employer_position, field="employer_position", label=gettext("企业方意见"), required=False),
            agreed_points=clean_text(agreed_points, field="agreed_points", label=gettext("达成一致的事项"), required=False),
        )
        if minutes is not None:
            row.minutes_name, row.minutes_type = (minutes.name or "")[-120:], content_type
            row.minutes.save(minutes.name or "minutes", minutes, save=False)
        row.save()
        audit_record(actor=actor, action="bargaining.round_add", target=row)
    return row


def round_minutes_attach(*, actor: Any, round_: BargainingRound, minutes: UploadedFile) -> BargainingRound:
    """The minutes of a round already recorded (typed up after the meeting): a checked upload,
    once — minutes are a record, not replaced."""
    content_type = attachment_validate(minutes)
    with transaction.atomic():
        require_action(actor, round_.unit.union)
        row = BargainingRound.objects.select_for_update().get(pk=round_.pk)
        if row.minutes:
            raise Conflict(_("该次协商已有会议纪要。"), code="minutes_exist")
        row.minutes_name, row.minutes_type = (minutes.name or "")[-120:], content_type
        row.minutes.save(minutes.name or "minutes", minutes, save=False)
        row.save(update_fields=["minutes", "minutes_name", "minutes_type"])
        audit_record(actor=actor, action="bargaining.round_minutes", target=row)
    return row


# --- contracts and their terms ---------------------------------------------------------------

TEXT_TERMS = ("hours_and_rest", "leave", "safety", "women_protection", "training", "algo_dispatch", "algo_pay_rules",
              "algo_penalties", "algo_rest_reminders", "other_terms")


@dataclass(frozen=True)
class TermsIn:
    """Terms as typed by a person: percentages and amounts as decimal text."""

    wage_adjustment_pct: str = ""
    min_pay_amount: str = ""
    min_pay_currency: str = ""
    min_pay_period: str = ""
    weekly_hours: int | None = None
    hours_and_rest: str = ""
    leave: str = ""
    safety: str = ""
    women_protection: str = ""
    training: str = ""
    algo_dispatch: str = ""
    algo_pay_rules: str = ""
    algo_penalties: str = ""
    algo_rest_reminders: str = ""
    other_terms: str = ""


def _decimal(text: str, *, field: str, label: str) -> Decimal | None:
    text = str(text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationFailed(_("%(label)s应为数字。") % {"label": label}, code="number_invalid", field=field)
    return value


def terms_clean(terms: TermsIn) -> dict[str, Any]:
    """Model fields from typed terms. An unknown currency, an amount without a currency or
    period, or more decimals than the currency has are refused."""
    out: dict[str, Any] = {}
    pct = _decimal(terms.wage_adjustment_pct, field="wage_adjustment_pct", label=gettext("工资调整幅度"))
    if pct is not None:
        if not Decimal(-100) < pct <= Decimal(1000) or pct != pct.quantize(Decimal("0.01")):
            raise ValidationFailed(_("工资调整幅度应在 -100% 到 1000% 之间，最多两位小数。"), code="pct_invalid", field="wage_adjustment_pct")
    out["wage_adjustment_bp"] = int(pct * 100) if pct is not None else None
    amount = _decimal(terms.min_pay_amount, field="min_pay_amount", label=gettext("最低工资标准"))
    currency = str(terms.min_pay_currency or "").strip().upper()
    period = str(terms.min_pay_period or "").strip()
    if amount is None:
        if currency and not currencies.is_currency(currency):
            raise ValidationFailed(_("币种 %(code)s 不是 ISO 4217 货币代码。") % {"code": currency[:8]}, code="currency_unknown", field="min_pay_currency")
        out.update(min_pay_minor=None, min_pay_currency="", min_pay_period="")
    else:
        if not currency:
            raise ValidationFailed(_("请填写最低工资标准的币种。"), code="currency_required", field="min_pay_currency")
        if not currencies.is_currency(currency):
            raise ValidationFailed(_("币种 %(code)s 不是 ISO 4217 货币代码。") % {"code": currency[:8]}, code="currency_unknown", field="min_pay_currency")
        if period not in PayPeriod.values:
            raise ValidationFailed(_("请选择最低工资标准的计酬周期。"), code="period_required", field="min_pay_period")
        if amount <= 0 or amount > Decimal(10) ** 9:
            raise ValidationFailed(_("最低工资标准应大于零。"), code="amount_invalid", field="min_pay_amount")
        try:
            minor = currencies.to_minor(amount, currency)
        except ValueError:
            raise ValidationFailed(_("%(code)s 金额最多 %(n)s 位小数。") % {"code": currency, "n": currencies.ISO_4217[currency]},
                                   code="amount_decimals", field="min_pay_amount") from None
        out.update(min_pay_minor=minor, min_pay_currency=currency, min_pay_period=period)
    if terms.weekly_hours is not None and not 1 <= terms.weekly_hours <= 84:
        raise ValidationFailed(_("每周工作时间应在 1 到 84 小时之间。"), code="hours_invalid", field="weekly_hours")
    out["weekly_hours"] = terms.weekly_hours
    for name in TEXT_TERMS:
        out[name] = clean_text(getattr(terms, name), field=name, label=ContractVersion.label_of(name), required=False)
    return out


def _term_dates_check(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed(_("期限结束日期不能早于开始日期。"), code="end_before_start", field="ends_on")
    shortest, longest = clocks.term_bounds(starts_on)
    if ends_on < shortest or ends_on > longest:
        raise ValidationFailed(
            _("集体合同期限为 1 至 3 年：从 %(start)s 起，结束日期应在 %(a)s 至 %(b)s 之间。") % {
                "start": starts_on.isoformat(), "a": shortest.isoformat(), "b": longest.isoformat()},
            code="term_invalid", field="ends_on")


def contract_create(
    *, actor: Any, unit: BargainingUnit, kind: str, title: str, starts_on: dt.date, ends_on: dt.date, terms: TermsIn,
    note: str = "",
) -> CollectiveContract:
    """A draft contract with its first version of terms."""
    require_action(actor, unit.union)
    if kind not in ContractKind.values:
        raise ValidationFailed(_("请选择合同类型。"), code="kind_invalid", field="kind")
    title = clean_text(title, field="title", label=gettext("合同名称"), max_len=120)
    _term_dates_check(starts_on, ends_on)
    fields = terms_clean(terms)
    with transaction.atomic():
        contract = CollectiveContract.objects.create(unit=unit, kind=kind, title=title, starts_on=starts_on, ends_on=ends_on)
        ContractVersion.objects.create(contract=contract, number=1, note=note.strip()[:200], created_by=_user(actor), **fields)
        audit_record(actor=actor, action="bargaining.contract_create", target=contract)
    return contract


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _contract_lock(contract: CollectiveContract, actor: Any) -> CollectiveContract:
    require_action(actor, contract.unit.union)
    return CollectiveContract.objects.select_for_update().select_related("unit__union").get(pk=contract.pk)


def contract_version_add(*, actor: Any, contract: CollectiveContract, terms: TermsIn, note: str = "",
                         starts_on: dt.date | None = None, ends_on: dt.date | None = None) -> ContractVersion:
    """A new text of a draft (never an edit of an old one)."""
    fields = terms_clean(terms)
    with transaction.atomic():
        contract = _contract_lock(contract, actor)
        if contract.status != CollectiveContract.Status.DRAFT:
            raise Conflict(_("只有草案可以修改；已通过表决的文本不能再改。"), code="not_draft")
        if starts_on is not None or ends_on is not None:
            s, e = starts_on or contract.starts_on, ends_on or contract.ends_on
            _term_dates_check(s, e)
            contract.starts_on, contract.ends_on = s, e
            contract.save(update_fields=["starts_on", "ends_on", "updated_at"])
        number = (contract.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ContractVersion.objects.create(contract=contract, number=number, note=note.strip()[:200], created_by=_user(actor), **fields)
        audit_record(actor=actor, action="bargaining.contract_version", target=contract, data={"version": number})
    return version


def vote_outcome(*, total: int, present: int, in_favour: int) -> tuple[bool, bool]:
    """(quorum met, adopted) under 《集体合同规定》第36条: at least two thirds of all
    representatives present, and more than half of ALL representatives in favour. Integer
    arithmetic: 3 × present ≥ 2 × total; 2 × in favour > total."""
    quorum = 3 * present >= 2 * total
    return quorum, quorum and 2 * in_favour > total


def vote_record(
    *, actor: Any, contract: CollectiveContract, held_on: dt.date, total: int, present: int, in_favour: int,
    against: int, abstained: int, body: str = CongressVote.Body.CONGRESS,
) -> CongressVote:
    """Record the congress's tally on the current text and check it: the counts must add up.
    Adopted: the contract moves to 职代会已通过; not adopted: it stays a draft."""
    if body not in CongressVote.Body.values:
        raise ValidationFailed(_("请选择表决机构。"), code="body_invalid", field="body")
    for name, value in (("total", total), ("present", present), ("in_favour", in_favour), ("against", against), ("abstained", abstained)):
        if not isinstance(value, int) or value < 0 or value > 1_000_000:
            raise ValidationFailed(_("人数应为非负整数。"), code="count_invalid", field=name)
    if total < 1:
        raise ValidationFailed(_("应到人数至少为 1。"), code="count_invalid", field="total")
    if present > total:
        raise ValidationFailed(_("实到人数不能超过应到人数。"), code="present_over_total", field="present")
    if in_favour + against + abstained != present:
        raise ValidationFailed(_("赞成、反对、弃权之和应等于实到人数（%(n)s）。") % {"n": present}, code="tally_mismatch", field="in_favour")
    if held_on > today():
        raise ValidationFailed(_("会议日期不能晚于今天。"), code="date_future", field="held_on")
    quorum, adopted = vote_outcome(total=total, present=present, in_favour=in_favour)
    with transaction.atomic():
        contract = _contract_lock(contract, actor)
        if contract.status != CollectiveContract.Status.DRAFT:
            raise Conflict(_("只有草案可以提交表决。"), code="not_draft")
        version = contract.versions.order_by("-number").first()
        if version is None:
            raise Conflict(_("合同还没有文本。"), code="no_version")
        vote = CongressVote.objects.create(
            contract=contract, version=version, body=body, held_on=held_on, total=total, present=present,
            in_favour=in_favour, against=against, abstained=abstained, quorum_met=quorum, adopted=adopted,
            recorded_by=_user(actor),
        )
        if adopted:
            contract.status = CollectiveContract.Status.ADOPTED
            contract.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="bargaining.vote", target=contract,
                     data={"total": total, "present": present, "in_favour": in_favour, "adopted": adopted})
    return vote


def contract_sign(*, actor: Any, contract: CollectiveContract, signed_on: dt.date) -> CollectiveContract:
    """Both chief representatives signed: filing with the labour department is due 10 days later."""
    with transaction.atomic():
        contract = _contract_lock(contract, actor)
        if contract.status != CollectiveContract.Status.ADOPTED:
            raise Conflict(_("职代会通过后才能签订。"), code="not_adopted")
        vote = contract.votes.filter(adopted=True).order_by("-held_on").first()
        if vote is not None and signed_on < vote.held_on:
            raise ValidationFailed(_("签订日期不能早于职代会通过日期。"), code="date_before_vote", field="signed_on")
        if signed_on > today():
            raise ValidationFailed(_("签订日期不能晚于今天。"), code="date_future", field="signed_on")
        contract.status = CollectiveContract.Status.SIGNED
        contract.signed_on = signed_on
        contract.filing_due = clocks.days_after(signed_on, clocks.FILING_DAYS).on
        contract.save(update_fields=["status", "signed_on", "filing_due", "updated_at"])
        audit_record(actor=actor, action="bargaining.contract_sign", target=contract)
    return contract


def contract_file(*, actor: Any, contract: CollectiveContract, filed_on: dt.date, labour_department: str) -> CollectiveContract:
    """Sent to the labour department on `filed_on`: the 15-day review clock starts."""
    labour_department = clean_text(labour_department, field="labour_department", label=gettext("审查部门"), max_len=120)
    with transaction.atomic():
        contract = _contract_lock(contract, actor)
        if contract.status != CollectiveContract.Status.SIGNED or contract.signed_on is None:
            raise Conflict(_("签订后才能报送审查。"), code="not_signed")
        if filed_on < contract.signed_on or filed_on > today():
            raise ValidationFailed(_("报送日期应在签订日期和今天之间。"), code="date_invalid", field="filed_on")
        contract.status = CollectiveContract.Status.FILED
        contract.filed_on, contract.labour_department = filed_on, labour_department
        contract.review_due = clocks.days_after(filed_on, clocks.REVIEW_DAYS).on
        contract.save(update_fields=["status", "filed_on", "labour_department", "review_due", "updated_at"])
        audit_record(actor=actor, action="bargaining.contract_file", target=contract,
                     data={"late": filed_on > (contract.filing_due or filed_on)})
    return contract


def contract_objection_record(*, actor: Any, contract: CollectiveContract, objection: str) -> CollectiveContract:
    """The department objected within its review period: the contract goes back to a draft,
    to be amended, voted and signed again. The earlier vote and dates stay in the record."""
    objection = clean_text(objection, field="objection", label=gettext("审查意见"))
    with transaction.atomic():
        contract = _contract_lock(contract, actor)
        if contract.status != CollectiveContract.Status.FILED:
            raise Conflict(_("只有报送审查中的合同可以登记异议。"), code="not_filed")
        contract.status = CollectiveContract.Status.DRAFT
        contract.objection = objection
        contract.signed_on = contract.filed_on = contract.filing_due = contract.review_due = None
        contract.save(update_fields=["status", "objection", "signed_on", "filed_on", "filing_due", "review_due", "updated_at"])
        notify_staff(contract.unit.union, gettext("%(title)s 被审查部门提出异议，已退回修改。") % {"title": contract.title},
                     link=reverse("console:bargaining:contract", args=[contract.pk]), object_id=contract.pk)
        audit_record(actor=actor, action="bargaining.contract_objection", target=contract, reason=objection)
    return contract


def contracts_clock_run(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: contracts whose review period passed without objection come into force; signed
    contracts past their filing deadline are flagged once; contracts within 3 months of
    expiry remind the union once; contracts past their last day expire."""
    on = on or today()
    result = {"in_force": 0, "filing_overdue": 0, "renewal": 0, "expired": 0}
    staff: dict[int, set[int]] = {}
    for contract in CollectiveContract.objects.filter(status=CollectiveContract.Status.FILED, review_due__lt=on).select_related("unit__union"):
        with transaction.atomic():
            assert contract.review_due is not None
            if CollectiveContract.objects.filter(pk=contract.pk, status=CollectiveContract.Status.FILED).update(
                status=CollectiveContract.Status.IN_FORCE, in_force_on=clocks.in_force_from(contract.review_due), updated_at=timezone.now()
            ):
                mark_dirty_since(clocks.in_force_from(contract.review_due))
                notify_staff(contract.unit.union, gettext("%(title)s 审查期满无异议，已生效。") % {"title": contract.title},
                             link=reverse("console:bargaining:contract", args=[contract.pk]), object_id=contract.pk, cache=staff)
                result["in_force"] += 1
    late = CollectiveContract.objects.filter(status=CollectiveContract.Status.SIGNED, filing_due__lt=on,
                                             filing_overdue_flagged_on__isnull=True)
    for contract in late.select_related("unit__union"):
        with transaction.atomic():
            if CollectiveContract.objects.filter(pk=contract.pk, filing_overdue_flagged_on__isnull=True).update(filing_overdue_flagged_on=on):
                notify_staff(contract.unit.union, gettext("%(title)s 签订已超过 10 日仍未报送劳动保障行政部门审查。") % {"title": contract.title},
                             link=reverse("console:bargaining:contract", args=[contract.pk]), object_id=contract.pk, cache=staff)
                result["filing_overdue"] += 1
    # Only contracts near their end are read (a superset: month ends are clamped, so allow a few
    # days more), then checked exactly; a national run no longer reads every contract in force.
    near_end = clocks.add_months(on, clocks.RENEWAL_MONTHS) + dt.timedelta(days=4)
    for contract in CollectiveContract.objects.filter(status=CollectiveContract.Status.IN_FORCE, renewal_reminded_on__isnull=True,
                                                      ends_on__gte=on, ends_on__lte=near_end).select_related("unit__union"):
        if on < clocks.renewal_reminder_on(contract.ends_on):
            continue
        with transaction.atomic():
            if CollectiveContract.objects.filter(pk=contract.pk, renewal_reminded_on__isnull=True).update(renewal_reminded_on=on):
                notify_staff(contract.unit.union, gettext("%(title)s 将于 %(end)s 到期，可向对方提出续订要求。") % {
                    "title": contract.title, "end": contract.ends_on.isoformat()},
                    link=reverse("console:bargaining:contract", args=[contract.pk]), object_id=contract.pk, cache=staff)
                result["renewal"] += 1
    result["expired"] = CollectiveContract.objects.filter(status=CollectiveContract.Status.IN_FORCE, ends_on__lt=on).update(
        status=CollectiveContract.Status.EXPIRED, updated_at=timezone.now())
    return result


# --- 集中要约行动 ---------------------------------------------------------------------------


def offer_campaign_launch(
    *, actor: Any, union: Union, name: str, topics: str, body: str, employers: Iterable[Employer],
    sent_on: dt.date | None = None,
) -> OfferCampaign:
    """Send one offer to each employer at once. An employer without a bargaining unit of this
    union gets a single-employer unit (its own union's chair leads the union side, to be
    completed later). Employers outside the union's subtree are refused."""
    require_action(actor, union)
    name = clean_text(name, field="name", label=gettext("行动名称"), max_len=80)
    topics = clean_text(topics, field="topics", label=gettext("协商议题"), max_len=200)
    body = clean_text(body, field="body", label=gettext("要约内容"))
    employers = list(dict.fromkeys(employers))
    if not employers:
        raise ValidationFailed(_("请至少选择一家单位。"), code="employers_required", field="employers")
    if len(employers) > 500:
        raise ValidationFailed(_("一次最多向 500 家单位发出要约。"), code="too_many", field="employers")
    sent_on = sent_on or today()
    with transaction.atomic():
        campaign = OfferCampaign.objects.create(union=union, name=name, topics=topics, sent_on=sent_on, created_by=_user(actor))
        for employer in employers:
            unit = BargainingUnit.objects.filter(union=union, kind=UnitKind.ENTERPRISE, employer=employer).first()
            if unit is None:
                unit = unit_create(
                    actor=actor, union=union, kind=UnitKind.ENTERPRISE, name=employer.name, employer=employer,
                    employer_party=employer.name, union_chief=PENDING, employer_chief=PENDING,
                    workers_covered=max(employer.headcount, 1), members_covered=0,
                )
            offer_send(actor=actor, unit=unit, topics=topics, body=body, sent_on=sent_on, campaign=campaign)
        audit_record(actor=actor, action="bargaining.campaign_launch", target=campaign, data={"employers": len(employers)})
    return campaign
