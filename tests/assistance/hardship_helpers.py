"""Hardship file helpers: a member, a standard, a file moved along its steps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.assistance import hardship
from gonghui.assistance.models import HardshipStandard
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


def active(union, staff, **kwargs):
    """A file applied, visited, graded and approved."""
    file = applied(union, **kwargs)
    file = hardship.hardship_file_verify(file=file, by=staff, visited_on=timezone.localdate() - dt.timedelta(days=0),
                                         findings="住房简陋，爱人卧床。")
    file = hardship.hardship_file_grade(file=file, by=staff)
    return hardship.hardship_file_approve(file=file, by=staff, note="主席办公会同意")
