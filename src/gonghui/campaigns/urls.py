"""Worker pages of the campaigns module, at /campaigns/ (names: campaigns:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:campaign_id>/", views.detail, name="detail"),
    path("<int:campaign_id>/steps/", views.steps, name="steps"),
    path("<int:campaign_id>/timer/<str:task>/", views.timer, name="timer"),
    path("<int:campaign_id>/combine/", views.combine, name="combine"),
    path("draws/<int:draw_id>/", views.draw, name="draw"),
    path("draws/<int:draw_id>/entrants.txt", views.draw_entrants, name="draw_entrants"),
    path("prizes/", views.prizes, name="prizes"),
    path("prizes/<int:winner_id>/claim/", views.claim, name="claim"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:activity_id>/", views.activity, name="activity"),
    path("activities/<int:activity_id>/take/", views.voucher_take, name="voucher_take"),
    path("activities/<int:activity_id>/book/", views.appointment_book, name="appointment_book"),
    path("appointments/<int:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("culture/", views.culture, name="culture"),
    path("culture/submit/", views.work_submit, name="work_submit"),
    path("culture/works/<int:work_id>/", views.work, name="work"),
    path("culture/works/<int:work_id>/like/", views.work_like, name="work_like"),
    path("culture/events/<int:event_id>/", views.culture_event, name="culture_event"),
]
