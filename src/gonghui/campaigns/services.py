"""Every write of the campaigns module: configure a campaign, count tasks (once per worker
per day), give and combine cards, run the nightly draw, claim and expire prizes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.outbox import outbox_enqueue
from gonghui.core.pii import phone_index
from gonghui.stats.services import mark_dirty as stats_mark_dirty

from . import fairdraw
from .models import (
    ActivityKind,
    Appointment,
    Campaign,
    CardKind,
    CheckupSlot,
    Draw,
    Eligibility,
    FuCard,
    Participant,
    Prize,
    ServiceActivity,
    ServicePoint,
    Task,
    TaskCompletion,
    Voucher,
    Winner,
)

TZ = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 92
# A retry that arrives just after midnight still counts for the day the task was done.
MIDNIGHT_GRACE = dt.timedelta(minutes=15)
# Plausibility of steps typed in by the worker: a brisk runner's cadence, and a day's ceiling.
MAX_STEPS_PER_MINUTE = 250
MAX_STEPS_PER_DAY = 100_000
# Rope skips counted on the timer page: at most 5 a second.
MAX_ROPE_PER_SECOND = 5
PARTNER_CLOCK_SKEW = dt.timedelta(minutes=10)
TIMER_SALT = "campaigns.timer"


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(TZ)


def local_day(now: dt.datetime | None = None) -> dt.date:
    return local_now(now).date()


def draw_instant(campaign: Campaign, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, campaign.draw_time, tzinfo=TZ)


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    name: str
    weight: int


@dataclass(frozen=True)
class PrizeSpec:
    name: str
    per_night: int
    stock: int


DEFAULT_KINDS = (
    KindSpec("喜寿乐福", 10), KindSpec("艺术福", 10), KindSpec("文化福", 10), KindSpec("运动福", 10), KindSpec("健康福", 2),
)


def campaign_create(
    *, actor: Any, union: Any, name: str, starts_on: dt.date, ends_on: dt.date,
    eligibility: str = Eligibility.EVERYONE, kinds: Sequence[KindSpec] = DEFAULT_KINDS,
    prizes: Sequence[PrizeSpec] = (), description: str = "", steps_goal: int = 5000, rope_goal: int = 50,
    plank_goal: int = 50, daily_card_limit: int = 3, draw_time: dt.time = dt.time(22, 0), claim_days: int = 7,
) -> Campaign:
    """A draft campaign with its card kinds and prizes. Refuses bad dates, goals and weights."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写活动名称。"), field="name")
    if ends_on < starts_on:
        raise ValidationFailed(_("结束日期不能早于开始日期。"), field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise ValidationFailed(_("活动最长 %(n)d 天。") % {"n": MAX_DAYS}, field="ends_on")
    if eligibility not in Eligibility.values:
        raise ValidationFailed(_("参加对象无效。"), field="eligibility")
    for value, field in ((steps_goal, "steps_goal"), (rope_goal, "rope_goal"), (plank_goal, "plank_goal")):
        if not 1 <= value <= 100_000:
            raise ValidationFailed(_("任务目标应在 1 到 100000 之间。"), field=field)
    if not 1 <= daily_card_limit <= 3:
        raise ValidationFailed(_("每日最多得卡应为 1 到 3 张。"), field="daily_card_limit")
    if len(kinds) < 2 or any(k.weight < 1 or not k.name.strip() for k in kinds):
        raise ValidationFailed(_("至少两种福卡，每种都要有名称和正整数权重。"), field="kinds")
    if len({k.name.strip() for k in kinds}) != len(kinds):
        raise ValidationFailed(_("福卡名称不能重复。"), field="kinds")
    if any(p.per_night < 1 or p.stock < 0 or not p.name.strip() for p in prizes):
        raise ValidationFailed(_("奖品要有名称，每晚开出至少 1 份，库存不能为负。"), field="prizes")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            union=union, name=name[:60], description=description, starts_on=starts_on, ends_on=ends_on,
            eligibility=eligibility, steps_goal=steps_goal, rope_goal=rope_goal, plank_goal=plank_goal,
            daily_card_limit=daily_card_limit, draw_time=draw_time, claim_days=claim_days,
            partner_key=secrets.token_hex(32),
        )
        CardKind.objects.bulk_create(
            CardKind(campaign=campaign, name=k.name.strip(), weight=k.weight, order=i) for i, k in enumerate(kinds)
        )
        Prize.objects.bulk_create(
            Prize(campaign=campaign, name=p.name.strip(), per_night=p.per_night, stock=p.stock) for p in prizes
        )
        audit_record(actor=actor, action="campaign.create", target=campaign)
    return campaign


