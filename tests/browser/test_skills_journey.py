"""Chromium journeys of 建功立业: a worker finds a course by pinyin initials, learns it (a
lesson quiz, a text lesson), passes the final exam, gets the certificate whose QR really draws,
and verifies it — a tampered link is refused; and a proposal goes from the worker's phone
through the console (route, adopt, implement, benefit, reward) back to the worker's timeline."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from gonghui.skills.models import Certificate, Proposal
from tests.browser_support import browser_login
from tests.factories import Tree, make_member, make_staff, make_worker_user
from tests.skills.helpers import make_course

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_finishes_a_course_and_verifies_the_certificate(browser_page: Any, live_site: str) -> None:
    tree = Tree()
    course = make_course(union=tree.grassroots_a, title="电焊工技能提升", quiz_on_first=True, bank=3, draw=3, hours=8)
    worker = make_worker_user(name="王小明")
    page = browser_page
    browser_login(page, worker, live_site)

    page.goto(live_site + reverse("skills:index") + "?q=jn")
    page.get_by_role("link", name="电焊工技能提升").click()
    page.get_by_role("button", name="报名学习").click()
    page.wait_for_url("**/lessons/**")
    assert page.get_by_role("heading", name="第1课").is_visible()

    # The first lesson's quiz completes it.
    page.get_by_role("button", name="开始课时测验").click()
    page.wait_for_url("**/attempts/**")
    page.get_by_label("对").check()
    page.get_by_role("button", name="交卷").click()
    assert "通过" in page.locator('[data-testid="result"]').inner_text()

    # Resume where it stopped: the course page continues at lesson 2.
    page.goto(live_site + reverse("skills:course", kwargs={"course_id": course.pk}))
    page.get_by_role("link", name="继续学习").click()
    assert page.get_by_role("heading", name="第2课").is_visible()
    page.get_by_role("button", name="学完了").click()
    page.wait_for_url("**/courses/**")

    # The exam: three questions drawn, all answered right (option 甲).
    page.get_by_role("button", name="参加结业考试").click()
    page.wait_for_url("**/attempts/**")
    fieldsets = page.locator("fieldset")
    assert fieldsets.count() == 3
    for i in range(3):
        fieldsets.nth(i).get_by_label("甲").check()
    page.get_by_role("button", name="交卷").click()
    assert "得分 100" in page.locator('[data-testid="result"]').inner_text()
    page.get_by_role("link", name="查看结业证书").click()

    cert = Certificate.objects.get(enrolment__user=worker)
    assert page.locator('[data-testid="serial"]').inner_text() == cert.serial
    qr = page.locator("[data-testid=certificate-qr] svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 100 and abs(box["width"] - box["height"]) < 2
    pixels = Image.open(io.BytesIO(qr.screenshot())).convert("L").tobytes()
    dark = sum(1 for p in pixels if p < 80) / len(pixels)
    light = sum(1 for p in pixels if p > 200) / len(pixels)
    assert 0.25 < dark < 0.75 and light > 0.25  # a QR symbol, not a blank or a black box

    verify_url = page.locator('[data-testid="verify-link"]').get_attribute("href")
    assert verify_url
    page.goto(verify_url)  # what a scanner opens; no sign-in needed
    assert page.locator('[data-testid="verify-status"]').inner_text() == "证书有效"
    assert page.get_by_text("王**").is_visible()
    page.goto(verify_url[:-3] + ("aaa" if not verify_url.endswith("aaa") else "bbb"))
    assert page.locator('[data-testid="verify-status"]').inner_text() == "证书无效"

    page.goto(live_site + reverse("skills:mine"))
    assert "累计学时 8" in page.locator('[data-testid="hours"]').inner_text()


def test_proposal_from_the_phone_to_adoption_and_reward(browser_page_factory: Any, live_site: str) -> None:
    tree = Tree()
    member = make_member(union=tree.grassroots_a, name="赵建议")
    staff_user = make_staff(union=tree.grassroots_a)
    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(live_site + reverse("skills:proposals"))
    worker.get_by_role("link", name="提建议").click()
    worker.get_by_label("标题").fill("焊枪加装防护罩")
    worker.get_by_label("存在的问题").fill("焊接飞溅经常烫伤手背")
    worker.get_by_label("建议内容").fill("给焊枪加装可拆卸防护罩")
    worker.get_by_label("预期效益").fill("减少工伤，节约医药费")
    worker.get_by_role("button", name="提交").click()
    worker.wait_for_url("**/proposals/*/")
    assert worker.locator('[data-testid="proposal-status"]').inner_text() == "已提交"
    proposal = Proposal.objects.get(proposer=member.person.user)

    staff = browser_page_factory(desktop=True)
    browser_login(staff, staff_user, live_site)
    staff.goto(live_site + reverse("console:skills:proposals"))
    staff.get_by_role("link", name=proposal.number).click()
    staff.get_by_label("转交评审人").select_option(str(staff_user.pk))
    staff.get_by_role("button", name="转交", exact=True).click()
    staff.get_by_label("答复理由（建议人可见）").fill("安全收益明显，采纳")
    staff.get_by_role("button", name="采纳", exact=True).click()
    assert staff.locator('[data-testid="proposal-status"]').inner_text() == "已采纳"
    staff.get_by_label("实施情况").fill("全车间已加装")
    staff.get_by_role("button", name="登记实施").click()
    staff.get_by_label("经济效益（元）").fill("12345.67")
    staff.get_by_label("效益核定人（部门和姓名）").fill("财务科 钱会计")
    staff.get_by_role("button", name="登记经济效益").click()
    staff.get_by_label("奖励金额（元）").fill("500")
    staff.get_by_role("button", name="发放奖励").click()
    assert staff.locator('[data-testid="proposal-status"]').inner_text() == "已奖励"

    worker.reload()
    assert worker.locator('[data-testid="proposal-status"]').inner_text() == "已奖励"
    timeline = worker.locator('[data-testid="timeline"]').inner_text()
    for step in ("已提交", "已交评审", "采纳：安全收益明显，采纳", "已实施：全车间已加装", "经济效益 12,345.67 元", "奖励 500.00 元"):
        assert step in timeline, step
    proposal.refresh_from_db()
    assert (proposal.benefit_fen, proposal.reward_fen) == (1234567, 50000)


def test_competition_from_registration_to_published_ranks(browser_page_factory: Any, live_site: str) -> None:
    from gonghui.skills import competitions as comp
    from gonghui.skills.models import Entry
    from tests.factories import make_grassroots
    from tests.skills.helpers import make_competition, make_entry

    tree = Tree()
    other = make_grassroots(parent=tree.county_a)
    # Judge 1 works at the worker's unit; judges 2–4 do not.
    competition = make_competition(union=tree.city_a, staff=tree.staff_a, rounds=(("决赛", 0),), judges=4,
                                   judge_employers={1: tree.grassroots_a.employer})
    rival = make_entry(competition=competition, union=other, name="乙选手")
    member = make_member(union=tree.grassroots_a, name="甲选手")

    worker = browser_page_factory()
    browser_login(worker, member.person.user, live_site)
    worker.goto(live_site + reverse("skills:competitions"))
    worker.get_by_role("link", name="焊工技能竞赛").click()
    worker.get_by_role("button", name="我要报名").click()
    assert "待工会推荐" in worker.locator('[data-testid="entry-status"]').inner_text()
    entry = Entry.objects.get(user=member.person.user)

    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(live_site + reverse("console:skills:competition_detail", kwargs={"competition_id": competition.pk}))
    staff.locator('[data-testid="entries"] tr', has_text=entry.number).get_by_role("button", name="推荐", exact=True).click()
    assert "工会已推荐" in staff.locator('[data-testid="entries"]').inner_text()
    staff.get_by_role("button", name="截止报名，开始评分").click()
    assert staff.locator('[data-testid="competition-status"]').inner_text() == "比赛评分中"

    judges = list(competition.judges.order_by("pk"))
    # Judge 1 on the phone: the worker's entry is marked for recusal, the rival can be scored.
    judge_page = browser_page_factory()
    browser_login(judge_page, judges[0].user, live_site)
    judge_page.goto(live_site + reverse("skills:judging", kwargs={"judge_id": judges[0].pk}))
    listed = judge_page.locator('[data-testid="judging-entries"]').inner_text()
    assert "回避（同一单位）" in listed
    judge_page.get_by_role("link", name=rival.number).click()
    judge_page.get_by_label("实操").fill("80")
    judge_page.get_by_label("理论").fill("80")
    judge_page.get_by_role("button", name="保存评分").click()
    judge_page.wait_for_url("**/judging/*/")
    assert "已评" in judge_page.locator('[data-testid="judging-entries"]').inner_text()

    items = {i.name: str(i.pk) for i in competition.items.all()}
    final = competition.rounds.get()
    for judge, mine, theirs in ((judges[1], (90, 80), (80, 80)), (judges[2], (95, 90), (80, 80)), (judges[3], (85, 85), (80, 80))):
        comp.sheet_submit(judge=judge, round_=final, entry=entry, scores={items["实操"]: mine[0], items["理论"]: mine[1]})
        comp.sheet_submit(judge=judge, round_=final, entry=rival, scores={items["实操"]: theirs[0], items["理论"]: theirs[1]})

    staff.reload()
    staff.get_by_role("button", name="结束本轮并排名").click()
    staff.get_by_role("button", name="公布结果").click()
    assert staff.locator('[data-testid="competition-status"]').inner_text() == "结果已公布"

    # 甲: totals 86.00, 93.00, 85.00 → drop 93.00 and 85.00 → 86.00; 乙: 80.00 × 4 → 80.00.
    worker.reload()
    results = worker.locator('[data-testid="results"]').inner_text()
    assert "甲选手" in results and "86.00" in results and "技术能手" in results and "5,000.00" in results
    assert results.index("甲选手") < results.index("乙选手")
    worker.goto(live_site + reverse("skills:competitions"))
    assert "技术能手" in worker.locator('[data-testid="my-honours"]').inner_text()


def test_model_worker_from_nomination_through_public_notice_to_the_registry(browser_page_factory: Any,
                                                                            live_site: str) -> None:
    """A union nominates with a PDF in the console, the nominee passes both reviews, the shortlist
    goes on notice; a worker reads it on the phone (ID masked) and objects; staff answer the
    objection and, after the notice, confirm; the worker finds the registry entry and the honour."""
    import datetime as dt

    from django.utils import timezone

    from gonghui.skills.models import Laureate, Nomination, Selection
    from tests.factories import make_id_number
    from tests.skills.helpers import ACHIEVEMENTS, make_selection

    tree = Tree()
    item = make_selection(tree=tree, quotas=[(tree.county_a, 2)])
    nominee = make_worker_user(name="张建国")
    id_number = make_id_number()

    staff = browser_page_factory(desktop=True)
    browser_login(staff, tree.staff_a, live_site)
    staff.goto(live_site + reverse("console:skills:selection_detail", kwargs={"selection_id": item.pk}))
    staff.get_by_role("link", name="推荐人选").click()
    staff.get_by_label("推荐工会").select_option(str(tree.grassroots_a.pk))
    staff.get_by_label("姓名").fill("张建国")
    staff.get_by_label("身份证号").fill(id_number)
    staff.get_by_label("手机号（可不填；已注册职工之家的，表彰后记入本人荣誉）").fill(nominee.phone)
    staff.get_by_label("工作单位").fill("甲市重工集团")
    staff.get_by_label("职务或岗位").fill("焊工班班长")
    staff.get_by_label("主要事迹（不少于 30 字）").fill(ACHIEVEMENTS)
    staff.get_by_label("推荐材料（PDF、JPG、PNG，每个不超过 10 MB，最多 10 个）").set_input_files(
        files=[{"name": "事迹材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    staff.get_by_role("button", name="提交推荐").click()
    staff.wait_for_url("**/nominations/*/")
    assert staff.locator('[data-testid="nomination-status"]').inner_text() == "审核中"
    link = staff.locator('[data-testid="files"] a', has_text="事迹材料.pdf")
    assert staff.request.get(live_site + link.get_attribute("href")).body().startswith(b"%PDF-")
    # The city's admin reviews for the county (a union above it), then as the organiser.
    for _step in range(2):
        staff.get_by_role("button", name="审核通过").click()
    assert staff.locator('[data-testid="nomination-status"]').inner_text() == "拟表彰"
    reviews = staff.locator('[data-testid="reviews"]').inner_text()
    assert tree.county_a.name in reviews and tree.city_a.name in reviews
    staff.get_by_role("link", name=item.title).click()
    staff.get_by_role("button", name="截止推荐").click()
    staff.get_by_role("button", name="公示拟表彰名单").click()
    assert staff.locator('[data-testid="selection-status"]').inner_text() == "公示中"
    item.refresh_from_db()
    nomination = Nomination.objects.get()
    if item.notice_from > timezone.localdate():  # started on a rest day: the notice opens on the next working day
        Selection.objects.filter(pk=item.pk).update(notice_from=timezone.localdate())

    worker = browser_page_factory()
    browser_login(worker, make_worker_user(name="李同事"), live_site)
    worker.goto(live_site + reverse("skills:laureates"))
    worker.get_by_role("link", name=item.title).click()
    entry = worker.locator('[data-testid="notice-entry"]')
    assert "张建国" in entry.inner_text()
    assert worker.locator('[data-testid="masked-id"]').inner_text() == nomination.id_number_masked
    assert id_number not in worker.content() and nominee.phone not in worker.content()
    worker.get_by_label("异议内容（请写明具体事实）").fill("事迹中的经济效益数字有夸大，请核实。")
    worker.get_by_role("button", name="提出异议").click()
    assert "异议已提交" in worker.content()

    staff.goto(live_site + reverse("console:skills:nomination_detail", kwargs={"nomination_id": nomination.pk}))
    assert "经济效益数字有夸大" in staff.locator('[data-testid="objections"]').inner_text()
    staff.get_by_label("核实结果").select_option("unfounded")
    staff.get_by_label("答复").fill("经核实，效益数字有财务报表为证。")
    staff.get_by_role("button", name="答复异议").click()
    assert "经核实不属实" in staff.locator('[data-testid="objections"]').inner_text()

    # The notice ends (moved into the past: the test's time travel), then the decision.
    Selection.objects.filter(pk=item.pk).update(notice_from=timezone.localdate() - dt.timedelta(days=20),
                                                notice_until=timezone.localdate() - dt.timedelta(days=13))
    staff.goto(live_site + reverse("console:skills:selection_detail", kwargs={"selection_id": item.pk}))
    staff.get_by_label("表彰决定文号").fill("甲工发〔2026〕8号")
    staff.get_by_label("表彰决定日期").fill(timezone.localdate().isoformat())
    staff.get_by_role("button", name="确认表彰").click()
    assert staff.locator('[data-testid="selection-status"]').inner_text() == "已表彰"
    laureate = Laureate.objects.get()

    worker.goto(live_site + reverse("skills:laureates"))
    worker.get_by_label("姓名、称号、单位或工种").fill("张建国")
    worker.get_by_role("button", name="查找").click()
    worker.get_by_role("link", name="张建国").click()
    worker.wait_for_url(f"**/laureates/{laureate.pk}/")
    assert "市劳动模范" in worker.content() and id_number not in worker.content()

    mine = browser_page_factory()
    browser_login(mine, nominee, live_site)
    mine.goto(live_site + reverse("skills:competitions"))
    assert "市劳动模范" in mine.locator('[data-testid="my-honours"]').inner_text()
