"""Search (Chinese, pinyin initials anywhere in the title, place, pay, trade) and the stated
recommendation score, on hand-built cases."""

import datetime as dt

import pytest

from gonghui.jobs import selectors
from gonghui.jobs.models import Posting
from tests.factories import Tree, make_grassroots
from tests.jobs.helpers import NOW, TODAY, make_posting, make_seeker

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def _age(posting, days):
    Posting.objects.filter(pk=posting.pk).update(published_at=NOW - dt.timedelta(days=days))
    posting.refresh_from_db()
    return posting


def titles(postings):
    return [p.title for p in postings]


def test_search_matches_chinese_and_pinyin_initials_anywhere_in_the_title(tree):
    make_posting(tree, title="小区保安")
    make_posting(tree, title="叉车司机", trade="driver", skills=[])
    assert titles(selectors.posting_search(q="保安")) == ["小区保安"]
    assert titles(selectors.posting_search(q="ba")) == ["小区保安"]       # 保安 in the middle
    assert titles(selectors.posting_search(q="XQBA")) == ["小区保安"]     # case does not matter
    assert titles(selectors.posting_search(q="baoan")) == ["小区保安"]
    assert titles(selectors.posting_search(q="cc")) == ["叉车司机"]
    assert selectors.posting_search(q="厨师") == []


def test_search_by_place_pay_and_trade(tree):
    make_posting(tree, title="南山保安")                                        # 440305, 6500 max
    make_posting(tree, title="广州保安", region="440103", pay_min=3000_00, pay_max=4000_00)
    make_posting(tree, title="南山司机", trade="driver", pay_min=8000_00, pay_max=9000_00, skills=[])
    assert set(titles(selectors.posting_search(place="440300"))) == {"南山保安", "南山司机"}
    assert set(titles(selectors.posting_search(place="440000"))) == {"南山保安", "广州保安", "南山司机"}
    assert titles(selectors.posting_search(place="440103")) == ["广州保安"]
    assert set(titles(selectors.posting_search(pay_min=6000_00))) == {"南山保安", "南山司机"}
    assert titles(selectors.posting_search(trade="driver")) == ["南山司机"]


def test_search_leaves_out_closed_and_expired_postings(tree, frozen_clock):
    make_posting(tree, title="明天截止", closes_on=TODAY + dt.timedelta(days=1))
    make_posting(tree, title="下月截止")
    frozen_clock(NOW + dt.timedelta(days=2))
    assert titles(selectors.posting_search(q="截止")) == ["下月截止"]


def test_the_score_is_the_sum_of_its_stated_parts(tree):
    seeker = make_seeker(trades=("security",), skills=("保安员证",), pay_wanted=6000_00)
    posting = _age(make_posting(tree), 3)  # security, 南山, needs 保安员证, up to 6500
    s = selectors.score_posting(seeker=seeker, posting=posting, on=TODAY)
    assert s.parts == {"trade": 35.0, "skills": 20.0, "distance": 20.0, "pay": 15.0, "fresh": 9.0}
    assert s.score == 99
    assert any("保安员证" in r for r in s.reasons) and any("6000" in r for r in s.reasons)


def test_partial_matches_score_in_proportion(tree):
    seeker = make_seeker(region="440305", trades=("driver",), skills=("A2驾照",), pay_wanted=10000_00)
    posting = _age(make_posting(tree, region="440103", skills=["保安员证", "A2驾照"], pay_max=5000_00, pay_min=4000_00),
                   15)
    s = selectors.score_posting(seeker=seeker, posting=posting, on=TODAY)
    # trade 0; skills 1 of 2 → 10; 广州 is another city of 广东 → 6; 5000/10000 of 15 → 7.5; 15 of 30 days → 5.
    assert s.parts == {"trade": 0.0, "skills": 10.0, "distance": 6.0, "pay": 7.5, "fresh": 5.0}
    assert s.score == 28


def test_recommendations_rank_trade_then_distance_then_pay_then_freshness(tree):
    seeker = make_seeker(region="440305", trades=("security",), skills=("保安员证",), pay_wanted=6000_00)
    near_fit = make_posting(tree, title="A 南山保安")                                   # 35+20+20+15+10 = 100
    same_city = make_posting(tree, title="B 福田保安", region="440304")                  # distance 14 → 94
    low_pay = make_posting(tree, title="C 南山保安低薪", pay_min=3000_00, pay_max=3000_00)  # pay 7.5 → 92.5 → 92
    other_trade = make_posting(tree, title="D 南山司机", trade="driver", skills=[])       # trade 0 → 65
    other_province = make_posting(tree, title="E 上海保安", region="310104")              # distance 0 → 80
    _age(make_posting(tree, title="F 南山保安旧", requirements=""), 30)                  # fresh 0 → 90
    ranked = selectors.recommendations(seeker=seeker, on=TODAY)
    assert titles(s.posting for s in ranked) == ["A 南山保安", "B 福田保安", "C 南山保安低薪", "F 南山保安旧", "D 南山司机"]
    # 上海 is neither in the seeker's trade-and-province nor city candidates: not offered at all.
    assert other_province.pk not in [s.posting.pk for s in ranked]
    assert [s.score for s in ranked] == [100, 94, 92, 90, 65]
    assert {near_fit.pk, same_city.pk, low_pay.pk, other_trade.pk} <= {s.posting.pk for s in ranked}


def test_a_wanted_place_counts_as_near(tree):
    seeker = make_seeker(region="440305", places=("310104",), trades=("security",))
    posting = make_posting(tree, title="上海保安", region="310104")
    ranked = selectors.recommendations(seeker=seeker, on=TODAY)
    assert [s.posting.pk for s in ranked] == [posting.pk]
    assert ranked[0].parts["distance"] == 20.0


def test_postings_applied_to_are_not_recommended_again(tree):
    from gonghui.jobs import services

    seeker = make_seeker()
    posting = make_posting(tree)
    services.application_create(user=seeker.user, posting=posting)
    assert selectors.recommendations(seeker=seeker, on=TODAY) == []


def test_recommendations_read_a_bounded_number_of_queries(tree, django_assert_max_num_queries):
    seeker = make_seeker()
    other = make_grassroots(parent=tree.county_a)
    for i in range(5):
        make_posting(tree, title=f"保安{i}", union=other, employer=other.employer)
    # PostgreSQL: one query (the candidate reads as a UNION ALL inside the postings' read, the
    # applied-to left out in it, the certificates as a sub-select). SQLite cannot order and
    # slice inside a UNION: its certificates, one read per candidate index, the chosen postings.
    from django.db import connection

    budget = 1 if connection.vendor == "postgresql" else 2 + len(selectors._candidate_queries(seeker, TODAY))
    with django_assert_max_num_queries(budget):
        assert len(selectors.recommendations(seeker=seeker, on=TODAY)) == 5
