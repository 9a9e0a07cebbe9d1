from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.roster_index, name="index"),
    path("template.xlsx", views.roster_template, name="template"),
    path("unions/", views.roster_union_search, name="union_search"),
    path("<int:job_id>/", views.roster_detail, name="detail"),
    path("<int:job_id>/commit/", views.roster_commit, name="commit"),
    path("<int:job_id>/bad-rows.xlsx", views.roster_bad_rows, name="bad_rows"),
]
