"""The employer's own side: an employer answers an offer (要约) addressed to it and reports
the rectification of its own hazards, with evidence.

No second login or grant: the account is the jobs module's `EmployerAccount` (单位账号),
granted and revoked by the staff of the union that verified the employer; its holder signs
in by SMS like any worker. Holding an active account for employer E lets the user:

- see and answer the offers of bargaining units whose employer (or platform HQ) is E, sent by
  the union side;
- see E's hazards once the union has confirmed them, and report their rectification.

Nothing else: no other employer's rows (404), no unit, contract, inspection or worker report
details, no staff action. Union staff can still enter both for the employer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import ValidationFailed
from gonghui.core.jurisdiction import get_or_404

from .models import BargainingOffer, SafetyHazard, SafetyPhoto, Side

# Hazards an employer sees: confirmed by the union (a worker's unverified report is not shown).
EMPLOYER_HAZARD_STATUSES = (SafetyHazard.Status.OPEN, SafetyHazard.Status.RECTIFIED, SafetyHazard.Status.CLOSED)


def employer_ids_of(user: Any) -> list[int]:
    """The employers `user` holds an active account for (jobs.EmployerAccount, revocable)."""
    from gonghui.jobs.models import EmployerAccount

    uid = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    if uid is None:
        return []
    cache = getattr(user, "_bargaining_employer_ids", None)
    if cache is None:
        cache = list(EmployerAccount.objects.active().filter(user_id=uid).values_list("employer_id", flat=True))
        setattr(user, "_bargaining_employer_ids", cache)  # noqa: B010 - a per-request cache on the user object
    return cache


def offers_for_employer(*, user: Any) -> QuerySet[BargainingOffer]:
    return BargainingOffer.objects.filter(unit__employer_id__in=employer_ids_of(user), from_side=Side.UNION) \
        .select_related("unit", "unit__union", "unit__employer").order_by("-sent_on", "-pk")


def offer_get_for_employer(*, user: Any, offer_id: int) -> BargainingOffer:
    return get_or_404(offers_for_employer(user=user), pk=offer_id)


def offer_is_theirs(user: Any, offer: BargainingOffer) -> bool:
    return offers_for_employer(user=user).filter(pk=offer.pk).exists()


def hazards_for_employer(*, user: Any) -> QuerySet[SafetyHazard]:
    return SafetyHazard.objects.filter(employer_id__in=employer_ids_of(user), status__in=EMPLOYER_HAZARD_STATUSES) \
        .select_related("union", "employer").order_by("rectify_due", "-pk")


def hazard_get_for_employer(*, user: Any, hazard_id: int) -> SafetyHazard:
    return get_or_404(hazards_for_employer(user=user), pk=hazard_id)


def hazard_is_theirs(user: Any, hazard: SafetyHazard) -> bool:
    return hazards_for_employer(user=user).filter(pk=hazard.pk).exists()


def evidence_of(hazard: SafetyHazard) -> QuerySet[SafetyPhoto]:
    """Only the rectification evidence: inspection photos and a worker's photo stay with the union."""
    return hazard.photos.filter(kind=SafetyPhoto.Kind.EVIDENCE)


def offer_answer(*, user: Any, offer: BargainingOffer, received_on: dt.date | None, accepted: bool, answered_on: dt.date,
                 answer: str) -> BargainingOffer:
    """The employer's written answer; when the union has not recorded the day the employer
    received the offer, the employer states it here (the 20-day clock starts then). Both or
    neither are written."""
    from . import services

    with transaction.atomic():
        if offer.received_on is None:
            if received_on is None:
                raise ValidationFailed(_("请填写本单位收到要约的日期。"), code="received_on_required", field="received_on")
            services.offer_receipt_record(actor=user, offer=offer, received_on=received_on, as_employer=True)
            offer.refresh_from_db()
        return services.offer_answer_record(actor=user, offer=offer, accepted=accepted, answered_on=answered_on, answer=answer,
                                            as_employer=True)
