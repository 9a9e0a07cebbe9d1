"""劳动和技能竞赛 as rules, worked out by hand: weighted sheets, dropping the highest and the
lowest, the tie rules, who advances, conflicts of interest, prizes and titles on the record.

The sheet in every test: 实操 60% + 理论 40% (tests/skills/helpers.make_competition).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.notices.models import Notice
from gonghui.skills import competitions as comp
from gonghui.skills.models import Award, Competition, Entry, Honour, Round, RoundResult, ScoreItem
from tests.factories import Tree, make_grassroots, make_member, make_staff
from tests.skills.helpers import make_competition, make_entry

pytestmark = pytest.mark.django_db


def score(competition: Competition, judge_no: int, entry: Entry, practical: int, theory: int, *, round_no: int = 1):
    judge = competition.judges.order_by("pk")[judge_no - 1]
    items = {i.name: i.pk for i in competition.items.all()}
    round_ = competition.rounds.get(order=round_no)
    return comp.sheet_submit(judge=judge, round_=round_, entry=entry,
                             scores={str(items["实操"]): practical, str(items["理论"]): theory})


# Round 1, worked by hand (totals = 实操 × 60% + 理论 × 40%):
#   A: J1 90/80 → 86.00   J2 95/90 → 93.00   J3 80/70 → 76.00   J4 88/85 → 86.80   J5 92/75 → 85.20
#      drop 93.00 (J2) and 76.00 (J3): (85.20 + 86.00 + 86.80) / 3 = 86.00
#      实操 of the judges counted (J1, J4, J5): (90 + 88 + 92) / 3 = 90.00
#   B: J1 85/85 → 85.00   J2 80/95 → 86.00   J3 85/90 → 87.00   J4 100/100 → 100.00   J5 50/50 → 50.00
#      drop 100.00 (J4) and 50.00 (J5): (85 + 86 + 87) / 3 = 86.00 — the same as A
#      实操 counted (J1, J2, J3): (85 + 80 + 85) / 3 = 83.33 — below A's 90.00
#   C (another unit; J1 works there and may not score it): J2..J5 all 70/70 → 70.00
#      drop one 70 and one 70: 70.00
SHEETS = {
    "A": {1: (90, 80), 2: (95, 90), 3: (80, 70), 4: (88, 85), 5: (92, 75)},
    "B": {1: (85, 85), 2: (80, 95), 3: (85, 90), 4: (100, 100), 5: (50, 50)},
    "C": {2: (70, 70), 3: (70, 70), 4: (70, 70), 5: (70, 70)},
}


@pytest.fixture
def contest(request):
    tie_rule = getattr(request, "param", "items")
    tree = Tree()
    other = make_grassroots(parent=tree.county_a)
    competition = make_competition(union=tree.city_a, staff=tree.staff_a, tie_rule=tie_rule,
                                   judge_employers={1: other.employer})
    entries = {
        "A": make_entry(competition=competition, union=tree.grassroots_a, name="甲选手"),
        "B": make_entry(competition=competition, union=tree.grassroots_a, name="乙选手"),
        "C": make_entry(competition=competition, union=other, name="丙选手"),
    }
    comp.judging_start(actor=tree.staff_a, competition=competition)
    for key, sheets in SHEETS.items():
        for judge_no, (p, t) in sheets.items():
            score(competition, judge_no, entries[key], p, t)
    return tree, competition, entries


def test_sheet_total_is_the_weighted_sum_in_hundredths(contest):
    _tree, competition, entries = contest
    sheet = score(competition, 4, entries["A"], 88, 85)
    assert sheet.total == 8680  # 88 × 60 + 85 × 40 = 5280 + 3400


def test_drop_highest_and_lowest_then_average_worked_by_hand(contest):
    tree, competition, entries = contest
    results = {r.entry_id: r for r in comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=1))}
    a, b, c = (results[entries[k].pk] for k in "ABC")
    assert (a.score, a.judges_counted) == (Decimal("86.00"), 3)
    assert (b.score, b.judges_counted) == (Decimal("86.00"), 3)
    assert (c.score, c.judges_counted) == (Decimal("70.00"), 2)
    # The ITEMS rule: equal 86.00, then 实操 (60%, the heaviest) 90.00 against 83.33.
    assert (a.rank, b.rank, c.rank) == (1, 2, 3)
    assert "实操" in a.tie_note and "90.00" in a.tie_note
    # 初赛 advances 2: A and B; C stops here. The final opens.
    assert (a.advanced, b.advanced, c.advanced) == (True, True, False)
    assert competition.rounds.get(order=2).status == Round.Status.OPEN


@pytest.mark.parametrize("contest", ["share"], indirect=True)
def test_share_rule_equal_scores_share_the_place_and_the_next_is_skipped(contest):
    tree, competition, entries = contest
    results = {r.entry_id: r for r in comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=1))}
    assert [results[entries[k].pk].rank for k in "ABC"] == [1, 1, 3]
    assert results[entries["A"].pk].tie_note == "同分并列"


def test_without_dropping_every_sheet_counts():
    # A's five totals 86.00 + 93.00 + 76.00 + 86.80 + 85.20 = 427.00; / 5 = 85.40
    items = [ScoreItem(pk=1, name="实操", weight=60, order=1), ScoreItem(pk=2, name="理论", weight=40, order=2)]
    sheets = {1: [(j, 60 * p + 40 * t, {"1": p, "2": t}) for j, (p, t) in SHEETS["A"].items()]}
    [placed] = comp.place(sheets, items, drop_extremes=False, tie_rule="items")
    assert (placed.score, placed.counted) == (Decimal("85.40"), 5)
    [dropped] = comp.place(sheets, items, drop_extremes=True, tie_rule="items")
    assert dropped.score == Decimal("86.00")


def test_score_is_rounded_half_up_to_the_hundredth():
    # (85.00 + 85.01) / 2 = 85.005 → 85.01 (half up; banker's rounding would give 85.00)
    items = [ScoreItem(pk=1, name="实操", weight=100, order=1)]
    [placed] = comp.place({7: [(1, 8500, {"1": 85}), (2, 8501, {"1": 85})]}, items, drop_extremes=False, tie_rule="items")
    assert placed.score == Decimal("85.01")


def test_two_equal_highest_totals_drop_only_one():
    # totals 90, 90, 80, 70: drop one 90 and the 70 → (80 + 90) / 2 = 85.00
    kept = comp.kept_sheets([(1, 9000, {}), (2, 9000, {}), (3, 8000, {}), (4, 7000, {})], True)
    assert sorted(s[1] for s in kept) == [8000, 9000]


def test_a_judge_never_scores_their_own_unit(contest):
    _tree, competition, entries = contest
    with pytest.raises(PermissionDenied) as exc:
        score(competition, 1, entries["C"], 100, 100)
    assert exc.value.code == "judge_conflict" and "同一单位" in str(exc.value)
    assert not entries["C"].sheets.filter(judge__name="评委1").exists()


def test_declared_conflict_removes_the_sheet_and_blocks_scoring(contest):
    _tree, competition, entries = contest
    judge = competition.judges.get(name="评委2")
    comp.recusal_declare(judge=judge, entry=entries["A"], reason="师徒关系")
    assert not entries["A"].sheets.filter(judge=judge).exists()
    with pytest.raises(PermissionDenied):
        score(competition, 2, entries["A"], 90, 90)


def test_bad_sheets_are_refused_and_nothing_is_written(contest):
    _tree, competition, entries = contest
    items = list(competition.items.order_by("order"))
    judge = competition.judges.get(name="评委3")
    round_ = competition.rounds.get(order=1)
    before = entries["A"].sheets.get(judge=judge).total
    for bad in ({str(items[0].pk): 101, str(items[1].pk): 50}, {str(items[0].pk): 90},
                {str(items[0].pk): "九十", str(items[1].pk): 50}, {str(items[0].pk): 90, str(items[1].pk): 50, "999": 1}):
        with pytest.raises(ValidationFailed):
            comp.sheet_submit(judge=judge, round_=round_, entry=entries["A"], scores=bad)
    assert entries["A"].sheets.get(judge=judge).total == before


def test_a_round_closes_only_when_every_entry_has_enough_judges():
    tree = Tree()
    competition = make_competition(union=tree.city_a, staff=tree.staff_a)
    a = make_entry(competition=competition, union=tree.grassroots_a, name="甲选手")
    comp.judging_start(actor=tree.staff_a, competition=competition)
    score(competition, 1, a, 90, 90)
    score(competition, 2, a, 90, 90)
    with pytest.raises(Conflict) as exc:
        comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=1))
    assert exc.value.code == "sheets_short"
    assert not RoundResult.objects.exists()


def test_tie_at_the_last_advancing_place_takes_all():
    tree = Tree()
    competition = make_competition(union=tree.city_a, staff=tree.staff_a, tie_rule="share", judges=3,
                                   rounds=(("初赛", 1), ("决赛", 0)))
    a = make_entry(competition=competition, union=tree.grassroots_a, name="甲选手")
    b = make_entry(competition=competition, union=tree.grassroots_a, name="乙选手")
    comp.judging_start(actor=tree.staff_a, competition=competition)
    for entry in (a, b):
        for j in (1, 2, 3):
            score(competition, j, entry, 80, 80)
    results = comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=1))
    assert [(r.rank, r.advanced) for r in results] == [(1, True), (1, True)]


def test_from_registration_to_published_places_prizes_and_titles(contest):
    tree, competition, entries = contest
    comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=1))
    # The final takes A and B only; C's sheets are refused there.
    with pytest.raises(NotFound):
        score(competition, 2, entries["C"], 90, 90, round_no=2)
    for j in range(1, 6):
        score(competition, j, entries["A"], 80, 80, round_no=2)   # 80.00
        score(competition, j, entries["B"], 90, 90, round_no=2)   # 90.00
    comp.round_close(actor=tree.staff_a, round_=competition.rounds.get(order=2))
    awards = comp.competition_publish(actor=tree.staff_a, competition=competition)
    assert [(a.entry.name, a.rank, a.prize_fen, a.title) for a in awards] == [
        ("乙选手", 1, 500000, "技术能手"), ("甲选手", 2, 300000, "")]
    honour = Honour.objects.get()
    assert (honour.user_id, honour.title, honour.source) == (entries["B"].user_id, "技术能手", "焊工技能竞赛")
    competition.refresh_from_db()
    assert competition.status == Competition.Status.PUBLISHED
    assert [r.entry.name for r in comp.results_of(competition)] == ["乙选手", "甲选手"]
    assert Notice.objects.filter(user_id=entries["B"].user_id, text__contains="第 1 名").exists()
    with pytest.raises(Conflict):
        comp.competition_publish(actor=tree.staff_a, competition=competition)
    assert Award.objects.count() == 2


def test_prize_table_parsing_worked_by_hand():
    bands = comp.prizes_parse("1 5000 技术能手\n2 3000\n3 2000\n4-6 1000")
    assert [(b["from"], b["to"], b["fen"], b["title"]) for b in bands] == [
        (1, 1, 500000, "技术能手"), (2, 2, 300000, ""), (3, 3, 200000, ""), (4, 6, 100000, "")]
    assert comp.prize_for(bands, 5).fen == 100000 and comp.prize_for(bands, 7) is None
    for bad in ("一等奖 5000", "3-1 100", "1 5000\n1 3000"):
        with pytest.raises(ValidationFailed):
            comp.prizes_parse(bad)


def test_registration_rules():
    tree = Tree()
    competition = make_competition(union=tree.city_a, staff=tree.staff_a)
    # Not a member: refused.
    from tests.factories import make_worker_user
    with pytest.raises(PermissionDenied):
        comp.entry_register(competition=competition, user=make_worker_user())
    # A member of branch B (outside the organiser's subtree): refused.
    outsider = make_member(union=tree.grassroots_b).person.user
    with pytest.raises(PermissionDenied) as exc:
        comp.entry_register(competition=competition, user=outsider)
    assert exc.value.code == "not_eligible"
    entry = make_entry(competition=competition, union=tree.grassroots_a, endorse=False)
    with pytest.raises(Conflict):
        comp.entry_register(competition=competition, user=entry.user)
    # Branch B's staff cannot endorse it; declining needs a reason.
    with pytest.raises(NotFound):
        comp.entry_endorse(actor=tree.staff_b, entry=entry, endorse=True)
    with pytest.raises(ValidationFailed):
        comp.entry_endorse(actor=tree.staff_a, entry=entry, endorse=False, note="")
    entry = comp.entry_endorse(actor=tree.staff_a, entry=entry, endorse=True)
    assert entry.status == Entry.Status.ENDORSED
    # After registration closes it is locked.
    comp.judging_start(actor=tree.staff_a, competition=competition)
    with pytest.raises(Conflict):
        comp.entry_withdraw(entry=entry, user=entry.user)
    with pytest.raises(Conflict):
        comp.item_add(actor=tree.staff_a, competition=competition, name="安全", weight=10)


def test_setup_rules():
    tree = Tree()
    staff = make_staff(union=tree.city_a)
    with pytest.raises(ValidationFailed):  # dropping extremes needs at least 3 judges
        make_competition(union=tree.city_a, staff=staff, min_judges=2)
    competition = make_competition(union=tree.city_a, staff=staff, open_=False)
    with pytest.raises(ValidationFailed):  # 60 + 40 already: nothing more fits in 100%
        comp.item_add(actor=staff, competition=competition, name="安全", weight=5)
    draft = comp.competition_create(actor=staff, union=tree.city_a, title="班组长竞赛", level="team_leader",
                                    trade="班组管理", registration_closes=competition.registration_closes)
    comp.item_add(actor=staff, competition=draft, name="实操", weight=50)
    comp.round_add(actor=staff, competition=draft, name="决赛")
    with pytest.raises(Conflict) as exc:
        comp.competition_open(actor=staff, competition=draft)
    assert exc.value.code == "weights_not_100"
