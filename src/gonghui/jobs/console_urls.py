"""Staff pages of the jobs module, at /console/jobs/ (names: console:jobs:…)."""

from django.urls import path

from . import console_views as views

app_name = "jobs"
urlpatterns = [
    path("", views.posting_list, name="postings"),
    path("new/", views.posting_create, name="posting_create"),
    path("<int:posting_id>/", views.posting_detail, name="posting_detail"),
    path("<int:posting_id>/edit/", views.posting_edit, name="posting_edit"),
    path("<int:posting_id>/review/", views.posting_review, name="posting_review"),
    path("<int:posting_id>/close/", views.posting_close, name="posting_close"),
    path("applications/<int:job_application_id>/move/", views.application_move, name="application_move"),
    path("seekers/", views.seeker_list, name="seekers"),
    path("seekers/<int:seeker_id>/", views.seeker_detail, name="seeker_detail"),
    path("seekers/<int:seeker_id>/reveal/", views.seeker_reveal, name="seeker_reveal"),
    path("seekers/<int:seeker_id>/service/", views.service_create, name="service_create"),
    path("placements/", views.placement_list, name="placements"),
    path("placements/<int:placement_id>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:placement_id>/follow-up/", views.placement_follow_up, name="placement_follow_up"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:employer_account_id>/revoke/", views.account_revoke, name="account_revoke"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/<int:job_fair_id>/", views.fair_detail, name="fair_detail"),
    path("fairs/<int:job_fair_id>/booth/", views.fair_booth_add, name="fair_booth_add"),
    path("fairs/<int:job_fair_id>/checkin/", views.fair_checkin, name="fair_checkin"),
    path("placements/export.xlsx", views.placements_export, name="placements_export"),
    path("services/export.xlsx", views.services_export, name="services_export"),
    path("fairs/<int:job_fair_id>/export.xlsx", views.fair_export, name="fair_export"),
    path("training/", views.training_list, name="trainings"),
    path("training/<int:training_order_id>/", views.training_detail, name="training_detail"),
    path("training/<int:training_order_id>/enrol/", views.training_enrol, name="training_enrol"),
    path("training/<int:training_order_id>/close/", views.training_close, name="training_close"),
    path("training/enrolments/<int:training_enrolment_id>/complete/", views.training_complete,
         name="training_complete"),
    path("training/enrolments/<int:training_enrolment_id>/place/", views.training_place, name="training_place"),
    path("training/enrolments/<int:training_enrolment_id>/drop/", views.training_drop, name="training_drop"),
    path("minimum-wages/", views.minimum_wage_list, name="minimum_wages"),
]
