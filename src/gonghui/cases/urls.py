"""Worker pages of the cases module, at /cases/ (names: cases:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("new/", views.case_report, name="report"),
    path("legal/consultation/", views.legal_consultation, name="legal_consultation"),
    path("legal/aid/", views.legal_aid, name="legal_aid"),
    path("legal/mediation/", views.legal_mediation, name="legal_mediation"),
    path("legal/stations/", views.legal_directory, name="legal_directory"),
    path("notifications/", views.notifications, name="notifications"),
    path("employers/", views.employer_search, name="employer_search"),
    path("regions/", views.region_options, name="region_options"),
    path("suggest/", views.category_suggestion, name="suggest"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/message/", views.case_message, name="message"),
    path("<int:pk>/rate/", views.case_rate, name="rate"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
