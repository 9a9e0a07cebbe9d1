"""Role grants kept in the Django admin go through the accounts services: revoking one is
recorded in the audit log, singly and in bulk."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from gonghui.accounts.models import RoleGrant, User
from gonghui.core.models import AuditEvent
from tests.factories import Tree, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser(username="grant-root", password="pw-for-tests-123"))
    return client


def test_revoking_a_grant_in_the_admin_removes_it_and_is_audited(root):
    tree = Tree()
    staff = make_staff(union=tree.grassroots_a, role="operator")
    grant = staff.grants.get()
    response = root.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = AuditEvent.objects.get(action="role_grant.revoke", target_id=str(grant.pk))
    assert event.actor.username == "grant-root"
    assert event.data == {"user": staff.pk, "union": tree.grassroots_a.pk, "role": "operator"}
    # The revoked staff member no longer sees the branch.
    fresh = User.objects.get(pk=staff.pk)
    assert not fresh.grants.exists()


def test_bulk_revoke_in_the_admin_audits_each_grant(root):
    tree = Tree()
    grants = [make_staff(union=tree.grassroots_a).grants.get(), make_staff(union=tree.grassroots_b).grants.get()]
    keep = tree.staff_a.grants.get()
    response = root.post("/admin/accounts/rolegrant/", {
        "action": "delete_selected", ACTION_CHECKBOX_NAME: [g.pk for g in grants], "post": "yes",
    })
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk__in=[g.pk for g in grants]).exists()
    assert RoleGrant.objects.filter(pk=keep.pk).exists()
    audited = set(AuditEvent.objects.filter(action="role_grant.revoke").values_list("target_id", flat=True))
    assert audited == {str(g.pk) for g in grants}
