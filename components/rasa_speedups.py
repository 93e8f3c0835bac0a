"""Fixes to Rasa 3.6.21's per-message hot path, found by profiling `make bench`.

py-spy on the Rasa server at 20 simulated staff (docs/performance.md) put:

- about a third of the busy time in `jsonschema.validate` called by
  `RemoteAction._validate_action_result` for every custom action's response: `validate` checks the
  *schema* against the JSON-Schema meta-schema and builds a new validator each call, although
  the schema (`action_response_format_spec`) never changes. Here the validator is built and the
  schema checked once; each response is still validated, with the same error message.
  Even so, validating took 7% of the busy time at 40 staff (a later profile): each event is
  checked against all 23 event schemas of a `oneOf`. Those schemas are told apart by the const
  of their "event" field, so an event is valid exactly when it passes the common part and the
  one schema its "event" names; that is checked first, and anything it does not pass goes
  through the full validation, which gives jsonschema's own error.
- 6% in `Event.resolve_by_type`, which walks every subclass of Event (`all_subclasses`, with
  `inspect.isabstract`) for each event deserialised from the tracker store. Here the classes are
  looked up in a map, rebuilt when a name is missing (an Event subclass imported later).

A third is not about Python time: `EndpointConfig.request` opens a new aiohttp session, and so a
new TCP connection, for every custom action call (1.2 against 0.6 ms a call with a kept one,
client and server together, measured with a 12 KB tracker; and one socket left in TIME_WAIT per
message, which on a busy server runs out of ports). Here each endpoint keeps one session per
event loop, whose connections are reused; idle ones are dropped after 2 s, before the action
server's Sanic closes them (KEEP_ALIVE_TIMEOUT, 5 s), so a request is not sent on a connection
the server is closing. Requests are not retried (an action may have written a record). The body
is encoded with ujson (BSD; already in Rasa's environment): the same JSON as json.dumps, which
took 3% of the Rasa process at 100 staff, in half the time. (The other half of that cost was the
domain, sent with every call: endpoints.yml's `enable_selective_domain` leaves it out.)

They keep Rasa's behaviour (tests/unit/test_rasa_speedups.py compares them with the originals)
and are applied when this package is imported, i.e. when Rasa loads the model's components.
They are tied to Rasa 3.6: `apply` refuses to patch another version.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Callable, Dict, Optional, Text, Type

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
_applied = False


def _event_by_event_check(schema: Dict[Text, Any], validator_class: Any) -> Optional[Callable[[Any], bool]]:
    """A check that passes exactly the responses `schema` passes, validating each event against
    the one schema its "event" const selects instead of all of the `oneOf`. May also reject a
    valid one (never the reverse); None when the schemas are not told apart by that const."""
    try:
        event_schema = schema["properties"]["events"]["items"]
        alternatives = event_schema["oneOf"]
        consts = [alternative["properties"]["event"]["const"] for alternative in alternatives]
    except (KeyError, TypeError):
        return None
    if len(set(consts)) != len(consts) or "event" not in event_schema.get("required", ()):
        return None
    common = copy.deepcopy(schema)
    del common["properties"]["events"]["items"]["oneOf"]
    common_validator = validator_class(common)
    by_event = {const: validator_class(alternative) for const, alternative in zip(consts, alternatives)}

    def passes(result: Any) -> bool:
        if not common_validator.is_valid(result):
            return False
        for event in result.get("events", ()):  # objects with a string "event", by the common part
            alternative = by_event.get(event["event"])
            if alternative is None or not alternative.is_valid(event):
                return False
        return True

    return passes


def _cached_action_result_validation() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    passes_at_once = _event_by_event_check(schema, validator_class) or (lambda result: False)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        if passes_at_once(result):
            return True
        error = best_match(validator.iter_errors(result))  # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def _cached_event_types() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    by_name: Dict[Text, Type[Event]] = {}

    def rebuild() -> None:
        by_name.clear()
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            by_name.setdefault(cls.type_name, cls)  # the first, as Rasa's loop returns

    def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        cls = by_name.get(type_name)
        if cls is None:
            rebuild()
            cls = by_name.get(type_name)
        if cls is not None:
            return cls
        if type_name == "topic":
            return None  # backwards compatibility to support old TopicSet evts
        if default is not None:
            return default
        raise ValueError(f"Unknown event name '{type_name}'.")

    Event.resolve_by_type = staticmethod(resolve_by_type)


IDLE_CONNECTION_SECONDS = 2.0  # under Sanic's KEEP_ALIVE_TIMEOUT (5 s) on the action server


class _KeptSession:
    """`async with` gives the endpoint's session for this event loop and leaves it open."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def _kept_endpoint_sessions() -> None:
    import asyncio
    import weakref

    import aiohttp
    import ujson
    from rasa.utils.endpoints import EndpointConfig

    new_session = EndpointConfig.session

    def session(self: EndpointConfig) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop to keep a session on: Rasa's own, closed after use
            return new_session(self)
        # On the instance (EndpointConfig defines __eq__ and so is not hashable), one per loop.
        by_loop = self.__dict__.setdefault("_kept_sessions", weakref.WeakKeyDictionary())
        kept = by_loop.get(loop)
        if kept is None or kept.closed:
            template = new_session(self)  # Rasa's headers, auth and timeout
            kept = aiohttp.ClientSession(
                headers=template.headers,
                auth=template.auth,
                timeout=template.timeout,
                connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
                json_serialize=ujson.dumps,  # the same JSON as json.dumps, without its spaces, 2x faster
            )
            asyncio.ensure_future(template.close())
            by_loop[loop] = kept
        return _KeptSession(kept)

    EndpointConfig.session = session


def apply() -> bool:
    """Patches Rasa once; False (and a warning) on a Rasa version these fixes were not made for."""
    global _applied
    if _applied:
        return True
    import rasa

    if rasa.__version__ != RASA_VERSION:
        logger.warning("rasa_speedups: written for Rasa %s, found %s: not applied", RASA_VERSION, rasa.__version__)
        return False
    _cached_action_result_validation()
    _cached_event_types()
    _kept_endpoint_sessions()
    _applied = True
    return True
