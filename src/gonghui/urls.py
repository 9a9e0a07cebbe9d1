from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gonghui.api import api
from gonghui.core.views import healthz, livez
from gonghui.stations.api import station_nearby_view

admin.site.site_header = _("职工之家 · 系统管理")
admin.site.site_title = _("职工之家")
admin.site.index_title = _("系统管理")

# A database outage answers 503 (problem JSON on the API, a plain page elsewhere), not 500.
handler500 = "gonghui.core.views.server_error"

urlpatterns = [
    # The hottest read, routed first and outside Ninja's dispatch (docs/stations.md).
    path("api/v1/stations/nearby", station_nearby_view, name="stations_nearby_api"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("console/roster/", include("gonghui.members.urls")),
    path("console/", include("gonghui.console.urls")),
    path("cases/", include("gonghui.cases.urls")),
    path("stations/", include("gonghui.stations.urls")),
    path("", include("gonghui.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
