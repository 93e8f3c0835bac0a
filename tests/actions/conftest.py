"""The real actions, run through rasa-sdk's executor as the action server runs them."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor

SLOTS = {
    "current_customer_id": None,
    "candidate_ids": None,
    "pending_view": None,
    "pending_product": None,
    "referral_draft": None,
    "referral_in_progress": False,
    "current_referral_no": None,
    "visit_draft": None,
    "visit_in_progress": False,
    "task_refs": None,
    "pending_tag": None,
    "pending_suggestion": None,
    "suggestions_shown": None,
}


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
    """Send one message to one action; returns (texts or response names, slot changes). The
    whole responses of the last call (buttons included) are in `talk.responses`."""

    async def run(action, sender, text, intent, entities=(), **slots):
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": [{"entity": e, "value": v} for e, v in entities],
        }
        call = {
            "next_action": action,
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
        replies = [m.get("text") or m.get("response") for m in result["responses"]]
        slot_changes = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
        return replies, slot_changes

    return run
