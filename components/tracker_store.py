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
closed after `max_session_turns` user messages (default 5): at the end of the turn that reaches
it, the store appends a new session start that carries every slot over (the customer in
context, open drafts, pending choices), as Rasa does after an idle hour. The next message loads
only the new session. Older sessions stay in the table, as history.

Loading a session from the table (a query, then JSON and event objects for every event) and
counting its rows again before each save took more than a third of the Rasa process's time per
message in `make bench`. So each process keeps the latest session of recently active
conversations in memory, as the events it stored (masked, exactly what the table holds), and
asks the table only for what it has not seen: the events from its newest one on (one indexed
range, usually just that row). Another worker or server that answered in between has added
rows, which are read and applied; a missing newest row (events deleted) reloads the session
from the table. Saving a conversation this process loaded writes the new events without
counting the stored ones. Rasa's lock store keeps one conversation's turns one after the other
across processes, which is what lets a process trust what it has seen.

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
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, SESSION_START_METADATA_SLOT
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.db import make_engine
from bot.privacy import install_log_masking, mask_identifiers_in_text
from bot.vocabulary.identifiers import CUSTOMER_ID, find_identifiers

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


def masked_event(data: dict) -> dict:
    """An event's data as stored: every string masked, and for a user message also the entities
    the NLU read from a part of an identifier. A phone typed in groups ("139 1234 5678") can be
    read in pieces ("1234 5678"), which alone are no phone: stored as they were, they would show
    the digits the mask hides. They are stored as the masked identifier they are part of."""
    stored = masked(data)
    text = data.get("text") if data.get("event") == "user" else None
    entities = (stored.get("parse_data") or {}).get("entities") if text else None
    if not entities:
        return stored
    identifiers = [item for item in find_identifiers(text) if item.kind != CUSTOMER_ID]
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        inside = [item for item in identifiers if item.start < end and start < item.end]
        if inside:
            entity["value"] = " ".join(mask_identifiers_in_text(text[item.start:item.end]) for item in inside)
    return stored


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


def latest_session(events: Sequence[Event]) -> list[Event]:
    """The events SQLTrackerStore.retrieve loads: from the latest session start's timestamp on
    (all of them when no session has started)."""
    starts = [event.timestamp for event in events if isinstance(event, SessionStarted)]
    if not starts:
        return list(events)
    start = max(starts)
    return [event for event in events if event.timestamp >= start]


