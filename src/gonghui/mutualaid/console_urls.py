"""Staff pages of medical mutual aid, at /console/mutualaid/ (names: console:mutualaid:…)."""

from django.urls import path

from . import console_views as views

app_name = "mutualaid"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("report/", views.loss_ratio_report, name="report"),
    path("report/export.xlsx", views.loss_ratio_export, name="report_export"),
    path("self-enrolments/", views.self_enrolments, name="self_enrolments"),
    path("self-enrolments/<int:self_enrolment_id>/decide/", views.self_enrolment_decide, name="self_enrolment_decide"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/versions/new/", views.version_create, name="version_create"),
    path("plans/<int:plan_id>/enrol/", views.enrol, name="enrol"),
    path("plans/<int:plan_id>/batch/", views.payment_batch, name="batch"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:enrolment_id>/export.xlsx", views.enrolment_export, name="enrolment_export"),
    path("certificates/<int:coverage_id>/", views.certificate, name="certificate"),
    path("certificates/<int:coverage_id>/sms/", views.certificate_sms, name="certificate_sms"),
    path("claims/", views.claim_queue, name="queue"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/decide/", views.claim_decide, name="decide"),
    path("claims/<int:claim_id>/reveal/", views.claim_reveal, name="reveal"),
]
