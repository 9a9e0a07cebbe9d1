"""Worker pages of the jobs module, at /jobs/ (names: jobs:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:posting_id>/", views.detail, name="detail"),
    path("<int:posting_id>/apply/", views.apply, name="apply"),
    path("profile/", views.profile, name="profile"),
    path("applications/", views.applications, name="applications"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/<int:fair_id>/", views.fair_detail, name="fair"),
    path("fairs/<int:fair_id>/register/", views.fair_register, name="fair_register"),
    path("fairs/<int:fair_id>/apply/<int:posting_id>/", views.fair_apply, name="fair_apply"),
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/new/", views.employer_posting_create, name="employer_posting_create"),
    path("employer/postings/<int:posting_id>/", views.employer_posting, name="employer_posting"),
    path("employer/postings/<int:posting_id>/edit/", views.employer_posting_edit, name="employer_posting_edit"),
    path("training/", views.training_list, name="trainings"),
    path("training/<int:training_order_id>/enrol/", views.training_enrol, name="training_enrol"),
    path("employer/postings/<int:posting_id>/close/", views.employer_posting_close, name="employer_posting_close"),
    path("employer/applications/<int:job_application_id>/move/", views.employer_application_move,
         name="employer_application_move"),
]
