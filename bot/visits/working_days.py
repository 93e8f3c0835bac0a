"""Working days (工作日): Monday to Friday, with the public holidays and adjusted working days
of the years the calendar knows (chinese_calendar).
"""
from __future__ import annotations

import logging
from datetime import date

import chinese_calendar

log = logging.getLogger(__name__)


_UNPUBLISHED_YEARS_WARNED: set[int] = set()


def is_working_day(day: date) -> bool:
    """A working day on the mainland: public holidays off, their make-up weekend days on, from
    the State Council's schedule as packaged by chinese_calendar. A year whose schedule the
    installed package does not have yet (published each November) counts Monday to Friday,
    and the log says so once: upgrade the package."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _UNPUBLISHED_YEARS_WARNED:
            _UNPUBLISHED_YEARS_WARNED.add(day.year)
            log.warning("chinese_calendar has no holiday schedule for %s: working days are Monday to Friday", day.year)
        return day.weekday() < 5
