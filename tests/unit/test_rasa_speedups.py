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
]
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"events": [], "responses": ["not an object"]},
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


def test_event_types_resolve_as_rasa_resolves_them():
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        first = next(c for c in rasa.shared.utils.common.all_subclasses(Event) if c.type_name == cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is first
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=Event) is Event
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")
