"""The e-member card's dynamic QR: what the card page and the API show.

The QR holds the public verification URL with a token that changes every
`services.CARD_QR_STEP_SECONDS` (see `services.card_token_dynamic`). The page refreshes it
with htmx (`members/partials/_card_qr.html`) at the next step boundary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.qr import qr_svg

from . import services
from .models import MemberCard


@dataclass(frozen=True)
class CardQr:
    token: str
    verify_url: str
    step: int
    refresh_in: int  # seconds until the next step
    svg: str  # a standalone SVG (with xmlns), white background, for inline use


def card_qr(request: HttpRequest, card: MemberCard, *, at: dt.datetime | None = None) -> CardQr:
    now = at or timezone.now()
    token = services.card_token_dynamic(card, at=now)
    verify_url = request.build_absolute_uri(reverse("api:card_verify") + "?" + urlencode({"token": token}))
    step_seconds = services.CARD_QR_STEP_SECONDS
    refresh_in = step_seconds - int(now.timestamp()) % step_seconds
    return CardQr(token=token, verify_url=verify_url, step=services.card_qr_step(now),
                  refresh_in=max(1, refresh_in), svg=qr_svg(verify_url, scale=4))
