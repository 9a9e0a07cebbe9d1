"""Staff pages of the stations module, at /console/stations/ (names: console:stations:…)."""

from django.urls import path

from . import console_views as views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("new/", views.station_create, name="create"),
    path("export.xlsx", views.station_export, name="export"),
    path("import/", views.station_import, name="import"),
    path("star/", views.star_application_list, name="star_list"),
    path("star/<int:application_id>/", views.star_assess, name="star_assess"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:report_id>/resolve/", views.report_resolve, name="report_resolve"),
    path("<int:station_id>/", views.station_detail, name="detail"),
    path("<int:station_id>/edit/", views.station_edit, name="edit"),
    path("<int:station_id>/qr.svg", views.station_qr, name="qr"),
    path("<int:station_id>/poster/", views.station_qr_poster, name="qr_poster"),
    path("<int:station_id>/qr/rotate/", views.station_qr_rotate, name="qr_rotate"),
    path("<int:station_id>/services/", views.service_add, name="service_add"),
    path("<int:station_id>/photos/", views.photo_add, name="photo_add"),
    path("<int:station_id>/honours/", views.honour_add, name="honour_add"),
    path("<int:station_id>/star/apply/", views.star_apply, name="star_apply"),
    path("<int:station_id>/review/clear/", views.review_clear, name="review_clear"),
]
