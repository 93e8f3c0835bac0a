"""Rasa's SQL tracker store, keeping phone and ID numbers only masked.

Staff type customers' phone and ID numbers ("13912345678是谁"). The bot uses them in the turn
they arrive in (NLU, the lookup), but the conversation history that Rasa keeps in its tracker
store is data at rest: there every string of every new event (the user's text, the parse data's
entities, slot values, metadata) is stored with phones as 139****5678 and ID numbers as
110101********4514, like the bot's replies and logs. The next turn reads the masked history,
which is all it needs: slots hold customer numbers, never a phone.

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

from rasa.core.tracker_store import SQLTrackerStore
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


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored events never hold a full phone or ID number."""

    async def save(self, tracker: DialogueStateTracker) -> None:
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
