"""The one clock. Everything that needs "now" or "today" asks it, so tests can set the time.

Stored times are naive UTC (to_storage); shown times are the bank's local time (to_local).

`BOT_FROZEN_NOW` (ISO datetime) freezes it for a whole process, e.g. the servers of an
end-to-end test; unit tests use `clock.frozen(...)`.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Iterator
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, zone: str = "Asia/Shanghai") -> None:
        self.tz = ZoneInfo(zone)
        self._frozen: datetime | None = None
        frozen = os.environ.get("BOT_FROZEN_NOW")
        if frozen:
            self._frozen = self._aware(datetime.fromisoformat(frozen))

    def _aware(self, moment: datetime) -> datetime:
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    def now(self) -> datetime:
        """The bank's local time, timezone-aware."""
        if self._frozen is not None:
            return self._frozen.astimezone(self.tz)
        return datetime.now(self.tz)

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def frozen(self, moment: datetime) -> Iterator[None]:
        previous, self._frozen = self._frozen, self._aware(moment)
        try:
            yield
        finally:
            self._frozen = previous


clock = Clock(os.environ.get("BANK_TIMEZONE", "Asia/Shanghai"))

def to_storage(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.tz)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def to_local(stored: datetime) -> datetime:
    return stored.replace(tzinfo=timezone.utc).astimezone(clock.tz)


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def next_birthday(birth_date: date, day: date) -> date:
    """The first birthday on or after `day`; a 29 February birthday falls on the 28th in other
    years."""
    for year in (day.year, day.year + 1):
        try:
            birthday = birth_date.replace(year=year)
        except ValueError:  # 29 February
            birthday = date(year, 2, 28)
        if birthday >= day:
            return birthday
    return date(day.year + 1, birth_date.month, min(birth_date.day, 28))
