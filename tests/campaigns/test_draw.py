"""The provably fair nightly draw: commitment before the day, frozen list, deterministic
winners, published seed, an independent script that reproduces it; stock and claiming."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import secrets
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from gonghui.campaigns import fairdraw, selectors, services
from gonghui.campaigns.models import Draw, Prize, Winner
from gonghui.campaigns.services import PrizeSpec
from gonghui.core.errors import Conflict, ValidationFailed
from gonghui.notices.models import Notice
from tests.campaigns.helpers import START, at, give_ultimate, make_campaign
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"


def _script():
    spec = importlib.util.spec_from_file_location("verify_draw", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ENTRANTS = [(f"{i:016x}", 1 + i % 3) for i in range(200)]
SEED = "5e" * 32


def test_same_seed_and_list_give_the_same_winners_in_any_input_order():
    once = fairdraw.draw(SEED, ENTRANTS, 10)
    assert once == fairdraw.draw(SEED, list(reversed(ENTRANTS)), 10)
    assert len(once) == len(set(once)) == 10
    assert fairdraw.draw("5f" * 32, ENTRANTS, 10) != once


def test_a_changed_entrant_list_changes_its_hash():
    base = fairdraw.entrants_hash(ENTRANTS)
    assert fairdraw.entrants_hash(ENTRANTS[1:]) != base
    changed = [(t, n + 1 if i == 7 else n) for i, (t, n) in enumerate(ENTRANTS)]
    assert fairdraw.entrants_hash(changed) != base


def test_the_independent_script_agrees_with_the_server_on_many_draws():
    script = _script()
    for i in range(30):
        seed = hashlib.sha256(f"fixed-{i}".encode()).hexdigest()
        entrants = ENTRANTS[: 5 + i * 6]
        assert script.rerun(seed, fairdraw.entrants_file(entrants), 1 + i % 7) == fairdraw.draw(seed, entrants, 1 + i % 7)


def test_the_fast_block_lookup_agrees_with_a_ticket_by_ticket_walk(monkeypatch):
    """Tickets found through digit-column block totals land on the same entrant as a plain
    cumulative walk, across block edges and with counts of several digits."""
    monkeypatch.setattr(fairdraw, "BLOCK", 7)
    entrants = [(f"{i * 7919:016x}", [1, 12, 305, 9, 100_000][i % 5]) for i in range(60)]
    data = fairdraw.entrants_file(entrants)
    table = fairdraw._Fixed(data)
    walk = [i for i, (_t, n) in enumerate(sorted(entrants)) for _k in range(n)]
    assert table.total == len(walk) == sum(n for _t, n in entrants)
    for ticket in (0, 1, 12, 13, 317, 318, len(walk) // 2, len(walk) - 1):
        assert table.index_of(ticket) == walk[ticket]
    assert _script().rerun(SEED, data, 20) == fairdraw.draw_file(SEED, data, 20)


def test_the_script_refuses_an_unsorted_or_malformed_file_and_reads_the_older_format():
    script = _script()
    data = fairdraw.entrants_file(ENTRANTS[:10])
    lines = data.splitlines(keepends=True)
    assert script.parse(data) is not None and fairdraw.tokens_valid(data)
    swapped = b"".join([lines[1], lines[0], *lines[2:]])
    assert script.parse(swapped) is None and not fairdraw.tokens_valid(swapped)
    assert script.parse(b"".join([lines[0], lines[0], *lines[1:]])) is None  # an entrant twice
    assert script.parse(data.replace(b" 000001", b" 00000x", 1)) is None
    old = "\n".join(f"{t} {n}" for t, n in sorted(ENTRANTS[:10])).encode()  # draws before the fixed width
    assert script.rerun(SEED, old, 3) == fairdraw.draw_file(SEED, old, 3)


def test_winning_chances_follow_one_ticket_per_ultimate_card_chi_square():
    """20,000 one-prize draws with derived fixed seeds: wins per entrant match the tickets
    (1, 2, 3, 4) at p > 0.01 (chi-square, 3 degrees of freedom)."""
    entrants = [("a" * 16, 1), ("b" * 16, 2), ("c" * 16, 3), ("d" * 16, 4)]
    n = 20_000
    wins = dict.fromkeys((t for t, _n in entrants), 0)
    for i in range(n):
        wins[fairdraw.draw(hashlib.sha256(f"chi-{i}".encode()).hexdigest(), entrants, 1)[0]] += 1
    chi2 = sum((wins[t] - n * k / 10) ** 2 / (n * k / 10) for t, k in entrants)
    assert chi2 < 11.345  # critical value, 3 degrees of freedom, p = 0.01


def _drawn_world(frozen_clock, *, winners_wanted=3, stock=10, per_night=2):
    tree = Tree()
    campaign = make_campaign(union=tree.city_a, prizes=(PrizeSpec("运动手环", per_night, stock), PrizeSpec("健身卡", 1, 1)))
    workers = [make_worker_user(name=f"职工{i}") for i in range(winners_wanted + 2)]
    frozen_clock(at(START, 12))
    for i, w in enumerate(workers):
        give_ultimate(campaign, w, n=1 + i % 2)
    draw = Draw.objects.get(campaign=campaign, day=START)
    return tree, campaign, workers, draw


def test_the_nightly_draw_publishes_a_verifiable_record_and_tells_the_winners(frozen_clock, tmp_path):
    _tree, campaign, workers, draw = _drawn_world(frozen_clock)
    # The commitment was published the evening before; the seed is hidden until the draw.
    assert draw.committed_at < at(START, 0)
    before = selectors.draw_document(draw=draw)
    assert "seed" not in before and before["commitment"] == draw.commitment
    with pytest.raises(Conflict, match="还没到开奖时间"):
        services.draw_run(draw=draw, now=at(START, 21, 59))
    frozen_clock(at(START, 22, 0, 5))
    winners = services.draw_run(draw=draw, now=at(START, 22, 0, 5))
    assert len(winners) == 3  # 2 bands + 1 card, among 5 entrants
    assert len({w.user_id for w in winners}) == 3
    draw.refresh_from_db()
    doc = json.loads(json.dumps(selectors.draw_document(draw=draw), default=str))
    assert doc["entrants_count"] == 5 and doc["seed"] and hashlib.sha256(bytes.fromhex(doc["seed"])).hexdigest() == doc["commitment"]
    assert "entrants" not in doc and doc["entrants_url"] == reverse("campaigns:draw_entrants", args=[draw.pk])
    data = draw.entrants_bytes()
    assert all(_script().verify(doc, data).values())
    assert selectors.draw_verify(draw=draw) == dict.fromkeys(
        ("seed_matches_commitment", "list_matches_hash", "winners_reproduced"), True)
    # A tampered record or file is caught.
    first_line = data[: fairdraw.LINE]
    assert not _script().verify(doc, data[fairdraw.LINE:])["entrant file matches its hash"]
    assert not _script().verify(doc, data + first_line)["entrant file is well formed (sorted, no code twice)"]
    assert not _script().verify(doc, data.replace(b" 000001", b" 000009", 1))["entrant file matches its hash"]
    assert not _script().verify({**doc, "seed": secrets.token_hex(32)}, data)["seed matches the commitment"]
    # As anyone would run it: the JSON record and the downloaded file.
    record, listed = tmp_path / "draw.json", tmp_path / "entrants.txt"
    record.write_text(json.dumps(doc), encoding="utf-8")
    listed.write_bytes(data)
    assert _script().main(["verify_draw.py", str(record), str(listed)]) == 0
    listed.write_bytes(data[fairdraw.LINE:])
    assert _script().main(["verify_draw.py", str(record), str(listed)]) == 1
    # Winners are told in the app; stock went down; running again changes nothing.
    assert Notice.objects.filter(module="campaigns", user_id__in=[w.user_id for w in winners]).count() == 3
    assert dict(Prize.objects.values_list("name", "stock")) == {"运动手环": 8, "健身卡": 0}
    assert [w.pk for w in services.draw_run(draw=draw, now=at(START, 23))] == [w.pk for w in winners]
    assert Winner.objects.count() == 3


def test_a_card_combined_after_the_draw_time_is_not_in_that_night(frozen_clock):
    _tree, campaign, workers, draw = _drawn_world(frozen_clock)
    late = make_worker_user()
    frozen_clock(at(START, 22, 0, 1))
    give_ultimate(campaign, late)
    services.draw_run(draw=draw, now=at(START, 22, 1))
    draw.refresh_from_db()
    assert draw.entrants_count == 5
    assert services.entrant_token(campaign_id=campaign.pk, user_id=late.pk) not in draw.entrants_text()


def test_the_frozen_list_is_a_file_named_by_its_hash_and_served_as_published(client, frozen_clock):
    _tree, _campaign, _workers, draw = _drawn_world(frozen_clock)
    frozen_clock(at(START, 22, 1))
    services.draw_run(draw=draw, now=at(START, 22, 1))
    draw.refresh_from_db()
    assert draw.entrants == ""  # not in the row
    assert draw.entrants_file.name.endswith(f"-{draw.entrants_hash}.txt")
    text = draw.entrants_text()
    assert len(text.splitlines()) == draw.entrants_count == 5
    assert hashlib.sha256(text.encode()).hexdigest() == draw.entrants_hash
    response = client.get(reverse("campaigns:draw_entrants", args=[draw.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert b"".join(response.streaming_content).decode() == text
    undrawn = Draw.objects.filter(status=Draw.Status.COMMITTED).first()
    assert client.get(reverse("campaigns:draw_entrants", args=[undrawn.pk])).status_code == 404


def test_stock_never_goes_negative_over_many_nights(frozen_clock):
    _tree, campaign, workers, _draw = _drawn_world(frozen_clock, stock=3, per_night=2)
    for offset in range(4):
        day = START + dt.timedelta(days=offset)
        frozen_clock(at(day, 22, 5))
        services.draw_run(draw=Draw.objects.get(campaign=campaign, day=day), now=at(day, 22, 5))
    assert Winner.objects.filter(prize__name="运动手环").count() == 3
    assert Winner.objects.filter(prize__name="健身卡").count() == 1
    assert not Prize.objects.filter(stock__lt=0).exists()


def test_unclaimed_prizes_return_to_stock_once_after_the_deadline(frozen_clock):
    _tree, campaign, workers, draw = _drawn_world(frozen_clock)
    frozen_clock(at(START, 22, 1))
    winners = services.draw_run(draw=draw, now=at(START, 22, 1))
    claimed, left = winners[0], winners[1:]
    with pytest.raises(ValidationFailed, match="邮寄地址"):
        services.winner_claim(winner=claimed, user=claimed.user, method="address", address="")
    services.winner_claim(winner=claimed, user=claimed.user, method="pickup", now=at(START, 23))
    with pytest.raises(Conflict, match="已经领取"):
        services.winner_claim(winner=claimed, user=claimed.user, method="pickup", now=at(START, 23))
    stock_before = dict(Prize.objects.values_list("pk", "stock"))
    assert services.winners_expire(now=at(START + dt.timedelta(days=3))) == 0
    frozen_clock(at(START + dt.timedelta(days=8)))
    call_command("campaign_expire_prizes", verbosity=0)
    assert services.winners_expire() == 0  # once only
    stock_after = dict(Prize.objects.values_list("pk", "stock"))
    returned = {pk: stock_after[pk] - stock_before[pk] for pk in stock_after}
    expected: dict[int, int] = {}
    for w in left:
        expected[w.prize_id] = expected.get(w.prize_id, 0) + 1
    assert {pk: n for pk, n in returned.items() if n} == expected
    late = Winner.objects.get(pk=left[0].pk)
    assert late.status == Winner.Status.EXPIRED
    with pytest.raises(Conflict, match="期限"):
        services.winner_claim(winner=late, user=late.user, method="pickup")


def test_due_draws_run_from_the_beat_task_at_22_beijing(frozen_clock):
    _tree, campaign, workers, draw = _drawn_world(frozen_clock)
    assert services.draws_run_due(now=at(START, 21, 59)) == 0
    # 22:00 Beijing is 14:00 UTC.
    assert services.draws_run_due(now=dt.datetime(2025, 1, 22, 14, 0, tzinfo=dt.UTC)) == 1
    assert services.draws_run_due(now=at(START, 23)) == 0


def test_a_day_already_begun_gets_no_commitment_when_publishing_late():
    tree = Tree()
    campaign = make_campaign(union=tree.city_a, published=False)
    services.campaign_publish(actor=None, campaign=campaign, now=at(START, 9))
    days = list(Draw.objects.filter(campaign=campaign).values_list("day", flat=True).order_by("day"))
    assert days[0] == START + dt.timedelta(days=1) and len(days) == 13


def test_winners_are_texted_after_the_commit_in_chinese_once(frozen_clock, sms_outbox, django_capture_on_commit_callbacks):
    from django.utils import translation

    from gonghui.core.models import OutboxMessage

    _tree, _campaign, workers, draw = _drawn_world(frozen_clock)
    frozen_clock(at(START, 22, 1))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        winners = services.draw_run(draw=draw, now=at(START, 22, 1))
        assert sms_outbox == []  # nothing leaves before the commit
    assert len(callbacks) >= len(winners)
    phones = {w.pk: w.phone for w in workers}
    texted = sorted(to for to, _text in sms_outbox)
    assert texted == sorted(phones[w.user_id] for w in winners)
    assert all(text.startswith("【职工之家】恭喜") and "我的奖品" in text for _to, text in sms_outbox)
    assert OutboxMessage.objects.filter(task="campaigns.user_sms_send", done_at__isnull=False).count() == len(winners)
    services.draw_run(draw=draw, now=at(START, 23))  # running again texts nobody again
    assert OutboxMessage.objects.filter(task="campaigns.user_sms_send").count() == len(winners)