def campaign_publish(*, actor: Any, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Open the campaign and publish every night's commitment now — before each day starts."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == Campaign.Status.PUBLISHED:
            raise Conflict(_("活动已经发布。"))
        if campaign.ends_on < local_day(now):
            raise Conflict(_("活动已结束，不能发布。"))
        today = local_day(now)
        # A day already begun gets no draw: its commitment could not precede it.
        first = campaign.starts_on if today < campaign.starts_on else today + dt.timedelta(days=1)
        campaign.status = Campaign.Status.PUBLISHED
        campaign.save(update_fields=["status"])
        draws_commit(campaign=campaign, first=first, now=now)
        audit_record(actor=actor, action="campaign.publish", target=campaign)
    return campaign


def draws_commit(*, campaign: Campaign, first: dt.date, now: dt.datetime | None = None) -> int:
    """A secret seed and its published commitment for each night from `first` (idempotent)."""
    day, made = max(first, campaign.starts_on), 0
    existing = set(Draw.objects.filter(campaign=campaign).values_list("day", flat=True))
    rows = []
    while day <= campaign.ends_on:
        if day not in existing:
            seed = secrets.token_hex(32)
            rows.append(Draw(campaign=campaign, day=day, seed=seed, commitment=fairdraw.commitment_of(seed),
                             committed_at=now or timezone.now()))
            made += 1
        day += dt.timedelta(days=1)
    Draw.objects.bulk_create(rows)
    return made


# --- joining and tasks -----------------------------------------------------------------------


def _eligible(campaign: Campaign, user: Any) -> bool:
    if campaign.eligibility == Eligibility.EVERYONE:
        return True
    from gonghui.members.models import Membership

    memberships = Membership.objects.filter(person__user=user, status=Membership.Status.ACTIVE)
    if campaign.eligibility == Eligibility.BRANCH_MEMBERS:
        memberships = memberships.filter(union__path__startswith=campaign.union.path)
    return memberships.exists()


def _check_open(campaign: Campaign, day: dt.date) -> None:
    if campaign.status != Campaign.Status.PUBLISHED:
        raise NotFound()
    if day < campaign.starts_on:
        raise Conflict(_("活动 %(day)s 开始，敬请期待。") % {"day": campaign.starts_on.isoformat()}, code="not_started")
    if day > campaign.ends_on:
        raise Conflict(_("活动已经结束。"), code="ended")


def participant_join(*, campaign: Campaign, user: Any) -> Participant:
    """Idempotent: joining twice is one participant."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if not _eligible(campaign, user):
        raise PermissionDenied(_("本活动仅限%(who)s参加。") % {"who": campaign.get_eligibility_display()}, code="not_eligible")
    participant, _created = Participant.objects.get_or_create(campaign=campaign, user=user)
    return participant


def card_kind_pick(kinds: Sequence[CardKind], rng: random.Random | None = None) -> CardKind:
    """One kind at random, in proportion to the weights."""
    chooser = rng or secrets.SystemRandom()
    return chooser.choices(list(kinds), weights=[k.weight for k in kinds], k=1)[0]


@dataclass
class TaskResult:
    completion: TaskCompletion
    card: FuCard | None
    counted: bool  # False: this task was already counted today (a retry); the first answer stands


def _task_day(campaign: Campaign, day: dt.date | None, now: dt.datetime | None) -> dt.date:
    """The day a task counts for: today, or yesterday for a retry just after midnight."""
    today = local_day(now)
    if day is None or day == today:
        return today
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=TZ)
    if day == today - dt.timedelta(days=1) and local_now(now) - midnight < MIDNIGHT_GRACE:
        return day
    raise ValidationFailed(_("只能记录今天完成的任务。"), field="day", code="wrong_day")


def task_complete(
    *, campaign: Campaign, user: Any, task: str, value: int, source: str, day: dt.date | None = None,
    now: dt.datetime | None = None, rng: random.Random | None = None,
) -> TaskResult:
    """Count `task` for `user` on its day — exactly once however often it is sent — and give
    one random card (within the daily limit). A repeat returns the first result unchanged."""
    if task not in Task.values:
        raise ValidationFailed(_("任务类型无效。"), field="task")
    if source not in TaskCompletion.Source.values:
        raise ValidationFailed(_("来源无效。"), field="source")
    day = _task_day(campaign, day, now)
    _check_open(campaign, day)
    goal = campaign.goal_for(task)
    if value < goal:
        raise ValidationFailed(
            _("还差一点：%(task)s目标为 %(goal)d，本次 %(value)d。") % {"task": Task(task).label, "goal": goal, "value": value},
            field="value", code="below_goal",
        )
    if connection.vendor == "postgresql":
        return _task_complete_one_statement(campaign=campaign, user=user, task=task, value=value, source=source,
                                            day=day, rng=rng)
    participant_join(campaign=campaign, user=user)
    existing = TaskCompletion.objects.filter(campaign=campaign, user=user, day=day, task=task).first()
    if existing is not None:
        return TaskResult(existing, FuCard.objects.filter(completion=existing).first(), counted=False)
    try:
        with transaction.atomic():
            completion = TaskCompletion.objects.create(
                campaign=campaign, user=user, day=day, task=task, value=value, source=source
            )
            card = None
            given_today = TaskCompletion.objects.filter(campaign=campaign, user=user, day=day, card__isnull=False).count()
            if given_today < campaign.daily_card_limit:
                kind = card_kind_pick(list(campaign.kinds.all()), rng)
                card = FuCard.objects.create(campaign=campaign, user=user, kind=kind, completion=completion)
    except IntegrityError:
        # The same task arrived twice at once: the other request counted it.
        completion = TaskCompletion.objects.get(campaign=campaign, user=user, day=day, task=task)
        return TaskResult(completion, FuCard.objects.filter(completion=completion).first(), counted=False)
    return TaskResult(completion, card, counted=True)


def _campaign_kinds(campaign: Campaign) -> list[CardKind]:
    """The campaign's card kinds, read once per campaign object (they are fixed once published)."""
    kinds: list[CardKind] | None = getattr(campaign, "_kinds_cache", None)
    if kinds is None:
        kinds = list(campaign.kinds.all())
        campaign._kinds_cache = kinds  # type: ignore[attr-defined]
    return kinds


def _task_complete_one_statement(
    *, campaign: Campaign, user: Any, task: str, value: int, source: str, day: dt.date, rng: random.Random | None,
) -> TaskResult:
    """`task_complete` on PostgreSQL: joining, the once-per-day completion and its card (within
    the daily limit) are one statement — one round trip, atomic by itself, no savepoint. The
    unique constraints decide: a repeat, or the same task sent twice at once, inserts nothing,
    and the first result is read back."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if not _eligible(campaign, user):
        raise PermissionDenied(_("本活动仅限%(who)s参加。") % {"who": campaign.get_eligibility_display()}, code="not_eligible")
    kind = card_kind_pick(_campaign_kinds(campaign), rng)
    moment = timezone.now()
    participants, completions, cards = (m._meta.db_table for m in (Participant, TaskCompletion, FuCard))
    sql = (  # table names from the models, every value a parameter
        f"WITH p AS (INSERT INTO {participants} (campaign_id, user_id, joined_at) VALUES (%(c)s, %(u)s, %(at)s) "  # noqa: S608
        "ON CONFLICT (campaign_id, user_id) DO NOTHING), "
        f"t AS (INSERT INTO {completions} (campaign_id, user_id, day, task, value, source, created_at) "
        "VALUES (%(c)s, %(u)s, %(day)s, %(task)s, %(value)s, %(source)s, %(at)s) "
        "ON CONFLICT (campaign_id, user_id, day, task) DO NOTHING RETURNING id), "
        f"k AS (INSERT INTO {cards} (campaign_id, user_id, kind_id, completion_id, status, created_at) "
        "SELECT %(c)s, %(u)s, %(kind)s, t.id, %(held)s, %(at)s FROM t "
        f"WHERE (SELECT count(*) FROM {cards} f JOIN {completions} d ON d.id = f.completion_id "
        "WHERE d.campaign_id = %(c)s AND d.user_id = %(u)s AND d.day = %(day)s) < %(limit)s RETURNING id) "
        "SELECT (SELECT id FROM t), (SELECT id FROM k)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"c": campaign.pk, "u": user.pk, "at": moment, "day": day, "task": task, "value": value,
                             "source": source, "kind": kind.pk, "held": FuCard.Status.HELD,
                             "limit": campaign.daily_card_limit})
        completion_id, card_id = cursor.fetchone()
    if completion_id is None:
        existing = TaskCompletion.objects.get(campaign=campaign, user=user, day=day, task=task)
        return TaskResult(existing, FuCard.objects.filter(completion=existing).select_related("kind").first(), counted=False)
    completion = TaskCompletion(pk=completion_id, campaign=campaign, user=user, day=day, task=task, value=value,
                                source=source, created_at=moment)
    completion._state.adding = False
    card = None
    if card_id is not None:
        card = FuCard(pk=card_id, campaign=campaign, user=user, kind=kind, completion=completion,
                      status=FuCard.Status.HELD, created_at=moment)
        card._state.adding = False
    return TaskResult(completion, card, counted=True)


def steps_self_report(*, campaign: Campaign, user: Any, steps: int, now: dt.datetime | None = None) -> TaskResult:
    """The worker types in today's steps. Refused when impossible: more than a runner's
    cadence since midnight, or more than a day's ceiling."""
    if steps < 0:
        raise ValidationFailed(_("步数不能为负。"), field="steps")
    local = local_now(now)
    minutes = local.hour * 60 + local.minute + 1
    if steps > MAX_STEPS_PER_DAY or steps > minutes * MAX_STEPS_PER_MINUTE:
        raise ValidationFailed(_("步数不合常理，请核对后再填；也可以授权运动软件自动同步。"), field="steps", code="implausible")
    return task_complete(campaign=campaign, user=user, task=Task.STEPS, value=steps, source=TaskCompletion.Source.SELF, now=now)


def partner_signature(*, campaign: Campaign, body: bytes) -> str:
    return hmac.new(campaign.partner_key.encode(), body, hashlib.sha256).hexdigest()


def partner_steps_push(*, campaign: Campaign, body: bytes, signature: str, now: dt.datetime | None = None) -> TaskResult:
    """A partner fitness app pushes a worker's steps: body JSON ``{"phone", "steps", "day",
    "sent_at"}`` signed with HMAC-SHA256 of the campaign's partner key (hex, header
    `X-Gonghui-Signature`). Replays count once like any retry."""
    if not campaign.partner_key or not hmac.compare_digest(partner_signature(campaign=campaign, body=body), signature.strip().lower()):
        raise PermissionDenied(_("签名无效。"), code="bad_signature")
    try:
        data = json.loads(body)
        phone, steps = str(data["phone"]), int(data["steps"])
        day = dt.date.fromisoformat(str(data["day"]))
        sent_at = dt.datetime.fromisoformat(str(data["sent_at"]))
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(_("推送内容格式不正确：需要 phone、steps、day、sent_at。")) from None
    if sent_at.tzinfo is None or abs((now or timezone.now()) - sent_at) > PARTNER_CLOCK_SKEW:
        raise ValidationFailed(_("推送时间与服务器相差过大（须带时区，误差 10 分钟内）。"), field="sent_at", code="stale")
    if not 0 <= steps <= MAX_STEPS_PER_DAY:
        raise ValidationFailed(_("步数不合常理。"), field="steps", code="implausible")
    from gonghui.accounts.models import User

    user = User.objects.filter(phone_index=phone_index(phone), is_active=True).first()
    if user is None:
        raise NotFound(_("该手机号尚未注册职工之家。"))
    return task_complete(campaign=campaign, user=user, task=Task.STEPS, value=steps,
                         source=TaskCompletion.Source.PARTNER, day=day, now=now)


def timer_start(*, campaign: Campaign, user: Any, task: str, now: dt.datetime | None = None) -> str:
    """A signed ticket for the in-app timer: the server, not the phone, knows when it began."""
    if task not in (Task.ROPE, Task.PLANK):
        raise ValidationFailed(_("计时只用于跳绳和平板支撑。"), field="task")
    started = (now or timezone.now()).timestamp()
    return signing.dumps({"c": campaign.pk, "u": user.pk, "t": task, "s": started}, salt=TIMER_SALT)


def timer_finish(*, campaign: Campaign, user: Any, ticket: str, value: int, now: dt.datetime | None = None) -> TaskResult:
    """Finish a timed task. Plank: the seconds held; rope: the skips counted. Neither may
    exceed what the time since the ticket allows."""
    try:
        data = signing.loads(ticket, salt=TIMER_SALT, max_age=3 * 3600)
    except signing.BadSignature:
        raise ValidationFailed(_("计时已失效，请重新开始。"), field="ticket", code="bad_ticket") from None
    if data.get("c") != campaign.pk or data.get("u") != user.pk:
        raise ValidationFailed(_("计时已失效，请重新开始。"), field="ticket", code="bad_ticket")
    elapsed = (now or timezone.now()).timestamp() - float(data["s"])
    task = data["t"]
    allowed = elapsed + 2 if task == Task.PLANK else elapsed * MAX_ROPE_PER_SECOND
    if value < 0 or value > allowed:
        raise ValidationFailed(_("成绩超过了计时时长，请重新计时。"), field="value", code="implausible")
    return task_complete(campaign=campaign, user=user, task=task, value=value, source=TaskCompletion.Source.TIMER, now=now)


# --- cards -----------------------------------------------------------------------------------


def ultimate_combine(*, campaign: Campaign, user: Any, now: dt.datetime | None = None) -> FuCard:
    """Consume one held card of every kind and create the ultimate card. Two taps at once
    combine once: the cards are locked."""
    with transaction.atomic():
        kinds = list(campaign.kinds.values_list("pk", flat=True))
        used: list[int] = []
        for kind_id in kinds:
            card = (FuCard.objects.select_for_update().filter(campaign=campaign, user=user, kind_id=kind_id,
                                                            status=FuCard.Status.HELD).order_by("pk").first())
            if card is None:
                raise Conflict(_("还没集齐五种福卡，不能合成。"), code="incomplete")
            used.append(card.pk)
        moment = now or timezone.now()
        changed = FuCard.objects.filter(pk__in=used, status=FuCard.Status.HELD).update(status=FuCard.Status.USED, used_at=moment)
        if changed != len(used):
            raise Conflict(_("福卡状态已变化，请刷新后重试。"))
        ultimate = FuCard.objects.create(campaign=campaign, user=user, kind=None)
        if now is not None:
            FuCard.objects.filter(pk=ultimate.pk).update(created_at=now)
            ultimate.created_at = now
    return ultimate


# --- the nightly draw ------------------------------------------------------------------------


def entrant_token(*, campaign_id: int, user_id: int) -> str:
    """A worker's pseudonymous code in the published list: stable per campaign, not reversible
    without the server's key."""
    key = hashlib.sha256(f"campaigns.entrant:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{campaign_id}:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def draw_entrants(*, draw: Draw) -> dict[str, tuple[int, int]]:
    """token → (user id, tickets): one ticket per ultimate card held at the draw time."""
    cutoff = draw_instant(draw.campaign, draw.day)
    rows = (FuCard.objects.filter(campaign=draw.campaign, kind__isnull=True, created_at__lt=cutoff)
            .values_list("user_id").annotate(n=Count("id")).order_by())
    return {entrant_token(campaign_id=draw.campaign_id, user_id=uid): (uid, n) for uid, n in rows}


def draw_run(*, draw: Draw, now: dt.datetime | None = None) -> list[Winner]:
    """At or after the draw time: freeze the entrant list (hash and size), fill the night's
    prize slots from stock, draw the winners from the seed and the list, publish the seed,
    take the prizes from stock and tell the winners. Running it again changes nothing."""
    moment = now or timezone.now()
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("campaign").get(pk=draw.pk)
        if draw.status == Draw.Status.DRAWN:
            return list(draw.winners.all())
        campaign = draw.campaign
        if moment < draw_instant(campaign, draw.day):
            raise Conflict(_("还没到开奖时间。"), code="too_early")
        entrants = draw_entrants(draw=draw)
        pairs = [(token, n) for token, (_uid, n) in entrants.items()]
        prizes = list(Prize.objects.select_for_update().filter(campaign=campaign).order_by("pk"))
        slots = [p for p in prizes for _i in range(min(p.per_night, max(p.stock, 0)))]
        frozen = fairdraw.entrants_file(pairs)
        winners_tokens = fairdraw.draw_file(draw.seed, frozen, len(slots))
        draw.entrants_hash = hashlib.sha256(frozen).hexdigest()
        # The frozen list is a file named by its hash (the row keeps the hash and the size):
        # written before the commit, so a draw never commits without its list.
        draw.entrants_file.save(f"campaigns/draws/{draw.pk}-{draw.entrants_hash}.txt", ContentFile(frozen), save=False)
        draw.entrants_count = len(pairs)
        draw.tickets_total = sum(n for _t, n in pairs)
        draw.slots = [[p.pk, p.name] for p in slots[: len(winners_tokens)]]
        draw.status = Draw.Status.DRAWN
        draw.drawn_at = moment
        draw.save(update_fields=["entrants_file", "entrants_hash", "entrants_count", "tickets_total", "slots", "status", "drawn_at"])
        claim_by = moment + dt.timedelta(days=campaign.claim_days)
        winners = [
            Winner(draw=draw, slot=i, prize=prize, user_id=entrants[token][0], token=token, claim_by=claim_by)
            for i, (prize, token) in enumerate(zip(slots, winners_tokens, strict=False))
        ]
        Winner.objects.bulk_create(winners)
        for prize in prizes:
            taken = sum(1 for w in winners if w.prize.pk == prize.pk)
            if taken:
                updated = Prize.objects.filter(pk=prize.pk, stock__gte=taken).update(stock=F("stock") - taken)
                if not updated:
                    raise Conflict(_("奖品库存不足。"))
        link = reverse("campaigns:draw", kwargs={"draw_id": draw.pk})
        from gonghui.notices.services import notice_send

        from .tasks import user_sms_send

        for w in winners:
            # Workers read Chinese whatever language the staff member who ran the draw uses.
            with translation.override("zh-hans"):
                text = _("恭喜！您在%(name)s %(day)s 的开奖中抽中了“%(prize)s”，请在 %(by)s 前到职工之家“我的奖品”领取。") % {
                    "name": campaign.name, "day": draw.day.isoformat(), "prize": w.prize.name,
                    "by": local_now(claim_by).strftime("%Y-%m-%d %H:%M"),
                }
            notice_send(user_ids=[w.user_id], module="campaigns", link=link, object_id=w.pk,
                        union_path=campaign.union.path, text=text)
            outbox_enqueue(user_sms_send, w.user_id, text)  # sent after the commit, retried until it goes
        audit_record(actor=None, action="campaign.draw", target=draw, data={"winners": len(winners)})
    return winners


def draws_run_due(*, now: dt.datetime | None = None) -> int:
    """Run every draw whose time has come (the beat task, every few minutes). Returns how many."""
    moment = now or timezone.now()
    count = 0
    due = Draw.objects.filter(status=Draw.Status.COMMITTED, day__lte=local_day(moment),
                              campaign__status=Campaign.Status.PUBLISHED).select_related("campaign")
    for draw in due:
        if moment >= draw_instant(draw.campaign, draw.day):
            draw_run(draw=draw, now=moment)
            count += 1
    return count


def winner_claim(*, winner: Winner, user: Any, method: str, address: str = "", now: dt.datetime | None = None) -> Winner:
    moment = now or timezone.now()
    if method not in Winner.Method.values:
        raise ValidationFailed(_("请选择领取方式。"), field="method")
    address = address.strip()
    if method == Winner.Method.ADDRESS and len(address) < 6:
        raise ValidationFailed(_("请填写完整的邮寄地址。"), field="address")
    with transaction.atomic():
        winner = Winner.objects.select_for_update().get(pk=winner.pk)
        if winner.user_id != user.pk:
            raise NotFound()
        if winner.status == Winner.Status.CLAIMED:
            raise Conflict(_("奖品已经领取过了。"), code="claimed")
        if winner.status == Winner.Status.EXPIRED or moment > winner.claim_by:
            raise Conflict(_("已超过领奖期限，奖品已退回奖池。"), code="expired")
        winner.status, winner.method, winner.claimed_at = Winner.Status.CLAIMED, method, moment
        winner.address = address if method == Winner.Method.ADDRESS else ""
        winner.save(update_fields=["status", "method", "address", "claimed_at"])
    return winner


def winners_expire(*, now: dt.datetime | None = None) -> int:
    """Prizes not claimed by their deadline go back to stock (once each). Returns how many."""
    moment = now or timezone.now()
    count = 0
    with transaction.atomic():
        overdue = list(Winner.objects.select_for_update().filter(status=Winner.Status.WON, claim_by__lt=moment))
        for winner in overdue:
            Winner.objects.filter(pk=winner.pk).update(status=Winner.Status.EXPIRED)
            Prize.objects.filter(pk=winner.prize_id).update(stock=F("stock") + 1)
            count += 1
    return count


# --- service activities: vouchers taken in the app, redeemed once at a service point ------------

ACTIVITY_MAX_DAYS = 366
# An offline scan uploaded later keeps the time it was scanned; a scan from the future (a
# phone with a wrong clock) or older than this is refused.
SCAN_MAX_AGE = dt.timedelta(days=3)
SCAN_CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PointSpec:
    name: str
    address: str = ""
    station_id: int | None = None


def activity_create(
    *, actor: Any, union: Any, kind: str, name: str, starts_on: dt.date, ends_on: dt.date,
    points: Sequence[PointSpec], eligibility: str = Eligibility.EVERYONE, daily_quota: int = 1, description: str = "",
) -> ServiceActivity:
    """A draft service activity with its service points."""
    from gonghui.core.jurisdiction import has_action
    from gonghui.stations.models import Station

    if not has_action(actor, "change", union.path):
        raise PermissionDenied(_("只能为本工会及下级工会创建活动。"))
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写活动名称。"), field="name")
    if kind not in ActivityKind.values:
        raise ValidationFailed(_("服务类型无效。"), field="kind")
    if eligibility not in Eligibility.values:
        raise ValidationFailed(_("服务对象无效。"), field="eligibility")
    if ends_on < starts_on:
        raise ValidationFailed(_("结束日期不能早于开始日期。"), field="ends_on")
    if (ends_on - starts_on).days + 1 > ACTIVITY_MAX_DAYS:
        raise ValidationFailed(_("活动最长 %(n)d 天。") % {"n": ACTIVITY_MAX_DAYS}, field="ends_on")
    if not 1 <= daily_quota <= 10:
        raise ValidationFailed(_("每人每天限领应为 1 到 10 张。"), field="daily_quota")
    names = [p.name.strip() for p in points]
    if not names or not all(names):
        raise ValidationFailed(_("至少一个服务点，每个服务点都要有名称。"), field="points")
    if len(set(names)) != len(names):
        raise ValidationFailed(_("服务点名称不能重复。"), field="points")
    station_ids = {p.station_id for p in points if p.station_id is not None}
    stations = Station.objects.filter(pk__in=station_ids, union__path__startswith=union.path)
    if stations.count() != len(station_ids):
        raise ValidationFailed(_("服务点所在的驿站须属于主办工会及其下级工会。"), field="points")
    with transaction.atomic():
        activity = ServiceActivity.objects.create(
            union=union, kind=kind, name=name[:60], description=description.strip(), starts_on=starts_on,
            ends_on=ends_on, eligibility=eligibility, daily_quota=daily_quota,
        )
        ServicePoint.objects.bulk_create(
            ServicePoint(activity=activity, name=n[:60], address=p.address.strip()[:120], station_id=p.station_id)
            for n, p in zip(names, points, strict=True)
        )
        audit_record(actor=actor, action="activity.create", target=activity)
    return activity


def activity_publish(*, actor: Any, activity: ServiceActivity) -> ServiceActivity:
    with transaction.atomic():
        locked = ServiceActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.status == ServiceActivity.Status.PUBLISHED:
            raise Conflict(_("活动已经发布。"), code="already_published")
        locked.status = ServiceActivity.Status.PUBLISHED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="activity.publish", target=locked)
    return locked


def _activity_eligible(activity: ServiceActivity, user: Any) -> bool:
    return _eligible(activity, user)  # type: ignore[arg-type]  # same fields: eligibility, union


def voucher_take(*, activity: ServiceActivity, user: Any, now: dt.datetime | None = None) -> Voucher:
    """Today's voucher for the worker. Idempotent: while one of today's vouchers is unused,
    taking again returns it; a new one only once it is used, up to the daily quota."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    day = local_day(now)
    if activity.status != ServiceActivity.Status.PUBLISHED:
        raise NotFound()
    if day < activity.starts_on:
        raise Conflict(_("活动 %(day)s 开始，敬请期待。") % {"day": activity.starts_on.isoformat()}, code="not_started")
    if day > activity.ends_on:
        raise Conflict(_("活动已经结束。"), code="ended")
    if not _activity_eligible(activity, user):
        raise PermissionDenied(_("本活动仅限%(who)s参加。") % {"who": activity.get_eligibility_display()}, code="not_eligible")
    if activity.kind == ActivityKind.CHECKUP:
        raise Conflict(_("体检须预约时段，请在活动页选择时段预约。"), code="book_a_slot")
    for _attempt in range(3):
        today = list(Voucher.objects.filter(activity=activity, user=user, day=day).order_by("seq"))
        unused = [v for v in today if not v.redeemed]
        if unused:
            return unused[0]
        if len(today) >= activity.daily_quota:
            raise Conflict(
                _("今天的券已经用完了（每人每天 %(n)d 张），明天再来。") % {"n": activity.daily_quota}, code="quota_used",
            )
        try:
            with transaction.atomic():
                return Voucher.objects.create(
                    activity=activity, user=user, day=day, seq=len(today) + 1, code=secrets.token_urlsafe(18),
                    issued_at=now or timezone.now(),
                )
        except IntegrityError:
            continue  # a second tap at the same moment took this seq: read again
    raise Conflict(_("操作太频繁，请稍后再试。"), code="busy")


@dataclass(frozen=True)
class Redemption:
    voucher: Voucher | None
    status: str  # "redeemed" | "already" | "invalid"
    message: str


def voucher_redeem(
    *, actor: Any, code: str, point: ServicePoint, scanned_at: dt.datetime | None = None, now: dt.datetime | None = None,
) -> Redemption:
    """Redeem a voucher at `point` (staff of the activity's union or above). A voucher scanned
    twice — a double tap, or an offline scan uploaded again — is redeemed once; the second
    answer says when and where. `scanned_at`: when an offline scan happened."""
    from gonghui.core.jurisdiction import has_action

    now = now or timezone.now()
    scanned_at = scanned_at or now
    if scanned_at > now + SCAN_CLOCK_SKEW or scanned_at < now - SCAN_MAX_AGE:
        raise ValidationFailed(_("扫码时间不对（不能晚于现在，也不能早于三天前），请检查手机时间。"), field="scanned_at")
    activity = point.activity
    if not has_action(actor, "change", activity.union.path):
        raise NotFound()
    code = (code or "").strip()[:32]
    scan_day = local_day(scanned_at)
    redeemed = _voucher_redeem_once(actor=actor, code=code, point=point, scan_day=scan_day, scanned_at=scanned_at, now=now)
    if redeemed is not None:
        if scan_day < local_day(now):
            stats_mark_dirty([scan_day])  # an offline scan uploaded after its day was counted
        return Redemption(redeemed, "redeemed", _("核销成功。"))
    # Not redeemed now: say why (the one extra read is on the refusal path only).
    voucher = Voucher.objects.filter(code=code, activity=activity).select_related("activity", "point").first()
    if voucher is None:
        return Redemption(None, "invalid", _("券码无效，或不是本活动的券。"))
    if voucher.day != scan_day:
        return Redemption(voucher, "invalid", _("这张券仅限 %(day)s 当天使用。") % {"day": voucher.day.isoformat()})
    if voucher.redeemed_at is None:  # pragma: no cover - the UPDATE above would have taken it
        return Redemption(voucher, "invalid", _("券码无效，或不是本活动的券。"))
    return Redemption(voucher, "already", _("这张券已于 %(at)s 在“%(point)s”核销过，不能重复使用。") % {
        "at": local_now(voucher.scanned_at).strftime("%m-%d %H:%M"), "point": voucher.point.name if voucher.point else "",
    })


def _voucher_redeem_once(
    *, actor: Any, code: str, point: ServicePoint, scan_day: dt.date, scanned_at: dt.datetime, now: dt.datetime,
) -> Voucher | None:
    """The voucher of `code` for the point's activity and the scan's day, redeemed now with its
    audit record — or None when no such unused voucher exists. One conditional UPDATE decides,
    so two scans at once redeem once. On PostgreSQL the UPDATE and the audit INSERT are one
    statement (one round trip, atomic by itself); elsewhere one transaction."""
    from gonghui.core.models import AuditEvent

    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    if connection.vendor == "postgresql":
        sql = (  # table names from the models, every value a parameter
            f"WITH r AS (UPDATE {Voucher._meta.db_table} SET redeemed_at = %s, scanned_at = %s, point_id = %s, "  # noqa: S608
            "redeemed_by_id = %s WHERE code = %s AND activity_id = %s AND day = %s AND redeemed_at IS NULL RETURNING *), "
            f"a AS (INSERT INTO {AuditEvent._meta.db_table} (actor_id, action, target_type, target_id, reason, data, at) "
            "SELECT %s, 'voucher.redeem', %s, r.id::text, '', %s::jsonb, %s FROM r) SELECT * FROM r"
        )
        params = [now, scanned_at, point.pk, actor_id, code, point.activity_id, scan_day,
                  actor_id, Voucher._meta.label_lower, json.dumps({"point": point.pk}), now]
        rows = list(Voucher.objects.raw(sql, params))
        return rows[0] if rows else None
    with transaction.atomic():
        updated = Voucher.objects.filter(code=code, activity_id=point.activity_id, day=scan_day, redeemed_at__isnull=True).update(
            redeemed_at=now, scanned_at=scanned_at, point=point, redeemed_by_id=actor_id,
        )
        if not updated:
            return None
        voucher = Voucher.objects.get(code=code)
        audit_record(actor=actor, action="voucher.redeem", target=voucher, data={"point": point.pk})
    return voucher



# --- 体检 appointments: slots at a check point, booked, cancelled, reminded, attended --------

SLOT_MAX_PER_ADD = 200
SLOT_MAX_CAPACITY = 500
# A worker who missed this many appointments of a drive may not book it again.
NO_SHOW_LIMIT = 2
# Reminders go out for appointments starting within this window (the beat runs every 15 minutes).
REMIND_AHEAD = dt.timedelta(hours=24)


def _checkup_only(activity: ServiceActivity) -> None:
    if activity.kind != ActivityKind.CHECKUP:
        raise ValidationFailed(_("只有“工会体检行”活动需要预约时段。"), code="not_checkup")


def slots_add(
    *, actor: Any, activity: ServiceActivity, point: ServicePoint, day: dt.date, start: dt.time, end: dt.time,
    minutes: int, capacity: int,
) -> list[CheckupSlot]:
    """Slots of `minutes` from `start` to `end` (Beijing time) on `day` at `point`, each with
    `capacity` places. A slot already there (same point and start) is kept as it is."""
    from gonghui.core.jurisdiction import has_action

    if not has_action(actor, "change", activity.union.path):
        raise NotFound()
    _checkup_only(activity)
    if point.activity_id != activity.pk:
        raise ValidationFailed(_("请选择本活动的体检点。"), field="point")
    if not activity.starts_on <= day <= activity.ends_on:
        raise ValidationFailed(_("日期须在活动期内（%(a)s 至 %(b)s）。") % {
            "a": activity.starts_on.isoformat(), "b": activity.ends_on.isoformat()}, field="day")
    if not 10 <= minutes <= 240:
        raise ValidationFailed(_("每个时段 10 到 240 分钟。"), field="minutes")
    if not 1 <= capacity <= SLOT_MAX_CAPACITY:
        raise ValidationFailed(_("每个时段名额 1 到 %(n)d 人。") % {"n": SLOT_MAX_CAPACITY}, field="capacity")
    first = dt.datetime.combine(day, start, tzinfo=TZ)
    last = dt.datetime.combine(day, end, tzinfo=TZ)
    step = dt.timedelta(minutes=minutes)
    if last < first + step:
        raise ValidationFailed(_("结束时间至少要比开始时间晚一个时段。"), field="end")
    starts = []
    moment = first
    while moment + step <= last:
        starts.append(moment)
        moment += step
    if len(starts) > SLOT_MAX_PER_ADD:
        raise ValidationFailed(_("一次最多添加 %(n)d 个时段。") % {"n": SLOT_MAX_PER_ADD}, field="minutes")
    with transaction.atomic():
        existing = set(CheckupSlot.objects.filter(point=point, starts_at__in=starts).values_list("starts_at", flat=True))
        rows = [CheckupSlot(activity=activity, point=point, starts_at=s, ends_at=s + step, capacity=capacity)
                for s in starts if s not in existing]
        CheckupSlot.objects.bulk_create(rows)
        audit_record(actor=actor, action="activity.slots_add", target=activity,
                     data={"point": point.pk, "day": day.isoformat(), "slots": len(rows)})
    return rows


def appointment_book(*, slot: CheckupSlot, user: Any, now: dt.datetime | None = None) -> Appointment:
    """Book `slot` for the worker: one live booking per drive, never more than the slot's
    capacity (the slot row is locked while counting). Booking the slot one already holds
    returns that booking (a double tap)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    moment = now or timezone.now()
    activity = slot.activity
    if activity.status != ServiceActivity.Status.PUBLISHED:
        raise NotFound()
    _checkup_only(activity)
    if not _activity_eligible(activity, user):
        raise PermissionDenied(_("本活动仅限%(who)s参加。") % {"who": activity.get_eligibility_display()}, code="not_eligible")
    if slot.starts_at <= moment:
        raise Conflict(_("这个时段已经开始或已过，请选择其他时段。"), code="slot_past")
    with transaction.atomic():
        slot = CheckupSlot.objects.select_for_update().get(pk=slot.pk)
        live = Appointment.objects.filter(activity=activity, user=user, status=Appointment.Status.BOOKED).select_related("slot").first()
        if live is not None:
            if live.slot_id == slot.pk:
                return live
            raise Conflict(_("您已预约 %(at)s 的体检，如需改约请先取消原预约。") % {
                "at": local_now(live.slot.starts_at).strftime("%m-%d %H:%M")}, code="already_booked")
        missed = Appointment.objects.filter(activity=activity, user=user, status=Appointment.Status.NO_SHOW).count()
        if missed >= NO_SHOW_LIMIT:
            raise Conflict(_("您已有 %(n)d 次预约未到检，本活动不能再预约。如有特殊情况请联系工会。") % {"n": missed},
                           code="too_many_no_shows")
        if slot.booked >= slot.capacity:
            raise Conflict(_("这个时段已经约满，请选择其他时段。"), code="full")
        appointment = Appointment.objects.create(activity=activity, slot=slot, user=user, booked_at=moment)
        CheckupSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
        audit_record(actor=user, action="appointment.book", target=appointment)
    return appointment


def appointment_cancel(*, appointment: Appointment, user: Any, now: dt.datetime | None = None) -> Appointment:
    """The worker cancels before the slot starts; the place goes back to the slot."""
    moment = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)
        if appointment.user_id != user.pk:
            raise NotFound()
        if appointment.status != Appointment.Status.BOOKED:
            raise Conflict(_("这个预约已经%(state)s，不能取消。") % {"state": appointment.get_status_display()}, code="not_booked")
        if appointment.slot.starts_at <= moment:
            raise Conflict(_("时段已经开始，不能取消。"), code="slot_past")
        CheckupSlot.objects.select_for_update().filter(pk=appointment.slot_id).get()
        appointment.status, appointment.cancelled_at = Appointment.Status.CANCELLED, moment
        appointment.save(update_fields=["status", "cancelled_at"])
        CheckupSlot.objects.filter(pk=appointment.slot_id).update(booked=F("booked") - 1)
        audit_record(actor=user, action="appointment.cancel", target=appointment)
    return appointment


def appointment_attend(*, actor: Any, appointment: Appointment, now: dt.datetime | None = None) -> Appointment:
    """The check point's staff record that the worker came (on the slot's day, Beijing time).
    Recording twice changes nothing; a cancelled booking cannot be attended."""
    from gonghui.core.jurisdiction import has_action

    moment = now or timezone.now()
    if not has_action(actor, "change", appointment.activity.union.path):
        raise NotFound()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)
        if appointment.status == Appointment.Status.ATTENDED:
            return appointment
        if appointment.status == Appointment.Status.CANCELLED:
            raise Conflict(_("这个预约已取消。"), code="cancelled")
        if local_day(appointment.slot.starts_at) != local_day(moment):
            raise Conflict(_("只能在预约当天（%(day)s）登记到检。") % {
                "day": local_day(appointment.slot.starts_at).isoformat()}, code="wrong_day")
        # A worker marked 未到检 who turns up late the same day is still checked.
        appointment.status, appointment.attended_at, appointment.checked_by = Appointment.Status.ATTENDED, moment, actor
        appointment.save(update_fields=["status", "attended_at", "checked_by"])
        audit_record(actor=actor, action="appointment.attend", target=appointment)
    stats_mark_dirty([local_day(moment)])
    return appointment


