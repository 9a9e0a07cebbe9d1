import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.members import services as member_services
from gonghui.members.models import MemberCard, MembershipApplication, MembershipTransfer
from gonghui.orgs.models import Union
from tests.factories import Tree, make_employer, make_id_number, make_union, make_worker_user

pytestmark = pytest.mark.django_db

JOIN = "/members/join/"


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def worker(client):
    user = make_worker_user(phone="13800001111")
    client.force_login(user)
    return user


def _join_data(**over):
    data = {
        "name": "王小明", "id_number": make_id_number(), "phone": "13800001111",
        "employment_form": "standard", "new_form_kind": "", "action": "submit",
    }
    data.update(over)
    return data


def test_pages_need_sign_in(client):
    for url in (JOIN, "/me/", "/members/card/", "/members/transfer/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:worker_login"))


def test_home_invites_sign_in_and_offers_the_nearest_station_and_all_services(client):
    body = client.get("/").content.decode()
    for text in ("手机号登录", "附近驿站", 'href="/stations/"', 'href="/services/"'):
        assert text in body


def test_services_page_lists_every_modules_services(client):
    body = client.get("/services/").content.decode()
    for text in ("申请入会", "电子会员卡", "我要反映（12351）", "法律援助", "附近驿站",
                 'href="/members/join/"', 'href="/cases/legal/aid/"', 'href="/stations/"'):
        assert text in body


def test_join_form_prefills_phone_from_login(client, worker):
    body = client.get(JOIN).content.decode()
    assert 'value="13800001111"' in body


def test_employer_search_as_you_type_by_name_initials_and_uscc(client, worker, tree):
    employer = tree.grassroots_a.employer
    for q in (employer.name[:4], employer.uscc):
        fragment = client.get("/members/join/employers/", {"employer_q": q}, HTTP_HX_REQUEST="true").content.decode()
        assert employer.name in fragment and "<html" not in fragment
        assert f'value="{employer.pk}"' in fragment


def test_no_js_search_button_rerenders_form_with_results(client, worker, tree):
    employer = tree.grassroots_a.employer
    response = client.post(JOIN, _join_data(action="search", employer_q=employer.uscc))
    assert response.status_code == 200
    assert f'value="{employer.pk}"' in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_worker_applies_through_employer_union_and_sees_status(client, worker, tree):
    employer = tree.grassroots_a.employer
    response = client.post(JOIN, _join_data(employer=employer.pk, is_migrant_worker="on"))
    assert response.status_code == 302 and response["Location"] == "/me/"
    application = MembershipApplication.objects.get()
    assert application.union == tree.grassroots_a and application.is_migrant_worker
    person = application.person
    assert person.user == worker and person.gender in {"M", "F"} and person.birth_date.year == 1990
    me = client.get("/me/").content.decode()
    assert tree.grassroots_a.name in me and "待审核" in me and "撤回申请" in me


def test_new_form_worker_applies_to_city_federation(client, worker, tree):
    federation = make_union(name="测试市新业态工会联合会", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_a, region="440300")
    listing = client.get("/members/join/federations/", {"fed_q": "新业态"}).content.decode()
    assert federation.name in listing
    response = client.post(JOIN, _join_data(employment_form="new_form", new_form_kind="rider", union=federation.pk))
    assert response.status_code == 302
    application = MembershipApplication.objects.get()
    assert application.union == federation and application.new_form_kind == "rider"


def test_new_form_worker_without_kind_gets_clear_error(client, worker, tree):
    federation = make_union(kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_a, region="440300")
    response = client.post(JOIN, _join_data(employment_form="new_form", union=federation.pk))
    assert response.status_code == 200 and "请选择新就业形态类别" in response.content.decode()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"id_number": "BAD_CHECKSUM"}, "身份证号校验位不正确"),
        ({"id_number": "12345"}, "身份证号应为18位"),
        ({"name": "<script>alert(1)</script>"}, "姓名含有不允许的字符"),
        ({"employer": "999999"}, "未找到该单位"),
        ({"employer": "abc"}, ""),
        ({"union": "999999"}, "未找到该工会"),
        ({"employer": ""}, "请选择工作单位或工会联合会"),
        ({"phone": "123"}, "请输入11位中国大陆手机号"),
        ({"employment_form": "bogus"}, ""),
    ],
)
def test_bad_input_shows_clear_error_and_stores_nothing(client, worker, tree, override, message):
    if override.get("id_number") == "BAD_CHECKSUM":
        good = make_id_number()
        override = {"id_number": good[:-1] + ("1" if good[-1] != "1" else "2")}
    response = client.post(JOIN, _join_data(**{"employer": tree.grassroots_a.employer.pk, **override}))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'class="errorlist' in body
    assert "<script>alert(1)</script>" not in body
    assert not MembershipApplication.objects.exists()


