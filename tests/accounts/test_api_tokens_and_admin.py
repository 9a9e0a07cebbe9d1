import pytest
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.auth import api_token_create as api_token_create_from_auth
from gonghui.accounts.models import ApiToken, RoleGrant, SmsCode, User
from gonghui.core.models import AuditEvent
from tests.factories import Tree, make_staff, make_worker_user

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def test_auth_module_still_exports_token_creation():
    assert api_token_create_from_auth is services.api_token_create


def test_bearer_token_authenticates_and_revoked_token_gets_401_problem(client):
    partner = make_staff(union=None)
    token, key = services.api_token_create(user=partner, name="平台公司对接")
    assert token.key_hash != key and key.startswith(token.prefix)
    ok = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200 and ok.json()["username"] == partner.username
    services.api_token_revoke(token=token, actor=partner)
    denied = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert denied.status_code == 401
    assert denied["Content-Type"] == "application/problem+json"
    assert denied.json()["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_unknown_token_and_anonymous_get_401(client):
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer gh_nonsense").status_code == 401
    assert client.get(ME).status_code == 401


def test_sms_api_signs_in_with_a_session(client, settings):
    settings.DEMO_MODE = True
    sent = client.post("/api/v1/accounts/sms-codes", {"phone": "13512345678"}, content_type="application/json")
    assert sent.status_code == 202
    code = sent.json()["demo_code"]
    wrong = client.post("/api/v1/accounts/sms-login", {"phone": "13512345678", "code": "abcdef"}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["code"] == "sms_code_format"
    login = client.post("/api/v1/accounts/sms-login", {"phone": "13512345678", "code": code}, content_type="application/json")
    assert login.status_code == 200 and login.json()["phone_masked"] == "135****5678"
    me = client.get(ME).json()
    assert me["phone_masked"] == "135****5678" and "13512345678" not in me["username"]


def test_sms_api_hides_code_outside_demo_mode_and_reports_rate_limit(client, settings):
    settings.DEMO_MODE = False
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    first = client.post("/api/v1/accounts/sms-codes", {"phone": "13512345678"}, content_type="application/json")
    assert first.json()["demo_code"] is None
    second = client.post("/api/v1/accounts/sms-codes", {"phone": "13512345678"}, content_type="application/json")
    assert second.status_code == 429 and second.json()["code"] == "sms_too_frequent"
    bad = client.post("/api/v1/accounts/sms-codes", {"phone": "not a phone"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "phone_invalid"


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser(username="root-admin", password="pw-for-tests-123")
    client.force_login(root)
    client.root = root
    return client


def test_admin_creates_token_and_shows_key_once(admin_client):
    partner = make_staff(union=None)
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"user": partner.pk, "name": "外卖平台"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="外卖平台")
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if "gh_" in m).split("：")[-1].strip()
    assert services.token_hash(key) == token.key_hash
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert key not in detail.content.decode()


def test_admin_revoke_action_calls_service(admin_client):
    token, _ = services.api_token_create(user=make_staff(union=None), name="x")
    admin_client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_pages_load_and_mask_phones(admin_client):
    tree = Tree()
    worker = make_worker_user(phone="13912340000")
    services.sms_code_send(phone="13912340000")
    for name in ("accounts_user", "accounts_rolegrant", "accounts_smscode", "accounts_apitoken"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    users = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert '<td class="field-phone_display">139****0000</td>' in users
    found = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "13912340000"})
    assert worker.username in found.content.decode()
    change = admin_client.get(reverse("admin:accounts_user_change", args=[tree.staff_a.pk]))
    assert change.status_code == 200
    assert admin_client.get(reverse("admin:accounts_smscode_change", args=[SmsCode.objects.get().pk])).status_code == 200


def test_admin_grant_goes_through_service_and_is_audited(admin_client):
    tree = Tree()
    staff = make_staff(union=None)
    response = admin_client.post(
        reverse("admin:accounts_rolegrant_add"), {"user": staff.pk, "union": tree.city_b.pk, "role": "viewer"}
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=staff)
    assert grant.granted_by == admin_client.root
    assert AuditEvent.objects.filter(action="role_grant.create", target_id=str(grant.pk)).exists()


def test_admin_totp_reset_action(admin_client):
    staff = make_staff(union=None)
    staff.totp_secret = "JBSWY3DPEHPK3PXP"
    staff.totp_confirmed = True
    staff.save()
    admin_client.post(reverse("admin:accounts_user_changelist"), {"action": "reset_totp", "_selected_action": [staff.pk]})
    staff.refresh_from_db()
    assert not staff.totp_confirmed and staff.totp_secret == ""


def test_admin_adds_staff_user(admin_client):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "new-staff", "full_name": "新同事", "password1": "a-Long-pass-2025!", "password2": "a-Long-pass-2025!",
        "usable_password": "true",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="new-staff").check_password("a-Long-pass-2025!")


def test_admin_edits_user_without_touching_phone(admin_client):
    worker = make_worker_user(phone="13912345670")
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    response = admin_client.post(url, {
        "username": worker.username, "full_name": "改名后", "email": "", "is_active": "on",
        "date_joined_0": "2025-01-01", "date_joined_1": "08:00:00",
        "grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0", "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    worker.refresh_from_db()
    assert worker.full_name == "改名后" and worker.phone == "13912345670"
