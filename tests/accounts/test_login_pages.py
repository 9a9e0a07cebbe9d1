import pyotp
import pytest
from django.urls import reverse

from gonghui.accounts.models import User
from tests.factories import Tree, make_staff, make_worker_user

pytestmark = pytest.mark.django_db


PHONE = "13612345678"
LOGIN = "/accounts/login/"


def _demo_code(response) -> str:
    return response.context["demo_code"]


def test_worker_login_in_two_steps_without_javascript(client, settings):
    settings.DEMO_MODE = True
    page = client.get(LOGIN)
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    step2 = client.post(LOGIN, {"step": "phone", "phone": PHONE})
    assert step2.status_code == 200
    body = step2.content.decode()
    assert 'name="code"' in body and "<html" in body
    code = _demo_code(step2)
    assert code in body  # demo mode shows the code it sent
    done = client.post(LOGIN, {"step": "code", "phone": PHONE, "code": code, "next": "/me/"})
    assert done.status_code == 302 and done["Location"] == "/me/"
    assert client.get(reverse("web:home")).context["user"].phone == PHONE


def test_worker_login_with_htmx_returns_fragments_and_hx_redirect(client, settings):
    settings.DEMO_MODE = True
    step2 = client.post(LOGIN, {"step": "phone", "phone": PHONE}, HTTP_HX_REQUEST="true")
    assert "<html" not in step2.content.decode() and 'name="code"' in step2.content.decode()
    done = client.post(LOGIN, {"step": "code", "phone": PHONE, "code": _demo_code(step2)}, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"] == reverse("web:home")


def test_code_is_not_shown_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    step2 = client.post(LOGIN, {"step": "phone", "phone": PHONE})
    assert step2.context["demo_code"] == ""
    assert "演示模式" not in step2.content.decode()


def test_bad_phone_and_wrong_code_show_chinese_errors_not_500(client, settings):
    settings.DEMO_MODE = True
    bad = client.post(LOGIN, {"step": "phone", "phone": "12345"})
    assert bad.status_code == 200 and "请输入11位中国大陆手机号" in bad.content.decode()
    step2 = client.post(LOGIN, {"step": "phone", "phone": PHONE})
    wrong = "000000" if _demo_code(step2) != "000000" else "111111"
    response = client.post(LOGIN, {"step": "code", "phone": PHONE, "code": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    garbage = client.post(LOGIN, {"step": "code", "phone": "<script>", "code": "abc"})
    assert garbage.status_code == 200
    assert not client.session.get("_auth_user_id")


def test_rate_limited_resend_shows_message(client, settings):
    settings.SMS_SEND_INTERVAL_SECONDS = 60
    client.post(LOGIN, {"step": "phone", "phone": PHONE})
    again = client.post(LOGIN, {"step": "phone", "phone": PHONE})
    assert again.status_code == 200 and "验证码发送太频繁" in again.content.decode()


def test_open_redirect_in_next_is_ignored(client, settings):
    settings.DEMO_MODE = True
    step2 = client.post(LOGIN, {"step": "phone", "phone": PHONE})
    done = client.post(LOGIN, {"step": "code", "phone": PHONE, "code": _demo_code(step2), "next": "https://evil.example/"})
    assert done["Location"] == reverse("web:home")


# --- staff ------------------------------------------------------------------------------


def test_staff_login_goes_to_console(client):
    tree = Tree()
    response = client.post(reverse("accounts:staff_login"), {"username": tree.staff_a.username, "password": "pw-for-tests-123"})
    assert response.status_code == 302 and response["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


def test_staff_login_wrong_password_is_a_form_error(client):
    tree = Tree()
    response = client.post(reverse("accounts:staff_login"), {"username": tree.staff_a.username, "password": "nope"})
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


def _totp_now(user: User) -> str:
    user.refresh_from_db()
    return pyotp.TOTP(user.totp_secret).now()


def test_totp_required_staff_must_bind_then_reach_console(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    tree = Tree()
    login = client.post(reverse("accounts:staff_login"), {"username": tree.staff_a.username, "password": "pw-for-tests-123"})
    assert login["Location"].startswith(reverse("accounts:totp_setup"))
    blocked = client.get(reverse("console:home"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("accounts:totp_setup"))
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403 and api.json()["code"] == "totp_required"
    setup = client.get(reverse("accounts:totp_setup"))
    assert "<svg" in setup.content.decode()
    wrong = client.post(reverse("accounts:totp_setup"), {"code": "12345x"})
    assert wrong.status_code == 200 and "动态口令" in wrong.content.decode()
    done = client.post(reverse("accounts:totp_setup") + "?next=/console/", {"code": _totp_now(tree.staff_a)})
    assert done.status_code == 302 and done["Location"] == "/console/"
    assert client.get(reverse("console:home")).status_code == 200
    tree.staff_a.refresh_from_db()
    assert tree.staff_a.totp_confirmed


def test_bound_staff_is_sent_to_verify_and_a_code_works_once(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    tree = Tree()
    user = tree.staff_a
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed = True
    user.save()
    login = client.post(reverse("accounts:staff_login"), {"username": user.username, "password": "pw-for-tests-123"})
    assert login["Location"].startswith(reverse("accounts:totp_verify"))
    assert client.get(reverse("console:home"))["Location"].startswith(reverse("accounts:totp_verify"))
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post(reverse("accounts:totp_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("console:home")).status_code == 200
    # A fresh session cannot replay the same code.
    other = client.__class__()
    other.post(reverse("accounts:staff_login"), {"username": user.username, "password": "pw-for-tests-123"})
    replay = other.post(reverse("accounts:totp_verify"), {"code": code})
    assert replay.status_code == 200 and "已使用" in replay.content.decode()


def test_workers_are_never_asked_for_totp(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    worker = make_worker_user()
    client.force_login(worker)
    assert client.get(reverse("web:me")).status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 200
    # The console refuses a worker outright (no staff role); it never sends them to TOTP.
    response = client.get(reverse("console:home"))
    assert response.status_code == 403
    assert "totp" not in response.get("Location", "")


def test_totp_not_required_when_setting_off(client):
    staff = make_staff(union=Tree().city_a)
    client.force_login(staff)
    assert client.get(reverse("console:home")).status_code == 200


def test_logout_is_post_only_and_clears_session(client):
    client.force_login(make_worker_user())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not client.session.get("_auth_user_id")


def test_module_console_pages_and_admin_logout(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    client.force_login(make_staff(union=Tree().city_a))
    guarded = client.get("/console/cases/")
    assert guarded.status_code == 302 and guarded["Location"].startswith(reverse("accounts:totp_setup"))
    # Every path waits for the TOTP step (worker pages too: the session is a staff one),
    # but leaving through the admin is always possible.
    assert client.get("/")["Location"].startswith(reverse("accounts:totp_setup"))
    assert client.post("/admin/logout/").status_code in {200, 302}
