"""The real actions, run through rasa-sdk's executor as the action server runs them."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor

from bot import outbox
from bot.outbox import NOTIFICATION_ID

SLOTS = {
    "current_customer_id": None,
    "waiting": None,
    "current_referral_no": None,
    "task_refs": None,
    "suggestions_shown": None,
}


def draft_of(slots: dict) -> dict | None:
    """The draft waiting after a turn (bot.dialogue.Draft as a dict), or None."""
    return (slots.get("waiting") or {}).get("draft")


def listed(slots: dict) -> list[str] | None:
    """The customers of the list waiting for a pick after a turn, or None."""
    return ((slots.get("waiting") or {}).get("choice") or {}).get("candidate_ids")


@pytest.fixture(scope="module")
def executor():
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


@pytest.fixture(autouse=True)
def no_periodic_sla_job(monkeypatch):
    """The action server's SLA job would start with the first action; it has its own test."""
    monkeypatch.setenv("SLA_CHECK_INTERVAL_SECONDS", "0")


@pytest.fixture
def talk(executor, bank):
    """Send one message, as the NLU read it, to the bot's one action (action_respond); returns
    (texts or response names, slot changes). The whole responses of the last call (buttons
    included) are in `talk.responses`."""

    async def run(sender, text, intent, entities=(), **slots):
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": [{"entity": e, "value": v} for e, v in entities],
        }
        call = {
            "next_action": "action_respond",
            "sender_id": sender,
            "tracker": {
                "sender_id": sender,
                "slots": {**SLOTS, **slots},
                "latest_message": latest,
                "events": [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}],
                "latest_action_name": "action_listen",
                "active_loop": {},
            },
            "domain": {},
        }
        result = await executor.run(call)
        run.responses = result["responses"]
        # The channel marks the notifications of the reply delivered once it has the reply
        # (bot/channels/answering.py); `talk.reply_lost = True` plays a reply that never left.
        shown = [m[NOTIFICATION_ID] for m in result["responses"] if m.get(NOTIFICATION_ID)]
        if shown and not run.reply_lost:
            with bank.unit_of_work() as session:
                outbox.mark_delivered(session, shown, "rest")
        replies = [m.get("text") or m.get("response") for m in result["responses"]]
        slot_changes = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
        # Slots keep their values between turns (as the tracker does): what was passed in and not
        # changed is still there for the next message.
        return replies, {**slots, **slot_changes}

    run.reply_lost = False
    return run
