"""Opening hours: parsing, "open now" across midnight, statutory holidays, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.errors import ValidationFailed
from gonghui.stations.hours import hours_compile, hours_parse, hours_summary, is_open


def opened(text: str, when: str) -> bool:
    return is_open(hours_compile(hours_parse(text)), dt.datetime.fromisoformat(when))


def test_24_hours_is_always_open():
    assert opened("24小时", "2025-01-29 03:00")  # 春节 at 3 a.m.
    assert opened("24h", "2025-03-05 23:59")


def test_weekday_hours():
    text = "周一至周五 08:00-20:00；周六,周日 09:00-12:00,14:00-18:00"
    assert opened(text, "2025-03-05 08:00")  # Wednesday, opening minute
    assert not opened(text, "2025-03-05 20:00")  # closing minute is closed
    assert not opened(text, "2025-03-05 07:59")
    assert opened(text, "2025-03-08 11:59")  # Saturday
    assert not opened(text, "2025-03-08 13:00")  # lunch break
    assert opened(text, "2025-03-09 14:00")


def test_hours_across_midnight_belong_to_the_day_they_start():
    text = "周五 22:00-06:00"
    assert opened(text, "2025-03-07 23:30")  # Friday night
    assert opened(text, "2025-03-08 05:59")  # early Saturday, still Friday's shift
    assert not opened(text, "2025-03-08 06:00")
    assert not opened(text, "2025-03-07 05:00")  # early Friday: Thursday had no night shift
    assert not opened(text, "2025-03-08 23:00")


def test_statutory_holiday_hours_replace_weekly_hours():
    text = "周一至周五 08:00-20:00；周六,周日 10:00-16:00；节假日 休息"
    assert not opened(text, "2025-10-01 11:00")  # 国庆, a Wednesday
    assert opened(text, "2025-10-15 11:00")  # an ordinary Wednesday
    assert opened(text, "2025-03-08 11:00")  # an ordinary Saturday is not a holiday
    special = "每天 08:00-20:00；节假日 10:00-14:00"
    assert opened(special, "2025-01-29 11:00")  # 春节
    assert not opened(special, "2025-01-29 15:00")
    assert opened(special, "2025-01-22 15:00")


def test_overnight_shift_on_the_eve_of_a_holiday_follows_the_eve():
    text = "每天 20:00-02:00；节假日 休息"
    # 2025-09-30 is a working day; its night shift runs into 国庆 (10-01) morning.
    assert opened(text, "2025-10-01 01:00")
    # 10-01 itself is a holiday: closed, so nothing runs into 10-02 morning.
    assert not opened(text, "2025-10-02 01:00")


def test_without_holiday_rule_holidays_follow_the_week():
    assert opened("周三 08:00-20:00", "2025-10-01 09:00")


def test_english_day_names_and_ranges():
    assert opened("mon-fri 09:00-17:00; sat closed", "2025-03-03 09:30")
    assert not opened("mon-fri 09:00-17:00; sat closed", "2025-03-08 09:30")


@pytest.mark.parametrize("text", [
    "", "sometimes", "周一至周五", "周一至周五 8点到20点", "周八 08:00-20:00", "周五至周一 08:00-20:00",
    "每天 25:00-26:00", "每天 08:00-08:00", "每天 08:61-09:00", "x" * 400,
])
def test_malformed_hours_are_rejected_with_a_field_error(text):
    with pytest.raises(ValidationFailed) as info:
        hours_parse(text)
    assert info.value.code == "hours_invalid"
    assert info.value.field == "hours_text"


def test_summary_round_trips():
    hours = hours_parse("周一至周五 08:00-20:00")
    assert hours_parse(hours_summary(hours)) == hours


# --- every spelling the operators use, and the edges of a time range ----------------------

DAY_SPELLINGS = [
    (0, ["mon", "monday", "周一", "星期一", "一", "MON"]),
    (1, ["tue", "tuesday", "周二", "星期二", "二"]),
    (2, ["wed", "wednesday", "周三", "星期三", "三"]),
    (3, ["thu", "thursday", "周四", "星期四", "四"]),
    (4, ["fri", "friday", "周五", "星期五", "五"]),
    (5, ["sat", "saturday", "周六", "星期六", "六"]),
    (6, ["sun", "sunday", "周日", "星期日", "周天", "星期天", "日", "天"]),
]


@pytest.mark.parametrize(("day", "name"), [(day, name) for day, names in DAY_SPELLINGS for name in names])
def test_every_spelling_of_a_weekday_means_that_day(day, name):
    week = hours_parse(f"{name} 08:00-09:00")["week"]
    assert week[day] == [[480, 540]]
    assert sum(1 for intervals in week if intervals) == 1


@pytest.mark.parametrize("text", ["24h", "24小时", "24 小时", "全天", "全天开放", "24/7", "全天候", "24H"])
def test_every_spelling_of_always_open(text):
    assert hours_parse(text) == {"always": True, "week": [[[0, 1440]]] * 7, "holiday": None}
    assert hours_parse(f"周一 {text}")["week"][0] == [[0, 1440]]


@pytest.mark.parametrize("text", ["每天", "每日", "daily", "everyday", "all", "周一至周日", "周一到周日", "mon-sun"])
def test_every_spelling_of_every_day(text):
    assert hours_parse(f"{text} 08:00-09:00")["week"] == [[[480, 540]]] * 7


@pytest.mark.parametrize("text", ["节假日", "法定节假日", "holiday", "holidays"])
def test_every_spelling_of_holidays(text):
    hours = hours_parse(f"每天 08:00-09:00；{text} 10:00-11:00")
    assert hours["holiday"] == [[600, 660]] and hours["week"] == [[[480, 540]]] * 7


@pytest.mark.parametrize("text", ["休息", "关闭", "闭馆", "不开放", "closed", "off"])
def test_every_spelling_of_closed(text):
    hours = hours_parse(f"周一 08:00-09:00；周二 {text}；节假日 {text}")
    assert hours["week"][0] == [[480, 540]] and hours["week"][1] == [] and hours["holiday"] == []


@pytest.mark.parametrize("text", [
    "周一,周三 08:00-09:00", "周一，周三 08:00-09:00", "周一、周三 08:00-09:00", "周一/周三 08:00-09:00",
    "周一,,周三 08:00-09:00",
])
def test_day_lists(text):
    assert [bool(d) for d in hours_parse(text)["week"]] == [True, False, True, False, False, False, False]


@pytest.mark.parametrize("separator", ["-", "–", "~", "至", "到"])
def test_day_and_time_ranges_take_every_separator(separator):
    hours = hours_parse(f"周二{separator}周四 08:30{separator}17:45")
    assert hours["week"] == [[], [[510, 1065]], [[510, 1065]], [[510, 1065]], [], [], []]


@pytest.mark.parametrize("text", ["周一 08：00-09：00", "周一 8:00-9:00"])
def test_full_width_colon_and_one_digit_hours(text):
    assert hours_parse(text)["week"][0] == [[480, 540]]


@pytest.mark.parametrize("segments", ["周一 08:00-09:00;周二 10:00-11:00", "周一 08:00-09:00；周二 10:00-11:00",
                                      "周一 08:00-09:00\n周二 10:00-11:00", "周一 08:00-09:00;;\n周二 10:00-11:00"])
def test_segment_separators(segments):
    week = hours_parse(segments)["week"]
    assert week[0] == [[480, 540]] and week[1] == [[600, 660]]


def test_intervals_of_a_day_are_merged_in_order():
    assert hours_parse("周一 14:00-18:00；周一 08:00-12:00")["week"][0] == [[480, 720], [840, 1080]]
    assert hours_parse("周一 14:00-18:00,08:00-12:00")["week"][0] == [[480, 720], [840, 1080]]


@pytest.mark.parametrize(("text", "interval"), [
    ("08:00-24:00", [480, 1440]),      # until midnight
    ("00:00-23:59", [0, 1439]),
    ("23:59-00:00", [1439, 1440]),     # one minute, crossing midnight
    ("22:00-06:00", [1320, 1800]),
    ("08:59-09:01", [539, 541]),
])
def test_time_range_edges_that_are_fine(text, interval):
    assert hours_parse(f"周一 {text}")["week"][0] == [interval]


@pytest.mark.parametrize("text", [
    "24:01-08:00", "08:00-24:30", "24:30-08:00", "25:00-08:00", "08:00-25:00",
    "08:60-09:00", "08:00-09:60", "8:00-9", "08:00", "08:00-09:00-10:00",
])
def test_time_range_edges_that_are_refused(text):
    with pytest.raises(ValidationFailed):
        hours_parse(f"周一 {text}")


@pytest.mark.parametrize("text", ["周一-周三-周五 08:00-09:00", "周一至周八 08:00-09:00", "周一", "周一 08:00-09:00；周二"])
def test_bad_day_expressions_are_refused(text):
    with pytest.raises(ValidationFailed):
        hours_parse(text)


def test_written_hours_may_be_300_characters_long():
    base = "每天 08:00-09:00"
    assert hours_parse(base + ";" * (300 - len(base)))["week"][0] == [[480, 540]]
    with pytest.raises(ValidationFailed):
        hours_parse(base + ";" * (301 - len(base)))


def test_compiled_form_of_missing_or_broken_hours_is_always_open():
    always = (True, tuple(((0, 1440),) for _ in range(7)), None)
    assert hours_compile({}) == always
    assert hours_compile({"always": False, "week": [[]] * 6, "holiday": None}) == always
    compiled = hours_compile({"always": False, "week": [[["480", "540"]]] + [[]] * 6, "holiday": [[600, 660]]})
    assert compiled == (False, (((480, 540),), (), (), (), (), (), ()), ((600, 660),))


def test_statutory_holidays_are_not_weekends_and_unknown_years_have_none():
    from gonghui.stations.hours import is_statutory_holiday

    assert is_statutory_holiday(dt.date(2025, 10, 1))
    assert not is_statutory_holiday(dt.date(2025, 3, 8))  # an ordinary Saturday
    assert not is_statutory_holiday(dt.date(2025, 2, 8))  # a 调休 working Saturday
    assert not is_statutory_holiday(dt.date(2100, 10, 1))  # beyond the official calendar


def test_holiday_hours_of_the_eve_run_into_the_next_morning():
    text = "每天 08:00-18:00；节假日 20:00-02:00"
    assert opened(text, "2025-10-02 01:59")  # 10-01 (holiday) night shift
    assert not opened(text, "2025-10-02 02:00")
    assert not opened(text, "2025-09-30 01:00")  # 09-29 was an ordinary day


def test_summaries():
    assert hours_summary(hours_parse("24小时")) == "24小时"
    assert hours_summary(hours_parse("周一 休息")) == "休息"
    assert hours_summary(hours_parse("周一 08:30-17:45；周五 22:00-06:00")) == "周一 08:30-17:45；周五 22:00-06:00"
    assert hours_summary(hours_parse("周六 09:00-12:00,14:00-18:00")) == "周六 09:00-12:00,14:00-18:00"


@pytest.mark.parametrize("text", ["周一,周三, 08:00-09:00", "周一至周一,周三 08:00-09:00"])
def test_day_lists_with_a_trailing_separator_or_a_one_day_range(text):
    assert [bool(d) for d in hours_parse(text)["week"]] == [True, False, True, False, False, False, False]


@pytest.mark.parametrize("text", ["周五至周一,周三 08:00-09:00", "， 08:00-09:00", "周一 08:60-10:00", "周一 08:00-09:60"])
def test_a_backwards_range_or_no_day_or_minute_sixty_is_refused_even_beside_good_parts(text):
    with pytest.raises(ValidationFailed):
        hours_parse(text)


def test_spaces_after_commas_and_around_segments_are_fine():
    hours = hours_parse("  周一 08:00-09:00, 10:00-11:00; ; 周二 休息  ")
    assert hours == {"always": False, "week": [[[480, 540], [600, 660]]] + [[]] * 6, "holiday": None}
    assert hours_parse("  24小时 ")["always"] is True


def test_the_error_quotes_at_most_forty_characters():
    text = "坏" * 50
    with pytest.raises(ValidationFailed) as info:
        hours_parse(text)
    message = str(info.value.message)
    assert "坏" * 40 in message and "坏" * 41 not in message


def test_compiled_form_of_no_hours_at_all_is_always_open():
    always = (True, tuple(((0, 1440),) for _ in range(7)), None)
    assert hours_compile(None) == always
    assert hours_compile({"always": True}) == always


def test_a_shift_ending_one_minute_after_midnight():
    assert opened("周一 23:00-00:01", "2025-03-04 00:00")  # Tuesday 00:00, Monday's shift
    assert not opened("周一 23:00-00:01", "2025-03-04 00:01")


def test_summary_of_a_sunday():
    assert hours_summary(hours_parse("周日 09:00-12:00")) == "周日 09:00-12:00"
