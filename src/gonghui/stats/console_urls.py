from django.urls import path

from . import console_views as views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export, name="export"),
    path("figures/", views.figure_list, name="figures"),
    path("report/", views.report, name="report"),
]
