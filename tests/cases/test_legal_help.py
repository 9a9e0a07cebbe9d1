"""The workers' legal help (issue 8, item 2): own forms for 法律咨询 / 法律援助 / 调解 without
amount or headcount, the legal-aid eligibility rules (shown and checked), routing of a
member's request to their own union, and the public directory of legal-aid stations and
lawyers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gonghui.cases import legal_services
from gonghui.cases.legal_aid import RULES, AidAnswers, Document, legal_aid_check
from gonghui.cases.models import (
    Case,
    CaseEvent,
    Category,
    DisputeType,
    Hardship,
    Lawyer,
    LegalAidApplication,
    Stage,
)
from gonghui.cases.navigation import MODULE
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.orgs.models import Region
from tests.factories import Tree, make_member, make_staff, make_worker_user

pytestmark = pytest.mark.django_db

LEGAL_FORMS = ("cases:legal_consultation", "cases:legal_aid", "cases:legal_mediation")


def aid_post(**kw: Any) -> dict[str, Any]:
    data = {
        "dispute_type": DisputeType.WAGES, "description": "公司拖欠我三个月加班费，想请工会律师代理仲裁。",
        "hardship": Hardship.HARDSHIP, "household_income": "1500", "stage": Stage.NOT_STARTED, "has_lawyer": "0",
        "documents": [Document.ID, Document.HARDSHIP_PROOF, Document.DISPUTE], "declared": "on",
    }
    data.update(kw)
    return data


def answers(**kw: Any) -> AidAnswers:
    base: dict[str, Any] = {
        "dispute_type": DisputeType.WAGES, "hardship": Hardship.HARDSHIP, "stage": Stage.NOT_STARTED,
        "has_lawyer": False, "documents": [Document.ID, Document.HARDSHIP_PROOF, Document.DISPUTE],
    }
    base.update(kw)
    return AidAnswers.of(**base)


# --- routing: a member's legal aid lands with their union (the 中华全国总工会 bug) --------------


def test_members_legal_aid_without_region_lands_with_their_nanshan_union_and_only_its_branch_sees_it(client):
    tree = Tree()  # branch A is 甲市 (440300) → 甲区 (南山 440305) → grassroots A
    member = make_member(union=tree.grassroots_a, name="林晓燕")
    client.force_login(member.person.user)
    response = client.post(reverse("cases:legal_aid"), aid_post())
    case = Case.objects.get(reporter_user=member.person.user)
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.category == Category.LEGAL_AID and case.region is None and case.employer is None
    assert case.union == tree.grassroots_a and case.union != tree.national

    for staff in (make_staff(union=tree.grassroots_a), make_staff(union=tree.county_a), tree.staff_a):
        client.force_login(staff)
        assert client.get(reverse("console:cases:detail", args=[case.pk])).status_code == 200
        assert case.number in client.get(reverse("console:cases:queue") + "?queue=new").content.decode()
    client.force_login(tree.staff_b)  # the other city's union (成都 in the demo)
    assert client.get(reverse("console:cases:detail", args=[case.pk])).status_code == 404
    assert case.number not in client.get(reverse("console:cases:queue") + "?queue=new").content.decode()


# --- the forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LEGAL_FORMS)
def test_legal_forms_have_no_amount_or_headcount_and_say_what_happens_next(client, name):
    client.force_login(make_worker_user())
    page = client.get(reverse(name)).content.decode()
    assert 'name="amount"' not in page and 'name="people_count"' not in page
    assert "拖欠金额" not in page and "涉及人数" not in page
    assert "提交以后会怎样" in page and 'id="next-steps"' in page
    assert reverse("cases:legal_directory") in page  # linked from every legal form


def test_legal_forms_need_a_signed_in_worker(client):
    for name in LEGAL_FORMS:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


def test_old_report_links_for_legal_help_open_the_new_forms_and_the_report_form_no_longer_offers_them(client):
    client.force_login(make_worker_user())
    for category, name in (("legal_consultation", "cases:legal_consultation"), ("legal_aid", "cases:legal_aid"),
                           ("mediation", "cases:legal_mediation")):
        response = client.get(reverse("cases:report") + f"?category={category}")
        assert response.status_code == 302 and response.url == reverse(name)
    page = client.get(reverse("cases:report")).content.decode()
    assert 'value="legal_aid"' not in page and 'value="wage_arrears"' in page


def test_services_entries_for_legal_help_point_at_the_new_forms_and_the_directory():
    urls = {str(link.label): link.url for link in MODULE.services}
    assert urls["法律咨询"] == reverse("cases:legal_consultation")
    assert urls["法律援助"] == reverse("cases:legal_aid")
    assert urls["劳动争议调解"] == reverse("cases:legal_mediation")
    assert urls["法律援助站点与律师"] == reverse("cases:legal_directory")


def test_legal_consultation_is_a_case_for_the_union_with_the_topic_for_staff(client):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    response = client.post(reverse("cases:legal_consultation"), {
        "dispute_type": DisputeType.CONTRACT, "description": "试用期被辞退，单位不给补偿，合法吗？",
    })
    case = Case.objects.get(reporter_user=member.person.user)
    assert response.status_code == 302
    assert case.category == Category.LEGAL_CONSULTATION and case.union == tree.grassroots_a
    assert case.amount_fen == 0 and case.people_count == 1
    topic = case.events.get(kind=CaseEvent.Kind.LEGAL)
    assert not topic.is_public and "劳动合同" in topic.body


def test_mediation_needs_the_employer_and_the_workers_consent_to_contact_it(client):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    url = reverse("cases:legal_mediation")
    data = {"description": "单位拖欠经济补偿，想请工会调解。"}
    page = client.post(url, data).content.decode()
    assert "请填写用人单位" in page
    page = client.post(url, {**data, "employer_name": "深圳某某物流有限公司"}).content.decode()
    assert "请同意工会以您的名义联系单位" in page
    assert not Case.objects.exists()
    response = client.post(url, {**data, "employer_name": "深圳某某物流有限公司", "consent": "on"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.category == Category.MEDIATION and case.employer_may_know_name
    assert case.employer_name == "深圳某某物流有限公司"


# --- legal aid: the rules, on the page and in the service ---------------------------------------


def test_legal_aid_form_shows_the_eligibility_rules_and_their_source(client):
    client.force_login(make_worker_user())
    page = client.get(reverse("cases:legal_aid")).content.decode()
    for rule in RULES:
        assert str(rule) in page
    assert "《工会法律援助办法》" in page


def test_eligible_application_keeps_the_declaration_for_the_staffs_review(client):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    client.post(reverse("cases:legal_aid"), aid_post())
    case = Case.objects.get()
    application = LegalAidApplication.objects.get(case=case)
    assert application.hardship == Hardship.HARDSHIP and application.household_income_yuan == 1500
    assert set(application.documents) == {Document.ID, Document.HARDSHIP_PROOF, Document.DISPUTE}
    client.force_login(tree.staff_a)
    page = client.get(reverse("console:cases:detail", args=[case.pk])).content.decode()
    assert 'id="aid-application"' in page and "家庭人均月收入" in page and "1500" in page


@pytest.mark.parametrize(("change", "why"), [
    ({"dispute_type": DisputeType.NOT_LABOUR}, "不属于这个范围"),
    ({"has_lawyer": "1"}, "已经委托了律师"),
    ({"hardship": Hardship.NONE, "documents": [Document.ID, Document.DISPUTE]}, "经济状况不在其中"),
    ({"hardship": Hardship.MIGRANT_PAY_INJURY, "dispute_type": DisputeType.CONTRACT}, "只适用于讨要劳动报酬或工伤赔偿"),
    ({"documents": [Document.ID, Document.DISPUTE]}, "经济困难证明"),
    ({"stage": Stage.ARBITRATION}, "受理通知书"),
])
def test_ineligible_applicant_is_told_why_and_offered_legal_consultation(client, change, why):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    response = client.post(reverse("cases:legal_aid"), aid_post(**change))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="not-eligible"' in page
    assert "暂不符合工会法律援助条件" in page and why in page
    assert f'href="{reverse("cases:legal_consultation")}"' in page.split('id="not-eligible"')[1].split("</div>")[0]
    assert not Case.objects.exists() and not LegalAidApplication.objects.exists()


def test_refused_applicant_switches_to_consultation_keeping_what_they_wrote(client):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    page = client.post(reverse("cases:legal_aid"), aid_post(has_lawyer="1", place="科技园")).content.decode()
    assert 'name="prefill"' in page
    page = client.post(reverse("cases:legal_consultation"), {
        "prefill": "1", "description": "公司拖欠我三个月加班费，想请工会律师代理仲裁。", "dispute_type": "wages",
        "place": "科技园",
    }).content.decode()
    assert "公司拖欠我三个月加班费" in page and 'value="科技园"' in page
    assert 'value="wages" selected' in page
    assert not Case.objects.exists()  # nothing is submitted until the worker sends the form


def test_migrant_worker_claiming_pay_needs_no_hardship_proof():
    assert legal_aid_check(answers(hardship=Hardship.MIGRANT_PAY_INJURY, documents=[Document.ID, Document.DISPUTE])) == []
    assert legal_aid_check(answers(hardship=Hardship.MIGRANT_PAY_INJURY, dispute_type=DisputeType.WORK_INJURY,
                                   documents=[Document.ID, Document.DISPUTE])) == []


def test_serious_violation_without_hardship_may_apply_and_is_left_to_the_staff():
    assert legal_aid_check(answers(hardship=Hardship.SERIOUS, documents=[Document.ID, Document.DISPUTE])) == []


def test_service_refuses_an_ineligible_application_even_without_the_form():
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    with pytest.raises(legal_services.LegalAidNotEligible) as refused:
        legal_services.legal_aid_apply(
            user=member.person.user, description="邻居借钱不还，想请律师。", dispute_type=DisputeType.NOT_LABOUR,
            hardship=Hardship.HARDSHIP, household_income_yuan=800, stage=Stage.NOT_STARTED, has_lawyer=False,
            documents=[Document.ID, Document.HARDSHIP_PROOF, Document.DISPUTE], declared=True,
        )
    assert refused.value.code == "legal_aid_not_eligible" and len(refused.value.reasons) == 1
    assert "法律咨询" in str(refused.value.message)
    assert not Case.objects.exists()


def test_hardship_claim_needs_the_household_income_and_a_true_declaration(client):
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    page = client.post(reverse("cases:legal_aid"), aid_post(household_income="")).content.decode()
    assert "请填写家庭人均月收入" in page
    data = aid_post()
    del data["declared"]
    assert "请确认所填情况属实" in client.post(reverse("cases:legal_aid"), data).content.decode()
    assert not Case.objects.exists()


def test_a_worker_the_union_does_not_know_must_say_where_so_nothing_lands_at_the_root(client):
    tree = Tree()
    client.force_login(make_worker_user())
    data = {"description": "试用期被辞退，单位不给补偿，合法吗？"}
    page = client.post(reverse("cases:legal_consultation"), data).content.decode()
    assert "请选择您所在的地区" in page and not Case.objects.exists()
    client.post(reverse("cases:legal_consultation"), {**data, "region": "440305"})
    assert Case.objects.get().union == tree.county_a
    page = client.post(reverse("cases:legal_aid"), aid_post()).content.decode()
    assert "请选择您所在的地区" in page and Case.objects.count() == 1


def test_bad_choices_are_a_clear_error_not_a_500(client):
    client.force_login(make_worker_user())
    response = client.post(reverse("cases:legal_aid"), aid_post(hardship="rich", stage="x", dispute_type="y"))
    assert response.status_code == 200 and not Case.objects.exists()
    with pytest.raises(ValidationFailed):
        legal_services.legal_aid_apply(
            user=make_worker_user(), description="公司拖欠工资两个月。", dispute_type=DisputeType.WAGES,
            hardship="rich", stage=Stage.NOT_STARTED, has_lawyer=False, documents=[], declared=True,
        )


# --- the directory of legal-aid stations and lawyers ------------------------------------------


def _entry(union: Any, name: str, *, kind: str = Lawyer.Kind.STATION, public: bool = True, region: str | None = None,
           by: Any = None) -> Lawyer:
    return legal_services.lawyer_create(
        union=union, name=name, kind=kind, by=by, is_public=public, public_phone="0755-12351000",
        address="南山大道 1 号", hours="工作日 9:00-17:00",
        service_region=Region.objects.get(code=region) if region else None,
    )


def test_directory_lists_the_public_stations_and_lawyers_of_the_workers_area_nearest_first(client):
    tree = Tree()
    admin = make_staff(union=tree.province, role="admin")
    _entry(tree.province, "省职工法律援助中心", by=admin)
    _entry(tree.city_a, "甲市职工法律援助站", by=admin)
    _entry(tree.county_a, "甲区职工法律援助工作站", by=admin)
    _entry(tree.county_a, "张律师", kind=Lawyer.Kind.LAWYER, by=admin)
    _entry(tree.county_a, "内部名册律师", kind=Lawyer.Kind.LAWYER, public=False, by=admin)
    _entry(tree.city_b, "乙市职工法律援助站", by=admin)
    member = make_member(union=tree.grassroots_a)
    client.force_login(member.person.user)
    page = client.get(reverse("cases:legal_directory")).content.decode()
    listed = page.split('id="directory"')[1]
    names = ["甲区职工法律援助工作站", "张律师", "甲市职工法律援助站", "省职工法律援助中心"]
    assert all(n in listed for n in names)
    assert [listed.index(n) for n in names] == sorted(listed.index(n) for n in names)
    assert "内部名册律师" not in page and "乙市职工法律援助站" not in page
    assert "0755-12351000" in listed and "工作日 9:00-17:00" in listed


def test_directory_is_public_and_a_visitor_picks_the_area(client):
    tree = Tree()
    admin = make_staff(union=tree.province, role="admin")
    _entry(tree.city_b, "乙市职工法律援助站", by=admin)
    page = client.get(reverse("cases:legal_directory")).content.decode()
    assert "请选择您所在的地区" in page and "乙市职工法律援助站" not in page
    page = client.get(reverse("cases:legal_directory") + "?province=440000&city=440100&region=440103").content.decode()
    assert "乙市职工法律援助站" in page
    page = client.get(reverse("cases:legal_directory") + "?region=999999").content.decode()
    assert "请选择您所在的地区" in page


def test_a_station_with_a_service_area_serves_that_area():
    tree = Tree()
    admin = make_staff(union=tree.province, role="admin")
    from gonghui.cases.selectors import legal_directory

    _entry(tree.province, "省总驻南山法律援助站", region="440305", by=admin)
    assert [e.name for e in legal_directory(region=Region.objects.get(code="440305"))] == ["省总驻南山法律援助站"]
    assert legal_directory(region=Region.objects.get(code="440103")) == []


def test_public_entry_needs_a_way_to_reach_it_and_only_the_branch_may_publish_it(client):
    tree = Tree()
    with pytest.raises(ValidationFailed):
        legal_services.lawyer_create(union=tree.city_a, name="李律师", by=tree.staff_a, is_public=True)
    lawyer = legal_services.lawyer_create(union=tree.city_a, name="李律师", by=tree.staff_a, public_phone="0755-1")
    with pytest.raises(NotFound):
        legal_services.lawyer_publish(lawyer=lawyer, is_public=True, by=tree.staff_b)
    client.force_login(tree.staff_b)
    assert client.post(reverse("console:cases:lawyer_publish", args=[lawyer.pk]), {"public": "1"}).status_code == 404
    client.force_login(tree.staff_a)
    client.post(reverse("console:cases:lawyer_publish", args=[lawyer.pk]), {"public": "1"})
    lawyer.refresh_from_db()
    assert lawyer.is_public


def test_staff_add_a_public_station_with_its_service_area_on_the_roster_page(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    response = client.post(reverse("console:cases:lawyers"), {
        "name": "甲市职工法律援助站", "kind": Lawyer.Kind.STATION, "union": tree.city_a.pk, "is_public": "on",
        "service_region": "440305", "address": "南山大道 1 号", "hours": "工作日 9:00-17:00", "public_phone": "12351",
    })
    assert response.status_code == 302
    station = Lawyer.objects.get()
    assert station.is_public and station.service_region_id == "440305" and station.kind == Lawyer.Kind.STATION
    page = client.post(reverse("console:cases:lawyers"), {
        "name": "乙站", "kind": Lawyer.Kind.STATION, "union": tree.city_a.pk, "service_region": "12",
    }).content.decode()
    assert "服务地区代码无效" in page


def test_demo_scenario_of_the_issue_shenzhen_member_and_applicant_reach_their_unions_not_the_root(client):
    """As reported: no region given, the application was with a 深圳 union; 深圳 and 南山 staff
    could not see the request. Now it lands with their union; 成都 staff get 404."""
    from django.core.management import call_command

    from gonghui.accounts.models import User
    from gonghui.members.models import Person

    call_command("seed_demo")
    member = Person.objects.get(name="林晓燕").user  # member of 深圳鹏城智能科技有限公司工会 (南山)
    applicant = Person.objects.get(name="孙丽娟").user  # application pending with 福田万家商贸有限公司工会
    for worker, union_name, viewers in (
        (member, "深圳鹏城智能科技有限公司工会", ("pengcheng", "nanshan", "shenzhen")),
        (applicant, "福田万家商贸有限公司工会", ("shenzhen",)),
    ):
        client.force_login(worker)
        client.post(reverse("cases:legal_aid"), aid_post())
        case = Case.objects.filter(reporter_user=worker).latest("pk")
        assert case.union.name == union_name
        for username in viewers:
            client.force_login(User.objects.get(username=username))
            assert client.get(reverse("console:cases:detail", args=[case.pk])).status_code == 200
        client.force_login(User.objects.get(username="chengdu"))
        assert client.get(reverse("console:cases:detail", args=[case.pk])).status_code == 404