def appointments_remind(*, now: dt.datetime | None = None) -> int:
    """Remind every booked worker whose slot starts within 24 hours, once: in the app and by
    SMS (through the outbox, after the commit). Returns how many were reminded."""
    from gonghui.notices.services import notice_send

    from .tasks import user_sms_send

    moment = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = list(Appointment.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=Appointment.Status.BOOKED, reminded_at__isnull=True,
                           slot__starts_at__gt=moment, slot__starts_at__lte=moment + REMIND_AHEAD)
                   .select_related("slot", "slot__point", "activity", "activity__union")[:5000])
        for a in due:
            with translation.override("zh-hans"):
                text = _("提醒：您预约了%(name)s，时间 %(at)s，地点“%(point)s”%(address)s。请按时到检，不能来请提前取消。") % {
                    "name": a.activity.name, "at": local_now(a.slot.starts_at).strftime("%m月%d日 %H:%M"),
                    "point": a.slot.point.name, "address": f"（{a.slot.point.address}）" if a.slot.point.address else "",
                }
            notice_send(user_ids=[a.user_id], module="campaigns", text=text, object_id=a.pk,
                        link=reverse("campaigns:activity", kwargs={"activity_id": a.activity_id}),
                        union_path=a.activity.union.path)
            outbox_enqueue(user_sms_send, a.user_id, text)
            count += 1
        Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=moment)
    return count


def appointments_mark_no_show(*, now: dt.datetime | None = None) -> int:
    """Bookings still open after their slot ended become 未到检. Returns how many."""
    moment = now or timezone.now()
    with transaction.atomic():
        count = Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__ends_at__lt=moment).update(
            status=Appointment.Status.NO_SHOW)
    return count
