"""components/rasa_speedups.py changes how fast Rasa does two things, not what it does."""
from __future__ import annotations

import jsonschema
import pytest
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

import components  # noqa: F401  (applies the fixes, as when Rasa loads the model)
from components import rasa_speedups


def original_validate(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


VALID = [
    {"events": [{"event": "slot", "name": "current_customer_id", "value": "C00000001"}],
     "responses": [{"text": "【王建国】", "buttons": [{"title": "确认", "payload": "确认"}]}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "candidate_ids", "value": None, "timestamp": None},
                {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
                {"event": "bot", "text": "好的", "metadata": {"utter_action": "x"}},
                {"event": "user", "text": "查一下", "parse_data": {"intent": {"name": "lookup_customer", "confidence": 0.9},
                                                                  "entities": [{"entity": "customer_name", "value": "王建国"}]}},
                {"event": "followup", "name": "action_x"}, {"event": "session_started"}, {"event": "restart"},
                {"event": "reminder", "intent": "x", "date_time": "2026-12-01T09:00:00"}, {"event": "active_loop", "name": None}]},
]
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"events": [], "responses": ["not an object"]},
    {"events": [{"event": "slot", "name": "x"}]},  # a slot event needs its value
    {"events": [{"event": "slot", "name": 3, "value": 1}]},
    {"events": [{"event": "user", "parse_data": {"intent": {"confidence": "high"}}}]},
    {"events": [{"event": 7}]},
    {"events": [{"name": "action_listen"}]},
    {"events": [{"event": "action", "name": "action_listen"}, "not an object"]},
    {"events": [{"event": "action", "timestamp": "yesterday"}]},
    "not an object",
]


def test_the_fixes_are_applied_to_this_rasa():
    assert rasa_speedups.apply() is True
    assert RemoteAction._validate_action_result.__module__ == "components.rasa_speedups"


@pytest.mark.parametrize("result", VALID)
def test_valid_action_responses_pass_as_before(result):
    original_validate(result)
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_responses_fail_with_the_same_error(result):
    with pytest.raises(jsonschema.ValidationError) as before:
        original_validate(result)
    with pytest.raises(jsonschema.ValidationError) as now:
        RemoteAction("action_x", None)._validate_action_result(result)
    assert now.value.message.startswith(before.value.message)
    assert "Failed to validate Action server response" in now.value.message
    assert list(now.value.path) == list(before.value.path)


def test_events_are_checked_against_the_one_schema_their_event_names():
    schema = RemoteAction.action_response_format_spec()
    passes = rasa_speedups._event_by_event_check(schema, jsonschema.validators.validator_for(schema))
    for result in VALID:
        assert passes(result) is True, result
    for result in INVALID:
        assert passes(result) is False, result


def test_event_types_resolve_as_rasa_resolves_them():
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        first = next(c for c in rasa.shared.utils.common.all_subclasses(Event) if c.type_name == cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is first
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=Event) is Event
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")
