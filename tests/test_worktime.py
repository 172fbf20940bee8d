import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models import CalendarDay, WorkPeriod, WorkSchedule
from cases.worktime import CalendarError, WorkCalendar, current_calendar, years_without_official_data
from classification.choices import LimitUnit

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def cal():
    return WorkCalendar(tz=TZ)


def test_three_working_days_from_national_day_eve_land_after_the_holiday_on_the_adjusted_saturday(cal):
    # 2026-09-30 (Wed) is the eve of National Day; Oct 1-7 are off; Oct 8, 9 work; Sat Oct 10 is 调休.
    assert cal.add_working_days(at(2026, 9, 30, 10), 3) == at(2026, 10, 10, 10)


def test_adjusted_saturday_counts_as_working_time(cal):
    assert cal.is_workday(dt.date(2026, 10, 10))
    assert cal.between(at(2026, 10, 10, 0), at(2026, 10, 11, 0)) == dt.timedelta(hours=8)


def test_adding_hours_skips_the_lunch_break(cal):
    assert cal.add(at(2026, 11, 25, 11), dt.timedelta(hours=2)) == at(2026, 11, 25, 15)


def test_adding_hours_from_outside_working_time_starts_at_the_next_period(cal):
    assert cal.add(at(2026, 11, 25, 12, 30), dt.timedelta(minutes=15)) == at(2026, 11, 25, 14, 15)
    friday_evening, monday_nine = at(2026, 11, 27, 19), at(2026, 11, 30, 9)
    assert cal.add(friday_evening, dt.timedelta(hours=1)) == monday_nine


def test_exactly_filling_a_period_ends_at_its_end(cal):
    assert cal.add(at(2026, 11, 25, 8), dt.timedelta(hours=4)) == at(2026, 11, 25, 12)


def test_measuring_across_lunch_break_and_weekend_is_exact(cal):
    # Fri 11:30 → Mon 08:45: Fri 0:30 + 4:00, weekend 0, Mon 0:45.
    assert cal.between(at(2026, 11, 27, 11, 30), at(2026, 11, 30, 8, 45)) == dt.timedelta(hours=5, minutes=15)
    assert cal.between(at(2026, 11, 25, 11, 59), at(2026, 11, 25, 14, 1)) == dt.timedelta(minutes=2)
    assert cal.between(at(2026, 11, 30, 9), at(2026, 11, 27, 9)) == dt.timedelta()


def test_add_and_between_are_inverse(cal):
    start = at(2026, 9, 29, 16, 20)
    for minutes in (1, 59, 100, 480, 5000):
        end = cal.add(start, dt.timedelta(minutes=minutes))
        assert cal.between(start, end) == dt.timedelta(minutes=minutes)


def test_deadline_units(cal):
    start = at(2026, 11, 27, 17)  # Friday 17:00
    assert cal.deadline(start, 4, LimitUnit.WORKING_HOURS) == at(2026, 11, 30, 11)
    assert cal.deadline(start, 15, LimitUnit.WORKING_MINUTES) == at(2026, 11, 27, 17, 15)
    assert cal.deadline(start, 1, LimitUnit.WORKING_DAYS) == at(2026, 11, 30, 17)
    assert cal.deadline(start, 2, LimitUnit.NATURAL_HOURS) == at(2026, 11, 27, 19)
    assert cal.deadline(start, 2, LimitUnit.NATURAL_DAYS) == at(2026, 11, 29, 17)
    with pytest.raises(CalendarError):
        cal.deadline(start, 1, "fortnights")


def test_overrides_beat_the_official_calendar():
    cal = WorkCalendar({dt.date(2026, 11, 25): False, dt.date(2026, 11, 28): True}, tz=TZ)
    assert not cal.is_workday(dt.date(2026, 11, 25))
    assert cal.add(at(2026, 11, 25, 9), dt.timedelta(hours=1)) == at(2026, 11, 26, 9)
    assert cal.is_workday(dt.date(2026, 11, 28))


def test_years_without_official_data_fall_back_to_weekdays_and_are_reported(cal):
    assert years_without_official_data([2026, 2027]) == [2027]
    assert cal.is_workday(dt.date(2027, 1, 4))  # Monday
    assert not cal.is_workday(dt.date(2027, 1, 2))  # Saturday
    assert WorkCalendar({dt.date(2027, 1, 4): False}, tz=TZ).is_workday(dt.date(2027, 1, 4)) is False


def test_schedules_apply_from_their_validity_date():
    summer = (dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))
    winter = (dt.time(8), dt.time(12)), (dt.time(14), dt.time(18))
    cal = WorkCalendar(schedules=[(dt.date(2000, 1, 1), winter), (dt.date(2026, 11, 26), summer)], tz=TZ)
    assert cal.add(at(2026, 11, 25, 17), dt.timedelta(hours=2)) == at(2026, 11, 26, 9, 30)
    assert cal.periods(dt.date(2026, 11, 26))[1] == (dt.time(13, 30), dt.time(17, 30))


def test_a_calendar_without_working_time_raises_instead_of_looping():
    cal = WorkCalendar(schedules=[(dt.date(2000, 1, 1), ())], tz=TZ)
    with pytest.raises(CalendarError):
        cal.add(at(2026, 1, 5, 9), dt.timedelta(hours=1))


def test_database_calendar_has_the_default_schedule_and_follows_edits(db):
    cal = current_calendar()
    assert cal.periods(dt.date(2026, 11, 25)) == ((dt.time(8), dt.time(12)), (dt.time(14), dt.time(18)))
    CalendarDay.objects.create(date=dt.date(2026, 11, 25), is_workday=False, note="台风停工")
    assert not current_calendar().is_workday(dt.date(2026, 11, 25))
    schedule = WorkSchedule.objects.create(name="夏令", valid_from=dt.date(2026, 11, 26))
    WorkPeriod.objects.create(schedule=schedule, start=dt.time(9), end=dt.time(17))
    assert current_calendar().periods(dt.date(2026, 11, 26)) == ((dt.time(9), dt.time(17)),)
