"""Worker pages of the assistance module, at /assistance/ (names: assistance:…)."""

from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("hardship/apply/", views.hardship_apply, name="hardship_apply"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/appeal/", views.hardship_appeal, name="hardship_appeal"),
    path("grants/apply/", views.grant_apply, name="grant_apply"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/review/", views.grant_review, name="grant_review"),
    path("notices/", views.notices, name="notices"),
    path("notices/school/", views.school_results, name="school_results"),
    path("notices/<int:pk>/object/", views.notice_object, name="notice_object"),
    path("notices/hardship/<int:pk>/object/", views.hardship_notice_object, name="hardship_notice_object"),
]
