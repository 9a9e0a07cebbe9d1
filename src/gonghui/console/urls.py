from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:application_id>/reject/", views.application_reject, name="application_reject"),
    path("people/", views.person_search, name="people"),
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
    path("unions/", views.union_list, name="unions"),
    path("unions/pick/", views.union_pick, name="union_pick"),
    path("unions/<int:union_id>/", views.union_detail, name="union_detail"),
    path("unions/<int:union_id>/grants/", views.grant_create, name="grant_create"),
    path("employers/", views.employer_list, name="employers"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<int:employer_id>/", views.employer_detail, name="employer_detail"),
    path("grants/", views.grant_list, name="grants"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
]
