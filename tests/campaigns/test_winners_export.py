"""The winners' XLSX export: every winner with prize, phone and address for sending the prize;
only for staff who may change the campaign (another branch: 404), audited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.campaigns import services
from gonghui.core.models import AuditEvent
from tests.campaigns.helpers import campaign_winner_for
from tests.factories import Tree, make_worker_user

pytestmark = pytest.mark.django_db


def test_staff_export_the_winners_with_what_sending_needs(client):
    tree = Tree()
    worker = make_worker_user(name="赵师傅", phone="13911112222")
    winner = campaign_winner_for(union=tree.city_a, user=worker)
    services.winner_claim(winner=winner, user=worker, method="address", address="深圳市南山区科技园 1 号")
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:campaigns:detail", args=[winner.draw.campaign_id])).content.decode()
    assert reverse("console:campaigns:winners_export", args=[winner.draw.campaign_id]) in page
    response = client.get(reverse("console:campaigns:winners_export", args=[winner.draw.campaign_id]))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("开奖日期", "序号", "奖品", "中奖人", "手机号")
    assert len(rows) == 2
    row = rows[1]
    assert row[2] == "运动手环" and row[3] == "赵师傅" and row[4] == "13911112222"
    assert row[6] == "已领取" and row[7] == "邮寄" and row[8] == "深圳市南山区科技园 1 号"
    assert AuditEvent.objects.filter(action="campaign.winners_export", actor=tree.staff_a).count() == 1


def test_another_branch_gets_404(client):
    tree = Tree()
    winner = campaign_winner_for(union=tree.city_a, user=make_worker_user())
    client.force_login(tree.staff_b)
    assert client.get(reverse("console:campaigns:winners_export", args=[winner.draw.campaign_id])).status_code == 404
    assert not AuditEvent.objects.filter(action="campaign.winners_export").exists()