def test_employer_without_union_is_explained(client, worker):
    employer = make_employer(name="无工会测试有限公司")
    response = client.post(JOIN, _join_data(employer=employer.pk))
    assert response.status_code == 200 and "该单位尚未建立工会" in response.content.decode()
    search = client.get("/members/join/employers/", {"employer_q": "无工会测试"}).content.decode()
    assert "尚未建立工会" in search


def test_second_application_while_one_is_pending_is_refused(client, worker, tree):
    employer = tree.grassroots_a.employer
    client.post(JOIN, _join_data(employer=employer.pk))
    again = client.post(JOIN, _join_data(employer=employer.pk, id_number=MembershipApplication.objects.get().person.id_number))
    assert again.status_code == 200 and "待审核的入会申请" in again.content.decode()


def test_withdraw_and_rejection_reason_are_shown(client, worker, tree):
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk))
    application = MembershipApplication.objects.get()
    response = client.post(f"/members/applications/{application.pk}/withdraw/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk, id_number=application.person.id_number, name="王小明"))
    second = MembershipApplication.objects.get(status="submitted")
    member_services.membership_application_reject(application=second, actor=tree.staff_a, reason="请提供劳动合同")
    me = client.get("/me/").content.decode()
    assert "未通过" in me and "请提供劳动合同" in me


def test_cannot_withdraw_someone_elses_application(client, tree):
    owner = make_worker_user()
    client.force_login(owner)
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk, phone=owner.phone))
    application = MembershipApplication.objects.get()
    client.force_login(make_worker_user())
    response = client.post(f"/members/applications/{application.pk}/withdraw/", follow=True)
    assert response.status_code == 200 and "未找到" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_approved_member_sees_card_with_qr_code(client, worker, tree):
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk))
    membership = member_services.membership_application_approve(application=MembershipApplication.objects.get(), actor=tree.staff_a)
    response = client.get("/members/card/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and membership.number in body and "王小明" in body and tree.grassroots_a.name in body
    card = MemberCard.objects.get(membership=membership)
    assert timezone.localtime(card.expires_at).strftime("%Y-%m-%d") in body
    assert membership.person.id_number not in body and "13800001111" not in body
    # Members go to their card instead of the join form.
    assert client.get(JOIN)["Location"] == "/members/card/"


def test_card_page_without_membership_points_to_join(client, worker):
    body = client.get("/members/card/").content.decode()
    assert "申请入会" in body and 'class="qr' not in body


def test_member_requests_transfer_to_new_employer_union_and_can_cancel(client, worker, tree):
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk))
    member_services.membership_application_approve(application=MembershipApplication.objects.get(), actor=tree.staff_a)
    target = tree.grassroots_b.employer
    page = client.get("/members/transfer/")
    assert page.status_code == 200
    response = client.post("/members/transfer/", {"employer": target.pk, "reason": "换工作", "action": "submit"})
    assert response.status_code == 302
    transfer = MembershipTransfer.objects.get()
    assert transfer.to_union == tree.grassroots_b and transfer.status == "requested"
    me = client.get("/me/").content.decode()
    assert tree.grassroots_b.name in me and "待转出" in me
    client.post(f"/members/transfers/{transfer.pk}/cancel/")
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"


def test_transfer_to_employer_without_union_or_same_union_is_explained(client, worker, tree):
    client.post(JOIN, _join_data(employer=tree.grassroots_a.employer.pk))
    member_services.membership_application_approve(application=MembershipApplication.objects.get(), actor=tree.staff_a)
    no_union = make_employer()
    response = client.post("/members/transfer/", {"employer": no_union.pk, "action": "submit"})
    assert response.status_code == 200 and "新单位尚未建立工会" in response.content.decode()
    same = client.post("/members/transfer/", {"employer": tree.grassroots_a.employer.pk, "action": "submit"})
    assert same.status_code == 200 and "转入工会与现工会相同" in same.content.decode()
    assert not MembershipTransfer.objects.exists()


def test_federations_of_the_employers_city_are_suggested_first(client, worker, tree):
    local = make_union(name="本市新业态工会联合会", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_a, region="440300")
    make_union(name="外地新业态工会联合会", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.city_b, region="440100")
    platform = make_employer(name="同城配送平台有限公司", region="440305", is_platform=True)
    response = client.post(JOIN, _join_data(action="search", employment_form="new_form", employer=platform.pk))
    federations = [u.pk for u in response.context["federations"]]
    assert federations == [local.pk]
    by_code = client.get("/members/join/federations/", {"fed_q": "440305"}).content.decode()
    assert local.name in by_code and "外地新业态工会联合会" not in by_code
