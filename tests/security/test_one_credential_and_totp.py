"""A request is authenticated by exactly one method, and staff TOTP guards every path.

The probe behind issue 9 got 200 from the API with a password-only staff session plus
`Authorization: Bearer junk`: the TOTP middleware skipped any bearer request and the API
fell back from the unknown token to the session. These tests walk every URL the project
routes, so a module added later is covered without touching them.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services
from tests.factories import Tree, make_member, make_staff
from tests.security.urlwalk import all_paths

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"  # noqa: S105 - the factories' test password


def _password_only_staff_client(settings) -> tuple[Client, Tree]:
    """A staff member who typed the password and stopped at the TOTP step."""
    settings.STAFF_REQUIRE_TOTP = True
    tree = Tree()
    client = Client()
    response = client.post(reverse("accounts:staff_login"), {"username": tree.staff_a.username, "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:totp_setup"))
    return client, tree


# What a staff member may reach before the TOTP step; everything else is guarded. The probes
# and the public nearby search show nothing a signed-out visitor does not see.
SIGN_IN_STEPS = (
    "accounts:worker_login", "accounts:staff_login", "accounts:totp_setup", "accounts:totp_verify",
    "accounts:logout", "admin:logout", "set_language", "healthz", "livez", "stations_nearby_api",
)


def _guarded_paths() -> list[str]:
    exempt = {reverse(name) for name in SIGN_IN_STEPS}
    paths = [p for p in all_paths() if p not in exempt and not p.startswith("/static/")]
    # Uploaded files: whatever serves them must sit behind the same step.
    return [*paths, "/media/cases/x.png"]


def _is_totp_answer(response, path: str) -> bool:
    if path.startswith("/api/"):
        return response.status_code == 403 and response.json().get("code") == "totp_required"
    return response.status_code == 302 and "/accounts/totp/" in response["Location"]


def test_the_url_walk_sees_pages_api_exports_and_downloads():
    paths = all_paths()
    assert len(paths) > 80
    assert any(p.startswith("/api/v1/members/people") for p in paths)
    assert any(p.endswith(".xlsx") for p in paths)
    assert any("/files/" in p for p in paths)
    assert any(p.startswith("/admin/") for p in paths)


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_totp_reach_no_path_but_the_sign_in_steps(client, settings, method):
    staff, _tree = _password_only_staff_client(settings)
    leaks = []
    for path in _guarded_paths():
        response = getattr(staff, method)(path)
        if not _is_totp_answer(response, path):
            leaks.append((path, response.status_code))
    assert leaks == []


def test_a_bearer_header_never_lets_a_password_only_session_through(settings):
    staff, _tree = _password_only_staff_client(settings)
    anonymous = Client()
    leaks = []
    for path in _guarded_paths():
        if path.startswith("/api/"):
            expected = anonymous.get(path).status_code
        for header in ("Bearer junk", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Token abc"):
            response = staff.get(path, HTTP_AUTHORIZATION=header)
            if not path.startswith("/api/"):
                ok = _is_totp_answer(response, path)  # pages ignore the header: session + TOTP
            elif expected == 401:
                # The header is the credential and it is wrong: 401, never the session.
                ok = response.status_code == 401 and response.json()["code"] == "unauthenticated"
            else:
                ok = response.status_code == expected  # a public operation: as if anonymous
            if not ok:
                leaks.append((path, header, response.status_code))
    assert leaks == []


def test_unknown_token_is_401_even_with_a_valid_session_of_a_verified_user(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    assert client.get("/api/v1/members/people").status_code == 200
    for header in ("Bearer junk", "Bearer", "Basic abc"):
        response = client.get("/api/v1/members/people", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["code"] == "unauthenticated"


def test_revoked_token_with_a_session_is_401(client):
    tree = Tree()
    token, key = services.api_token_create(user=tree.staff_a, name="合作方")
    services.api_token_revoke(token=token, actor=tree.staff_a)
    client.force_login(tree.staff_a)
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_expired_token_is_401_and_never_falls_back_to_the_session(client):
    import datetime as dt

    from django.utils import timezone

    tree = Tree()
    token, key = services.api_token_create(
        user=tree.staff_a, name="短期对接", expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client.force_login(tree.staff_a)
    response = client.get("/api/v1/members/people", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_valid_token_acts_as_its_own_user_not_the_session(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    tree = Tree()
    _token, key = services.api_token_create(user=tree.staff_b, name="合作方")
    client.force_login(tree.staff_a)  # password-only session of someone else
    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["username"] == tree.staff_b.username
    # Without the header the same session is still stopped at the TOTP step.
    assert client.get("/api/v1/accounts/me").json()["code"] == "totp_required"


def test_staff_without_totp_cannot_download_a_case_attachment_or_export(client, settings):
    staff, tree = _password_only_staff_client(settings)
    make_member(union=tree.grassroots_a)
    for name in ("console:stations:export", "console:members:roster_template"):
        response = staff.get(reverse(name))
        assert _is_totp_answer(response, reverse(name)), name


def test_workers_session_is_untouched_by_the_totp_rule(client, settings):
    settings.STAFF_REQUIRE_TOTP = True
    member = make_member(union=Tree().grassroots_a)
    client.force_login(member.person.user)
    assert client.get("/api/v1/accounts/me").status_code == 200
    assert client.get(reverse("web:me")).status_code == 200


def test_totp_step_pages_stay_reachable(settings):
    staff, _tree = _password_only_staff_client(settings)
    assert staff.get(reverse("accounts:totp_setup")).status_code == 200
    assert staff.post(reverse("accounts:logout")).status_code == 302


def test_staff_user_without_grants_but_is_staff_flag_is_also_guarded(settings):
    settings.STAFF_REQUIRE_TOTP = True
    user = make_staff(union=None)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    assert _is_totp_answer(client.get("/api/v1/accounts/me"), "/api/v1/accounts/me")
