"""Staff pages of the campaigns module, at /console/campaigns/ (names: console:campaigns:…)."""

from django.urls import path

from . import console_views as views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/publish/", views.campaign_publish, name="publish"),
    path("<int:campaign_id>/winners.xlsx", views.winners_export, name="winners_export"),
    path("draws/<int:draw_id>/run/", views.draw_run, name="draw_run"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("activities/<int:activity_id>/publish/", views.activity_publish, name="activity_publish"),
    path("activities/<int:activity_id>/slots/", views.slots_add, name="slots_add"),
    path("slots/<int:slot_id>/", views.slot_detail, name="slot"),
    path("appointments/<int:appointment_id>/attend/", views.appointment_attend, name="appointment_attend"),
    path("redeem/", views.redeem, name="redeem"),
    path("redeem/<str:code>/", views.redeem_code, name="redeem_code"),
    path("culture/", views.culture, name="culture"),
    path("culture/works/new/", views.work_create, name="work_create"),
    path("culture/works/<int:work_id>/review/", views.work_review, name="work_review"),
    path("culture/showcase/", views.showcase_edit, name="showcase"),
    path("culture/events/new/", views.event_create, name="event_create"),
    path("culture/events/<int:event_id>/replay/", views.event_replay, name="event_replay"),
]
