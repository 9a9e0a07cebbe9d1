"""Staff pages of the skills module, at /console/skills/ (names: console:skills:…)."""

from django.urls import path

from . import console_views as views

app_name = "skills"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_id>/review/", views.course_review, name="course_review"),
    path("certificates/<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("academies/", views.academy_list, name="academies"),
    path("academies/<int:academy_id>/", views.academy_detail, name="academy_detail"),
    path("authors/", views.author_list, name="authors"),
    path("proposals/", views.proposal_queue, name="proposals"),
    path("proposals/policy/", views.proposal_policy, name="proposal_policy"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/route/", views.proposal_route, name="proposal_route"),
    path("proposals/<int:proposal_id>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:proposal_id>/implement/", views.proposal_implement, name="proposal_implement"),
    path("proposals/<int:proposal_id>/benefit/", views.proposal_benefit, name="proposal_benefit"),
    path("proposals/<int:proposal_id>/reward/", views.proposal_reward, name="proposal_reward"),
    path("competitions/", views.competition_list, name="competitions"),
    path("competitions/<int:competition_id>/", views.competition_detail, name="competition_detail"),
    path("competitions/<int:competition_id>/setup/", views.competition_setup, name="competition_setup"),
    path("competition-rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("competition-entries/<int:entry_id>/endorse/", views.entry_endorse, name="entry_endorse"),
    path("studios/", views.studio_list, name="studios"),
    path("studios/<int:studio_id>/", views.studio_detail, name="studio_detail"),
    path("studios/<int:studio_id>/change/", views.studio_change, name="studio_change"),
    path("innovations/", views.innovation_list, name="innovations"),
    path("activities/", views.activity_list, name="activities"),
    path("selections/", views.selection_list, name="selections"),
    path("selections/<int:selection_id>/", views.selection_detail, name="selection_detail"),
    path("selections/<int:selection_id>/change/", views.selection_change, name="selection_change"),
    path("selections/<int:selection_id>/export.xlsx", views.selection_export, name="selection_export"),
    path("selections/<int:selection_id>/nominate/", views.nomination_new, name="nomination_new"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:nomination_id>/change/", views.nomination_change, name="nomination_change"),
    path("objections/<int:objection_id>/answer/", views.objection_answer, name="objection_answer"),
    path("laureates/", views.laureate_list, name="laureates"),
    path("laureates/export.xlsx", views.laureates_export, name="laureates_export"),
    path("laureates/<int:laureate_id>/", views.laureate_detail, name="laureate_detail"),
    path("laureates/<int:laureate_id>/change/", views.laureate_change, name="laureate_change"),
]
