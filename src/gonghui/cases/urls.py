"""Case pages. Worker pages at /cases/…, staff console pages at /cases/console/…"""

from django.urls import path

from . import console_views, legal_views, views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("new/", views.case_report, name="report"),
    path("notifications/", views.notifications, name="notifications"),
    path("employers/", views.employer_search, name="employer_search"),
    path("regions/", views.region_options, name="region_options"),
    path("suggest/", views.category_suggestion, name="suggest"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/message/", views.case_message, name="message"),
    path("<int:pk>/rate/", views.case_rate, name="rate"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("console/", console_views.queue, name="console_queue"),
    path("console/notifications/", console_views.notifications, name="console_notifications"),
    path("console/notifications/read/", console_views.notifications_read, name="console_notifications_read"),
    path("console/hotline/", console_views.hotline, name="console_hotline"),
    path("console/hotline/caller/", console_views.hotline_caller, name="console_hotline_caller"),
    path("console/hotline/check/", console_views.hotline_check, name="console_hotline_check"),
    path("console/unions/", console_views.union_search, name="console_union_search"),
    path("console/stats/", console_views.stats, name="console_stats"),
    path("console/<int:pk>/", console_views.case_detail, name="console_detail"),
    path("console/<int:pk>/files/<int:attachment_id>/", console_views.attachment_download, name="console_attachment"),
    path("console/lawyers/", legal_views.lawyer_list, name="console_lawyers"),
    path("console/letters/", legal_views.letter_list, name="console_letters"),
    path("console/letters/<int:pk>/", legal_views.letter_detail, name="console_letter"),
    path("console/letters/<int:pk>/pdf/", legal_views.letter_pdf, name="console_letter_pdf"),
    path("console/letters/<int:pk>/<str:action>/", legal_views.letter_action, name="console_letter_action"),
    path("console/<int:pk>/legal/<str:action>/", legal_views.case_legal_action, name="console_legal_action"),
    path("console/<int:pk>/letter/", legal_views.letter_new, name="console_letter_new"),
    path("console/<int:pk>/<str:action>/", console_views.case_action, name="console_action"),
]
