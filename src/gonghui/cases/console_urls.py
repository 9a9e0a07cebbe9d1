"""Staff pages of the cases module, at /console/cases/ (names: console:cases:…)."""

from django.urls import path

from . import console_views as views
from .console_views import legal

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("notifications/", views.notifications, name="notifications"),
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/caller/", views.hotline_caller, name="hotline_caller"),
    path("hotline/check/", views.hotline_check, name="hotline_check"),
    path("unions/", views.union_search, name="union_search"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("lawyers/", legal.lawyer_list, name="lawyers"),
    path("lawyers/<int:pk>/publish/", legal.lawyer_publish, name="lawyer_publish"),
    path("letters/", legal.letter_list, name="letters"),
    path("letters/<int:pk>/", legal.letter_detail, name="letter"),
    path("letters/<int:pk>/pdf/", legal.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/<str:action>/", legal.letter_action, name="letter_action"),
    path("<int:pk>/legal/<str:action>/", legal.case_legal_action, name="legal_action"),
    path("<int:pk>/letter/", legal.letter_new, name="letter_new"),
    path("<int:pk>/<str:action>/", views.case_action, name="action"),
]
