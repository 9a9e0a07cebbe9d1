"""Sign-in and sign-out. Names are a contract: other apps link to them.

accounts:worker_login  phone + SMS code (workers)
accounts:staff_login   username + password, then TOTP (staff)
accounts:totp_setup    bind an authenticator app
accounts:totp_verify   enter the 6-digit code
accounts:logout        POST only
"""

from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"
urlpatterns = [
    path("login/", TemplateView.as_view(template_name="web/pages/home.html"), name="worker_login"),
    path("staff-login/", TemplateView.as_view(template_name="web/pages/home.html"), name="staff_login"),
    path("totp/setup/", TemplateView.as_view(template_name="web/pages/home.html"), name="totp_setup"),
    path("totp/verify/", TemplateView.as_view(template_name="web/pages/home.html"), name="totp_verify"),
    path("logout/", LogoutView.as_view(next_page="/"), name="logout"),
]
