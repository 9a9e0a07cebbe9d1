"""The stored explanation (message ids and values) rendered in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from .engine import Line
from .models import Claim, Flag


def line_text(data: dict[str, Any]) -> str:
    return Line(str(data.get("msg", "")), data.get("params") or {}).text


@dataclass(frozen=True)
class BenefitView:
    label: str
    benefit: str
    proposed: int
    amount: int
    text: str


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    benefits: list[BenefitView]
    flags: list[str]

    @property
    def payout_status(self) -> str:
        payout = self.claim.payout
        return payout.get_status_display() if payout is not None else ""


def claim_view(claim: Claim) -> ClaimView:
    labels = dict(Flag.choices)
    benefits = [
        BenefitView(label=line.get_benefit_display(), benefit=line.benefit, proposed=line.proposed, amount=line.amount,
                    text=gettext("；").join(line_text(d) for d in line.lines))
        for line in claim.lines.all()
    ]
    return ClaimView(claim=claim, benefits=benefits, flags=[str(labels.get(f, f)) for f in claim.flags])
