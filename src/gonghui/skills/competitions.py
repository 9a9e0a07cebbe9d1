"""劳动和技能竞赛: every write, and the scoring rules.

The rules, as published on the competition page and worked by hand in
tests/skills/test_competitions.py:

1. A judge gives each item of the sheet 0..100 (whole points). The sheet's total is
   Σ score × weight% — kept exactly, in hundredths of a point (90 × 60% + 80 × 40% = 86.00).
2. With `drop_extremes`, the highest and the lowest sheet totals are dropped (one each, even
   when two judges gave the same total) and the rest averaged; without it all are averaged.
   The score is rounded half up to 0.01 — that published score is what is compared.
3. Ties (equal published scores): under the ITEMS rule, the items are compared one by one,
   heaviest weight first (equal weights: sheet order), each as the average of the same
   judges counted in rule 2, rounded to 0.01; entries still equal share the place. Under the
   SHARE rule equal scores share the place. Places after a shared one are skipped (1, 2, 2, 4).
4. A round advances everyone placed at or above its `advance` count (a tie at the last place
   takes all of the tied).
5. A judge never scores an entry of their own unit (employer), their own entry, or one they
   declared a conflict with; such a sheet is refused, and a round closes only when every
   entry has at least `min_judges` sheets.
6. Prizes and titles go by the final round's places; a shared place gets that place's prize.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.money import fen_to_yuan, yuan_to_fen
from gonghui.core.sequences import sequence_next

from .models import (
    Award,
    Competition,
    CompetitionLevel,
    Entry,
    Honour,
    Judge,
    Recusal,
    Round,
    RoundResult,
    ScoreItem,
    ScoreSheet,
)

CENT = Decimal("0.01")


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    from .services import _text as text

    return text(value, field=field, label=label, max_len=max_len, required=required)


def _editable(competition: Competition) -> None:
    if competition.status not in (Competition.Status.DRAFT, Competition.Status.REGISTRATION):
        raise Conflict(_("比赛已开始评分，评分表、轮次和评委不能再改。"), code="competition_locked")


# --- set-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrizeBand:
    first: int
    last: int
    fen: int
    title: str


def prizes_parse(text: str) -> list[dict[str, Any]]:
    """Lines "名次 奖金(元) [称号]": "1 5000 技术能手", "4-6 1000". Bands must not overlap."""
    bands: list[dict[str, Any]] = []
    taken: set[int] = set()
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = re.fullmatch(r"(\d{1,3})(?:\s*[-－~～至]\s*(\d{1,3}))?\s+(\d+(?:\.\d{1,2})?)(?:\s+(\S.{0,39}))?", line)
        if not m:
            raise ValidationFailed(_("第 %(n)s 行格式不对，应为“名次 奖金 称号”，如“4-6 1000 技术能手”。") % {"n": n},
                                   code="prizes_invalid", field="prizes")
        first = int(m.group(1))
        last = int(m.group(2) or first)
        if first < 1 or last < first or last > 500:
            raise ValidationFailed(_("第 %(n)s 行的名次无效。") % {"n": n}, code="prizes_invalid", field="prizes")
        places = set(range(first, last + 1))
        if places & taken:
            raise ValidationFailed(_("第 %(n)s 行的名次与前面重复。") % {"n": n}, code="prizes_overlap", field="prizes")
        taken |= places
        bands.append({"from": first, "to": last, "fen": yuan_to_fen(m.group(3)), "title": (m.group(4) or "").strip()})
    return sorted(bands, key=lambda b: b["from"])


def prizes_text(prizes: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for b in prizes:
        places = str(b["from"]) if b["from"] == b["to"] else f"{b['from']}-{b['to']}"
        lines.append(" ".join(x for x in (places, fen_to_yuan(int(b["fen"])), b.get("title", "")) if x))
    return "\n".join(lines)


def prize_for(prizes: Sequence[Mapping[str, Any]], rank: int) -> PrizeBand | None:
    for b in prizes:
        if int(b["from"]) <= rank <= int(b["to"]):
            return PrizeBand(int(b["from"]), int(b["to"]), int(b["fen"]), str(b.get("title", "")))
    return None


def competition_create(
    *, actor: Any, union: Any, title: str, level: str, trade: str, registration_closes: dt.date,
    entry_kind: str = Competition.EntryKind.INDIVIDUAL, eligibility: str = "", drop_extremes: bool = True,
    min_judges: int = 3, tie_rule: str = Competition.TieRule.ITEMS, prizes: str = "",
) -> Competition:
    title = _text(title, field="title", label=_("竞赛名称"), max_len=80)
    trade = _text(trade, field="trade", label=_("工种"), max_len=40)
    eligibility = _text(eligibility, field="eligibility", label=_("参赛条件"), max_len=2000, required=False)
    if level not in CompetitionLevel.values:
        raise ValidationFailed(_("级别无效。"), code="level_invalid", field="level")
    if entry_kind not in Competition.EntryKind.values:
        raise ValidationFailed(_("参赛方式无效。"), code="entry_kind_invalid", field="entry_kind")
    if tie_rule not in Competition.TieRule.values:
        raise ValidationFailed(_("同分规则无效。"), code="tie_rule_invalid", field="tie_rule")
    if not 1 <= min_judges <= 30:
        raise ValidationFailed(_("评委人数应在 1 到 30 之间。"), code="min_judges_invalid", field="min_judges")
    if drop_extremes and min_judges < 3:
        raise ValidationFailed(_("去掉最高分和最低分，至少要 3 位评委。"), code="min_judges_drop", field="min_judges")
    bands = prizes_parse(prizes)
    with transaction.atomic():
        competition = Competition.objects.create(
            union=union, union_path=union.path, title=title, level=level, trade=trade, entry_kind=entry_kind,
            eligibility=eligibility, registration_closes=registration_closes, drop_extremes=drop_extremes,
            min_judges=min_judges, tie_rule=tie_rule, prizes=bands, created_by=actor,
        )
        audit_record(actor=actor, action="skills.competition.create", target=competition)
    return competition


def item_add(*, actor: Any, competition: Competition, name: str, weight: int) -> ScoreItem:
    name = _text(name, field="name", label=_("评分项"), max_len=40)
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        _editable(competition)
        used = sum(competition.items.values_list("weight", flat=True))
        if not 1 <= weight <= 100 - used:
            raise ValidationFailed(_("权重应在 1 到 %(n)s 之间（各项合计 100）。") % {"n": max(100 - used, 0)},
                                   code="weight_invalid", field="weight")
        item = ScoreItem.objects.create(competition=competition, name=name, weight=weight, order=competition.items.count() + 1)
        audit_record(actor=actor, action="skills.competition.item", target=competition, data={"name": name, "weight": weight})
    return item


def round_add(*, actor: Any, competition: Competition, name: str, advance: int = 0) -> Round:
    name = _text(name, field="name", label=_("名称"), max_len=20)
    if not 0 <= advance <= 10_000:
        raise ValidationFailed(_("晋级名额无效。"), code="advance_invalid", field="advance")
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        _editable(competition)
        order = competition.rounds.count() + 1
        created = Round.objects.create(competition=competition, order=order, name=name, advance=advance)
        audit_record(actor=actor, action="skills.competition.round", target=competition, data={"name": name, "advance": advance})
    return created


def judge_add(*, actor: Any, competition: Competition, user: Any, name: str, employer: Any = None,
              employer_name: str = "") -> Judge:
    name = _text(name, field="name", label=_("姓名"), max_len=40)
    employer_name = _text(employer_name or (employer.name if employer else ""), field="employer_name",
                          label=_("所在单位"), max_len=80, required=False)
    if user is None:
        raise ValidationFailed(_("这个手机号还没有登录过职工之家，请评委本人先登录一次。"), code="user_unknown", field="phone")
    try:
        with transaction.atomic():
            competition = Competition.objects.select_for_update().get(pk=competition.pk)
            _editable(competition)
            judge = Judge.objects.create(competition=competition, user=user, name=name, employer=employer,
                                         employer_name=employer_name)
            audit_record(actor=actor, action="skills.competition.judge", target=competition, data={"judge": judge.pk})
    except IntegrityError as exc:
        raise Conflict(_("这位评委已经在名单里。"), code="judge_twice") from exc
    return judge


def competition_open(*, actor: Any, competition: Competition) -> Competition:
    """Open registration: the sheet adds up to 100% and there is at least one round."""
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if competition.status != Competition.Status.DRAFT:
            raise Conflict(_("竞赛已经开放报名。"), code="competition_not_draft")
        if sum(competition.items.values_list("weight", flat=True)) != 100:
            raise Conflict(_("评分项的权重合计必须是 100%。"), code="weights_not_100")
        if not competition.rounds.exists():
            raise Conflict(_("请先设置比赛轮次（如初赛、决赛）。"), code="no_rounds")
        competition.status = Competition.Status.REGISTRATION
        competition.save(update_fields=["status"])
        audit_record(actor=actor, action="skills.competition.open", target=competition)
    return competition


# --- registration and endorsement ---------------------------------------------------------------


def entry_register(*, competition: Competition, user: Any, team_name: str = "", team_members: str = "",
                   today: dt.date | None = None) -> Entry:
    """A member of a union under the organiser registers (individual, or a team / 班组 they
    lead); their own union then endorses the entry."""
    from gonghui.members.selectors import membership_live_for_worker

    today = today or timezone.localdate()
    membership = membership_live_for_worker(user=user)
    if membership is None:
        raise PermissionDenied(_("工会会员才能报名参赛，请先入会。"), code="not_member")
    if not membership.union.path.startswith(competition.union_path):
        raise PermissionDenied(_("这项竞赛只接受%(union)s及下级工会会员报名。") % {"union": competition.union.name},
                               code="not_eligible")
    if competition.status != Competition.Status.REGISTRATION or today > competition.registration_closes:
        raise Conflict(_("竞赛不在报名期内。"), code="registration_closed")
    name = membership.person.name[:40]
    members = ""
    if competition.entry_kind == Competition.EntryKind.TEAM:
        name = _text(team_name, field="team_name", label=_("队名"), max_len=40)
        lines = [x.strip() for x in (team_members or "").splitlines() if x.strip()]
        if not 2 <= len(lines) <= 20:
            raise ValidationFailed(_("团体赛请填写 2 到 20 位队员，每行一位。"), code="team_size", field="team_members")
        members = "\n".join(x[:40] for x in lines)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                competition=competition, user=user, name=name, team_members=members, union=membership.union,
                union_path=membership.union.path, employer=membership.employer,
                number=f"JS{competition.pk:04d}{sequence_next('skills.competition_entry'):06d}",
            )
            audit_record(actor=user, action="skills.entry.register", target=entry)
            _notify_staff_of(entry.union, _("%(name)s 报名参加“%(c)s”，请推荐。") % {"name": name, "c": competition.title},
                             reverse("console:skills:competition_detail", kwargs={"competition_id": competition.pk}))
    except IntegrityError as exc:
        raise Conflict(_("您已经报过名了。"), code="entry_twice") from exc
    return entry


def _notify_staff_of(union: Any, text: str, link: str) -> None:
    from gonghui.cases.services import staff_reminder_send

    from .services import _union_staff_ids

    staff_reminder_send(user_ids=_union_staff_ids(union), text=text, link=link)


def _notify_worker(user_id: int, text: str, competition: Competition) -> None:
    from gonghui.notices.services import notice_send

    notice_send(user_ids=[user_id], module="skills", text=text, object_id=competition.pk,
                link=reverse("skills:competition", kwargs={"competition_id": competition.pk}))


def entry_endorse(*, actor: Any, entry: Entry, endorse: bool, note: str = "") -> Entry:
    """The entrant's own union (or one above it) endorses or declines, with a note."""
    from gonghui.core import jurisdiction

    note = _text(note, field="note", label=_("推荐意见"), max_len=200, required=not endorse)
    if not jurisdiction.has_action(actor, "change", entry.union_path):
        raise NotFound()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
        if entry.status != Entry.Status.SUBMITTED:
            raise Conflict(_("这份报名已经处理过。"), code="entry_not_submitted")
        if entry.competition.status != Competition.Status.REGISTRATION:
            raise Conflict(_("竞赛已不在报名期，不能再推荐。"), code="registration_closed")
        entry.status = Entry.Status.ENDORSED if endorse else Entry.Status.REFUSED
        entry.endorse_note, entry.endorsed_by, entry.endorsed_at = note, actor, timezone.now()
        entry.save(update_fields=["status", "endorse_note", "endorsed_by", "endorsed_at"])
        audit_record(actor=actor, action=f"skills.entry.{entry.status}", target=entry, reason=note)
        text = (_("您报名的“%(c)s”已获工会推荐，参赛号 %(n)s。") if endorse else _("您报名的“%(c)s”未获工会推荐：%(note)s")) % {
            "c": entry.competition.title, "n": entry.number, "note": note}
        _notify_worker(entry.user_id, text, entry.competition)
    return entry


