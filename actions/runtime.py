"""What every action shares: the services, a thread pool for database work, tracker reading.

Database calls are synchronous (SQLAlchemy + psycopg2/sqlite3); running them on the event loop
would stall every other conversation, so each one runs in a worker thread.
"""
from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from rasa_sdk import Tracker

from bot.access import StaffMember
from bot.customer_service import CustomerService
from bot.db import Database
from bot.settings import Settings

T = TypeVar("T")

_executor: ThreadPoolExecutor | None = None
_services: dict[str, CustomerService] = {}


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=Settings.from_env().db_threads, thread_name_prefix="db")
    return _executor


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(function, *args, **kwargs))


def customer_service() -> CustomerService:
    """One service per database URL (tests switch DATABASE_URL between SQLite and PostgreSQL)."""
    settings = Settings.from_env()
    if settings.database_url not in _services:
        _services[settings.database_url] = CustomerService(Database(settings.database_url), settings)
    return _services[settings.database_url]


async def current_staff(tracker: Tracker) -> StaffMember | None:
    return await in_thread(customer_service().who_is, tracker.sender_id)


def latest_entities(tracker: Tracker) -> dict[str, list[str]]:
    """Entity values of the latest message by entity name, each value once, in message order."""
    found: dict[str, list[str]] = {}
    for entity in tracker.latest_message.get("entities", []) or []:
        value = entity.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        values = found.setdefault(entity["entity"], [])
        if value not in values:
            values.append(value)
    return found


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or ""
