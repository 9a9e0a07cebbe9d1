"""Staff console pages: full pages, htmx partials, actions through the services, clear errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.accounts.models import RoleGrant
from gonghui.core.models import AuditEvent
from gonghui.core.testdata import uscc_make
from gonghui.members.models import MemberCard, Membership, MembershipApplication, MembershipTransfer
from gonghui.orgs.models import Employer, Union
from tests.factories import Tree, make_employer, make_member, make_staff, make_worker_user
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def staff_a(client, tree):
    client.force_login(tree.staff_a)
    return client


def test_anonymous_is_sent_to_staff_login(client):
    response = client.get(reverse("console:members:applications"))
    assert response.status_code == 302 and "staff-login" in response["Location"]


def test_worker_without_grant_gets_forbidden_page(client):
    client.force_login(make_worker_user())
    assert client.get(reverse("console:home")).status_code == 403


def test_dashboard_counts_own_subtree(staff_a, tree):
    make_member(union=tree.grassroots_a)
    make_member(union=tree.grassroots_a)
    make_member(union=tree.grassroots_b)
    make_application(union=tree.grassroots_a)
    response = staff_a.get(reverse("console:home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["members"] == 2 and counts["pending_applications"] == 1
    assert counts["unions"] == 3 and counts["employers_with_union"] == 1


def test_application_queue_full_page_and_htmx_partial(staff_a, tree):
    make_application(union=tree.grassroots_a, name="孙悟空")
    make_application(union=tree.grassroots_b, name="猪八戒")
    page = staff_a.get(reverse("console:members:applications"))
    html = page.content.decode()
    assert "孙悟空" in html and "猪八戒" not in html and "<html" in html
    partial = staff_a.get(reverse("console:members:applications"), {"q": "swk"}, **HTMX)
    assert "孙悟空" in partial.content.decode() and "<html" not in partial.content.decode()
    empty = staff_a.get(reverse("console:members:applications"), {"q": "zbj"}, **HTMX)
    assert "孙悟空" not in empty.content.decode()


def test_approve_from_queue_with_htmx_returns_updated_row(staff_a, tree):
    application = make_application(union=tree.grassroots_a)
    response = staff_a.post(reverse("console:members:application_approve", args=[application.pk]), **HTMX)
    assert response.status_code == 200
    assert f'id="application-{application.pk}"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert MemberCard.objects.filter(membership__person=application.person).count() == 1


def test_reject_without_reason_shows_error_and_keeps_application(staff_a, tree):
    application = make_application(union=tree.grassroots_a)
    response = staff_a.post(reverse("console:members:application_reject", args=[application.pk]), {"reason": ""}, follow=True)
    assert response.status_code == 200
    assert "请填写不予通过的理由" in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    staff_a.post(reverse("console:members:application_reject", args=[application.pk]), {"reason": "非本单位"})
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED


def test_cross_branch_approve_page_is_404(client, tree):
    application = make_application(union=tree.grassroots_a)
    client.force_login(tree.staff_b)
    assert client.post(reverse("console:members:application_approve", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED


def test_member_search_page_masks_and_finds_by_initials(staff_a, tree):
    person = make_member(union=tree.grassroots_a, name="周星驰").person
    response = staff_a.get(reverse("console:members:people"), {"q": "zxc"}, **HTMX)
    html = response.content.decode()
    assert "周星驰" in html and person.id_number_masked in html and person.id_number not in html


def test_person_detail_reveal_with_reason_is_audited(staff_a, tree):
    person = make_member(union=tree.grassroots_a).person
    detail = staff_a.get(reverse("console:members:person_detail", args=[person.pk]))
    assert person.id_number not in detail.content.decode()
    no_reason = staff_a.post(reverse("console:members:person_reveal", args=[person.pk]), {"field": "id_number", "reason": ""}, **HTMX)
    assert person.id_number not in no_reason.content.decode()
    assert "事由" in no_reason.content.decode()
    shown = staff_a.post(reverse("console:members:person_reveal", args=[person.pk]), {"field": "id_number", "reason": "核实身份"}, **HTMX)
    assert person.id_number in shown.content.decode()
    assert AuditEvent.objects.filter(action="person.reveal.id_number", actor=tree.staff_a).count() == 1


def test_reveal_page_forbidden_for_role_without_reveal(client, tree):
    person = make_member(union=tree.grassroots_a).person
    client.force_login(make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF))
    detail = client.get(reverse("console:members:person_detail", args=[person.pk]))
    assert detail.status_code == 200 and 'id="reveal"' not in detail.content.decode()
    response = client.post(reverse("console:members:person_reveal", args=[person.pk]), {"field": "phone", "reason": "x"})
    assert response.status_code == 403


def test_card_reissue_and_revoke_pages(staff_a, tree):
    membership = make_member(union=tree.grassroots_a)
    old = MemberCard.objects.get(membership=membership)
    staff_a.post(reverse("console:members:membership_card_reissue", args=[membership.pk]), {"reason": "换手机"})
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = MemberCard.objects.get(membership=membership, revoked_at__isnull=True)
    assert staff_a.get(reverse("console:members:card_detail", args=[new.pk])).status_code == 200
    staff_a.post(reverse("console:members:card_revoke", args=[new.pk]), {"reason": "冒用"})
    new.refresh_from_db()
    assert new.revoked_at is not None


def test_staff_started_transfer_and_inbox_outbox(client, tree):
    membership = make_member(union=tree.grassroots_a, name="唐僧")
    client.force_login(tree.staff_a)
    form = client.get(reverse("console:members:membership_transfer_start", args=[membership.pk]))
    assert form.status_code == 200
    bad = client.post(reverse("console:members:membership_transfer_start", args=[membership.pk]), {"to_union": 99999999})
    assert bad.status_code == 422 and "未找到转入的工会" in bad.content.decode()
    response = client.post(
        reverse("console:members:membership_transfer_start", args=[membership.pk]),
        {"to_union": tree.grassroots_b.pk, "reason": "调动"},
    )
    transfer = MembershipTransfer.objects.get(membership=membership)
    assert response.status_code == 302
    outbox = client.get(reverse("console:members:transfers"), {"direction": "out"}, **HTMX)
    assert "唐僧" in outbox.content.decode()
    client.post(reverse("console:members:transfer_action", args=[transfer.pk, "release"]), {"note": "同意"})
    client.force_login(tree.staff_b)
    inbox = client.get(reverse("console:members:transfers"))
    assert "唐僧" in inbox.content.decode()
    detail = client.get(reverse("console:members:transfer_detail", args=[transfer.pk]))
    assert "接收" in detail.content.decode()
    client.post(reverse("console:members:transfer_action", args=[transfer.pk, "accept"]))
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.ACCEPTED
    assert Membership.objects.get(pk=transfer.new_membership_id).union == tree.grassroots_b


def test_transfer_reject_needs_reason_and_cancel_works(staff_a, tree):
    transfer = make_transfer(tree=tree)
    response = staff_a.post(reverse("console:members:transfer_action", args=[transfer.pk, "reject"]), {"reason": ""}, follow=True)
    assert "请填写退回理由" in response.content.decode()
    staff_a.post(reverse("console:members:transfer_action", args=[transfer.pk, "cancel"]))
    transfer.refresh_from_db()
    assert transfer.status == MembershipTransfer.Status.CANCELLED
    assert staff_a.post(reverse("console:members:transfer_action", args=[transfer.pk, "explode"])).status_code == 404


def test_union_tree_browser_and_child_creation(staff_a, tree):
    roots = staff_a.get(reverse("console:orgs:unions"))
    assert tree.city_a.name in roots.content.decode() and tree.city_b.name not in roots.content.decode()
    detail = staff_a.get(reverse("console:orgs:union_detail", args=[tree.city_a.pk]))
    assert tree.county_a.name in detail.content.decode()
    bad = staff_a.post(reverse("console:orgs:union_detail", args=[tree.county_a.pk]), {"name": "外地", "kind": "township", "region": "510104"})
    assert bad.status_code == 422 and "上级工会的地区范围" in bad.content.decode()
    ok = staff_a.post(reverse("console:orgs:union_detail", args=[tree.county_a.pk]), {"name": "招商街道工会", "kind": "township"})
    assert ok.status_code == 302
    child = Union.objects.get(name="招商街道工会")
    assert child.parent == tree.county_a and child.path.startswith(tree.county_a.path)


def test_employer_list_and_create_with_uscc_validation(staff_a, tree):
    make_employer(region="440305", name="未建会物流有限公司")
    listing = staff_a.get(reverse("console:orgs:employers"), {"has_union": "no"}, **HTMX)
    assert "未建会物流有限公司" in listing.content.decode()
    bad = staff_a.post(reverse("console:orgs:employer_create"), {"uscc": "123", "name": "坏", "region": "440305", "ownership": "private", "headcount": 1})
    assert bad.status_code == 422 and "统一社会信用代码" in bad.content.decode()
    assert not Employer.objects.filter(name="坏").exists()
    code = uscc_make(region="440300", serial=99101)
    ok = staff_a.post(reverse("console:orgs:employer_create"), {"uscc": code, "name": "好公司", "region": "440305", "ownership": "private", "headcount": 5})
    assert ok.status_code == 302
    assert Employer.objects.filter(uscc=code).exists()


def test_grant_management_for_admin(staff_a, tree):
    newcomer = make_worker_user()
    response = staff_a.post(reverse("console:orgs:grant_create", args=[tree.county_a.pk]), {"username": newcomer.username, "role": "staff"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=newcomer)
    assert grant.union == tree.county_a
    assert newcomer.username in staff_a.get(reverse("console:orgs:grants")).content.decode()
    unknown = staff_a.post(reverse("console:orgs:grant_create", args=[tree.county_a.pk]), {"username": "nobody-here", "role": "staff"}, follow=True)
    assert "未找到该用户" in unknown.content.decode()
    staff_a.post(reverse("console:orgs:grant_revoke", args=[grant.pk]))
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()


def test_grant_cross_branch_is_404(client, tree):
    client.force_login(tree.staff_b)
    newcomer = make_worker_user()
    assert client.post(reverse("console:orgs:grant_create", args=[tree.county_a.pk]), {"username": newcomer.username, "role": "admin"}).status_code == 404
    grant = RoleGrant.objects.get(user=tree.staff_a)
    assert client.post(reverse("console:orgs:grant_revoke", args=[grant.pk])).status_code == 404
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_non_admin_cannot_grant(client, tree):
    plain = make_staff(union=tree.city_a, role=RoleGrant.Role.STAFF)
    client.force_login(plain)
    newcomer = make_worker_user()
    response = client.post(reverse("console:orgs:grant_create", args=[tree.county_a.pk]), {"username": newcomer.username, "role": "admin"}, follow=True)
    assert "只有管理员可以授权" in response.content.decode()
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_htmx_reject_without_reason_returns_row_with_error(staff_a, tree):
    application = make_application(union=tree.grassroots_a)
    response = staff_a.post(reverse("console:members:application_reject", args=[application.pk]), {"reason": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="application-{application.pk}"' in html and "请填写不予通过的理由" in html


@pytest.mark.parametrize(("name", "params"), [
    ("console:home", {}),
    ("console:members:applications", {"status": ""}),
    ("console:members:applications", {"status": "bogus", "page": "x"}),
    ("console:members:people", {}),
    ("console:members:people", {"q": "x" * 80}),
    ("console:members:transfers", {"direction": "sideways"}),
    ("console:orgs:unions", {"q": "jia"}),
    ("console:orgs:employers", {"has_union": "yes", "page": "999"}),
    ("console:orgs:employer_create", {}),
    ("console:orgs:grants", {}),
])
def test_console_pages_render_and_survive_odd_input(staff_a, tree, name, params):
    make_member(union=tree.grassroots_a)
    make_transfer(tree=tree)
    response = staff_a.get(reverse(name), params)
    assert response.status_code == 200
    partial = staff_a.get(reverse(name), params, **HTMX)
    assert partial.status_code == 200


def test_union_pick_finds_target_union_in_any_branch(staff_a, tree):
    response = staff_a.get(reverse("console:orgs:union_pick"), {"q": tree.grassroots_b.name[:6]}, **HTMX)
    assert tree.grassroots_b.name in response.content.decode()
    assert tree.city_b.name not in response.content.decode()  # leading bodies take no members
    by_id = staff_a.get(reverse("console:orgs:union_pick"), {"q": str(tree.grassroots_b.pk)}, **HTMX)
    assert tree.grassroots_b.name in by_id.content.decode()