def entry_withdraw(*, entry: Entry, user: Any) -> Entry:
    if entry.user_id != getattr(user, "pk", None):
        raise NotFound()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("competition").get(pk=entry.pk)
        if entry.competition.status != Competition.Status.REGISTRATION or entry.status == Entry.Status.WITHDRAWN:
            raise Conflict(_("比赛已开始，不能撤回报名。"), code="withdraw_closed")
        entry.status = Entry.Status.WITHDRAWN
        entry.save(update_fields=["status"])
        audit_record(actor=user, action="skills.entry.withdraw", target=entry)
    return entry


def judging_start(*, actor: Any, competition: Competition) -> Competition:
    """Close registration and open the first round to the judges."""
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        if competition.status != Competition.Status.REGISTRATION:
            raise Conflict(_("只有报名中的竞赛可以开始评分。"), code="not_registration")
        if not competition.entries.filter(status=Entry.Status.ENDORSED).exists():
            raise Conflict(_("还没有工会推荐的选手。"), code="no_entries")
        if competition.judges.count() < competition.min_judges:
            raise Conflict(_("评委不足 %(n)s 位。") % {"n": competition.min_judges}, code="judges_short")
        competition.status = Competition.Status.JUDGING
        competition.save(update_fields=["status"])
        first = competition.rounds.order_by("order").first()
        assert first is not None  # competition_open requires a round
        first.status = Round.Status.OPEN
        first.save(update_fields=["status"])
        audit_record(actor=actor, action="skills.competition.judging", target=competition)
    return competition


