"""The holiday table: a year the chinese-calendar package does not know (2027 and later)
is counted from the arrangement entered in the admin or imported, and a year neither knows
is counted Monday–Friday but marked provisional — never a silent guess."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.core import workdays
from gonghui.core.errors import ValidationFailed
from gonghui.core.holidays import holiday_year_replace
from gonghui.core.models import AuditEvent, HolidayDay, HolidayYear

pytestmark = pytest.mark.django_db

# Test data shaped like a State Council notice; not the real 2027 arrangement.
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"
SPRING_2027 = [
    *({"date": f"2027-02-{d:02d}", "kind": "off", "name": "春节"} for d in range(5, 13)),
    {"date": "2027-01-31", "kind": "work", "name": "春节调休"},
    {"date": "2027-02-20", "kind": "work", "name": "春节调休"},
]


def enter_2027() -> HolidayYear:
    return holiday_year_replace(year=2027, source=SOURCE, days=SPRING_2027)


def test_chinese_calendar_package_does_not_know_2027():
    """The reason the table exists: if a package release ever covers 2027 this test tells
    us the fallback is no longer the only source."""
    assert not workdays.year_known(2027)
    assert workdays.year_known(2026)


def test_spring_festival_2027_counts_as_holiday_once_entered():
    friday = dt.date(2027, 2, 5)
    assert workdays.is_workday(friday)  # nobody entered 2027: Monday–Friday guess
    enter_2027()
    assert not workdays.is_workday(friday)
    assert workdays.is_workday(dt.date(2027, 1, 31))  # a 调休 Sunday counts
    assert workdays.is_workday(dt.date(2027, 2, 15))  # ordinary Monday


def test_deadline_into_an_unknown_year_is_provisional_not_silent():
    deadline = workdays.deadline_after(dt.date(2026, 12, 30), 5)
    assert deadline.provisional
    # 12-31, then 2027 guessed Monday–Friday: 元旦 01-01 counts (the guess), 01-04, 05, 06.
    assert deadline.on == dt.date(2027, 1, 6)
    known = workdays.deadline_after(dt.date(2026, 12, 1), 5)
    assert not known.provisional


def test_deadline_across_spring_festival_2027_uses_the_table():
    start = dt.date(2027, 2, 4)  # Thursday
    without = workdays.deadline_after(start, 3)
    assert without == (dt.date(2027, 2, 9), True)
    enter_2027()
    assert workdays.deadline_after(start, 3) == (dt.date(2027, 2, 17), False)  # 02-05…12 off


def test_table_wins_over_the_package_for_a_year_both_know():
    """A correction entered by the administrator beats the package's data."""
    day = dt.date(2026, 3, 10)  # an ordinary Tuesday in the package
    assert workdays.is_workday(day)
    holiday_year_replace(year=2026, source="省政府关于调整节假日的通知（测试数据）",
                         days=[{"date": "2026-03-10", "kind": "off", "name": "地方节日"}])
    assert not workdays.is_workday(day)


def test_replacing_a_year_needs_a_source_and_clean_dates():
    with pytest.raises(ValidationFailed) as err:
        holiday_year_replace(year=2027, source="", days=SPRING_2027)
    assert err.value.code == "holiday_source_required"
    with pytest.raises(ValidationFailed) as err:
        holiday_year_replace(year=2027, source=SOURCE, days=[{"date": "2028-01-01", "kind": "off"}])
    assert err.value.code == "holiday_date_year"
    with pytest.raises(ValidationFailed) as err:
        holiday_year_replace(year=2027, source=SOURCE, days=[{"date": "2027-02-08", "kind": "work"}])
    assert err.value.code == "holiday_work_on_weekday"
    assert not HolidayYear.objects.exists()


def test_import_command_reads_json_and_replaces_the_year(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "source": SOURCE, "days": SPRING_2027}, ensure_ascii=False), "utf-8")
    call_command("holidays_import", str(path))
    call_command("holidays_import", str(path))  # idempotent: replaces, never duplicates
    calendar = HolidayYear.objects.get(year=2027)
    assert calendar.source == SOURCE
    assert calendar.days.filter(kind=HolidayDay.Kind.OFF).count() == 8
    assert AuditEvent.objects.filter(action="holiday.year_replace").count() == 2
    assert not workdays.is_workday(dt.date(2027, 2, 8))


def test_import_command_reads_csv_with_year_and_source_options(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-02-08,放假,春节\n2027-01-31,调休上班,春节调休\n", "utf-8")
    call_command("holidays_import", str(path), "--year", "2027", "--source", SOURCE)
    assert not workdays.is_workday(dt.date(2027, 2, 8))
    assert workdays.is_workday(dt.date(2027, 1, 31))


def test_import_command_explains_a_bad_file(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind\n2027-13-01,off\n", "utf-8")
    with pytest.raises(CommandError, match="日期"):
        call_command("holidays_import", str(path), "--year", "2027", "--source", SOURCE)


def test_superuser_enters_a_year_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:core_holidayyear_add"), {
        "year": 2027, "source": SOURCE, "source_url": "",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-02-08", "days-0-kind": "off", "days-0-name": "春节",
        "days-1-date": "2027-02-01", "days-1-kind": "work", "days-1-name": "",
    })
    assert response.status_code == 200  # 2027-02-01 is a Monday: refused with a clear message
    assert "不需要登记为调休上班" in response.content.decode()
    response = admin_client.post(reverse("admin:core_holidayyear_add"), {
        "year": 2027, "source": SOURCE, "source_url": "",
        "days-TOTAL_FORMS": "1", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-02-08", "days-0-kind": "off", "days-0-name": "春节",
    })
    assert response.status_code == 302
    assert not workdays.is_workday(dt.date(2027, 2, 8))
