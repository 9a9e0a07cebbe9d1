"""Staff pages of the orgs module, at /console/orgs/ (names: console:orgs:…)."""

from django.urls import path

from . import console_views as views

app_name = "orgs"
urlpatterns = [
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
