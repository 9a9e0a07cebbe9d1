"""Cross-branch access is a 404 for every object type, on the console page and in the API."""

from __future__ import annotations

from gonghui.members.models import MemberCard
from tests.factories import make_member
from tests.jurisdiction import CrossBranchAccess
from tests.members.helpers import make_application, make_transfer


class TestUnionAccess(CrossBranchAccess):
    page_url_name = "console:orgs:union_detail"
    api_path = "/api/v1/orgs/unions/{pk}"

    def make_object(self, tree):
        return tree.grassroots_a


class TestEmployerAccess(CrossBranchAccess):
    page_url_name = "console:orgs:employer_detail"
    api_path = "/api/v1/orgs/employers/{pk}"

    def make_object(self, tree):
        return tree.grassroots_a.employer


class TestPersonAccess(CrossBranchAccess):
    page_url_name = "console:members:person_detail"
    api_path = "/api/v1/members/people/{pk}"

    def make_object(self, tree):
        return make_member(union=tree.grassroots_a).person


class TestApplicationAccess(CrossBranchAccess):
    page_url_name = "console:members:application_detail"
    api_path = "/api/v1/members/applications/{pk}"

    def make_object(self, tree):
        return make_application(union=tree.grassroots_a)


class TestMembershipAccess(CrossBranchAccess):
    page_url_name = "console:members:membership_detail"
    api_path = "/api/v1/members/memberships/{pk}"

    def make_object(self, tree):
        return make_member(union=tree.grassroots_a)


class TestTransferAccess(CrossBranchAccess):
    page_url_name = "console:members:transfer_detail"
    api_path = "/api/v1/members/transfers/{pk}"

    def make_object(self, tree):
        return make_transfer(tree=tree)


class TestCardAccess(CrossBranchAccess):
    page_url_name = "console:members:card_detail"
    api_path = "/api/v1/members/cards/{pk}"

    def make_object(self, tree):
        return MemberCard.objects.get(membership=make_member(union=tree.grassroots_a))