# --- judging ------------------------------------------------------------------------------------


def entries_in(round_: Round) -> list[Entry]:
    """The first round takes every endorsed entry; a later one those the round before advanced."""
    if round_.order == 1:
        return list(round_.competition.entries.filter(status=Entry.Status.ENDORSED).order_by("number"))
    return list(Entry.objects.filter(results__round__competition_id=round_.competition_id,
                                     results__round__order=round_.order - 1, results__advanced=True).order_by("number"))


def conflict_of(judge: Judge, entry: Entry) -> str:
    """Why `judge` may not score `entry` ("" when they may)."""
    if judge.user_id == entry.user_id:
        return _("本人参赛")
    if judge.employer_id and judge.employer_id == entry.employer_id:
        return _("同一单位")
    if any(r.entry_id == entry.pk for r in judge.recusals.all()):
        return _("已申报回避")
    return ""


def recusal_declare(*, judge: Judge, entry: Entry, reason: str) -> Recusal:
    reason = _text(reason, field="reason", label=_("回避原因"), max_len=100)
    if entry.competition_id != judge.competition_id:
        raise NotFound()
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(judge=judge, entry=entry, reason=reason)
            ScoreSheet.objects.filter(judge=judge, entry=entry, round__status=Round.Status.OPEN).delete()
            audit_record(actor=judge.user, action="skills.judge.recuse", target=entry, reason=reason)
    except IntegrityError as exc:
        raise Conflict(_("已经申报过回避。"), code="recusal_twice") from exc
    return recusal


