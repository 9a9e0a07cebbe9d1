"""Worker pages of medical mutual aid, at /mutualaid/ (names: mutualaid:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "mutualaid"
urlpatterns = [
    path("", views.index, name="index"),
    path("cover/<int:coverage_id>/", views.coverage_detail, name="coverage"),
    path("cover/<int:coverage_id>/claim/", views.claim_new, name="claim_new"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/appeal/", views.claim_appeal, name="appeal"),
    path("verify/", views.certificate_verify, name="verify"),
    path("self-enrol/<int:plan_id>/", views.self_enrol, name="self_enrol"),
]
