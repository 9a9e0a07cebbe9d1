"""Staff pages of the campaigns module, at /console/campaigns/ (names: console:campaigns:…)."""

from django.urls import path

from . import console_views as views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/publish/", views.campaign_publish, name="publish"),
    path("draws/<int:draw_id>/run/", views.draw_run, name="draw_run"),
]
