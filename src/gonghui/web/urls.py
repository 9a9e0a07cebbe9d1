"""Member app pages. Names are a contract: other modules link to web:home, web:join, web:card."""

from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("join/employers/", views.join_employers, name="join_employers"),
    path("join/federations/", views.join_federations, name="join_federations"),
    path("me/", views.me, name="me"),
    path("me/applications/<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("me/card/", views.card, name="card"),
    path("me/transfer/", views.transfer, name="transfer"),
    path("me/transfers/<int:transfer_id>/cancel/", views.transfer_cancel, name="transfer_cancel"),
]
