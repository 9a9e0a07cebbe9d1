"""The roster preview shows the rows about to be imported (issue 8, item 8): names, masked ID
numbers, union and employer, a page at a time; not only the counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.pii import mask_id_number
from gonghui.members.models import ImportJob
from tests.factories import Tree

from .helpers import csv_bytes, new_id_number, row, upload

pytestmark = pytest.mark.django_db


def _validated_job(client, tree, rows, capture) -> ImportJob:
    client.force_login(tree.staff_a)
    with capture(execute=True):
        client.post(reverse("console:members:roster"), {"union": tree.grassroots_a.pk, "file": upload(csv_bytes(rows))})
    return ImportJob.objects.get()


def test_preview_lists_the_rows_to_import_with_masked_id_numbers(client, django_capture_on_commit_callbacks):
    tree = Tree()
    employer = tree.grassroots_a.employer
    id_number = new_id_number()
    rows = [row(name="王建国", id_number=id_number, uscc=employer.uscc), row(name="李", uscc=employer.uscc)]
    job = _validated_job(client, tree, rows, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.VALIDATED
    html = client.get(reverse("console:members:roster_detail", args=[job.pk])).content.decode()
    preview = html.split('data-testid="roster-preview"')[1].split("</table>")[0]
    assert "王建国" in preview and mask_id_number(id_number) in preview
    assert id_number not in html, "the full ID number is never shown"
    assert tree.grassroots_a.name in preview and employer.name in preview
    assert "<td>2</td>" in preview  # the row number as Excel shows it
    assert "李" not in preview  # the bad row is not going to be imported


def test_preview_is_paginated(client, django_capture_on_commit_callbacks):
    tree = Tree()
    uscc = tree.grassroots_a.employer.uscc
    rows = [row(name=f"职工{chr(0x4e00 + n)}", uscc=uscc, phone=f"138{n:08d}") for n in range(60)]
    job = _validated_job(client, tree, rows, django_capture_on_commit_callbacks)
    assert job.valid_rows == 60
    url = reverse("console:members:roster_detail", args=[job.pk])
    first = client.get(url).content.decode()
    assert "职工一" in first and f"职工{chr(0x4e00 + 59)}" not in first
    assert "第 1 / 2 页" in first and "rows=2" in first
    second = client.get(url, {"rows": 2}).content.decode()
    assert f"职工{chr(0x4e00 + 59)}" in second and "<td>2</td>" not in second.split('data-testid="roster-preview"')[1]


def test_after_import_the_preview_is_gone(client, django_capture_on_commit_callbacks):
    tree = Tree()
    job = _validated_job(client, tree, [row(uscc=tree.grassroots_a.employer.uscc)], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("console:members:roster_commit", args=[job.pk]))
    html = client.get(reverse("console:members:roster_detail", args=[job.pk])).content.decode()
    assert 'data-testid="roster-preview"' not in html
