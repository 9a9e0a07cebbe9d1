"""Staff pages of the members module, at /console/members/ (names: console:members:…)."""

from django.urls import path

from . import console_views as views

app_name = "members"
urlpatterns = [
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:application_id>/reject/", views.application_reject, name="application_reject"),
    path("people/", views.person_search, name="people"),
    path("people/export.xlsx", views.member_export, name="people_export"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("memberships/<int:membership_id>/", views.membership_detail, name="membership_detail"),
    path("memberships/<int:membership_id>/reissue-card/", views.membership_card_reissue, name="membership_card_reissue"),
    path("memberships/<int:membership_id>/transfer/", views.membership_transfer_start, name="membership_transfer_start"),
    path("cards/<int:card_id>/", views.card_detail, name="card_detail"),
    path("cards/<int:card_id>/revoke/", views.card_revoke, name="card_revoke"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_id>/<slug:action>/", views.transfer_action, name="transfer_action"),
    path("roster/", views.roster_index, name="roster"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/unions/", views.roster_union_search, name="roster_union_search"),
    path("roster/<int:job_id>/", views.roster_detail, name="roster_detail"),
    path("roster/<int:job_id>/commit/", views.roster_commit, name="roster_commit"),
    path("roster/<int:job_id>/bad-rows.xlsx", views.roster_bad_rows, name="roster_bad_rows"),
]
