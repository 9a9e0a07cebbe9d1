"""Worker and staff pages: report with attachments, 我的诉求, staff handling, hotline entry,
bad input (oversized / wrong-type attachments, script in text)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.cases.models import Case, CaseEvent, Channel, Rating, Status
from gonghui.cases.services import case_accept, case_resolve
from tests.factories import Tree, make_staff, make_worker_user

from .helpers import PNG, app_case, pdf, png

pytestmark = pytest.mark.django_db


def report_data(tree, **kw):
    data = {
        "category": "wage_arrears", "description": "公司拖欠我两个月工资，共八千元。", "employer_name": "",
        "employer": str(tree.grassroots_a.employer.pk), "region": "440305", "place": "科技园",
        "amount": "8000", "people_count": "1",
    }
    data.update(kw)
    return data


def test_worker_reports_a_problem_with_attachments_and_follows_it(client):
    tree = Tree()
    worker = make_worker_user(name="李四")
    client.force_login(worker)
    assert client.get(reverse("cases:report")).status_code == 200
    response = client.post(reverse("cases:report"), {**report_data(tree), "attachments": [png(), pdf()]})
    case = Case.objects.get(reporter_user=worker)
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.channel == Channel.APP and case.amount_fen == 800_000 and case.union == tree.grassroots_a
    assert case.suggested_category == "wage_arrears"
    assert case.attachments.count() == 2
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert case.number in page
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "待受理" in detail and case.due_on.strftime("%Y-%m-%d") in detail
    attachment = case.attachments.first()
    download = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_report_page_requires_login(client):
    response = client.get(reverse("cases:report"))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024 + 1), content_type="image/png"), "附件过大"),
        (SimpleUploadedFile("virus.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png"), "JPG、PNG"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/octet-stream"), "JPG、PNG"),
        (SimpleUploadedFile("page.html", b"<html><script>alert(1)</script>", content_type="text/html"), "JPG、PNG"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(client, upload, message):
    tree = Tree()
    client.force_login(make_worker_user())
    response = client.post(reverse("cases:report"), {**report_data(tree), "attachments": [upload]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_script_in_text_is_shown_escaped(client):
    tree = Tree()
    worker = make_worker_user()
    script = "<script>alert('x')</script>老板不发工资"
    case = app_case(tree, user=worker, description=script, employer_name="")
    client.force_login(worker)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "<script>alert(" not in body and "&lt;script&gt;" in body
    client.force_login(tree.staff_a)
    staff_body = client.get(reverse("console:cases:detail", args=[case.pk])).content.decode()
    assert "<script>alert(" not in staff_body and "&lt;script&gt;" in staff_body
    queue = client.get(reverse("console:cases:queue") + "?queue=new").content.decode()
    assert "<script>alert(" not in queue


def test_wage_arrears_without_amount_is_a_form_error_not_a_500(client):
    tree = Tree()
    client.force_login(make_worker_user())
    response = client.post(reverse("cases:report"), report_data(tree, amount="abc"))
    assert response.status_code == 200 and "金额" in response.content.decode()
    response = client.post(reverse("cases:report"), report_data(tree, amount=""))
    assert response.status_code == 200 and "拖欠金额" in response.content.decode()
    assert not Case.objects.exists()


def test_worker_cannot_open_someone_elses_case(client):
    tree = Tree()
    case = app_case(tree)
    client.force_login(make_worker_user())
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:rate", args=[case.pk]), {"rating": "satisfied"}).status_code == 404


def test_staff_handles_case_from_queue_and_worker_rates_then_reopens(client):
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    handler = make_staff(union=tree.grassroots_a)
    client.force_login(handler)
    assert case.number in client.get(reverse("console:cases:queue")).content.decode()
    assert client.post(reverse("console:cases:action", args=[case.pk, "accept"])).status_code == 302
    assert case.number in client.get(reverse("console:cases:queue") + "?queue=mine").content.decode()
    client.post(reverse("console:cases:action", args=[case.pk, "note"]), {"body": "内部：单位负责人电话 123", "public": ""})
    response = client.post(reverse("console:cases:action", args=[case.pk, "resolve"]),
                           {"outcome": "已协调补发工资", "recovered": "12000", "people_paid": "3"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.recovered_fen == 1_200_000 and case.people_paid == 3

    client.force_login(worker)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "内部：单位负责人电话" not in detail  # internal notes stay internal
    assert "已协调补发工资" in detail
    client.post(reverse("cases:rate", args=[case.pk]), {"rating": Rating.DISSATISFIED, "comment": "还差一个月"})
    client.post(reverse("cases:reopen", args=[case.pk]), {"reason": "还有一个月没发"})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).exists()


def test_staff_action_with_bad_input_shows_errors(client):
    tree = Tree()
    case = case_accept(case=app_case(tree), by=tree.staff_a)
    client.force_login(tree.staff_a)
    response = client.post(reverse("console:cases:action", args=[case.pk, "resolve"]), {"outcome": "", "recovered": "x"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "这个字段是必填项。" in html and "金额格式不正确。" in html
    response = client.post(reverse("console:cases:action", args=[case.pk, "transfer"]), {"to_union": "999999", "reason": "x"})
    assert response.status_code == 422
    assert "未找到，或您无权查看。" in response.content.decode()
    response = client.post(reverse("console:cases:action", args=[case.pk, "accept"]))
    assert response.status_code == 422  # already accepted: a message, not a 500
    assert "当前状态（办理中）不能执行此操作。" in response.content.decode()
    assert client.post(reverse("console:cases:action", args=[case.pk, "explode"])).status_code == 404
    # Nothing was written by any of the refused actions.
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.union == tree.grassroots_a and case.outcome == ""
    assert not case.events.filter(kind__in=[CaseEvent.Kind.RESOLVED, CaseEvent.Kind.TRANSFERRED]).exists()


def test_worker_sends_message_and_provides_requested_info(client):
    tree = Tree()
    worker = make_worker_user()
    case = app_case(tree, user=worker)
    case = case_accept(case=case, by=tree.staff_a)
    client.force_login(tree.staff_a)
    client.post(reverse("console:cases:action", args=[case.pk, "request_info"]), {"reason": "请提供工资条"})
    client.force_login(worker)
    client.post(reverse("cases:message", args=[case.pk]), {"body": "工资条见附件", "attachments": [png("gzt.png")]})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.attachments.count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.INFO_PROVIDED).exists()


def test_notifications_page_lists_status_changes(client):
    tree = Tree()
    worker = make_worker_user()
    case = case_resolve(case=case_accept(case=app_case(tree, user=worker), by=tree.staff_a), by=tree.staff_a, outcome="已处理好")
    client.force_login(worker)
    response = client.get(reverse("cases:notifications"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:inbox")
    body = response.content.decode()
    assert case.number in body and "已办结待回访" in body


def test_hotline_quick_entry_with_lookup_suggestion_and_duplicate_warning(client):
    tree = Tree()
    operator = make_staff(union=tree.province, role="operator")
    client.force_login(operator)
    assert client.get(reverse("console:cases:hotline")).status_code == 200
    data = {
        "reporter_phone": "13612345678", "reporter_name": "赵先生", "category": "wage_arrears",
        "description": "来电反映工地包工头拖欠工资三个月。", "employer": str(tree.grassroots_a.employer.pk),
        "employer_name": "", "region": "440305", "amount": "30000", "people_count": "5",
    }
    check = client.get(reverse("console:cases:hotline_check"), data).content.decode()
    assert "欠薪讨薪" in check and "可能重复" not in check
    response = client.post(reverse("console:cases:hotline"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.HOTLINE and case.union == tree.grassroots_a and case.created_by == operator
    lookup = client.get(reverse("console:cases:hotline_caller"), {"reporter_phone": "136 1234 5678"}).content.decode()
    assert case.number in lookup
    check = client.get(reverse("console:cases:hotline_check"), data).content.decode()
    assert "可能重复" in check and case.number in check


def test_hotline_one_key_transfer_to_a_chosen_union(client):
    tree = Tree()
    operator = make_staff(union=tree.province, role="operator")
    client.force_login(operator)
    response = client.post(reverse("console:cases:hotline"), {
        "reporter_phone": "13612345679", "category": "other", "description": "来电咨询职工疗休养政策。",
        "people_count": "1", "union": str(tree.city_b.pk),
    })
    assert response.status_code == 302
    assert Case.objects.get().union == tree.city_b


def test_the_old_cases_stats_address_leads_to_the_statistics_dashboard(client):
    tree = Tree()
    app_case(tree)
    client.force_login(tree.staff_a)
    response = client.get(reverse("console:cases:stats"))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:stats:dashboard") + "?figure=cases.received"


def test_revealing_the_reporters_phone_is_audit_logged_and_needs_the_role(client):
    from gonghui.core.models import AuditEvent

    tree = Tree()
    case = app_case(tree, user=make_worker_user(phone="13912345678"))
    viewer = make_staff(union=tree.city_a, role="viewer")
    client.force_login(viewer)
    response = client.post(reverse("console:cases:action", args=[case.pk, "reveal"]), {"reason": "电话回访"})
    assert "13912345678" not in response.content.decode()
    client.force_login(tree.staff_a)  # admin of city A: may reveal
    response = client.post(reverse("console:cases:action", args=[case.pk, "reveal"]), {"reason": "电话回访"}, follow=True)
    assert "13912345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="case.reveal.reporter_phone", target_id=str(case.pk), reason="电话回访").exists()


def test_worker_case_page_shows_the_region_and_place_they_entered(client):
    tree = Tree()
    worker = make_worker_user(name="钱五")
    client.force_login(worker)
    client.post(reverse("cases:report"), report_data(tree, place="科技园南区三栋"))
    case = Case.objects.get(reporter_user=worker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "广东省 深圳市 南山区" in page
    assert "科技园南区三栋" in page


def test_staff_queue_shows_the_masked_reporter_and_the_time_reported(client):
    tree = Tree()
    case = app_case(tree, user=make_worker_user(name="欧阳小明"))
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:cases:queue") + "?queue=new").content.decode()
    assert "欧***" in page and "欧阳小明" not in page
    assert timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M") in page
    assert '<td class="nowrap">欠薪讨薪</td>' in page
