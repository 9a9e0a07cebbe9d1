"""Worker pages of the stations module, at /stations/ (names: stations:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("", views.nearby, name="nearby"),
    path("<int:station_id>/", views.detail, name="detail"),
    path("<int:station_id>/rate/", views.rate, name="rate"),
    path("<int:station_id>/report/", views.report, name="report"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
]
