"""Worker pages of the members module, at /members/ (names: members:join, members:card, …)."""

from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/employers/", views.join_employers, name="join_employers"),
    path("join/federations/", views.join_federations, name="join_federations"),
    path("applications/<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("card/", views.card, name="card"),
    path("transfer/", views.transfer, name="transfer"),
    path("transfers/<int:transfer_id>/cancel/", views.transfer_cancel, name="transfer_cancel"),
]
