"""Postings: checked before publishing (minimum wage, discrimination, a real employer, sane
pay and dates), published or sent to review, closed as filled, expired."""

import datetime as dt

import pytest

from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.jobs import services
from gonghui.jobs.models import MinimumWage, Posting
from tests.factories import Tree, make_employer, make_staff
from tests.jobs.helpers import NOW, TODAY, make_posting, make_recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(frozen_clock):
    frozen_clock(NOW)
    return Tree()


def test_the_seeded_2025_standards_are_the_real_first_tier_figures():
    rows = {r.region_code: (r.monthly, r.hourly, r.effective_from) for r in MinimumWage.objects.all()}
    assert rows["310000"] == (2740_00, 25_00, dt.date(2025, 7, 1))
    assert rows["110000"][0] == 2540_00
    assert rows["440100"][0] == 2500_00
    assert rows["440300"][0] == 2520_00


def test_a_clean_posting_is_published_at_once(tree):
    posting = make_posting(tree)
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.flags == []
    assert posting.minimum_wage == 2520_00  # 南山区 is checked against 深圳市's standard
    assert (posting.city_code, posting.province_code) == ("440300", "440000")
    assert "ba" in posting.search_text and "baoan" in posting.search_text


def test_pay_one_fen_below_the_minimum_is_refused_and_nothing_is_saved(tree):
    with pytest.raises(ValidationFailed) as exc:
        make_posting(tree, pay_min=2519_99, pay_max=3000_00)
    assert exc.value.code == "below_minimum_wage"
    assert "2520" in str(exc.value.message) and "深圳市" in str(exc.value.message)
    assert not Posting.objects.exists()
    assert make_posting(tree, pay_min=2520_00, pay_max=3000_00).status == Posting.Status.PUBLISHED


def test_hourly_pay_is_checked_against_the_hourly_standard(tree):
    with pytest.raises(ValidationFailed, match="25"):
        make_posting(tree, region="310104", pay_unit="hour", pay_min=24_00, pay_max=30_00)
    assert make_posting(tree, region="310104", pay_unit="hour", pay_min=25_00, pay_max=30_00).status == "published"


def test_without_an_hourly_standard_the_monthly_one_is_divided_by_174_hours(tree):
    # 深圳 2520 元 / 174 h = 14.49 元, rounded up to 14.49 → 1449 fen.
    with pytest.raises(ValidationFailed):
        make_posting(tree, pay_unit="hour", pay_min=14_48, pay_max=20_00)
    make_posting(tree, pay_unit="hour", pay_min=14_49, pay_max=20_00)


def test_a_newer_standard_applies_from_its_date(tree):
    services.minimum_wage_set(actor=make_staff(union=tree.province), region_code="440300",
                              effective_from=TODAY + dt.timedelta(days=1), monthly=2700_00)
    make_posting(tree, pay_min=2600_00, pay_max=3000_00)  # the new standard is not yet in force


def test_only_the_province_keeps_the_minimum_wage_table(tree):
    with pytest.raises(PermissionDenied):
        services.minimum_wage_set(actor=tree.staff_a, region_code="440300", effective_from=TODAY, monthly=2700_00)
    services.minimum_wage_set(actor=make_staff(union=tree.province), region_code="440300", effective_from=TODAY,
                              monthly=2700_00)
    with pytest.raises(ValidationFailed):
        make_posting(tree, pay_min=2600_00, pay_max=3000_00)


def test_a_place_without_a_standard_goes_to_review(tree):
    posting = make_posting(tree, region="510104")  # 成都 锦江区: no standard seeded
    assert posting.status == Posting.Status.REVIEW
    assert [f["rule"] for f in posting.flags] == ["wage"]


def test_discriminatory_requirements_are_refused_with_the_reason(tree):
    with pytest.raises(ValidationFailed) as exc:
        make_posting(tree, requirements="限男性，本地户口优先")
    assert exc.value.code == "discriminatory"
    assert "限男性" in str(exc.value.message) and "就业促进法" in str(exc.value.message)
    assert not Posting.objects.exists()


def test_an_age_ceiling_is_published_only_after_review(tree):
    posting = make_posting(tree, requirements="限35岁以下")
    assert posting.status == Posting.Status.REVIEW and posting.published_at is None
    with pytest.raises(ValidationFailed):  # refusing needs a reason the employer will read
        services.posting_review(actor=tree.staff_a, posting=posting, approve=False)
    refused = services.posting_review(actor=tree.staff_a, posting=posting, approve=False, note="请删除年龄限制")
    assert refused.status == Posting.Status.REFUSED


def test_product_words_are_not_flagged(tree):
    posting = make_posting(tree, title="女装销售", trade="sales", requirements="适合应届毕业生", skills=[])
    assert posting.status == Posting.Status.PUBLISHED


@pytest.mark.parametrize(("overrides", "code"), [
    ({"pay_min": 7000_00, "pay_max": 6000_00}, "pay_min_over_max"),
    ({"closes_on": TODAY - dt.timedelta(days=1)}, "closes_in_past"),
    ({"closes_on": TODAY + dt.timedelta(days=181)}, "closes_too_far"),
    ({"pay_min": 5000_00, "pay_max": 500000_00}, "pay_absurd"),
    ({"pay_min": 3000_00, "pay_max": 20000_00}, "pay_spread"),
    ({"pay_min": 0, "pay_max": 0}, "pay_required"),
    ({"openings": 0}, "openings_invalid"),
    ({"title": "  "}, "title_required"),
    ({"trade": "astronaut"}, "trade_invalid"),
    ({"pay_unit": "week"}, "pay_unit_invalid"),
    ({"pay_unit": "hour", "pay_min": 30_00, "pay_max": 3000_00}, "pay_absurd"),
])
def test_bad_input_is_refused_with_a_code_and_nothing_saved(tree, overrides, code):
    with pytest.raises(ValidationFailed) as exc:
        make_posting(tree, **overrides)
    assert exc.value.code == code
    assert not Posting.objects.exists()


def test_staff_post_only_for_employers_in_their_branch(tree):
    outside = tree.grassroots_b.employer
    with pytest.raises(ValidationFailed) as exc:
        make_posting(tree, employer=outside)
    assert exc.value.code == "employer_unknown"
    with pytest.raises(PermissionDenied):  # a union staff A cannot change
        make_posting(tree, union=tree.grassroots_b)


def test_a_recruiter_posts_for_their_employer_only_at_the_verifying_union(tree):
    recruiter = make_recruiter(tree)
    posting = make_posting(tree, actor=recruiter, union=tree.grassroots_b)  # the union given is ignored
    assert posting.union == tree.grassroots_a
    with pytest.raises(PermissionDenied):
        make_posting(tree, actor=recruiter, employer=make_employer(region="440305"))


def test_granting_a_recruiter_needs_the_employer_in_the_staff_branch(tree):
    with pytest.raises(NotFound):
        make_recruiter(tree, employer=tree.grassroots_b.employer)


def test_a_filled_posting_is_closed_and_no_longer_offered(tree):
    posting = make_posting(tree)
    services.posting_close(actor=tree.staff_a, posting=posting, filled=True)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.FILLED and posting.closed_at is not None
    assert not Posting.objects.live(TODAY).exists()


def test_postings_expire_after_their_closing_date(tree):
    posting = make_posting(tree, closes_on=TODAY)
    assert services.postings_expire(on=TODAY) == 0
    assert services.postings_expire(on=TODAY + dt.timedelta(days=1)) == 1
    posting.refresh_from_db()
    assert posting.status == Posting.Status.EXPIRED
    assert services.postings_expire(on=TODAY + dt.timedelta(days=1)) == 0
