"""Stored times are naive UTC; shown times are the bank's local time (bot.clock)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from bot.clock import clock


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
