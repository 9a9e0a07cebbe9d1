"""The winners' list as XLSX, for the staff who send or hand out the prizes. Written through
`core/xlsx.py` (user text stays text). It carries the winner's phone and postal address —
what a courier needs — so it is given only to staff who may change the campaign, and every
export is audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.xlsx import XlsxWriter

from . import selectors
from .models import Campaign
from .services import local_now

# One campaign gives at most (nights × prizes per night) winners: far below this.
EXPORT_MAX_ROWS = 50_000


def winners_xlsx(*, actor: Any, campaign: Campaign) -> tuple[bytes, int]:
    """(file content, rows). The caller has checked the actor may change the campaign."""
    writer = XlsxWriter()
    sheet = writer.sheet(_("中奖名单"), widths=[12, 6, 20, 12, 14, 18, 10, 12, 40, 17, 17], text_columns="E")
    sheet.header([_("开奖日期"), _("序号"), _("奖品"), _("中奖人"), _("手机号"), _("参与编号"), _("状态"),
                  _("领取方式"), _("邮寄地址"), _("领取时间"), _("领奖截止")])
    count = 0
    for w in selectors.winner_list_for_campaign(campaign=campaign).order_by("draw__day", "slot")[:EXPORT_MAX_ROWS]:
        sheet.append([
            w.draw.day, w.slot + 1, w.prize.name, w.user.full_name, w.user.phone, w.token, w.get_status_display(),
            w.get_method_display() if w.method else "", w.address,
            local_now(w.claimed_at).strftime("%Y-%m-%d %H:%M") if w.claimed_at else "",
            local_now(w.claim_by).strftime("%Y-%m-%d %H:%M"),
        ])
        count += 1
    audit_record(actor=actor, action="campaign.winners_export", target=campaign, data={"rows": count})
    return writer.to_bytes(), count
