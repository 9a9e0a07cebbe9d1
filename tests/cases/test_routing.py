"""Routing: employer's union, new-form federation, union of the place, rules, county fallback."""

from __future__ import annotations

import pytest

from gonghui.cases.models import Category, Channel, RoutingRule
from gonghui.cases.routing import case_route
from gonghui.cases.services import case_create
from gonghui.members.models import EmploymentForm
from gonghui.members.services import membership_application_submit
from gonghui.orgs.models import Region, Union
from tests.factories import (
    Tree,
    make_employer,
    make_id_number,
    make_member,
    make_union,
    make_worker_user,
)

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_case_goes_to_the_employers_union():
    tree = Tree()
    union = case_route(category=Category.WAGE_ARREARS, employer=tree.grassroots_a.employer, region=region("440103"), is_new_form=False)
    assert union == tree.grassroots_a


def test_employer_without_union_goes_to_the_county_union_of_its_place():
    tree = Tree()
    employer = make_employer(region="440305")
    assert case_route(category=Category.WAGE_ARREARS, employer=employer, region=None, is_new_form=False) == tree.county_a


def test_unrouted_case_lands_with_the_county_union_of_the_place():
    tree = Tree()
    assert case_route(category=Category.OTHER, employer=None, region=region("440305"), is_new_form=False) == tree.county_a


def test_place_without_county_union_climbs_to_the_city():
    tree = Tree()
    # 440106 (天河) has no county union in the tree; 440100's city union (乙市) takes it.
    assert case_route(category=Category.OTHER, employer=None, region=region("440106"), is_new_form=False) == tree.city_b


def test_new_form_worker_goes_to_the_new_form_federation():
    tree = Tree()
    federation = make_union(name="甲市新业态工会联合会", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_a, region="440300")
    got = case_route(category=Category.WORKING_HOURS, employer=None, region=region("440305"), is_new_form=True)
    assert got == federation
    # …but not an ordinary worker in the same place.
    assert case_route(category=Category.WORKING_HOURS, employer=None, region=region("440305"), is_new_form=False) == tree.county_a


def test_routing_rule_for_a_category_wins_and_narrower_region_first():
    tree = Tree()
    legal_centre = make_union(name="市职工法律服务中心", kind=Union.Kind.GRASSROOTS, parent=tree.city_a, region="440300")
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=None, union=tree.province)
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=region("440300"), union=legal_centre)
    assert case_route(category=Category.LEGAL_AID, employer=tree.grassroots_a.employer, region=region("440305"), is_new_form=False) == legal_centre
    assert case_route(category=Category.LEGAL_AID, employer=None, region=region("440103"), is_new_form=False) == tree.province


def test_hotline_case_routed_on_creation():
    tree = Tree()
    case = case_create(
        channel=Channel.HOTLINE, category=Category.OTHER, description="来电反映单位食堂卫生差。",
        reporter_name="李先生", reporter_phone="13712345678", region=region("440305"), created_by=tree.staff_a,
    )
    assert case.union == tree.county_a and case.union_path == tree.county_a.path
    assert case.reporter_phone_masked == "137****5678"


def test_routing_rule_applies_only_to_its_own_category():
    tree = Tree()
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=None, union=tree.province)
    got = case_route(category=Category.WAGE_ARREARS, employer=None, region=region("440305"), is_new_form=False)
    assert got == tree.county_a


def test_inactive_rule_and_rule_to_a_dissolved_union_are_ignored():
    tree = Tree()
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=None, union=tree.province, is_active=False)
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=None, union=tree.city_b)
    Union.objects.filter(pk=tree.city_b.pk).update(status=Union.Status.DISSOLVED)
    got = case_route(category=Category.LEGAL_AID, employer=None, region=region("440305"), is_new_form=False)
    assert got == tree.county_a


def test_among_rules_for_the_same_region_the_lower_priority_number_wins():
    tree = Tree()
    RoutingRule.objects.create(category=Category.MEDIATION, region=region("440300"), union=tree.city_a, priority=50)
    RoutingRule.objects.create(category=Category.MEDIATION, region=region("440300"), union=tree.county_a, priority=10)
    RoutingRule.objects.create(category=Category.MEDIATION, region=region("440300"), union=tree.province, priority=10)
    # Same priority: the older rule (lower pk) wins.
    assert case_route(category=Category.MEDIATION, employer=None, region=region("440305"), is_new_form=False) == tree.county_a


def test_rule_for_a_region_does_not_apply_outside_it_nor_without_a_region():
    tree = Tree()
    RoutingRule.objects.create(category=Category.MEDIATION, region=region("440300"), union=tree.city_a)
    assert case_route(category=Category.MEDIATION, employer=None, region=region("440103"), is_new_form=False) == tree.city_b
    assert case_route(category=Category.MEDIATION, employer=None, region=None, is_new_form=False) == tree.national


def test_dissolved_employer_union_sends_the_case_to_the_place():
    tree = Tree()
    Union.objects.filter(pk=tree.grassroots_a.pk).update(status=Union.Status.DISSOLVED)
    got = case_route(category=Category.WAGE_ARREARS, employer=tree.grassroots_a.employer, region=None, is_new_form=False)
    assert got == tree.county_a


