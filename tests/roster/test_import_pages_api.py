"""Roster import through the console pages and the JSON API."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from gonghui.members.models import ImportJob, Membership
from tests.factories import Tree

from .helpers import HEADER, csv_bytes, row, upload

pytestmark = pytest.mark.django_db

API = "/api/v1/members/imports"


@pytest.fixture
def tree():
    return Tree()


def _upload_page(client, tree, content, name="roster.csv", union=None):
    return client.post(reverse("console:members:roster"), {"union": (union or tree.grassroots_a).pk, "file": upload(content, name)})


def test_staff_uploads_previews_and_commits_on_the_console(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.staff_a)
    assert client.get(reverse("console:members:roster")).status_code == 200
    uscc = tree.grassroots_a.employer.uscc
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload_page(client, tree, csv_bytes([row(uscc=uscc), row(name="李", uscc=uscc)]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200
    assert "请输入2到50个字的姓名" in content and "确认导入" in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:members:roster_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Membership.objects.filter(source="import").count() == 1


def test_progress_partial_polls_while_running_and_refreshes_when_done(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.staff_a)
    with django_capture_on_commit_callbacks(execute=False):  # the task has not run yet
        _upload_page(client, tree, csv_bytes([row(uscc=tree.grassroots_a.employer.uscc)]))
    job = ImportJob.objects.get()
    url = reverse("console:members:roster_detail", args=[job.pk]) + "?part=progress"
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in running.content.decode() and "<progress" in running.content.decode()
    from gonghui.members.services import roster_import_validate

    roster_import_validate(job_id=job.pk)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_bad_rows_download_is_an_xlsx_with_reasons(client, tree, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    client.force_login(tree.staff_a)
    uscc = tree.grassroots_a.employer.uscc
    with django_capture_on_commit_callbacks(execute=True):
        _upload_page(client, tree, csv_bytes([row(uscc=uscc), row(phone="123", uscc=uscc)], encoding="gbk"))
    job = ImportJob.objects.get()
    response = client.get(reverse("console:members:roster_bad_rows", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("原行号", "问题", "姓名")
    assert len(values) == 2 and values[1][0] == 3 and "手机号" in values[1][1]


def test_template_download_has_the_headers(client, tree):
    from openpyxl import load_workbook

    client.force_login(tree.staff_a)
    response = client.get(reverse("console:members:roster_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER


def test_wrong_file_on_the_page_is_a_form_error_not_a_500(client, tree):
    client.force_login(tree.staff_a)
    response = _upload_page(client, tree, b"hello", name="roster.docx")
    assert response.status_code == 400
    assert "请上传 .xlsx 或 .csv" in response.content.decode()


def test_other_branch_cannot_upload_see_or_commit(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload_page(client, tree, csv_bytes([row(uscc=tree.grassroots_a.employer.uscc)]))
    job = ImportJob.objects.get()
    client.force_login(tree.staff_b)
    assert _upload_page(client, tree, csv_bytes([row()])).status_code == 404
    assert client.get(reverse("console:members:roster_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("console:members:roster_commit", args=[job.pk])).status_code == 404
    assert client.get(reverse("console:members:roster_bad_rows", args=[job.pk])).status_code == 404
    assert client.get(f"{API}/{job.pk}").status_code == 404
    assert client.post(f"{API}/{job.pk}/commit").status_code == 404
    response = client.post(API, {"union_id": tree.grassroots_a.pk, "file": upload(csv_bytes([row()]))})
    assert response.status_code == 404
    assert ImportJob.objects.count() == 1


def test_api_upload_status_and_commit(client, tree, django_capture_on_commit_callbacks):
    client.force_login(tree.staff_a)
    uscc = tree.grassroots_a.employer.uscc
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(API, {"union_id": tree.grassroots_a.pk,
                                     "file": upload(csv_bytes([row(uscc=uscc), row(phone="1", uscc=uscc)]))})
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    status = client.get(f"{API}/{job_id}").json()
    assert status["status"] == "validated"
    assert (status["valid_rows"], status["error_rows"]) == (1, 1)
    assert status["errors"][0] == {"row_number": 3, "column": "手机号", "code": "phone_invalid", "message": status["errors"][0]["message"]}
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(f"{API}/{job_id}/commit")
    assert committed.status_code == 202
    final = client.get(f"{API}/{job_id}").json()
    assert final["status"] == "done" and final["imported_rows"] == 1
    assert final["progress"]["percent"] == 100


def test_api_bad_file_is_a_problem_document(client, tree):
    client.force_login(tree.staff_a)
    response = client.post(API, {"union_id": tree.grassroots_a.pk, "file": upload(b"", "roster.csv")})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "roster_empty" and body["title"] == "文件是空的。"


def test_admin_shows_import_jobs_read_only(client, tree, django_capture_on_commit_callbacks):
    from gonghui.accounts.models import User

    client.force_login(tree.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload_page(client, tree, csv_bytes([row(phone="1", uscc=tree.grassroots_a.employer.uscc)]))
    job = ImportJob.objects.get()
    root = User.objects.create_superuser(username="root-roster", password="pw-for-tests-123")
    client.force_login(root)
    listing = client.get(reverse("admin:members_importjob_changelist"))
    assert listing.status_code == 200 and job.original_name in listing.content.decode()
    detail = client.get(reverse("admin:members_importjob_change", args=[job.pk]))
    assert detail.status_code == 200 and "请输入11位中国大陆手机号" in detail.content.decode()
    assert client.get(reverse("admin:members_importjob_add")).status_code == 403


def test_a_large_subtree_gets_a_union_search_box_instead_of_a_list(client, tree, monkeypatch, django_capture_on_commit_callbacks):
    from gonghui.members import roster_selectors

    monkeypatch.setattr(roster_selectors, "UNION_PICKER_LIMIT", 2)
    client.force_login(tree.staff_a)
    html = client.get(reverse("console:members:roster")).content.decode()
    assert 'name="union_q"' in html and "<select" not in html
    # The search lists matching unions of the staff's own subtree only.
    found = client.get(reverse("console:members:roster_union_search"), {"union_q": tree.grassroots_a.name[:4]}).content.decode()
    assert f'value="{tree.grassroots_a.pk}"' in found
    assert f'value="{tree.grassroots_b.pk}"' not in client.get(
        reverse("console:members:roster_union_search"), {"union_q": tree.grassroots_b.name[:4]}
    ).content.decode()
    assert "至少两个字" in client.get(reverse("console:members:roster_union_search"), {"union_q": "x"}).content.decode()
    # The chosen union is posted as before.
    uscc = tree.grassroots_a.employer.uscc
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload_page(client, tree, csv_bytes([row(uscc=uscc)]))
    assert response.status_code == 302


def test_a_small_subtree_gets_the_list(client, tree):
    client.force_login(tree.staff_a)
    html = client.get(reverse("console:members:roster")).content.decode()
    assert "<select" in html and tree.grassroots_a.name in html and tree.grassroots_b.name not in html
