"""URLconf for the sign-in tests: the real accounts, web, API and admin URLs, and a stand-in
console page, so these tests do not depend on how the console module renders its pages."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from gonghui.api import api


def console_stand_in(request):
    return HttpResponse("console ok")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("console/", include(([path("", console_stand_in, name="home")], "console"))),
    path("", include("gonghui.web.urls")),
]
