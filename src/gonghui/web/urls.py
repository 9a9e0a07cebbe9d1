"""The worker app shell: 首页 / 服务 / 消息 / 我的 (names: web:home, web:services, web:inbox,
web:me). Each module's worker pages are served at /<module>/ from its own URL module."""

from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/read/", views.inbox_read, name="inbox_read"),
    path("me/", views.me, name="me"),
    path("me/text-size/", views.text_size, name="text_size"),
]
