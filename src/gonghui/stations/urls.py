"""Station pages. Worker pages at /stations/, the staff console at /stations/console/."""

from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("", views.nearby, name="nearby"),
    path("<int:station_id>/", views.detail, name="detail"),
    path("<int:station_id>/rate/", views.rate, name="rate"),
    path("<int:station_id>/report/", views.report, name="report"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("console/", views.console_list, name="console_list"),
    path("console/new/", views.console_create, name="console_create"),
    path("console/export.xlsx", views.console_export, name="console_export"),
    path("console/import/", views.console_import, name="console_import"),
    path("console/star/", views.console_star_list, name="console_star_list"),
    path("console/star/<int:application_id>/", views.console_star_assess, name="console_star_assess"),
    path("console/reports/", views.console_reports, name="console_reports"),
    path("console/reports/<int:report_id>/resolve/", views.console_report_resolve, name="console_report_resolve"),
    path("console/<int:station_id>/", views.console_detail, name="console_detail"),
    path("console/<int:station_id>/edit/", views.console_edit, name="console_edit"),
    path("console/<int:station_id>/qr.svg", views.console_qr, name="console_qr"),
    path("console/<int:station_id>/qr/rotate/", views.console_qr_rotate, name="console_qr_rotate"),
    path("console/<int:station_id>/services/", views.console_service_add, name="console_service_add"),
    path("console/<int:station_id>/photos/", views.console_photo_add, name="console_photo_add"),
    path("console/<int:station_id>/honours/", views.console_honour_add, name="console_honour_add"),
    path("console/<int:station_id>/star/apply/", views.console_star_apply, name="console_star_apply"),
    path("console/<int:station_id>/review/clear/", views.console_review_clear, name="console_review_clear"),
]
