"""Worker pages of the skills module, at /skills/ (names: skills:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "skills"
urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/enrol/", views.course_enrol, name="enrol"),
    path("learn/<int:enrolment_id>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("learn/<int:enrolment_id>/lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("learn/<int:enrolment_id>/lessons/<int:lesson_id>/quiz/", views.quiz_start, name="quiz_start"),
    path("learn/<int:enrolment_id>/exam/", views.exam_start, name="exam_start"),
    path("attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path("mine/", views.mine, name="mine"),
    path("certificates/<int:certificate_id>/", views.certificate, name="certificate"),
    path("verify/", views.certificate_verify, name="certificate_verify"),
    path("academies/", views.academies, name="academies"),
    path("author/", views.author_home, name="author"),
    path("author/courses/<int:course_id>/", views.author_course, name="author_course"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/cosign/", views.proposal_cosign, name="proposal_cosign"),
    path("studios/", views.studios, name="studios"),
    path("studios/<int:studio_id>/", views.studio, name="studio"),
    path("competitions/", views.competitions, name="competitions"),
    path("competitions/<int:competition_id>/", views.competition, name="competition"),
    path("competition-entries/<int:entry_id>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("judging/<int:judge_id>/", views.judging, name="judging"),
    path("judging/<int:judge_id>/entries/<int:entry_id>/", views.judging_sheet, name="judging_sheet"),
    path("laureates/", views.laureates, name="laureates"),
    path("laureates/<int:laureate_id>/", views.laureate, name="laureate"),
    path("selections/<int:selection_id>/notice/", views.selection_notice, name="selection_notice"),
    path("notice-entries/<int:nomination_id>/object/", views.notice_object, name="notice_object"),
]
