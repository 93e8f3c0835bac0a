"""What every action shares: the services, a thread pool for database work, tracker reading.

Database calls are synchronous (SQLAlchemy + psycopg2/sqlite3); running them on the event loop
would stall every other conversation, so each one runs in a worker thread.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.access import StaffMember
from bot.customers.service import CustomerService
from bot.dialogue.message import Message, entity_value
from bot.dialogue.replies import MAYBE_RECEIVED
from bot.dialogue.waiting import Waiting
from bot.outbox import NOTIFICATION_ID
from bot.referrals.dialogue import ReferralConversation
from bot.referrals.service import ReferralService
from bot.referrals.updates import ReferralUpdates
from bot.services import Services
from bot.settings import Settings
from bot.campaigns.dialogue import CampaignConversation
from bot.campaigns.service import CampaignService
from bot.segments.service import SegmentService
from bot.suggestions.service import SuggestionService
from bot.visits.dialogue import VisitConversation
from bot.visits.service import VisitService

T = TypeVar("T")

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
# The services (bot/services.py) per database URL: tests switch DATABASE_URL between SQLite and
# PostgreSQL; a server has one.
_services: dict[str, Services] = {}


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=Settings.from_env().db_threads, thread_name_prefix="db")
    return _executor


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(function, *args, **kwargs))


def services() -> Services:
    settings = Settings.from_env()
    if settings.database_url not in _services:
        _services[settings.database_url] = Services.build(settings)
    return _services[settings.database_url]


def customer_service() -> CustomerService:
    return services().customers


def referral_service() -> ReferralService:
    return services().referrals


def visit_service() -> VisitService:
    return services().visits


def suggestion_service() -> SuggestionService:
    return services().suggestions


def segment_service() -> SegmentService:
    return services().segments


def campaign_service() -> CampaignService:
    return services().campaigns


def campaign_conversation() -> CampaignConversation:
    return services().campaign_conversation()


def visit_conversation() -> VisitConversation:
    return services().visit_conversation()


def referral_conversation() -> ReferralConversation:
    return services().referral_conversation()


def referral_updates() -> ReferralUpdates:
    return services().referral_updates()


def shown_before(tracker: Tracker) -> list[int]:
    """The notifications shown by the previous reply of this conversation. Rasa keeps a reply in
    the conversation only once it handed it to the channel, so they reached her; the channel
    marks them delivered at once, this is for a channel that does not (`rasa shell`)."""
    shown: list[int] = []
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            notification_id = (event.get("metadata") or {}).get(NOTIFICATION_ID)
            if isinstance(notification_id, int):
                shown.append(notification_id)
    return shown


async def deliver_notifications(dispatcher: CollectingDispatcher, tracker: Tracker, staff: StaffMember) -> bool:
    """Notifications waiting for the sender (a referral arrived, was accepted, converted…) go at
    the top of whatever the bot answers, each message carrying its `notification_id`: the channel
    marks it delivered once it has the reply (bot/channels/answering.py), and until then it is
    claimed for this reply only (bot/outbox.py). A failure here is never the turn's failure (the
    turn may have saved something already): it is logged, the reply goes on, and the
    notifications stay waiting for the next reply. False when they could not be fetched."""
    try:
        waiting = await in_thread(referral_service().notifications, staff,
                                  channel_of(tracker) or "chat", shown_before(tracker))
    except Exception as error:  # noqa: BLE001 - see above
        logger.error("notifications.failed error=%s", type(error).__name__)
        return False
    for notification in waiting:
        text = f"{MAYBE_RECEIVED}\n{notification.text}" if notification.unsure else notification.text
        dispatcher.utter_message(text=text, **{NOTIFICATION_ID: notification.id})
    return True


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
    """One message being answered: what the capabilities read (who sent it, resolved once per
    turn; the tracker, the message, what waits) and what they leave for the next message (slot
    events, `waiting`)."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    staff: StaffMember
    message: Message
    waiting: Waiting
    events: list[dict[str, Any]] = field(default_factory=list)
    saved_reply: str | None = None  # what this turn committed (`saved`)
    notifications_later: bool = False  # the notifications could not be fetched this turn

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

    @property
    def previous_topic(self) -> str | None:
        """What the previous answer was about (`Waiting.topic` as the turn began), for the short
        follow-ups that refer to it ("那X呢", "这个月呢")."""
        return (self.slot("waiting") or {}).get("topic")

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    def set(self, name: str, value: Any) -> None:
        self.events.append(SlotSet(name, value))

    def say(self, text: str, buttons: list[dict] | None = None) -> None:
        self.dispatcher.utter_message(text=text, buttons=buttons)

    async def notifications(self) -> None:
        if not await deliver_notifications(self.dispatcher, self.tracker, self.staff):
            self.notifications_later = True

    def saved(self, reply: str) -> None:
        """What this turn saved (committed), said whatever fails after it: never "没有保存"."""
        self.saved_reply = reply