def test_place_given_in_the_case_wins_over_the_employers_registered_place():
    tree = Tree()
    employer = make_employer(region="440305")
    got = case_route(category=Category.WAGE_ARREARS, employer=employer, region=region("440103"), is_new_form=False)
    assert got == tree.city_b


def test_new_form_worker_without_a_federation_goes_to_the_county_union():
    tree = Tree()
    assert case_route(category=Category.WORKING_HOURS, employer=None, region=region("440305"), is_new_form=True) == tree.county_a


def test_grassroots_union_of_the_place_is_not_a_place_union():
    tree = Tree()
    make_union(parent=tree.city_b, region="440106")  # a grassroots union registered in 天河
    assert case_route(category=Category.OTHER, employer=None, region=region("440106"), is_new_form=False) == tree.city_b


def test_dissolved_county_union_passes_the_case_to_the_city():
    tree = Tree()
    Union.objects.filter(pk=tree.county_a.pk).update(status=Union.Status.DISSOLVED)
    assert case_route(category=Category.OTHER, employer=None, region=region("440305"), is_new_form=False) == tree.city_a


def test_place_without_city_or_county_union_climbs_to_the_province():
    tree = Tree()
    # 佛山 (440600) and 禅城 (440604) have no union in the tree; 广东 (440000) has.
    assert case_route(category=Category.OTHER, employer=None, region=region("440604"), is_new_form=False) == tree.province


def test_place_without_any_union_and_no_place_at_all_go_to_the_root_union():
    tree = Tree()
    assert case_route(category=Category.OTHER, employer=None, region=region("510104"), is_new_form=False) == tree.national
    assert case_route(category=Category.OTHER, employer=None, region=None, is_new_form=False) == tree.national


def test_the_root_union_is_the_one_without_a_parent():
    tree = Tree()
    # The national union is replaced: the new one (a later id than the province) is the root.
    Union.objects.filter(pk=tree.national.pk).update(status=Union.Status.DISSOLVED)
    new_root = Union.objects.create(name="新全国总工会", kind=Union.Kind.NATIONAL, path="/", depth=0)
    Union.objects.filter(pk=new_root.pk).update(path=f"/{new_root.pk}/")
    assert case_route(category=Category.OTHER, employer=None, region=None, is_new_form=False) == new_root


def test_without_an_active_root_union_routing_fails_loudly():
    tree = Tree()
    Union.objects.filter(pk=tree.national.pk).update(status=Union.Status.DISSOLVED)
    with pytest.raises(RuntimeError, match="^no root union configured$"):
        case_route(category=Category.OTHER, employer=None, region=None, is_new_form=False)

# --- a known worker who gives neither place nor employer (issue 8, item 2) ---------------


def _legal_aid_without_place(user):
    return case_create(
        channel=Channel.APP, category=Category.LEGAL_AID, reporter_user=user,
        description="单位拖欠加班费，我想请工会律师代理仲裁。",
    )


def test_members_case_without_place_or_employer_goes_to_their_membership_union_not_the_root():
    tree = Tree()
    member = make_member(union=tree.grassroots_a, name="林会员")
    case = _legal_aid_without_place(member.person.user)
    assert case.union == tree.grassroots_a
    assert case.union != tree.national


def test_applicants_case_without_place_goes_to_the_union_of_their_pending_application():
    tree = Tree()
    user = make_worker_user(name="孙申请")
    membership_application_submit(
        user=user, name="孙申请", id_number=make_id_number(), phone=user.phone,
        employment_form=EmploymentForm.STANDARD, employer=tree.grassroots_b.employer,
    )
    case = _legal_aid_without_place(user)
    assert case.union == tree.grassroots_b


def test_hotline_caller_known_by_phone_goes_to_their_membership_union():
    tree = Tree()
    member = make_member(union=tree.grassroots_b, name="周来电")
    case = case_create(
        channel=Channel.HOTLINE, category=Category.LEGAL_CONSULTATION, description="想咨询辞退补偿怎么算。",
        reporter_phone=member.person.user.phone, created_by=tree.staff_b,
    )
    assert case.union == tree.grassroots_b


def test_a_place_given_still_wins_over_the_membership_union():
    tree = Tree()
    member = make_member(union=tree.grassroots_b, name="吴会员")
    case = case_create(
        channel=Channel.APP, category=Category.OTHER, reporter_user=member.person.user,
        description="在南山打零工时被拖欠工钱。", region=region("440305"),
    )
    assert case.union == tree.county_a


def test_routing_rule_of_the_members_region_applies_when_no_place_is_given():
    tree = Tree()
    centre = make_union(name="甲市职工法律援助中心", kind=Union.Kind.GRASSROOTS, parent=tree.city_a, region="440300")
    RoutingRule.objects.create(category=Category.LEGAL_AID, region=region("440300"), union=centre)
    member = make_member(union=tree.grassroots_a, name="郑会员")
    assert _legal_aid_without_place(member.person.user).union == centre


def test_unknown_worker_without_place_still_reaches_a_union():
    tree = Tree()
    case = _legal_aid_without_place(make_worker_user())
    assert case.union == tree.national
