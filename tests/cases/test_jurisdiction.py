"""Cross-branch access: staff of branch B get 404 for every case object of branch A, on
pages and in the API, exactly as if it did not exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.cases import legal_services
from gonghui.cases.models import Category
from gonghui.cases.services import supervision_create
from tests.factories import Tree

from .helpers import app_case, png

pytestmark = pytest.mark.django_db


class CrossBranchCase:
    """Generic: subclasses build one object in branch A and list the URLs that expose it."""

    def build(self, tree):
        raise NotImplementedError

    def urls(self, obj):
        raise NotImplementedError

    def test_other_branch_gets_404(self, client):
        tree = Tree()
        obj = self.build(tree)
        client.force_login(tree.staff_b)
        for method, url in self.urls(obj):
            response = client.post(url, {}, content_type="application/json") if method == "post" else client.get(url)
            assert response.status_code == 404, (method, url, response.status_code)

    def test_own_branch_can_read(self, client):
        tree = Tree()
        obj = self.build(tree)
        client.force_login(tree.staff_a)
        method, url = next((m, u) for m, u in self.urls(obj) if m == "get")
        assert client.get(url).status_code == 200


class TestCase(CrossBranchCase):
    def build(self, tree):
        return app_case(tree)

    def urls(self, case):
        return [
            ("get", reverse("console:cases:detail", args=[case.pk])),
            ("get", f"/api/v1/cases/{case.pk}"),
            ("get", f"/api/v1/cases/by-number/{case.number}"),
            ("post", reverse("console:cases:action", args=[case.pk, "accept"])),
            ("post", reverse("console:cases:action", args=[case.pk, "transfer"])),
            ("post", f"/api/v1/cases/{case.pk}/accept"),
            ("post", f"/api/v1/cases/{case.pk}/close"),
            ("get", reverse("console:cases:letter_new", args=[case.pk])),
        ]


class TestAttachment(CrossBranchCase):
    def build(self, tree):
        return app_case(tree, attachments=[png()]).attachments.get()

    def urls(self, attachment):
        return [("get", reverse("console:cases:attachment", args=[attachment.case_id, attachment.pk]))]


class TestLetter(CrossBranchCase):
    def build(self, tree):
        case = app_case(tree)
        return legal_services.letter_issue(case=case, kind="notice", recipient="某公司", subject="欠薪",
                                           body="拖欠工资。", by=tree.staff_a)

    def urls(self, letter):
        return [
            ("get", reverse("console:cases:letter", args=[letter.pk])),
            ("get", reverse("console:cases:letter_pdf", args=[letter.pk])),
            ("get", f"/api/v1/cases/letters/{letter.pk}"),
            ("post", reverse("console:cases:letter_action", args=[letter.pk, "deliver"])),
        ]


class TestLawyerOnCase(CrossBranchCase):
    def build(self, tree):
        return legal_services.lawyer_create(union=tree.city_a, name="张律师", firm="甲律所", by=tree.staff_a)

    def urls(self, lawyer):
        return [("post", f"/api/v1/cases/1/lawyer/{lawyer.pk}")]

    def test_own_branch_can_read(self, client):
        tree = Tree()
        lawyer = self.build(tree)
        client.force_login(tree.staff_a)
        assert lawyer.name in client.get(reverse("console:cases:lawyers")).content.decode()
        client.force_login(tree.staff_b)
        assert lawyer.name not in client.get(reverse("console:cases:lawyers")).content.decode()


def test_other_branch_queues_and_stats_do_not_show_the_case(client):
    tree = Tree()
    case = app_case(tree, category=Category.WAGE_ARREARS)
    supervision_create(case=case, by=tree.staff_a, note="督办", due_on=case.due_on + dt.timedelta(days=3))
    client.force_login(tree.staff_b)
    for queue in ("new", "overdue", "supervised", "all"):
        assert case.number not in client.get(reverse("console:cases:queue") + f"?queue={queue}").content.decode()
    assert client.get("/api/v1/cases/stats").json()["total"] == 0
    assert client.get("/api/v1/cases/?queue=all").json() == []
