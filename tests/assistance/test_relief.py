"""送温暖 campaigns, worked by hand on one tree:

    province (campaign: budget 5,000 元; 深度困难 ≥ 1,500 元, 相对困难 ≥ 800 元, 意外致困 not listed)
    ├ city_a ─ county_a ─ grassroots_a: 张大山 (深度困难, 2,400 元 / 3 人 = 800 元), 李小红 (相对困难, 3,600 / 3 = 1,200)
    └ city_b ─ grassroots_b: 王五 (深度困难)

The province allocates 3,000 元 to city_a and 2,000 元 to city_b (2,500 is refused: 2,000 left);
city_a passes 2,300 元 down to county_a and on to grassroots_a, which visits both of its
households (1,500 + 800 元) and pays them in one bank batch.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import hardship, payouts, relief, services
from gonghui.assistance.figures import relief_amount, relief_households
from gonghui.assistance.models import FundAccount, PaymentBatch, Payout, ReliefTarget
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.assistance.hardship_helpers import active, standard
from tests.assistance.helpers import assert_books_sound
from tests.assistance.payout_helpers import ACCOUNT, return_file
from tests.cases.helpers import png
from tests.factories import Tree, make_member, make_staff
from tests.stats.scenario import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 5)
START, END = dt.date(2026, 1, 1), dt.date(2026, 2, 15)


class World:
    def __init__(self) -> None:
        self.tree = t = Tree()
        self.boss = make_staff(union=t.province, role=RoleGrant.Role.ADMIN)
        standard("440000", year=2026)
        self.zhang = make_member(union=t.grassroots_a, name="张大山")
        self.li = make_member(union=t.grassroots_a, name="李小红")
        self.deep = active(t.grassroots_a, t.staff_a, income=2400_00, member=self.zhang)
        self.relative = active(t.grassroots_a, t.staff_a, income=3600_00, member=self.li)
        self.b_file = active(t.grassroots_b, t.staff_b, income=1500_00, member=make_member(union=t.grassroots_b,
                                                                                            name="王五"))
        services.fund_receipt(union=t.province, source="central", amount=10_000_00, memo="送温暖专项")
        self.campaign = relief.relief_campaign_create(
            union=t.province, name="2026 年元旦春节送温暖", year=2026, source="central", budget=5_000_00,
            grade_amounts={"deep": 1500_00, "relative": 800_00, "accident": 0}, starts_on=START, ends_on=END,
            by=self.boss,
        )

    def target(self, file) -> ReliefTarget:
        return ReliefTarget.objects.get(campaign=self.campaign, hardship_file=file)


@pytest.fixture
def w(frozen_clock):
    frozen_clock(at(DAY, 10))
    return World()


def _fund_grassroots_a(w: World) -> None:
    t = w.tree
    relief.relief_allocate(campaign=w.campaign, to_union=t.city_a, amount=3_000_00, by=w.boss)
    relief.relief_allocate(campaign=w.campaign, to_union=t.county_a, amount=2_300_00, by=t.staff_a)
    relief.relief_allocate(campaign=w.campaign, to_union=t.grassroots_a, amount=2_300_00, by=t.staff_a)


def _visit(w: World, file, cash: int, **kw) -> ReliefTarget:
    return relief.relief_visit_record(target=w.target(file), by=w.tree.staff_a, visited_on=DAY,
                                      visitors="甲市总工会 刘主席、赵干事", cash=cash, **kw)


def test_generated_list_takes_active_files_at_their_grade_standard_once(w):
    assert relief.relief_targets_generate(campaign=w.campaign, by=w.boss) == 3
    amounts = {t.hardship_file_id: (t.grade, t.amount, t.union_id) for t in ReliefTarget.objects.all()}
    assert amounts == {w.deep.pk: ("deep", 1500_00, w.tree.grassroots_a.pk),
                       w.relative.pk: ("relative", 800_00, w.tree.grassroots_a.pk),
                       w.b_file.pk: ("deep", 1500_00, w.tree.grassroots_b.pk)}
    # Again: nothing new. A removed household stays off; a new file is added.
    relief.relief_target_remove(target=w.target(w.b_file), by=w.tree.staff_b, reason="已外出务工，联系不上")
    assert relief.relief_targets_generate(campaign=w.campaign, by=w.boss) == 0
    assert w.target(w.b_file).status == ReliefTarget.Status.REMOVED


def test_a_grade_without_a_standard_and_closed_files_are_not_listed(w):
    hardship.hardship_file_exit(file=w.relative, by=w.tree.staff_a, reason="已再就业，收入超过标准")
    campaign = relief.relief_campaign_create(
        union=w.tree.city_a, name="甲市送温暖", year=2026, source="central", budget=1000_00,
        grade_amounts={"relative": 800_00}, starts_on=START, ends_on=END, by=w.tree.staff_a)
    # 张大山 is 深度困难 (no standard here), 李小红 has left the register, 王五 is in city_b.
    assert relief.relief_targets_generate(campaign=campaign, by=w.tree.staff_a) == 0


def test_only_the_organizer_generates_and_the_holding_union_edits(w):
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    with pytest.raises(PermissionDenied):
        relief.relief_targets_generate(campaign=w.campaign, by=w.tree.staff_a)
    with pytest.raises(PermissionDenied):
        relief.relief_target_update(target=w.target(w.deep), by=w.tree.staff_b, amount=2000_00)


def test_budget_is_passed_down_no_further_than_received(w):
    t = w.tree
    relief.relief_allocate(campaign=w.campaign, to_union=t.city_a, amount=3_000_00, by=w.boss)
    with pytest.raises(Conflict) as exc:
        relief.relief_allocate(campaign=w.campaign, to_union=t.city_b, amount=2_500_00, by=w.boss)
    assert exc.value.code == "rule_budget" and "最多还能下拨 2,000.00 元" in str(exc.value.message)
    relief.relief_allocate(campaign=w.campaign, to_union=t.city_b, amount=2_000_00, by=w.boss)
    relief.relief_allocate(campaign=w.campaign, to_union=t.county_a, amount=2_300_00, by=t.staff_a)
    with pytest.raises(Conflict) as exc:
        relief.relief_allocate(campaign=w.campaign, to_union=t.county_a, amount=800_00, by=t.staff_a)
    assert "最多还能下拨 700.00 元" in str(exc.value.message)
    # city_a may not allocate for the province, nor to a union outside its branch.
    with pytest.raises(PermissionDenied):
        relief.relief_allocate(campaign=w.campaign, to_union=t.city_b, amount=1_00, by=t.staff_a)
    # The ledger moved exactly that: province 10,000 − 5,000; city_a 3,000 − 2,300; county_a 2,300.
    balance = {a.union_id: a.balance for a in FundAccount.objects.filter(kind="available", source="central")}
    assert balance[t.province.pk] == 5_000_00 and balance[t.city_a.pk] == 700_00
    assert balance[t.county_a.pk] == 2_300_00 and balance[t.city_b.pk] == 2_000_00
    assert_books_sound()


def test_planned_and_given_cash_not_below_the_grade_standard(w):
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    with pytest.raises(Conflict) as exc:
        relief.relief_target_update(target=w.target(w.relative), by=w.tree.staff_a, amount=799_99)
    assert exc.value.code == "rule_relief_minimum" and "相对困难户慰问金不少于 800.00 元" in str(exc.value.message)
    target = relief.relief_target_update(target=w.target(w.relative), by=w.tree.staff_a, amount=1000_00,
                                         goods="米一袋", bank_account="6222 0212 3456 7890 123")
    assert (target.amount, target.goods, target.bank_account) == (1000_00, "米一袋", ACCOUNT)
    with pytest.raises(Conflict):
        _visit(w, w.deep, 1000_00)
    with pytest.raises(ValidationFailed) as exc:
        relief.relief_visit_record(target=w.target(w.deep), by=w.tree.staff_a, visited_on=dt.date(2025, 12, 31),
                                   visitors="刘主席", cash=1500_00)
    assert exc.value.code == "invalid_date"
    with pytest.raises(ValidationFailed):  # tomorrow has not happened yet
        relief.relief_visit_record(target=w.target(w.deep), by=w.tree.staff_a, visited_on=DAY + dt.timedelta(days=1),
                                   visitors="刘主席", cash=1500_00)
    assert w.target(w.deep).status == ReliefTarget.Status.PLANNED


def test_visit_payment_and_completion_by_union(w, client):
    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    _fund_grassroots_a(w)
    relief.relief_allocate(campaign=w.campaign, to_union=t.city_b, amount=2_000_00, by=w.boss)
    for file in (w.deep, w.relative):
        relief.relief_target_update(target=w.target(file), by=t.staff_a, amount=w.target(file).amount,
                                    bank_account=ACCOUNT, bank_name="工商银行")
    visited = _visit(w, w.deep, 1500_00, goods="米、油各一份", photo=png())
    assert visited.photo.name.startswith("assistance/relief/") and visited.photo_type == "image/png"
    _visit(w, w.relative, 800_00)
    with pytest.raises(Conflict):  # a visited household stays on the list
        relief.relief_target_remove(target=w.target(w.deep), by=t.staff_a, reason="重复")

    result = relief.relief_payment_batch_create(campaign=w.campaign, union=t.grassroots_a, by=t.staff_a)
    batch = result.batch
    assert (result.queued, batch.count, batch.total) == (2, 2, 2_300_00)
    assert {p.idempotency_key for p in Payout.objects.all()} == {
        f"relief-{w.target(w.deep).pk}", f"relief-{w.target(w.relative).pk}"}
    with pytest.raises(ValidationFailed) as exc:  # again: nothing left to pay
        relief.relief_payment_batch_create(campaign=w.campaign, union=t.grassroots_a, by=t.staff_a)
    assert exc.value.code == "nothing_to_pay" and PaymentBatch.objects.count() == 1
    with pytest.raises(Conflict):  # the cash is fixed once it is at the bank
        relief.relief_target_update(target=w.target(w.deep), by=t.staff_a, amount=2000_00)

    seq = {line.payout_id: line.seq for line in batch.lines.all()}
    deep_seq, relative_seq = seq[w.target(w.deep).payout_id], seq[w.target(w.relative).payout_id]
    payouts.payment_return_import(batch=batch, upload=return_file(batch, {deep_seq: ("成功", ""),
                                                                         relative_seq: ("失败", "账户已冻结")}))

    total, rows = relief.relief_progress(campaign=w.campaign, union=t.province)
    assert (total.targets, total.visited, total.paid) == (3, 2, 1)
    assert (total.planned, total.given, total.paid_amount, total.allocated) == (3_800_00, 2_300_00, 1_500_00,
                                                                              5_000_00)
    by_union = {r.union.pk: (r.targets, r.visited, r.paid, r.paid_amount, r.allocated) for r in rows}
    assert by_union == {t.city_a.pk: (2, 2, 1, 1_500_00, 3_000_00), t.city_b.pk: (1, 0, 0, 0, 2_000_00)}
    total, rows = relief.relief_progress(campaign=w.campaign, union=t.county_a)
    assert total.allocated == 2_300_00 and [(r.union.pk, r.targets) for r in rows] == [(t.grassroots_a.pk, 2)]

    # Figures: two households visited on DAY, 2,300 元 given, at grassroots_a.
    assert list(relief_households(DAY)) == [(t.grassroots_a.pk, "", 2)]
    assert list(relief_amount(DAY)) == [(t.grassroots_a.pk, "", 2_300_00)]

    # The worker sees it in 我的帮扶.
    client.force_login(w.zhang.person.user)
    page = client.get(reverse("assistance:mine")).content.decode()
    assert "2026 年元旦春节送温暖" in page and "1,500.00" in page and "米、油各一份" in page and "已到账" in page
    assert_books_sound()


def test_payment_the_funds_cannot_cover_queues_nothing(w):
    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    relief.relief_target_update(target=w.target(w.b_file), by=t.staff_b, amount=1500_00, bank_account=ACCOUNT)
    relief.relief_visit_record(target=w.target(w.b_file), by=t.staff_b, visited_on=DAY, visitors="乙市 孙主席",
                               cash=1500_00)
    with pytest.raises(Conflict) as exc:  # grassroots_b received nothing
        relief.relief_payment_batch_create(campaign=w.campaign, union=t.grassroots_b, by=t.staff_b)
    assert "余额不足" in str(exc.value.message)
    assert not Payout.objects.exists() and w.target(w.b_file).payout_id is None


def test_household_without_bank_account_is_named_and_left_for_later(w):
    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    _fund_grassroots_a(w)
    relief.relief_target_update(target=w.target(w.deep), by=t.staff_a, amount=1500_00, bank_account=ACCOUNT)
    _visit(w, w.deep, 1500_00)
    _visit(w, w.relative, 800_00)
    result = relief.relief_payment_batch_create(campaign=w.campaign, union=t.grassroots_a, by=t.staff_a)
    assert (result.queued, result.missing_account) == (1, ["李小红"])
    assert w.target(w.relative).payout_id is None


def test_pages_and_photo_are_for_the_branch_only(w, client):
    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    target = _visit(w, w.deep, 1500_00, photo=png())
    client.force_login(t.staff_a)
    assert client.get(reverse("console:assistance:relief_list")).status_code == 200
    page = client.get(reverse("console:assistance:relief_detail", args=[w.campaign.pk])).content.decode()
    assert "张大山" in page and "王五" not in page  # the province's campaign, city_a's households only
    assert client.get(reverse("console:assistance:relief_target", args=[target.pk])).status_code == 200
    assert client.get(target.photo.url).status_code == 200
    client.force_login(t.staff_b)
    assert client.get(reverse("console:assistance:relief_target", args=[target.pk])).status_code == 404
    assert client.get(target.photo.url).status_code == 404
    client.force_login(w.zhang.person.user)  # the worker does not get the photo
    assert client.get(target.photo.url).status_code == 404


def test_console_visit_form_with_bad_input_says_why_and_keeps_the_household(w, client):
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    target = w.target(w.deep)
    client.force_login(w.tree.staff_a)
    url = reverse("console:assistance:relief_target_step", args=[target.pk, "visit"])
    r = client.post(url, {"visited_on": "2026-01-05", "visitors": "刘主席", "cash": "1000"})
    assert r.status_code == 422 and "深度困难户慰问金不少于 1,500.00 元" in r.content.decode()
    r = client.post(url, {"visited_on": "2026-01-05", "visitors": "刘主席", "cash": "1500",
                          "photo": png("x.gif")})
    assert r.status_code == 422
    assert w.target(w.deep).status == ReliefTarget.Status.PLANNED
    r = client.post(url, {"visited_on": "2026-01-05", "visitors": "刘主席", "cash": "1500", "goods": "棉被"})
    assert r.status_code == 302 and w.target(w.deep).cash_given == 1500_00


def test_api_runs_a_campaign_and_refuses_other_branches(w, client):
    t = w.tree
    client.force_login(w.boss)
    base = "/api/v1/assistance/relief"
    r = client.post(f"{base}/campaigns/{w.campaign.pk}/targets/generate", content_type="application/json")
    assert r.status_code == 200 and r.json() == {"added": 3}
    r = client.post(f"{base}/campaigns/{w.campaign.pk}/allocations", {"to_union_id": t.city_a.pk, "amount_fen": 1},
                    content_type="application/json")
    assert r.status_code == 201
    r = client.post(f"{base}/campaigns/{w.campaign.pk}/allocations",
                    {"to_union_id": t.city_a.pk, "amount_fen": 5_000_00}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "rule_budget"
    client.force_login(t.staff_a)
    target = w.target(w.deep)
    r = client.post(f"{base}/targets/{target.pk}/visit", {"visited_on": "2026-01-05", "visitors": "刘主席",
                                                          "cash_fen": 1500_00}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "visited"
    progress = client.get(f"{base}/campaigns/{w.campaign.pk}/progress").json()
    assert progress["total"]["union_id"] == t.city_a.pk and progress["total"]["visited"] == 1
    client.force_login(t.staff_b)
    assert client.get(f"{base}/targets/{target.pk}").status_code == 404
    client.force_login(w.zhang.person.user)
    mine = client.get(f"{base}/mine").json()
    assert [(m["campaign_name"], m["cash_given_fen"]) for m in mine] == [("2026 年元旦春节送温暖", 1500_00)]


def test_console_campaign_form_refuses_a_budget_that_is_not_an_amount(w, client):
    client.force_login(w.boss)
    r = client.post(reverse("console:assistance:relief_list"), {
        "union": w.tree.province.pk, "name": "送温暖", "year": 2026, "source": "central", "budget": "五千",
        "deep": "1500", "relative": "800", "accident": "0", "starts_on": "2026-01-01", "ends_on": "2026-02-15"})
    assert r.status_code == 200 and "金额格式不正确" in r.content.decode()
    r = client.post(reverse("console:assistance:relief_list"), {
        "union": w.tree.province.pk, "name": "送温暖", "year": 2026, "source": "central", "budget": "5000",
        "deep": "0", "relative": "0", "accident": "0", "starts_on": "2026-01-01", "ends_on": "2026-02-15"})
    assert "请至少为一类困难户设置慰问标准" in r.content.decode()


def test_household_page_names_the_grade(w, client):
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    client.force_login(w.tree.staff_a)
    page = client.get(reverse("console:assistance:relief_target", args=[w.target(w.deep).pk])).content.decode()
    assert "深度困难" in page and "标准不少于 1,500.00" in page


def test_statement_children_equal_each_childs_own_subtree_statement(w):
    """The 收支表's breakdown by direct child (one grouped query) equals each child's own 收支表."""
    from gonghui.assistance.selectors import income_statement

    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    _fund_grassroots_a(w)
    relief.relief_allocate(campaign=w.campaign, to_union=t.city_b, amount=2_000_00, by=w.boss)
    services.fund_disburse(union=t.grassroots_a, source="central", amount=300_00, payee_name="张大山", memo="救助")
    span = (dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    statement = income_statement(union=t.province, month_from=span[0], month_to=span[1])
    fields = ("opening", "receipts", "allocations", "spent", "refunds", "closing")
    lines = {line.label: tuple(getattr(line, f) for f in fields) for line in statement.children}
    for child in (t.city_a, t.city_b):
        own = income_statement(union=child, month_from=span[0], month_to=span[1], children=False).total
        assert lines[child.name] == tuple(getattr(own, f) for f in fields)
    assert lines[t.city_a.name] == (0, 0, 3_000_00, 300_00, 0, 2_700_00)


def test_household_list_api_reads_a_fixed_number_of_queries(w, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(w.boss)
    url = f"/api/v1/assistance/relief/campaigns/{w.campaign.pk}/targets"
    relief.relief_target_add(campaign=w.campaign, file=w.deep, by=w.tree.staff_a)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()) == 1
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()) == 3
    assert len(one) == len(three) <= 8


def test_api_records_a_visit_with_its_photo_and_refuses_a_bad_file(w, client):
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    target = w.target(w.deep)
    base = "/api/v1/assistance/relief"
    client.force_login(w.tree.staff_a)
    bad = client.post(f"{base}/targets/{target.pk}/visit-with-photo", {
        "visited_on": "2026-01-05", "visitors": "刘主席", "cash_fen": 1500_00, "photo": png("x.gif")})
    assert bad.status_code == 422 and ReliefTarget.objects.get(pk=target.pk).status == "planned"
    r = client.post(f"{base}/targets/{target.pk}/visit-with-photo", {
        "visited_on": "2026-01-05", "visitors": "刘主席", "cash_fen": 1500_00, "goods": "米", "photo": png()})
    assert r.status_code == 200 and r.json()["status"] == "visited"
    saved = ReliefTarget.objects.get(pk=target.pk)
    assert saved.photo.name.startswith("assistance/relief/") and saved.photo_type == "image/png"
    client.force_login(w.tree.staff_b)  # another branch: 404
    assert client.post(f"{base}/targets/{w.target(w.relative).pk}/visit-with-photo", {
        "visited_on": "2026-01-05", "visitors": "x", "cash_fen": 800_00}).status_code == 404


def test_the_relief_payment_batch_needs_finance_not_approve(w, client):
    """Paying the visited households moves money: like every payment batch it needs `finance`
    on the paying union. The finance role (财务: view + finance, no approve) pays — service,
    console and API — but cannot generate the list; an operator of the branch (change, no
    finance) and a user who may approve only elsewhere are refused, and nothing is queued."""
    t = w.tree
    relief.relief_targets_generate(campaign=w.campaign, by=w.boss)
    _fund_grassroots_a(w)
    relief.relief_target_update(target=w.target(w.deep), by=t.staff_a, amount=1500_00, bank_account=ACCOUNT)
    relief.relief_target_update(target=w.target(w.relative), by=t.staff_a, amount=800_00, bank_account=ACCOUNT)
    _visit(w, w.deep, 1500_00)
    _visit(w, w.relative, 800_00)
    finance = make_staff(union=t.county_a, role=RoleGrant.Role.FINANCE)
    operator = make_staff(union=t.county_a, role=RoleGrant.Role.OPERATOR)
    approver_elsewhere = make_staff(union=t.grassroots_a, role=RoleGrant.Role.VIEWER)
    RoleGrant.objects.create(user=approver_elsewhere, union=t.city_b, role=RoleGrant.Role.STAFF)

    for user in (operator, approver_elsewhere):
        with pytest.raises(PermissionDenied) as exc:
            relief.relief_payment_batch_create(campaign=w.campaign, union=t.grassroots_a, by=user)
        assert "财务权限" in exc.value.message
    client.force_login(operator)
    page = client.get(reverse("console:assistance:relief_detail", args=[w.campaign.pk])).content.decode()
    assert "生成代发批次" not in page
    r = client.post(reverse("console:assistance:relief_step", args=[w.campaign.pk, "pay"]),
                    {"union": t.grassroots_a.pk})
    assert r.status_code == 422
    r = client.post(f"/api/v1/assistance/relief/campaigns/{w.campaign.pk}/payments",
                    {"union_id": t.grassroots_a.pk}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not Payout.objects.exists() and not PaymentBatch.objects.exists()

    with pytest.raises(PermissionDenied):  # finance does not approve: the list is the campaign's step
        relief.relief_targets_generate(campaign=w.campaign, by=finance)
    client.force_login(finance)
    page = client.get(reverse("console:assistance:relief_detail", args=[w.campaign.pk])).content.decode()
    assert "生成代发批次" in page
    r = client.post(f"/api/v1/assistance/relief/campaigns/{w.campaign.pk}/payments",
                    {"union_id": t.grassroots_a.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["households"] == 2 and PaymentBatch.objects.get().created_by == finance
    assert_books_sound()
