"""Pages and API of the skills module: the same services behind both, bad input answered
with clear errors (never a 500), uploads checked through the author's page, and files served
only through the checked view."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.skills import services
from gonghui.skills.models import Certificate, Course, Lesson, Proposal
from tests.factories import Tree, make_member, make_staff, make_worker_user

from .helpers import MP4, make_author, make_course

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_learning_from_enrolment_to_certificate():
    tree = Tree()
    course = make_course(union=tree.grassroots_a, quiz_on_first=True, bank=3, draw=3)
    worker = make_worker_user(name="王小明")
    api = _client(worker)
    listed = api.get("/api/v1/skills/courses", {"q": "jn"}).json()
    assert [c["id"] for c in listed] == [course.pk]
    enrolment = api.post(f"/api/v1/skills/courses/{course.pk}/enrol").json()
    first, second = course.lessons.all()
    assert enrolment["last_lesson_id"] == first.pk
    refused = api.post(f"/api/v1/skills/me/enrolments/{enrolment['id']}/lessons/{first.pk}/complete")
    assert refused.status_code == 409 and refused.json()["code"] == "quiz_required"
    quiz = api.post(f"/api/v1/skills/me/enrolments/{enrolment['id']}/lessons/{first.pk}/quiz").json()
    assert [q["options"] for q in quiz["questions"]] == [["对", "错"]] and "answer" not in quiz["questions"][0]
    done = api.post(f"/api/v1/skills/me/attempts/{quiz['id']}/submit", {"answers": {str(quiz["questions"][0]["id"]): 0}},
                    content_type="application/json").json()
    assert done["passed"] and done["certificate_id"] is None
    api.post(f"/api/v1/skills/me/enrolments/{enrolment['id']}/lessons/{second.pk}/complete")
    exam = api.post(f"/api/v1/skills/me/enrolments/{enrolment['id']}/exam").json()
    assert len(exam["questions"]) == 3 and exam["due_at"]
    # Another worker cannot hand in this attempt.
    other = _client(make_worker_user()).post(f"/api/v1/skills/me/attempts/{exam['id']}/submit", {"answers": {}},
                                             content_type="application/json")
    assert other.status_code == 404
    result = api.post(f"/api/v1/skills/me/attempts/{exam['id']}/submit",
                      {"answers": {str(q["id"]): 0 for q in exam["questions"]}}, content_type="application/json").json()
    assert (result["score"], result["passed"]) == (100, True)
    transcript = api.get("/api/v1/skills/me/transcript").json()
    assert transcript["hours"] == 8 and transcript["certificates"][0]["id"] == result["certificate_id"]
    verify = Client().get(transcript["certificates"][0]["verify_url"].split("testserver")[1])
    assert "证书有效" in verify.content.decode()


def test_api_bad_input_is_a_problem_not_a_500():
    tree = Tree()
    course = make_course(union=tree.grassroots_a)
    api = _client(make_worker_user())
    assert api.get("/api/v1/skills/courses", {"limit": 1000}).status_code == 422
    enrolment = api.post(f"/api/v1/skills/courses/{course.pk}/enrol").json()
    exam_refused = api.post(f"/api/v1/skills/me/enrolments/{enrolment['id']}/exam")
    assert exam_refused.status_code == 409 and exam_refused.json()["code"] == "lessons_missing"
    not_author = api.post("/api/v1/skills/me/courses", {"title": "课", "trade": "焊工", "level": "junior", "provider": "union"},
                          content_type="application/json")
    assert not_author.status_code == 404
    draft = Course.objects.create(union=tree.grassroots_a, author=course.author, title="草稿", trade="焊工", level="junior",
                                  provider="union")
    assert api.get(f"/api/v1/skills/courses/{draft.pk}").status_code == 404
    assert api.post(f"/api/v1/skills/courses/{draft.pk}/enrol").status_code == 404


def test_api_authoring_and_review():
    tree = Tree()
    author = make_author(union=tree.grassroots_a)
    api = _client(author.user)
    created = api.post("/api/v1/skills/me/courses", {"title": "叉车安全驾驶", "trade": "叉车司机", "level": "junior",
                                                     "provider": "enterprise", "exam_questions": 1},
                       content_type="application/json").json()
    link = api.post(f"/api/v1/skills/me/courses/{created['id']}/lessons",
                    {"title": "视频", "kind": "link", "video_url": "https://evil.example.com/x"}, content_type="application/json")
    assert link.status_code == 422 and link.json()["code"] == "link_host"
    ok = api.post(f"/api/v1/skills/me/courses/{created['id']}/lessons",
                  {"title": "视频", "kind": "link", "video_url": "https://v.qq.com/x/abc"}, content_type="application/json")
    assert ok.status_code == 200
    assert api.post(f"/api/v1/skills/me/courses/{created['id']}/questions",
                    {"text": "题", "options": ["甲", "乙"], "answer": 3}, content_type="application/json").status_code == 422
    assert api.post(f"/api/v1/skills/me/courses/{created['id']}/questions",
                    {"text": "题", "options": ["甲", "乙"], "answer": 1}, content_type="application/json").status_code == 201
    assert api.post(f"/api/v1/skills/me/courses/{created['id']}/submit").json()["status"] == "submitted"
    staff = _client(make_staff(union=tree.grassroots_a))
    assert _client(tree.staff_b).post(f"/api/v1/skills/staff/courses/{created['id']}/review", {"publish": True},
                                      content_type="application/json").status_code == 404
    published = staff.post(f"/api/v1/skills/staff/courses/{created['id']}/review", {"publish": True},
                           content_type="application/json").json()
    assert published["status"] == "published"


def test_author_page_refuses_a_large_or_wrong_video_with_a_form_error(settings):
    tree = Tree()
    course = make_course(union=tree.grassroots_a, publish=False, lessons=0, bank=0)
    page = _client(course.author.user)
    url = f"/skills/author/courses/{course.pk}/"
    settings.SKILLS_VIDEO_MAX_MB = 1
    big = SimpleUploadedFile("课.mp4", MP4 + b"\x00" * (1024 * 1024), content_type="video/mp4")
    response = page.post(url, {"what": "lesson", "l-title": "大视频", "l-kind": "video", "l-upload": big})
    assert response.status_code == 200 and "视频过大，不能超过 1 MB。" in response.content.decode()
    fake = SimpleUploadedFile("课.mp4", b"GIF89a" + b"\x00" * 40, content_type="video/mp4")
    response = page.post(url, {"what": "lesson", "l-title": "假视频", "l-kind": "video", "l-upload": fake})
    assert "视频只能是 MP4 或 WebM 文件。" in response.content.decode()
    assert course.lessons.count() == 0
    good = SimpleUploadedFile("课.mp4", MP4, content_type="video/mp4")
    assert page.post(url, {"what": "lesson", "l-title": "真视频", "l-kind": "video", "l-upload": good}).status_code == 302
    lesson = course.lessons.get()
    # Before publication: the author and the branch's staff, nobody else.
    assert page.get(lesson.upload.url).status_code == 200
    assert _client(tree.staff_a).get(lesson.upload.url).status_code == 200
    assert _client(tree.staff_b).get(lesson.upload.url).status_code == 404
    assert Client().get(lesson.upload.url).status_code == 404
    assert lesson.kind == Lesson.Kind.VIDEO


def test_worker_pages_and_console_pages_answer():
    tree = Tree()
    course = make_course(union=tree.grassroots_a)
    cert = services.enrol(course=course, user=make_worker_user())
    member = make_member(union=tree.grassroots_a)
    proposal = services.proposal_submit(user=member.person.user, title="标题", problem="问题", suggestion="建议",
                                        expected_benefit="效益")
    worker = _client(member.person.user)
    for url in ("/skills/", "/skills/?q=hg", f"/skills/courses/{course.pk}/", "/skills/mine/", "/skills/academies/",
                "/skills/proposals/", "/skills/proposals/new/", f"/skills/proposals/{proposal.pk}/", "/skills/verify/"):
        assert worker.get(url).status_code == 200, url
    staff = _client(tree.staff_a)
    for url in ("/console/skills/", f"/console/skills/courses/{course.pk}/", "/console/skills/academies/",
                "/console/skills/authors/", "/console/skills/proposals/", f"/console/skills/proposals/{proposal.pk}/",
                "/console/skills/proposals/policy/"):
        assert staff.get(url).status_code == 200, url
    assert _client(tree.staff_b).get(f"/console/skills/proposals/{proposal.pk}/").status_code == 404
    assert cert.pk and not Certificate.objects.exists()


def test_proposal_through_the_api_and_cosign():
    tree = Tree()
    member = make_member(union=tree.grassroots_a)
    api = _client(member.person.user)
    empty = api.post("/api/v1/skills/me/proposals", {"title": "", "problem": "p", "suggestion": "s", "expected_benefit": "e"},
                     content_type="application/json")
    assert empty.status_code == 422 and empty.json()["field"] == "title"
    created = api.post("/api/v1/skills/me/proposals", {"title": "夜班餐", "problem": "没有热饭", "suggestion": "加开一次",
                                                       "expected_benefit": "保障就餐"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "submitted" and [e["status"] for e in body["events"]] == ["submitted"]
    colleague = _client(make_member(union=tree.grassroots_a).person.user)
    assert colleague.post(f"/api/v1/skills/me/cosigns/{body['id']}").json()["cosigns"] == 1
    assert colleague.post(f"/api/v1/skills/me/cosigns/{body['id']}").status_code == 409
    assert _client(make_worker_user()).post(f"/api/v1/skills/me/cosigns/{body['id']}").status_code == 404
    staff = _client(tree.staff_a)
    routed = staff.post(f"/api/v1/skills/staff/proposals/{body['id']}/route", {"reviewer_id": tree.staff_b.pk},
                        content_type="application/json")
    assert routed.status_code == 422  # branch B's staff are not offered as reviewers
    staff.post(f"/api/v1/skills/staff/proposals/{body['id']}/route", {"reviewer_id": tree.staff_a.pk}, content_type="application/json")
    decided = staff.post(f"/api/v1/skills/staff/proposals/{body['id']}/decide", {"adopt": False, "reason": "已有方案"},
                         content_type="application/json").json()
    assert decided["status"] == "not_adopted"
    mine = api.get(f"/api/v1/skills/me/proposals/{body['id']}").json()
    assert mine["decision_reason"] == "已有方案" and [e["status"] for e in mine["events"]] == ["submitted", "reviewing", "not_adopted"]
    assert Proposal.objects.get().cosigns.count() == 1
