"""Worker pages of the assistance module, at /assistance/ (names: assistance:…)."""

from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("hardship/apply/", views.hardship_apply, name="hardship_apply"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
]