def sheet_total(items: Sequence[ScoreItem], scores: Mapping[str, Any]) -> tuple[dict[str, int], int]:
    """Check a sheet (every item, whole points 0..100) and return it with its weighted total
    in hundredths of a point."""
    clean: dict[str, int] = {}
    for item in items:
        raw = scores.get(str(item.pk))
        if isinstance(raw, bool) or raw is None or str(raw).strip() == "":
            raise ValidationFailed(_("请给“%(item)s”打分。") % {"item": item.name}, code="score_missing", field=f"item_{item.pk}")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValidationFailed(_("“%(item)s”的分数应为 0 到 100 的整数。") % {"item": item.name},
                                   code="score_invalid", field=f"item_{item.pk}") from None
        if not 0 <= value <= 100:
            raise ValidationFailed(_("“%(item)s”的分数应为 0 到 100 的整数。") % {"item": item.name},
                                   code="score_invalid", field=f"item_{item.pk}")
        clean[str(item.pk)] = value
    extra = set(map(str, scores)) - set(clean)
    if extra:
        raise ValidationFailed(_("评分表里有不属于这项竞赛的评分项。"), code="score_item_unknown", field="scores")
    return clean, sum(clean[str(item.pk)] * item.weight for item in items)


def sheet_submit(*, judge: Judge, round_: Round, entry: Entry, scores: Mapping[str, Any]) -> ScoreSheet:
    """A judge's sheet for an entry (may be corrected while the round is open)."""
    if round_.competition_id != judge.competition_id or entry.competition_id != judge.competition_id:
        raise NotFound()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Round.Status.OPEN:
            raise Conflict(_("这一轮不在评分中。"), code="round_not_open")
        if entry.pk not in {e.pk for e in entries_in(round_)}:
            raise NotFound()
        reason = conflict_of(judge, entry)
        if reason:
            raise PermissionDenied(_("评委须回避（%(why)s），不能给这位选手打分。") % {"why": reason}, code="judge_conflict")
        items = list(judge.competition.items.order_by("order", "pk"))
        clean, total = sheet_total(items, scores)
        sheet, _created = ScoreSheet.objects.update_or_create(
            round=round_, entry=entry, judge=judge, defaults={"scores": clean, "total": total})
        audit_record(actor=judge.user, action="skills.sheet.submit", target=entry, data={"round": round_.pk, "total": total})
    return sheet


