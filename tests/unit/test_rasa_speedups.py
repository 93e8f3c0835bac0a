"""components/rasa_speedups.py changes how fast Rasa does three things, not what it does."""
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


class ActionServerStandIn:
    """An aiohttp server on a free port that answers like the action server and records, per
    request, which TCP connection it came on and what it carried."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.runner = None
        self.port = None

    async def start(self, port: int = 0) -> None:
        from aiohttp import web

        async def webhook(request):
            self.requests.append({"connection": id(request.transport), "query": dict(request.query),
                                  "x_team": request.headers.get("X-Team"), "body": await request.json()})
            return web.json_response({"events": [], "responses": [{"text": "好的"}]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        await self.runner.cleanup()


async def test_action_calls_reuse_one_connection_with_the_endpoints_token_and_headers():
    from rasa.utils.endpoints import EndpointConfig

    server = ActionServerStandIn()
    await server.start()
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook", token="secret",
                                  headers={"X-Team": "网点"})
        for turn in range(3):
            assert await endpoint.request(json={"turn": turn}) == {"events": [], "responses": [{"text": "好的"}]}
        assert [r["body"] for r in server.requests] == [{"turn": 0}, {"turn": 1}, {"turn": 2}]
        assert len({r["connection"] for r in server.requests}) == 1  # before: a connection a call
        assert all(r["query"] == {"token": "secret"} and r["x_team"] == "网点" for r in server.requests)
    finally:
        await server.stop()


async def test_an_idle_connection_is_dropped_before_the_action_server_would_close_it():
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    server = ActionServerStandIn()
    await server.start()
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
        await endpoint.request(json={})
        await asyncio.sleep(rasa_speedups.IDLE_CONNECTION_SECONDS + 1.0)  # Sanic closes at 5 s
        await endpoint.request(json={})
        assert len({r["connection"] for r in server.requests}) == 2
    finally:
        await server.stop()


async def test_after_the_action_server_restarts_the_next_call_gets_through():
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    server = ActionServerStandIn()
    await server.start()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    await endpoint.request(json={"before": True})
    await server.stop()
    with pytest.raises(aiohttp.ClientError):  # down: Rasa's error, which it answers with its fallback
        await endpoint.request(json={"while down": True})
    await server.start(server.port)
    try:
        assert await endpoint.request(json={"after": True}) == {"events": [], "responses": [{"text": "好的"}]}
        assert [r["body"] for r in server.requests] == [{"before": True}, {"after": True}]
    finally:
        await server.stop()


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_action_calls_leave_the_domain_out(endpoints, monkeypatch):
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.servers import REPO

    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_SECRET", "x" * 64)
    for name in ("RASA_TRACKER_DB_HOST", "RASA_TRACKER_DB_PASSWORD", "RASA_TRACKER_DB_PORT", "RASA_TRACKER_DB_USER",
                 "RASA_TRACKER_DB", "RASA_TRACKER_LOGIN_DB", "REDIS_DB", "REDIS_HOST", "REDIS_PORT"):
        monkeypatch.setenv(name, "1")  # only read, never connected to
    action_endpoint = read_endpoints_from_path(REPO / endpoints).action
    assert action_endpoint.headers == {"X-Action-Secret": "x" * 64}  # what the action server requires
    domain = Domain.load(str(REPO / "domain.yml"))
    call = RemoteAction("action_lookup_customer", action_endpoint)._action_call_format(
        DialogueStateTracker("zhangli", domain.slots), domain)
    assert "domain" not in call and call["tracker"]["sender_id"] == "zhangli"
