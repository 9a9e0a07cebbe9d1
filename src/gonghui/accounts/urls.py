"""Sign-in and sign-out. Names are a contract: other apps link to them.

accounts:worker_login  phone + SMS code (workers)
accounts:staff_login   username + password, then TOTP (staff)
accounts:totp_setup    bind an authenticator app
accounts:totp_verify   enter the 6-digit code
accounts:logout        POST only
"""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.worker_login, name="worker_login"),
    path("staff-login/", views.staff_login, name="staff_login"),
    path("totp/setup/", views.totp_setup, name="totp_setup"),
    path("totp/verify/", views.totp_verify, name="totp_verify"),
    path("logout/", LogoutView.as_view(next_page="/"), name="logout"),
]
