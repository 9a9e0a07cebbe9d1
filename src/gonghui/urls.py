from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from gonghui.api import api
from gonghui.core.files import protected_file
from gonghui.core.modules import modules
from gonghui.core.views import favicon, healthz, livez, moved
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
    path("favicon.ico", favicon, name="favicon"),
    path("console/", include("gonghui.console.urls")),
    # Uploads: never a static /media/ directory; this view checks access (core/files.py).
    path("files/<path:name>", protected_file, name="protected_file"),
    # Addresses from before the staff pages moved under /console/<module>/ (bookmarks).
    re_path(r"^cases/console/(?P<rest>.*)$", moved, {"to": "/console/cases/"}),
    re_path(r"^stations/console/(?P<rest>.*)$", moved, {"to": "/console/stations/"}),
    re_path(r"^console/roster/(?P<rest>.*)$", moved, {"to": "/console/members/roster/"}),
    re_path(r"^console/(?P<rest>(applications|people|memberships|cards|transfers)/.*)$", moved, {"to": "/console/members/"}),
    re_path(r"^console/(?P<rest>(unions|employers|grants)/.*)$", moved, {"to": "/console/orgs/"}),
    re_path(r"^join/(?P<rest>.*)$", moved, {"to": "/members/join/"}),
    re_path(r"^me/card/$", moved, {"to": "/members/card/"}),
    re_path(r"^me/transfer/$", moved, {"to": "/members/transfer/"}),
]
# Each module's worker pages at /<module>/ (core/modules.py); the app shell at /.
urlpatterns += [path(f"{m.name}/", include(m.worker_urls)) for m in modules() if m.worker_urls]
urlpatterns += [path("", include("gonghui.web.urls"))]
