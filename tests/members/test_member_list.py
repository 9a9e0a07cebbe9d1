"""会员名册 in the console: the subtree's members with filters and paging, and its export —
masked by default, unmasked only with the reveal right and a reason, always audited."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members.models import EmploymentForm, Membership, NewFormKind
from tests.factories import Tree, make_member, make_staff

pytestmark = pytest.mark.django_db
LIST = "console:members:people"
EXPORT = "console:members:people_export"


@pytest.fixture
def tree():
    tree = Tree()
    tree.alice = make_member(union=tree.grassroots_a, name="张爱丽")
    tree.bob = make_member(union=tree.grassroots_a, name="李博")
    tree.carol = make_member(union=tree.grassroots_b, name="王卡罗")
    return tree


def _rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_list_shows_only_the_staff_members_branch(client, tree):
    client.force_login(tree.staff_a)
    html = client.get(reverse(LIST)).content.decode()
    assert "张爱丽" in html and "李博" in html and "王卡罗" not in html
    assert tree.alice.person.id_number not in html and tree.alice.person.id_number_masked in html


def test_filters_by_status_new_form_kind_join_date_and_union(client, tree):
    Membership.objects.filter(pk=tree.bob.pk).update(joined_on=dt.date(2020, 5, 1), status="ended")
    person = tree.alice.person
    person.employment_form, person.new_form_kind = EmploymentForm.NEW_FORM, NewFormKind.COURIER
    person.save(update_fields=["employment_form", "new_form_kind"])
    client.force_login(tree.staff_a)

    def names(**params) -> set[str]:
        html = client.get(reverse(LIST), params).content.decode()
        return {n for n in ("张爱丽", "李博") if n in html}

    assert names() == {"张爱丽"}  # the register: ended memberships are not in it
    assert names(status="") == {"张爱丽", "李博"}
    assert names(status="ended") == {"李博"}
    assert names(status="", new_form="any") == {"张爱丽"}
    assert names(status="", new_form=NewFormKind.RIDE_HAIL) == set()
    assert names(status="", joined_to="2020-12-31") == {"李博"}
    assert names(status="", joined_from="2021-01-01") == {"张爱丽"}
    assert names(status="", union=tree.grassroots_a.pk) == {"张爱丽", "李博"}
    assert names(q=person.id_number) == {"张爱丽"}


def test_page_links_keep_the_register_filter(client, tree):
    Membership.objects.filter(pk=tree.bob.pk).update(status="ended")
    client.force_login(tree.staff_a)
    html = client.get(reverse(LIST), {"page": "1"}).content.decode()
    assert "张爱丽" in html and "李博" not in html


def test_bad_filters_are_explained_not_500(client, tree):
    client.force_login(tree.staff_a)
    response = client.get(reverse(LIST), {"joined_from": "2026-12-01", "joined_to": "2026-01-01"})
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    assert client.get(reverse(LIST), {"joined_from": "2026/12/01", "page": "x"}).status_code == 200


def test_a_union_of_another_branch_is_not_a_choice(client, tree):
    client.force_login(tree.staff_a)
    html = client.get(reverse(LIST), {"union": tree.grassroots_b.pk}).content.decode()
    assert "王卡罗" not in html  # refused as a bad choice, the list stays the user's own branch


def test_export_is_masked_and_audited(client, tree):
    client.force_login(tree.staff_a)
    response = client.get(reverse(EXPORT))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = _rows(response.content)
    assert rows[0][:4] == ("会员号", "姓名", "身份证号", "手机号")
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"张爱丽", "李博"}
    alice = tree.alice.person
    assert by_name["张爱丽"][2] == alice.id_number_masked and by_name["张爱丽"][3] == alice.phone_masked
    event = AuditEvent.objects.get(action="member.export")
    assert event.actor == tree.staff_a and event.data["rows"] == 2


def test_unmasked_export_needs_the_reveal_right_and_a_reason(client, tree):
    viewer = make_staff(union=tree.city_a, role="viewer")
    client.force_login(viewer)
    refused = client.post(reverse(EXPORT), {"reveal": "on", "reason": "核对"}, follow=True)
    assert "xlsx" not in refused.get("Content-Type", "") and "不能导出" in refused.content.decode()

    client.force_login(tree.staff_a)  # admin of city A: reveal_pii over the branch
    no_reason = client.post(reverse(EXPORT), {"reveal": "on", "reason": ""}, follow=True)
    assert "须填写事由" in no_reason.content.decode()
    assert not AuditEvent.objects.filter(action="member.export.unmasked").exists()

    response = client.post(reverse(EXPORT), {"reveal": "on", "reason": "核对慰问名单"})
    by_name = {r[1]: r for r in _rows(response.content)[1:]}
    assert by_name["张爱丽"][2] == tree.alice.person.id_number
    event = AuditEvent.objects.get(action="member.export.unmasked")
    assert event.reason == "核对慰问名单" and event.data["rows"] == 2


def test_export_of_another_branch_contains_none_of_ours(client, tree):
    client.force_login(tree.staff_b)
    names = {r[1] for r in _rows(client.get(reverse(EXPORT)).content)[1:]}
    assert names == {"王卡罗"}
