"""What every action shares: the services, a thread pool for database work, tracker reading.

Database calls are synchronous (SQLAlchemy + psycopg2/sqlite3); running them on the event loop
would stall every other conversation, so each one runs in a worker thread.
"""
from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.access import StaffMember
from bot.dialogue import Message, Waiting, entity_value

from bot.customer_service import CustomerService
from bot.db import Database
from bot.referral_dialogue import ReferralConversation, ReferralUpdates
from bot.referrals import ReferralService
from bot.settings import Settings
from bot.suggestions import SuggestionService
from bot.visit_dialogue import VisitConversation
from bot.visits import VisitService

T = TypeVar("T")

_executor: ThreadPoolExecutor | None = None
_services: dict[str, CustomerService] = {}
_referral_services: dict[str, ReferralService] = {}
_visit_services: dict[str, VisitService] = {}
_suggestion_services: dict[str, SuggestionService] = {}


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


def referral_service() -> ReferralService:
    settings = Settings.from_env()
    if settings.database_url not in _referral_services:
        _referral_services[settings.database_url] = ReferralService(customer_service().db, settings)
    return _referral_services[settings.database_url]


def visit_service() -> VisitService:
    settings = Settings.from_env()
    if settings.database_url not in _visit_services:
        _visit_services[settings.database_url] = VisitService(customer_service().db, settings)
    return _visit_services[settings.database_url]


def suggestion_service() -> SuggestionService:
    settings = Settings.from_env()
    if settings.database_url not in _suggestion_services:
        _suggestion_services[settings.database_url] = SuggestionService(customer_service().db, settings)
    return _suggestion_services[settings.database_url]


def visit_conversation() -> VisitConversation:
    return VisitConversation(customer_service(), visit_service())


def referral_conversation() -> ReferralConversation:
    return ReferralConversation(customer_service(), referral_service())


def referral_updates() -> ReferralUpdates:
    return ReferralUpdates(customer_service(), referral_service())


async def deliver_notifications(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Notifications waiting for the sender (a referral arrived, was accepted, converted…) go at
    the top of whatever the bot answers; taking them marks them delivered, so none shows twice."""
    from actions import scheduler

    scheduler.ensure_started()
    waiting = await in_thread(referral_service().notifications, tracker.sender_id, channel_of(tracker) or "chat")
    for notification in waiting:
        dispatcher.utter_message(text=notification.text)


async def current_staff(tracker: Tracker) -> StaffMember | None:
    return await in_thread(customer_service().who_is, tracker.sender_id)


def latest_entities(tracker: Tracker) -> dict[str, list[str]]:
    """Entity values of the latest message by entity name, each value once, in message order
    (bot.dialogue.entity_value tidies what the NLU glued on: "那鑫享理财" is 鑫享理财)."""
    found: dict[str, list[str]] = {}
    for entity in tracker.latest_message.get("entities", []) or []:
        value = entity_value(entity.get("entity"), entity.get("value"))
        if not value:
            continue
        values = found.setdefault(entity["entity"], [])
        if value not in values:
            values.append(value)
    return found


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or ""


def message_of(tracker: Tracker) -> Message:
    return Message(latest_text(tracker), (tracker.latest_message.get("intent") or {}).get("name"), latest_entities(tracker))


@dataclass
class Turn:
    """One message being answered: what the capabilities read (the tracker, the message, what
    waits) and what they leave for the next message (slot events, `waiting`)."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    message: Message
    waiting: Waiting
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sender(self) -> str:
        return self.tracker.sender_id

    @property
    def channel(self) -> str:
        return channel_of(self.tracker)

    @property
    def text(self) -> str:
        return self.message.text

    @property
    def entities(self) -> dict[str, list[str]]:
        return self.message.entities

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    def set(self, name: str, value: Any) -> None:
        self.events.append(SlotSet(name, value))

    def say(self, text: str, buttons: list[dict] | None = None) -> None:
        self.dispatcher.utter_message(text=text, buttons=buttons)

    async def notifications(self) -> None:
        await deliver_notifications(self.dispatcher, self.tracker)