# --- ranking ------------------------------------------------------------------------------------


def _round2(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Placed:
    entry_id: int
    score: Decimal
    counted: int
    item_means: tuple[Decimal, ...]
    rank: int = 0
    tie_note: str = ""


def kept_sheets(sheets: Sequence[tuple[int, int, Mapping[str, int]]], drop_extremes: bool) -> list[tuple[int, int, Mapping[str, int]]]:
    """(judge_id, total, scores) rows counted: with `drop_extremes` and 3 or more sheets, the
    lowest and the highest total are dropped, one each (equal totals: the lower judge id is
    taken as the lower)."""
    ordered = sorted(sheets, key=lambda s: (s[1], s[0]))
    return ordered[1:-1] if drop_extremes and len(ordered) >= 3 else ordered


def place(entry_sheets: Mapping[int, Sequence[tuple[int, int, Mapping[str, int]]]], items: Sequence[ScoreItem], *,
          drop_extremes: bool, tie_rule: str) -> list[Placed]:
    """Rank entries from their sheets by the rules at the top of this module."""
    by_weight = sorted(items, key=lambda i: (-i.weight, i.order, i.pk))
    placed: list[Placed] = []
    for entry_id, sheets in entry_sheets.items():
        kept = kept_sheets(sheets, drop_extremes)
        n = len(kept)
        score = _round2(Fraction(sum(s[1] for s in kept), 100 * n)) if n else Decimal("0.00")
        means = tuple(_round2(Fraction(sum(int(s[2][str(i.pk)]) for s in kept), n)) if n else Decimal("0.00")
                      for i in by_weight)
        placed.append(Placed(entry_id=entry_id, score=score, counted=n, item_means=means))

    def key(p: Placed) -> tuple[Decimal, ...]:
        return (p.score, *p.item_means) if tie_rule == Competition.TieRule.ITEMS else (p.score,)

    placed.sort(key=lambda p: (tuple(-x for x in key(p)), p.entry_id))
    for i, p in enumerate(placed):
        if i and key(placed[i - 1]) == key(p):
            p.rank = placed[i - 1].rank
        else:
            p.rank = i + 1
    # Say why equal scores were separated (or shared).
    for p in placed:
        same = [q for q in placed if q is not p and q.score == p.score]
        if not same:
            continue
        if any(q.rank == p.rank for q in same):
            p.tie_note = _("同分并列")
        elif tie_rule == Competition.TieRule.ITEMS:
            other = same[0]
            for item, mine, theirs in zip(by_weight, p.item_means, other.item_means, strict=True):
                if mine != theirs:
                    p.tie_note = _("同分，比较“%(item)s”：%(v)s") % {"item": item.name, "v": mine}
                    break
    return placed


def round_close(*, actor: Any, round_: Round) -> list[RoundResult]:
    """Rank the round, mark who advances and open the next round."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("competition").get(pk=round_.pk)
        competition = round_.competition
        if round_.status != Round.Status.OPEN:
            raise Conflict(_("这一轮不在评分中。"), code="round_not_open")
        entries = entries_in(round_)
        rows: dict[int, list[tuple[int, int, Mapping[str, int]]]] = {e.pk: [] for e in entries}
        for judge_id, entry_id, total, scores in round_.sheets.values_list("judge_id", "entry_id", "total", "scores"):
            if entry_id in rows:
                rows[entry_id].append((judge_id, total, scores))
        short = [e for e in entries if len(rows[e.pk]) < competition.min_judges]
        if short:
            raise Conflict(_("还有 %(n)s 位选手的评分不足 %(m)s 位评委：%(who)s") % {
                "n": len(short), "m": competition.min_judges, "who": "、".join(e.number for e in short[:10])},
                code="sheets_short")
        items = list(competition.items.all())
        placed = place(rows, items, drop_extremes=competition.drop_extremes, tie_rule=competition.tie_rule)
        last = not competition.rounds.filter(order__gt=round_.order).exists()
        results = [RoundResult(round=round_, entry_id=p.entry_id, score=p.score, rank=p.rank, judges_counted=p.counted,
                               advanced=(not last and p.rank <= round_.advance), tie_note=p.tie_note[:120]) for p in placed]
        RoundResult.objects.bulk_create(results)
        round_.status = Round.Status.CLOSED
        round_.save(update_fields=["status"])
        if not last:
            Round.objects.filter(competition=competition, order=round_.order + 1).update(status=Round.Status.OPEN)
        audit_record(actor=actor, action="skills.round.close", target=competition, data={"round": round_.pk})
    return results


def competition_publish(*, actor: Any, competition: Competition) -> list[Award]:
    """Publish the final round's places with prizes and titles; titles go on the winners'
    records (Honour) and every entrant is told."""
    with transaction.atomic():
        competition = Competition.objects.select_for_update().select_related("union").get(pk=competition.pk)
        if competition.status != Competition.Status.JUDGING:
            raise Conflict(_("只有评分中的竞赛可以公布结果。"), code="not_judging")
        final = competition.rounds.order_by("-order").first()
        if final is None or final.status != Round.Status.CLOSED:
            raise Conflict(_("决赛评分结束后才能公布结果。"), code="final_open")
        now = timezone.now()
        awards: list[Award] = []
        for result in final.results.select_related("entry").order_by("rank", "entry__number"):
            band = prize_for(competition.prizes, result.rank)
            if band is None:
                continue
            award = Award.objects.create(entry=result.entry, rank=result.rank, prize_fen=band.fen, title=band.title)
            awards.append(award)
            if band.title:
                Honour.objects.create(user_id=result.entry.user_id, name=result.entry.name, title=band.title,
                                      union=competition.union, union_path=competition.union_path, year=now.year,
                                      source=competition.title[:120], award=award, awarded_at=now)
        competition.status = Competition.Status.PUBLISHED
        competition.published_at = now
        competition.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="skills.competition.publish", target=competition, data={"awards": len(awards)})
        by_entry = {a.entry_id: a for a in awards}
        for entry in competition.entries.filter(status=Entry.Status.ENDORSED):
            won = by_entry.get(entry.pk)
            text = (_("“%(c)s”结果已公布：您获得第 %(r)s 名。") % {"c": competition.title, "r": won.rank} if won
                    else _("“%(c)s”结果已公布。") % {"c": competition.title})
            _notify_worker(entry.user_id, text, competition)
    return awards


def results_of(competition: Competition) -> list[RoundResult]:
    """The final round's places (published competitions only)."""
    if competition.status != Competition.Status.PUBLISHED:
        return []
    final = competition.rounds.order_by("-order").first()
    if final is None:
        return []
    return list(final.results.select_related("entry", "entry__award", "entry__union").order_by("rank", "entry__number"))
