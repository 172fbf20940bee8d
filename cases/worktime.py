"""Working time: which days are working days, and time limits counted in working time.

Days come from the official calendar (the ``chinesecalendar`` package: weekends, public holidays and
the adjusted working days 调休) overridden by the admin-editable ``CalendarDay`` table. The package
only knows the years it was published for; for any other year the override table is the only source
and weekdays are assumed to be working days — ``years_without_official_data`` says which years those
are so that staff enter the State Council's notice in time. Hours come from the ``WorkSchedule`` in
force on the day.

``WorkCalendar`` is a plain in-memory object so that bulk work (deadlines for a month of cases) needs
no query per case; ``current_calendar()`` gives the one built from the database, rebuilt when an
override or schedule changes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from citymgmt.memo import Memo
from classification.choices import LimitUnit

from .models import CalendarDay, WorkPeriod, WorkSchedule

Period = tuple[dt.time, dt.time]
DEFAULT_PERIODS: tuple[Period, ...] = ((dt.time(8), dt.time(12)), (dt.time(14), dt.time(18)))
MAX_SEARCH_DAYS = 3660  # a deadline further than ten years away means the calendar has no working days


class CalendarError(ValueError):
    pass


@lru_cache(maxsize=4096)
def official_workday(day: dt.date) -> bool | None:
    """The official calendar's answer, or None where the package has no data for that year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def years_without_official_data(years: Iterable[int]) -> list[int]:
    return [year for year in years if official_workday(dt.date(year, 6, 1)) is None]


class WorkCalendar:
    def __init__(
        self,
        overrides: dict[dt.date, bool] | None = None,
        schedules: Sequence[tuple[dt.date, Sequence[Period]]] = ((dt.date.min, DEFAULT_PERIODS),),
        tz: dt.tzinfo | None = None,
    ):
        self.overrides = dict(overrides or {})
        ordered = sorted(schedules)
        self._schedule_starts = [start for start, _periods in ordered]
        self._schedule_periods = [tuple(sorted(periods)) for _start, periods in ordered]
        self.tz = tz or ZoneInfo(settings.TIME_ZONE)

    # --- days ---------------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        official = official_workday(day)
        return day.weekday() < 5 if official is None else official

    def periods(self, day: dt.date) -> tuple[Period, ...]:
        """The day's working periods (empty on a day off)."""
        if not self.is_workday(day):
            return ()
        index = bisect.bisect_right(self._schedule_starts, day) - 1
        return self._schedule_periods[index] if index >= 0 else ()

    def _intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        return [
            (dt.datetime.combine(day, start, self.tz), dt.datetime.combine(day, end, self.tz))
            for start, end in self.periods(day)
        ]

    def day_length(self, day: dt.date) -> dt.timedelta:
        """Working time of a full working day under the schedule in force on ``day``."""
        index = max(bisect.bisect_right(self._schedule_starts, day) - 1, 0)
        periods = self._schedule_periods[index] if self._schedule_periods else ()
        return sum(
            (dt.datetime.combine(day, end) - dt.datetime.combine(day, start) for start, end in periods),
            dt.timedelta(),
        )

    # --- time ---------------------------------------------------------------------------------------
    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when ``duration`` of working time has passed after ``start``."""
        local = start.astimezone(self.tz)
        remaining = duration
        day = local.date()
        for _ in range(MAX_SEARCH_DAYS):
            for begin, end in self._intervals(day):
                if end <= local:
                    continue
                begin = max(begin, local)
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
            day += dt.timedelta(days=1)
        raise CalendarError(f"no working time within {MAX_SEARCH_DAYS} days of {start}")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time elapsed from ``start`` to ``end`` (zero if ``end`` is not later)."""
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = dt.timedelta()
        day = start.date()
        while day <= end.date():
            for begin, finish in self._intervals(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """``days`` working days after ``start``: the same point of the working day, that many working
        days later (a report at 10:00 on Friday with one working day is due at 10:00 on Monday)."""
        return self.add(start, days * self.day_length(start.astimezone(self.tz).date()))

    def deadline(self, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
        """A time limit of ``amount`` ``unit`` (see ``LimitUnit``) counted from ``start``."""
        match unit:
            case LimitUnit.WORKING_MINUTES:
                return self.add(start, dt.timedelta(minutes=amount))
            case LimitUnit.WORKING_HOURS:
                return self.add(start, dt.timedelta(hours=amount))
            case LimitUnit.WORKING_DAYS:
                return self.add_working_days(start, amount)
            case LimitUnit.NATURAL_HOURS:
                return start + dt.timedelta(hours=amount)
            case LimitUnit.NATURAL_DAYS:
                return start + dt.timedelta(days=amount)
        raise CalendarError(f"unknown limit unit {unit!r}")


# --- the calendar kept in the database --------------------------------------------------------------------


def load_calendar() -> WorkCalendar:
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    schedules = [
        (schedule.valid_from, [(p.start, p.end) for p in schedule.periods.all()])
        for schedule in WorkSchedule.objects.prefetch_related("periods")
    ]
    return WorkCalendar(overrides, schedules or [(dt.date.min, DEFAULT_PERIODS)])


# The calendar from the database, kept per process until an override or a schedule changes anywhere
# (``citymgmt.memo``): every report and transition counts its deadlines with it.
current_calendar: Memo[WorkCalendar] = Memo(load_calendar, CalendarDay, WorkSchedule, WorkPeriod)


def day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first, last] (local dates) as [start, end) times, so that an index on a time serves it (a ``__date``
    lookup converts every row's time, in a Python function on SQLite)."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(first, dt.time(), tz), dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def month_named(value: str | None, default: dt.date) -> dt.date:
    """The first day of the month a page is asked for ("YYYY-MM"), or ``default`` when none or a malformed one
    is given."""
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default
