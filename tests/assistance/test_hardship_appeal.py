"""复核 of a hardship file: the worker asks for a review of 不予建档 or 退档 with a reason; the
union above the file's union decides — upheld, or set aside (a refused application is handled
again, an exited file is back on the register). Once per decision; the grassroots union that
decided cannot decide its own review; a person with an open file elsewhere meanwhile is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipFile
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.core.models import AuditEvent
from gonghui.notices.models import Notice
from tests.assistance.hardship_helpers import active, applied, standard
from tests.factories import Tree, make_member, make_staff

pytestmark = pytest.mark.django_db
API = "/api/v1/assistance"


@pytest.fixture
def tree():
    tree = Tree()
    standard()
    tree.grassroots_staff = make_staff(union=tree.grassroots_a, role=RoleGrant.Role.ADMIN)
    tree.county_staff = make_staff(union=tree.county_a, role=RoleGrant.Role.ADMIN)
    return tree


def _rejected(tree, member=None):
    file = applied(tree.grassroots_a, member=member)
    return hardship.hardship_file_reject(file=file, by=tree.grassroots_staff, reason="家庭收入核实后高于标准")


def test_review_of_a_refusal_goes_to_the_union_above_and_overturning_reopens_it(tree):
    file = _rejected(tree)
    worker = file.user
    file = hardship.hardship_appeal_request(file=file, by=worker, reason="爱人的医药费没有算进去")
    assert file.appeal_union == tree.county_a and file.appeal_due is not None and not file.appeal_outcome
    # The grassroots union that refused cannot decide its own review.
    with pytest.raises(PermissionDenied):
        hardship.hardship_appeal_decide(file=file, by=tree.grassroots_staff, overturn=True, note="同意")
    with pytest.raises(ValidationFailed):
        hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=True, note=" ")
    file = hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=True, note="应重新核查医疗支出")
    assert (file.status, file.appeal_outcome, file.closed_reason) == ("applied", "overturned", "")
    assert file.due_on is not None
    assert Notice.objects.filter(user=worker, text__contains="撤销原决定").exists()
    assert AuditEvent.objects.filter(action="hardship.appeal.overturned", target_id=str(file.pk)).exists()
    # Handled again from the home visit on.
    hardship.hardship_file_verify(file=file, by=tree.grassroots_staff, visited_on=file.created_at.date(),
                                  findings="复核后重新核查")
    assert HardshipFile.objects.get(pk=file.pk).status == "verified"


def test_upheld_review_ends_it_and_a_second_request_is_refused(tree):
    file = _rejected(tree)
    with pytest.raises(Conflict):  # nothing to decide yet
        hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=False, note="维持")
    file = hardship.hardship_appeal_request(file=file, by=file.user, reason="不服")
    with pytest.raises(Conflict) as exc:
        hardship.hardship_appeal_request(file=file, by=file.user, reason="再申请")
    assert exc.value.code == "review_exists"
    file = hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=False, note="收入核实无误")
    assert (file.status, file.appeal_outcome) == ("rejected", "upheld")
    assert Notice.objects.filter(user=file.user, text__contains="维持原决定").exists()
    with pytest.raises(Conflict):
        hardship.hardship_appeal_request(file=file, by=file.user, reason="还是不服")
    with pytest.raises(Conflict):
        hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=True, note="改判")


def test_review_of_an_exit_puts_the_file_back_on_the_register(tree):
    file = active(tree.grassroots_a, tree.staff_a)
    due = file.review_due
    file = hardship.hardship_file_exit(file=file, by=tree.grassroots_staff, reason="已就业，收入超过标准")
    assert file.review_due is None
    file = hardship.hardship_appeal_request(file=file, by=file.user, reason="只是临时工，上月已被辞退")
    file = hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=True, note="恢复在档")
    assert (file.status, file.review_due, file.closed_reason, file.closed_on) == ("active", due, "", None)
    # A later exit is a new decision: it may be reviewed again.
    file = hardship.hardship_file_exit(file=file, by=tree.grassroots_staff, reason="再次核实已脱困")
    assert hardship.hardship_appeal_request(file=file, by=file.user, reason="不服").appeal_outcome == ""


def test_overturn_refused_when_the_person_has_an_open_file_elsewhere_now(tree):
    member = make_member(union=tree.grassroots_a, name="张大山")
    file = _rejected(tree, member=member)
    file = hardship.hardship_appeal_request(file=file, by=file.user, reason="不服")
    # Meanwhile the person applies again (a new application at the same union).
    applied(tree.grassroots_a, member=member)
    with pytest.raises(Conflict) as exc:
        hardship.hardship_appeal_decide(file=file, by=tree.county_staff, overturn=True, note="撤销")
    assert exc.value.code == "file_elsewhere"
    again = HardshipFile.objects.get(pk=file.pk)
    assert (again.status, again.appeal_outcome) == ("rejected", "")


def test_only_the_worker_or_staff_of_the_branch_may_ask_and_only_after_a_refusal_or_exit(tree):
    file = applied(tree.grassroots_a)
    with pytest.raises(Conflict):
        hardship.hardship_appeal_request(file=file, by=file.user, reason="催办")
    file = hardship.hardship_file_reject(file=file, by=tree.grassroots_staff, reason="材料不全")
    with pytest.raises(PermissionDenied):
        hardship.hardship_appeal_request(file=file, by=tree.staff_b, reason="代为申请")


def test_worker_page_and_api_and_console_decision(client, tree):
    file = _rejected(tree)
    client.force_login(file.user)
    page = client.get(reverse("assistance:hardship_detail", args=[file.pk]))
    assert "申请复核" in page.content.decode()
    bad = client.post(reverse("assistance:hardship_appeal", args=[file.pk]), {"reason": ""})
    assert bad.status_code == 422
    done = client.post(reverse("assistance:hardship_appeal", args=[file.pk]), {"reason": "医药费没算"})
    assert done.status_code == 302
    page = client.get(reverse("assistance:hardship_detail", args=[file.pk])).content.decode()
    assert "已申请复核" in page and tree.county_a.name in page
    api = client.get(f"{API}/hardship/mine/{file.pk}").json()
    assert api["appeal_union_name"] == tree.county_a.name and api["appeal_outcome"] == ""

    # Console: the grassroots staff see the request but no decision form; the county decides.
    client.force_login(tree.grassroots_staff)
    detail = client.get(reverse("console:assistance:hardship_detail", args=[file.pk])).content.decode()
    assert "医药费没算" in detail and "作出复核决定" not in detail
    client.force_login(tree.county_staff)
    listed = client.get(reverse("console:assistance:hardship_list") + "?appeal=pending").content.decode()
    assert f"#{file.pk}" in listed
    detail = client.get(reverse("console:assistance:hardship_detail", args=[file.pk])).content.decode()
    assert "作出复核决定" in detail
    bad = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "appeal"]),
                      {"outcome": "overturned", "note": ""})
    assert bad.status_code == 422 and HardshipFile.objects.get(pk=file.pk).status == "rejected"
    ok = client.post(reverse("console:assistance:hardship_step", args=[file.pk, "appeal"]),
                     {"outcome": "overturned", "note": "重新核查"})
    assert ok.status_code == 302 and HardshipFile.objects.get(pk=file.pk).status == "applied"


def test_api_request_and_decision(client, tree):
    file = _rejected(tree)
    client.force_login(file.user)
    r = client.post(f"{API}/hardship/mine/{file.pk}/appeal", {"reason": "不服"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["appeal_union_name"] == tree.county_a.name
    client.force_login(tree.staff_b)  # another branch: 404, nothing changed
    r = client.post(f"{API}/hardship/files/{file.pk}/appeal", {"outcome": "overturned", "note": "撤销"},
                    content_type="application/json")
    assert r.status_code == 404
    client.force_login(tree.county_staff)
    r = client.post(f"{API}/hardship/files/{file.pk}/appeal", {"outcome": "maybe", "note": "?"},
                    content_type="application/json")
    assert r.status_code == 422
    r = client.post(f"{API}/hardship/files/{file.pk}/appeal", {"outcome": "upheld", "note": "维持"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["appeal_outcome"] == "upheld"