@dataclass(frozen=True)
class StoredSession:
    """A conversation's latest session as this process last read or wrote it."""
    events: tuple[Event, ...]   # deserialised from the stored (masked) rows, in id order
    last_id: int                # the id of the newest row
    last_timestamp: float       # and its timestamp: a reused id after a deletion is not the same row


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored events never hold a full phone or ID number, whose sessions
    end after `max_session_turns` user messages (0: only after idle time), and which keeps the
    latest session of up to `cached_conversations` conversations in memory (0: none)."""

    def __init__(self, *args: Any, max_session_turns: int = 5, cached_conversations: int = 1000,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_turns = int(max_session_turns)
        self.cached_conversations = int(cached_conversations)
        self._sessions: OrderedDict[str, StoredSession] = OrderedDict()
        if self.engine.url.database not in (None, "", ":memory:"):
            # The bank database's engine instead of Rasa's (bot.db): an error's text never carries
            # the values bound to a statement (hide_parameters: events hold customers' names), and
            # on SQLite connections are kept open with a write-ahead log (Rasa's opens one for
            # every load and save and syncs the file to disk at every commit).
            url = self.engine.url.render_as_string(hide_password=False)
            self.engine.dispose()
            self.engine = make_engine(url)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        # Loading a conversation starts by finding its latest session start. With only Rasa's
        # index (sender_id) PostgreSQL planned that, on a new table, as a subquery per row: one
        # conversation went from 50 to 520 ms over 160 messages in make bench. This index
        # answers it directly, on any table size.
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several Rasa servers starting at once on one database: CREATE INDEX IF NOT
                # EXISTS is not safe against a concurrent one (it fails on the catalog's unique
                # key), so they take turns; the lock ends with this transaction.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('ix_events_session_starts'))"))
            connection.execute(sa.text(
                "CREATE INDEX IF NOT EXISTS ix_events_session_starts ON events (sender_id, type_name, timestamp)"))
            # "What has been added since my newest event": one range of this index.
            connection.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_events_sender_rows ON events (sender_id, id)"))
        # The statements of every load and save, built once (building them took 2% of the Rasa
        # process's time in make bench's profile).
        table = self.SQLEvent.__table__
        self._rows_since = (sa.select(table.c.id, table.c.timestamp, table.c.data)
                            .where(table.c.sender_id == sa.bindparam("sender"), table.c.id >= sa.bindparam("last_id"))
                            .order_by(table.c.id))
        self._insert_event = sa.insert(table)
        self._newest_id = sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sa.bindparam("sender"))

    # ------------------------------------------------------------------ the in-memory sessions

    def _remember(self, sender_id: str, session: Optional[StoredSession]) -> None:
        self._sessions.pop(sender_id, None)
        if session is not None and self.cached_conversations > 0:
            self._sessions[sender_id] = session
            while len(self._sessions) > self.cached_conversations:
                self._sessions.popitem(last=False)

    def _stored_session(self, sender_id: str) -> Optional[StoredSession]:
        """The latest stored session: what this process holds plus the rows added since, or
        read afresh. None when the conversation has no events."""
        known = self._sessions.get(sender_id)
        if known is not None:
            with self.engine.connect() as connection:
                newer = connection.execute(self._rows_since, {"sender": sender_id, "last_id": known.last_id}).all()
            if newer and newer[0].id == known.last_id and newer[0].timestamp == known.last_timestamp:
                if len(newer) == 1:
                    self._sessions.move_to_end(sender_id)
                    return known
                added = tuple(deserialise_events([json.loads(row.data) for row in newer[1:]]))
                known = StoredSession(tuple(latest_session(known.events + added)), newer[-1].id, newer[-1].timestamp)
                self._remember(sender_id, known)
                return known
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        if not rows:
            self._remember(sender_id, None)
            return None
        loaded = StoredSession(tuple(deserialise_events([json.loads(row.data) for row in rows])),
                               rows[-1].id, rows[-1].timestamp)
        self._remember(sender_id, loaded)
        return loaded

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session, as SQLTrackerStore.retrieve returns it."""
        stored = self._stored_session(sender_id)
        if stored is None or not self.domain:
            return None
        # Events are shared, not copied: a tracker only ever appends (as Rasa's tracker.copy()).
        return DialogueStateTracker.from_events(sender_id, list(stored.events), self.domain.slots)

    def _unsaved_events(self, tracker: DialogueStateTracker) -> tuple[list[Event], Optional[StoredSession]]:
        """The tracker's events not in the table yet and, when it continues what this process
        read, that session (else None: the stored rows are counted, as Rasa does)."""
        known = self._sessions.get(tracker.sender_id)
        events = tracker.events
        if known is not None and len(events) >= len(known.events) and all(
                mine is theirs for mine, theirs in zip(events, known.events)):
            return list(events)[len(known.events):], known
        with self.session_scope() as session:
            return list(self._additional_events(session, tracker)), None

    def _insert(self, connection: Any, rows: list[dict]) -> int:
        """Writes the rows (one executemany: psycopg2 sends them as one statement) and returns
        the newest one's id. The conversation's lock keeps other writers of its rows away."""
        connection.execute(self._insert_event, rows)
        return connection.execute(self._newest_id, {"sender": rows[-1]["sender_id"]}).scalar_one()

    async def save(self, tracker: DialogueStateTracker) -> None:
        if (self.max_session_turns > 0 and tracker.latest_action_name == ACTION_LISTEN_NAME
                and not tracker.active_loop_name and turns_in_session(tracker) >= self.max_session_turns):
            start_new_session(tracker)
        # SQLTrackerStore.save, with the event's data masked before it is written.
        await self.stream_events(tracker)
        unsaved, known = self._unsaved_events(tracker)
        if not unsaved:
            return
        written = [masked_event(event.as_dict()) for event in unsaved]
        rows = [{
            "sender_id": tracker.sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        } for event, data in zip(unsaved, written)]
        with self.engine.begin() as connection:
            newest = self._insert(connection, rows)
        if known is None:
            self._remember(tracker.sender_id, None)  # read afresh next time
        else:
            # What the table now holds: the stored events as the next retrieve would read them.
            added = tuple(deserialise_events(written))
            self._remember(tracker.sender_id, StoredSession(
                tuple(latest_session(known.events + added)), newest, rows[-1]["timestamp"]))
