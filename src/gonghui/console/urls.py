"""The console at /console/: its overview and notices, then every module's staff pages at
/console/<module>/ (namespace `console:<module>`), taken from the modules' declarations."""

from django.urls import include, path

from gonghui.core.modules import modules

from . import views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
] + [path(f"{module.name}/", include(module.console_urls)) for module in modules() if module.console_urls]
