"""Roster import: reading, row checks, preview counts and the all-or-nothing commit."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.members import roster, services
from gonghui.members.models import ImportJob, ImportRowError, MemberCard, Membership, Person
from gonghui.members.services import roster_import_commit_request, roster_import_create
from tests.factories import Tree, make_member

from .helpers import csv_bytes, new_id_number, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def _import(tree, content, name="roster.csv", capture=None, union=None):
    union = union or tree.grassroots_a
    with capture(execute=True):
        job = roster_import_create(actor=tree.staff_a, union_id=union.pk, upload=upload(content, name))
    job.refresh_from_db()
    return job


def _errors(job):
    return list(ImportRowError.objects.filter(job=job).values_list("row_number", "code"))


def test_utf8_csv_rows_are_validated_and_counted(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    job = _import(tree, csv_bytes([row(uscc=uscc), row(name="李四", uscc=uscc)]), capture=django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.valid_rows, job.error_rows) == (2, 2, 0)
    assert job.encoding == "utf-8"


def test_gbk_csv_from_chinese_excel_is_detected(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    content = csv_bytes([row(name="欧阳娜娜", uscc=uscc), row(name="王五", uscc=uscc, form="劳务派遣")], encoding="gbk")
    job = _import(tree, content, capture=django_capture_on_commit_callbacks)
    assert job.encoding == "gb18030"
    assert (job.valid_rows, job.error_rows) == (2, 0)


def test_xlsx_roster_is_read(tree, django_capture_on_commit_callbacks):
    employer = tree.grassroots_a.employer
    content = xlsx_bytes([row(employer_name=employer.name), row(name="赵六", employer_name=employer.name, joined="2024-03-01")])
    job = _import(tree, content, name="花名册.xlsx", capture=django_capture_on_commit_callbacks)
    assert job.file_format == "xlsx"
    assert (job.valid_rows, job.error_rows) == (2, 0)


def test_commit_creates_people_memberships_and_cards(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    job = _import(tree, csv_bytes([row(uscc=uscc), row(name="李四", uscc=uscc, joined="2023-05-06")]),
                  capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported_rows == 2
    memberships = Membership.objects.filter(union=tree.grassroots_a, source="import")
    assert memberships.count() == 2
    assert MemberCard.objects.filter(membership__in=memberships, revoked_at__isnull=True).count() == 2
    li = Person.objects.get(name="李四")
    assert li.id_number and len(li.id_number) == 18  # decrypts: stored encrypted, read back plain
    assert li.phone == "13800138000" and li.name_pinyin == "lisi"
    assert memberships.get(person=li).joined_on.isoformat() == "2023-05-06"
    assert all(m.number.startswith("44") for m in memberships)
    assert roster.progress_get(job.pk)["percent"] == 100


def test_every_row_problem_is_reported_with_row_column_and_reason(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    good = new_id_number()
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        row(name="张", uscc=uscc),                                 # 2 name too short
        row(id_number=bad_checksum, uscc=uscc),                    # 3 ID checksum
        row(id_number="12345", uscc=uscc),                         # 4 ID length
        row(phone="12345", uscc=uscc),                             # 5 phone
        row(form="临时工", uscc=uscc),                              # 6 employment form
        row(form="新就业形态", kind="", uscc=uscc),                  # 7 new-form kind missing
        row(uscc="91440300MA5XXXXX1X"),                            # 8 USCC checksum / format
        row(uscc=tree.grassroots_b.employer.uscc),                 # 9 employer outside the subtree
        row(employer_name="不存在的公司"),                            # 10 unknown employer
        row(migrant="也许", uscc=uscc),                             # 11 migrant flag
        row(joined="2999-01-01", uscc=uscc),                       # 12 joined in the future
        row(joined="去年", uscc=uscc),                              # 13 joined unreadable
        row(uscc=uscc),                                            # 14 fine
    ]
    job = _import(tree, csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    codes = dict(_errors(job))
    assert codes == {
        2: "name_invalid", 3: "id_number_checksum", 4: "id_number_length", 5: "phone_invalid",
        6: "employment_form_invalid", 7: "new_form_kind_required", 8: codes[8], 9: "employer_out_of_scope",
        10: "employer_unknown", 11: "migrant_invalid", 12: "joined_on_future", 13: "joined_on_invalid",
    }
    assert codes[8] in {"uscc_checksum", "uscc_format"}
    assert (job.total_rows, job.valid_rows, job.error_rows) == (13, 1, 12)
    error = ImportRowError.objects.get(job=job, row_number=3)
    assert error.column == "身份证号" and "校验位" in error.message


def test_duplicate_id_inside_the_file_names_the_first_row(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    same = new_id_number()
    job = _import(tree, csv_bytes([row(id_number=same, uscc=uscc), row(uscc=uscc), row(id_number=same.lower(), uscc=uscc)]),
                  capture=django_capture_on_commit_callbacks)
    error = ImportRowError.objects.get(job=job)
    assert (error.row_number, error.code) == (4, "duplicate_in_file")
    assert "第2行" in error.message


def test_person_already_a_live_member_is_rejected(tree, django_capture_on_commit_callbacks):
    here = make_member(union=tree.grassroots_a, name="老会员")
    elsewhere = make_member(union=tree.grassroots_b, name="外单位")
    uscc = tree.grassroots_a.employer.uscc
    rows = [
        row(name="老会员", id_number=here.person.id_number, uscc=uscc),
        row(name="外单位", id_number=elsewhere.person.id_number, uscc=uscc),
    ]
    job = _import(tree, csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert _errors(job) == [(2, "already_member_here"), (3, "already_member_elsewhere")]


def test_former_member_is_reimported_on_the_same_person(tree, django_capture_on_commit_callbacks):
    old = make_member(union=tree.grassroots_b, name="回流工")
    Membership.objects.filter(pk=old.pk).update(status=Membership.Status.ENDED)
    uscc = tree.grassroots_a.employer.uscc
    job = _import(tree, csv_bytes([row(name="回流工", id_number=old.person.id_number, uscc=uscc),
                                   row(name="新职工", uscc=uscc)]),
                  capture=django_capture_on_commit_callbacks)
    assert job.valid_rows == 2
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    assert Person.objects.filter(name="回流工").count() == 1
    assert Membership.objects.get(person=old.person, status="active").union == tree.grassroots_a


def test_name_differing_from_registered_person_is_rejected(tree, django_capture_on_commit_callbacks):
    old = make_member(union=tree.grassroots_b, name="王小明")
    Membership.objects.filter(pk=old.pk).update(status=Membership.Status.ENDED)
    job = _import(tree, csv_bytes([row(name="王大明", id_number=old.person.id_number, uscc=tree.grassroots_a.employer.uscc)]),
                  capture=django_capture_on_commit_callbacks)
    assert _errors(job) == [(2, "name_mismatch")]


def test_platform_riders_join_the_new_form_federation(tree, django_capture_on_commit_callbacks):
    from tests.factories import make_employer, make_union

    federation = make_union(name="南山区新业态工会联合会", kind="fed_new_form", parent=tree.county_a)
    platform = make_employer(name="某外卖平台有限公司", is_platform=True)
    rows = [row(name="骑手甲", uscc=platform.uscc, form="新就业形态", kind="外卖骑手", migrant="是")]
    job = _import(tree, csv_bytes(rows), capture=django_capture_on_commit_callbacks, union=federation)
    assert job.valid_rows == 1, _errors(job)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    person = Person.objects.get(name="骑手甲")
    assert (person.employment_form, person.new_form_kind, person.is_migrant_worker) == ("new_form", "rider", True)
    assert person.memberships.get().union == federation


def test_upload_into_another_branch_is_not_found(tree):
    with pytest.raises(NotFound):
        roster_import_create(actor=tree.staff_b, union_id=tree.grassroots_a.pk,
                             upload=upload(csv_bytes([row(uscc=tree.grassroots_a.employer.uscc)])))
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "roster.csv", "roster_empty"),
        (b"PK\x03\x04 not really a zip", "roster.xlsx", "roster_file_type"),
        (b"%PDF-1.4", "roster.pdf", "roster_file_type"),
        (b"\xd0\xcf\x11\xe0 old excel", "roster.xls", "roster_file_type"),
        ("名字,电话\n张三,13800138000\n".encode(), "roster.csv", "roster_headers"),
        (",".join(["姓名", "身份证号", "手机号", "单位名称", "用工形式"]).encode() + b"\n", "roster.csv", "roster_empty"),
        (b"just some text without the columns", "roster.csv", "roster_headers"),
    ],
)
def test_bad_files_get_a_clear_chinese_error(tree, content, name, code):
    with pytest.raises(ValidationFailed) as caught:
        roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk, upload=upload(content, name))
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value.message))
    assert not ImportJob.objects.exists()


def test_file_over_the_size_limit_is_refused(tree, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk,
                             upload=upload(csv_bytes([row(), row(), row()])))
    assert caught.value.code == "roster_too_large"


def test_failure_midway_through_commit_leaves_nothing_and_marks_job_failed(tree, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_COMMIT_BATCH", 2)
    real = services._roster_commit_chunk
    calls = []

    def flaky(context, rows, numbers):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(context, rows, numbers)

    monkeypatch.setattr(services, "_roster_commit_chunk", flaky)
    uscc = tree.grassroots_a.employer.uscc
    people_before, cards_before = Person.objects.count(), MemberCard.objects.count()
    job = _import(tree, csv_bytes([row(name=f"职工{n}号", uscc=uscc) for n in range(5)]), capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    job.refresh_from_db()
    assert calls == [2, 2]
    assert job.status == ImportJob.Status.FAILED
    assert "撤销" in job.message
    assert Person.objects.count() == people_before
    assert MemberCard.objects.count() == cards_before
    assert not Membership.objects.filter(source="import").exists()
    assert roster.progress_get(job.pk)["state"] == "failed"


def test_row_that_went_bad_after_validation_fails_the_whole_commit(tree, django_capture_on_commit_callbacks):
    uscc = tree.grassroots_a.employer.uscc
    late = new_id_number()
    job = _import(tree, csv_bytes([row(name="先来者", uscc=uscc), row(name="后来者", id_number=late, uscc=uscc)]),
                  capture=django_capture_on_commit_callbacks)
    # Between preview and commit the second person joins through the normal route.
    from gonghui.members.services import (
        membership_application_approve,
        membership_application_submit,
    )
    from tests.factories import make_worker_user

    application = membership_application_submit(
        user=make_worker_user(), name="后来者", id_number=late, phone="13900000000",
        employment_form="standard", employer=tree.grassroots_a.employer,
    )
    membership_application_approve(application=application, actor=tree.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "第3行" in job.message
    assert not Person.objects.filter(name="先来者").exists()


def test_commit_twice_is_refused(tree, django_capture_on_commit_callbacks):
    from gonghui.core.errors import Conflict

    job = _import(tree, csv_bytes([row(uscc=tree.grassroots_a.employer.uscc)]), capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    with pytest.raises(Conflict):
        roster_import_commit_request(job=job, actor=tree.staff_a)


def test_id_number_stored_as_excel_number_is_explained(tree, django_capture_on_commit_callbacks):
    employer = tree.grassroots_a.employer
    content = xlsx_bytes([["张三", 4.40305199001011e17, "13800138000", employer.uscc, "", "劳动合同用工", "", "否", None]])
    job = _import(tree, content, name="r.xlsx", capture=django_capture_on_commit_callbacks)
    assert _errors(job) == [(2, "id_number_numeric")]


@pytest.mark.parametrize("name", ["张三", "单田芳", "曾国藩", "欧阳娜娜", "长孙无忌", "Tom李", "乐乐"])
def test_staged_pinyin_matches_the_search_pinyin(name):
    from gonghui.core.text import pinyin_full, pinyin_initials

    assert roster._pinyin(name) == (pinyin_full(name), pinyin_initials(name))


def test_fast_id_check_agrees_with_the_full_validator():
    import datetime as dt

    from gonghui.core.testdata import id_number_make
    from gonghui.core.validators import parse_id_number

    samples = [id_number_make(region=region, birth=birth, seq=seq)
               for region in ("110105", "440305", "510104", "110101")
               for birth in (dt.date(1940, 5, 6), dt.date(1985, 2, 28), dt.date(2001, 12, 31))
               for seq in (1, 7)]
    samples += ["110105199002301231", "11010519900101123X", "000000199001011234"]
    for number in samples:
        try:
            info = parse_id_number(number)
            expected: object = (info.number, info.birth_date, info.gender)
        except ValidationFailed as exc:
            expected = exc.code
        try:
            got: object = roster.id_number_check(number)
        except ValidationFailed as exc:
            got = exc.code
        assert got == expected, number


def test_title_rows_above_the_header_are_skipped(tree, django_capture_on_commit_callbacks):
    from .helpers import HEADER

    employer = tree.grassroots_a.employer
    content = xlsx_bytes([HEADER, row(uscc=employer.uscc)], header=["某某有限公司职工花名册（2025年）"])
    job = _import(tree, content, name="r.xlsx", capture=django_capture_on_commit_callbacks)
    assert (job.status, job.valid_rows, job.error_rows) == (ImportJob.Status.VALIDATED, 1, 0)
    assert ImportJob.objects.get(pk=job.pk).total_rows == 1


def test_encoding_breaking_mid_file_ends_the_job_invalid_with_the_reason(tree, django_capture_on_commit_callbacks, monkeypatch):
    # A file whose first megabyte is UTF-8 and whose tail is GBK: detected as UTF-8 at upload.
    monkeypatch.setattr(roster, "detect_encoding", lambda head: "utf-8")
    uscc = tree.grassroots_a.employer.uscc
    good = csv_bytes([row(uscc=uscc) for _ in range(300)])  # past the decoder's read-ahead
    content = good + csv_bytes([row(name="王五", uscc=uscc)], encoding="gbk").split(b"\n", 1)[1]
    job = _import(tree, content, capture=django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.INVALID
    assert "编码" in job.message
    assert not ImportRowError.objects.filter(job=job).exists()


def test_undecodable_file_is_refused_at_upload(tree):
    with pytest.raises(ValidationFailed) as caught:
        roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk,
                             upload=upload(csv_bytes([row()]) + b"\xff\xff\xff\n"))
    assert caught.value.code == "roster_encoding"


def test_purge_removes_old_roster_files_but_keeps_the_job(tree, django_capture_on_commit_callbacks):
    import datetime as dt
    from pathlib import Path

    from django.utils import timezone

    from gonghui.core.models import AuditEvent
    from gonghui.members.services import roster_import_files_purge

    uscc = tree.grassroots_a.employer.uscc
    job = _import(tree, csv_bytes([row(uscc=uscc)]), capture=django_capture_on_commit_callbacks)
    path = Path(job.file.path)
    assert path.exists()
    assert roster_import_files_purge(older_than_days=7) == 0  # too recent
    assert roster_import_files_purge(older_than_days=7, now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert not path.exists()
    assert job.file.name == ""
    assert job.valid_rows == 1  # the record of the import stays
    assert AuditEvent.objects.filter(action="roster_import.file_purge", target_id=str(job.pk)).exists()


def test_a_back_dated_import_marks_the_computed_days_since_for_a_recount(tree, django_capture_on_commit_callbacks):
    """Members joined on 2023-05-06 were on the roll of every day since: the statistics of the
    days already computed from then on are recounted tonight (days before it are not)."""
    from gonghui.stats.models import SnapshotDay

    for day in ("2023-05-05", "2023-05-06", "2024-01-01"):
        SnapshotDay.objects.create(day=dt.date.fromisoformat(day), status=SnapshotDay.Status.DONE)
    uscc = tree.grassroots_a.employer.uscc
    job = _import(tree, csv_bytes([row(uscc=uscc, joined="2024-03-01"), row(name="李四", uscc=uscc, joined="2023-05-06")]),
                  capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_commit_request(job=job, actor=tree.staff_a)
    dirty = sorted(d.isoformat() for d in SnapshotDay.objects.filter(dirty=True).values_list("day", flat=True))
    assert dirty == ["2023-05-06", "2024-01-01"]
