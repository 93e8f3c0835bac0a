"""Rasa's SQL tracker store, keeping phone and ID numbers only masked and sessions short.

Staff type customers' phone and ID numbers ("13912345678是谁"). The bot uses them in the turn
they arrive in (NLU, the lookup), but the conversation history that Rasa keeps in its tracker
store is data at rest: there every string of every new event (the user's text, the parse data's
entities, slot values, metadata) is stored with phones as 139****5678 and ID numbers as
110101********4514, like the bot's replies and logs. The next turn reads the masked history,
which is all it needs: slots hold customer numbers, never a phone.

Staff keep one chat open all day. Bare Rasa slows down turn after turn within a session: every
message reloads and deserialises all of the session's events, the rules re-featurise the whole
history, and the whole tracker travels to the action server with each action (measured by
`make bench`: 111 ms at the start, 590 ms around turn 400; docs/performance.md). So a session is
closed after `max_session_turns` user messages (default 10): at the end of the turn that reaches
it, the store appends a new session start that carries every slot over (the customer in
context, open drafts, pending choices), as Rasa does after an idle hour. The next message loads
only the new session. Older sessions stay in the table, as history.

endpoints.yml (README, "Production"):

    tracker_store:
      type: components.tracker_store.MaskingSQLTrackerStore
      dialect: postgresql
      url: 127.0.0.1
      db: rasa
      username: rasa
      password: ${RASA_TRACKER_DB_PASSWORD}
"""
from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, SESSION_START_METADATA_SLOT
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import install_log_masking, mask_identifiers_in_text

logger = logging.getLogger(__name__)

install_log_masking()  # the Rasa server's own log lines (a debug log echoes messages)


def masked(value: Any) -> Any:
    """The value with every phone or ID number in its strings masked (dicts and lists walked)."""
    if isinstance(value, str):
        return mask_identifiers_in_text(value)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def turns_in_session(tracker: DialogueStateTracker) -> int:
    """User messages since the latest session start."""
    turns = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        turns += isinstance(event, UserUttered)
    return turns


def start_new_session(tracker: DialogueStateTracker) -> None:
    """Close the session at a turn's end: a new one starts with every slot as it is now."""
    carried = [(name, slot.value) for name, slot in tracker.slots.items()
               if name != SESSION_START_METADATA_SLOT and slot.value != slot.initial_value]
    tracker.update(ActionExecuted(ACTION_SESSION_START_NAME))
    tracker.update(SessionStarted())
    # Created after SessionStarted: the store loads a session by timestamp from its start.
    for name, value in carried:
        tracker.update(SlotSet(name, value))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored events never hold a full phone or ID number, and whose
    sessions end after `max_session_turns` user messages (0: only after idle time)."""

    def __init__(self, *args: Any, max_session_turns: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_turns = int(max_session_turns)
        # Loading a conversation starts by finding its latest session start. With only Rasa's
        # index (sender_id) PostgreSQL planned that, on a new table, as a subquery per row: one
        # conversation went from 50 to 520 ms over 160 messages in make bench. This index
        # answers it directly, on any table size.
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "CREATE INDEX IF NOT EXISTS ix_events_session_starts ON events (sender_id, type_name, timestamp)"))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if (self.max_session_turns > 0 and tracker.latest_action_name == ACTION_LISTEN_NAME
                and not tracker.active_loop_name and turns_in_session(tracker) >= self.max_session_turns):
            start_new_session(tracker)
        # SQLTrackerStore.save, with the event's data masked before it is written.
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = masked(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()
