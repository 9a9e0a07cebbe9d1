"""Admin for members and the audit log: masked, read-only, actions through the services."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.core.pii import decrypt
from gonghui.members.models import MembershipApplication, Person
from tests.factories import Tree, make_member
from tests.members.helpers import make_application, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = User.objects.create_superuser(username="admin-root", password="pw-for-tests-123")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [
    "members/person", "members/membershipapplication", "members/membership",
    "members/membershiptransfer", "members/membercard", "core/auditevent",
    "orgs/union", "orgs/employer", "orgs/region",
])
def test_changelists_load(root, model):
    tree = Tree()
    make_transfer(tree=tree)
    make_application(union=tree.grassroots_b)
    assert root.get(f"/admin/{model}/").status_code == 200


def test_person_admin_never_shows_plain_or_encrypted_id(root):
    tree = Tree()
    person = make_member(union=tree.grassroots_a).person
    listing = root.get("/admin/members/person/").content.decode()
    detail = root.get(f"/admin/members/person/{person.pk}/change/").content.decode()
    for html in (listing, detail):
        assert person.id_number not in html and person.phone not in html
        assert person.id_number_masked in html
        assert person.id_number_index not in html
    # What the database holds is Fernet ciphertext, neither the value nor its index.
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number, phone FROM {table} WHERE id = %s", [person.pk])  # noqa: S608
        raw_id, raw_phone = cursor.fetchone()
    for raw, plain in ((raw_id, person.id_number), (raw_phone, person.phone)):
        assert raw.startswith("gAAAAA")  # the Fernet version byte, base64
        assert plain not in raw and raw not in (listing + detail)
        assert decrypt(raw) == plain


def test_person_admin_search_by_exact_id_number(root):
    tree = Tree()
    person = make_member(union=tree.grassroots_a, name="欧阳修").person
    other = make_member(union=tree.grassroots_a, name="苏东坡").person
    html = root.get("/admin/members/person/", {"q": person.id_number}).content.decode()
    assert "欧阳修" in html and other.name not in html


def test_admin_approve_action_calls_service(root):
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    root.post("/admin/members/membershipapplication/", {"action": "approve_selected", ACTION_CHECKBOX_NAME: [application.pk]})
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.person.memberships.filter(status="active").exists()


def test_admin_reject_action_asks_for_reason(root):
    tree = Tree()
    application = make_application(union=tree.grassroots_a)
    ask = root.post("/admin/members/membershipapplication/", {"action": "reject_selected", ACTION_CHECKBOX_NAME: [application.pk]})
    assert ask.status_code == 200 and "reason" in ask.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    root.post("/admin/members/membershipapplication/", {
        "action": "reject_selected", ACTION_CHECKBOX_NAME: [application.pk], "apply": "1", "reason": "不符合条件",
    })
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "不符合条件"


def test_audit_events_cannot_be_changed_or_deleted(root):
    tree = Tree()
    make_member(union=tree.grassroots_a)
    event = AuditEvent.objects.first()
    assert root.get("/admin/core/auditevent/add/").status_code == 403
    assert root.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    root.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "tampered"})
    event.refresh_from_db()
    assert event.action != "tampered"


def test_admin_is_scoped_for_non_superuser_staff(client):
    tree = Tree()
    tree.staff_b.is_staff = True
    tree.staff_b.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    tree.staff_b.user_permissions.add(Permission.objects.get(codename="view_person"))
    make_member(union=tree.grassroots_a, name="甲方会员")
    make_member(union=tree.grassroots_b, name="乙方会员")
    client.force_login(tree.staff_b)
    html = client.get("/admin/members/person/").content.decode()
    assert "乙方会员" in html and "甲方会员" not in html


def test_change_pages_load_read_only(root):
    tree = Tree()
    transfer = make_transfer(tree=tree)
    application = make_application(union=tree.grassroots_b)
    card = transfer.membership.cards.first()
    for url in [
        f"/admin/orgs/union/{tree.grassroots_a.pk}/change/",
        f"/admin/orgs/employer/{tree.grassroots_a.employer_id}/change/",
        f"/admin/members/membershipapplication/{application.pk}/change/",
        f"/admin/members/membership/{transfer.membership_id}/change/",
        f"/admin/members/membershiptransfer/{transfer.pk}/change/",
        f"/admin/members/membercard/{card.pk}/change/",
        "/admin/orgs/union/add/",
        "/admin/orgs/employer/add/",
    ]:
        assert root.get(url).status_code == 200, url
    path_before = tree.grassroots_a.path
    root.post(f"/admin/orgs/union/{tree.grassroots_a.pk}/change/", {"name": "改名"})
    tree.grassroots_a.refresh_from_db()
    assert tree.grassroots_a.path == path_before and tree.grassroots_a.name != "改名"
