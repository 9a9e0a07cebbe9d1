"""Hardship file helpers: a member, a standard, a file moved along its steps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipFile, HardshipStandard
from tests.factories import make_member

HOUSEHOLD = [{"name": "李梅", "relation": "配偶", "age": 40}, {"name": "张小明", "relation": "子女", "age": 12}]


def standard(region: str = "440000", *, low: int = 1000_00, permille: int = 1500, year: int | None = None):
    """The province's standard: 低保 1,000 元, hardship line 1,500 元 per person and month."""
    return HardshipStandard.objects.create(region=region, year=year or timezone.localdate().year,
                                           low_income_line=low, hardship_permille=permille)


def applied(union, *, income: int = 2400_00, cause: str = "illness", member=None, documents=()):
    member = member or make_member(union=union, name="张大山")
    return hardship.hardship_file_apply(
        user=member.person.user, household=HOUSEHOLD, monthly_income=income, cause=cause,
        cause_note="爱人患重病，孩子上学，家里只有我一份工资。", documents=documents,
    )


def graded(union, staff, **kwargs):
    """A file applied, visited and graded (待公示)."""
    file = applied(union, **kwargs)
    file = hardship.hardship_file_verify(file=file, by=staff, visited_on=timezone.localdate() - dt.timedelta(days=0),
                                         findings="住房简陋，爱人卧床。")
    return hardship.hardship_file_grade(file=file, by=staff)


def notice_ended(file, staff):
    """Start the file's 公示 and let it end without objections: the notice dates are moved back
    so that it ended yesterday (tests of the notice itself move the clock instead, see
    test_hardship_notice.py)."""
    file = hardship.hardship_file_notice_start(file=file, by=staff)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    HardshipFile.objects.filter(pk=file.pk).update(notice_from=yesterday - dt.timedelta(days=7),
                                                   notice_until=yesterday)
    file.refresh_from_db()
    return file


def approved(file, staff, note="主席办公会同意"):
    """A graded file through an ended notice to 在档."""
    return hardship.hardship_file_approve(file=notice_ended(file, staff), by=staff, note=note)


def active(union, staff, **kwargs):
    """A file applied, visited, graded, on notice that ended, and approved."""
    return approved(graded(union, staff, **kwargs), staff)
