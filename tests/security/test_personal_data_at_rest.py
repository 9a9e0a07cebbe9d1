"""Phone and ID numbers never sit in clear in any column of any table.

The design stores them encrypted with a blind index; the probe found every SMS worker's
phone in `accounts_user.username` ("w" + phone). This test fills a database through the
services the way people do (SMS sign-in, joining, a hotline case, a lawyer, a roster
import, a mistyped staff login) and reads every text column of every table raw, below the
ORM, so a new model or a new copy of a number anywhere is caught.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from gonghui.accounts import services as accounts
from gonghui.cases.legal_services import lawyer_create
from gonghui.cases.models import Category, Channel
from gonghui.cases.services import case_create
from gonghui.core.errors import DomainError
from gonghui.members.models import EmploymentForm
from gonghui.members.services import (
    membership_application_approve,
    membership_application_submit,
    roster_import_commit_request,
    roster_import_create,
)
from tests.factories import Tree, make_id_number
from tests.roster.helpers import csv_bytes, new_id_number, row, upload

pytestmark = pytest.mark.django_db

WORKER_PHONE = "13812345671"
HOTLINE_PHONE = "13912345672"
LAWYER_PHONE = "13712345673"
ROSTER_PHONE = "13612345674"
MISTYPED_LOGIN_PHONE = "13512345675"


def _every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, value) for every non-null value of every table, as stored."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            columns = [c[0] for c in cursor.description]
            for record in cursor.fetchall():
                for column, value in zip(columns, record, strict=True):
                    if value is None or isinstance(value, int | float):
                        continue
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    elif not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False, default=str)
                    found.append((table, column, value))
    return found


def test_no_phone_or_id_number_is_stored_in_clear_anywhere(django_capture_on_commit_callbacks, settings):
    settings.DEMO_MODE = True
    tree = Tree()
    # A worker signs in by SMS and joins the union.
    sent = accounts.sms_code_send(phone=WORKER_PHONE)
    worker = accounts.sms_code_verify(phone=WORKER_PHONE, code=sent.code)
    worker_id = make_id_number()
    application = membership_application_submit(
        user=worker, name="王小红", id_number=worker_id, phone=WORKER_PHONE,
        employment_form=EmploymentForm.STANDARD, employer=tree.grassroots_a.employer,
    )
    membership_application_approve(application=application, actor=tree.staff_a)
    # A hotline caller, a lawyer on the union's list.
    case_create(
        channel=Channel.HOTLINE, category=Category.WAGE_ARREARS, description="工地拖欠三个月工资",
        reporter_name="赵大力", reporter_phone=HOTLINE_PHONE, employer=tree.grassroots_a.employer,
        amount_fen=1_200_000, created_by=tree.staff_a,
    )
    lawyer_create(union=tree.city_a, name="钱律师", phone=LAWYER_PHONE, by=tree.staff_a)
    # A roster import, committed.
    roster_id = new_id_number()
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_import_create(
            actor=tree.staff_a, union_id=tree.grassroots_a.pk,
            upload=upload(csv_bytes([row(name="孙二娘", id_number=roster_id, phone=ROSTER_PHONE,
                                         uscc=tree.grassroots_a.employer.uscc)])),
        )
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    job.refresh_from_db()
    assert job.imported_rows == 1, job.message
    # A worker types their phone into the staff sign-in form.
    with pytest.raises(DomainError):
        accounts.staff_authenticate(username=MISTYPED_LOGIN_PHONE, password="wrong-password")

    secrets_entered = [WORKER_PHONE, HOTLINE_PHONE, LAWYER_PHONE, ROSTER_PHONE, MISTYPED_LOGIN_PHONE,
                       worker_id, roster_id]
    pattern = re.compile("|".join(re.escape(s) for s in secrets_entered), re.IGNORECASE)
    values = _every_text_value()
    assert any(table == "accounts_user" for table, _c, _v in values)  # the scan reads real rows
    in_clear = [(table, column, value[:80]) for table, column, value in values if pattern.search(value)]
    assert in_clear == []


def test_worker_usernames_are_random_and_unique():
    first = accounts.worker_user_get_or_create(phone="13812340001")
    second = accounts.worker_user_get_or_create(phone="13812340002")
    assert first.username != second.username
    assert not re.search(r"\d{11}", first.username)
    assert accounts.worker_user_get_or_create(phone="13812340001").pk == first.pk


def test_migration_renames_existing_phone_usernames_and_nothing_else():
    import importlib

    from django.apps import apps

    from gonghui.accounts.models import User

    migration = importlib.import_module("gonghui.accounts.migrations.0002_worker_usernames_without_phone")
    old = User.objects.create_user(username="w13800138000", phone="13800138000")
    intl = User.objects.create_user(username="w+8613800138001")
    staff = User.objects.create_user(username="wangfang")
    numbered_staff = User.objects.create_user(username="w2024")
    migration.rename_phone_usernames(apps, None)
    for user in (old, intl, staff, numbered_staff):
        user.refresh_from_db()
    assert old.username.startswith("w_") and "13800138000" not in old.username
    assert old.phone == "13800138000"  # the phone itself stays, encrypted
    assert intl.username.startswith("w_")
    assert (staff.username, numbered_staff.username) == ("wangfang", "w2024")
