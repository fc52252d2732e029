"""Hot spots and one failure mode of Rasa Open Source 3.6, fixed in place.

Rasa OSS 3.6 receives no more fixes, so the fixes live here. `apply()` runs when Rasa imports
anything of `rasa_bot` (channels, tracker store, NLU component: see `rasa_bot/__init__.py`), only on
the Rasa version they were written against (`PATCHED_RASA_VERSION`); on any other it logs a warning
and changes nothing, so an upgrade runs stock Rasa until each patch is re-checked.
docs/rasa-patches.md lists each patch with the upstream issue, how it was measured or tested, and
what to do on another Rasa version. In short (profiled with scripts/bench/profile_session.py):

- `cache_action_response_validator`: after every custom action Rasa validates the action server's
  reply with `jsonschema.validate`, which first re-checks Rasa's own (constant) schema against the
  JSON Schema meta-schema: ~12 ms per call, 40% of a message's time. The schema is checked once
  and the validator kept; every reply is still validated, raising the error `jsonschema.validate`
  raises (`best_match`), with Rasa's message appended.
- `cache_event_type_lookup`: every event read from the tracker store or an action server is
  resolved to its class by walking all subclasses of `Event`: ~80 us per event, hundreds of events
  per message. The answer is remembered per type name.
- `parse_intent_payloads_directly`: a button press (`/inform{"option": "le_5"}`) ran the whole NLU
  pipeline (~18 ms) before its last node, `RegexMessageHandler`, replaced the result with one built
  from the payload alone. That message is built first and the pipeline skipped; anything the
  handler would not replace still goes through the pipeline.
- `reuse_http_connections`: every call to the action server (about two per message) opened a new
  TCP connection (~1.5 ms). Rasa still gets a new, real `aiohttp.ClientSession` from
  `EndpointConfig.session()` and closes it itself; the sessions of one endpoint share one kept
  connection pool, closed when the server stops.
- `bound_action_calls`: Rasa waits up to 300 s (a constant) for the action server, so a hung action
  server kept the customer waiting for minutes. A custom action now fails after
  `ACTION_TIMEOUT_SECONDS` (default 10), and the rest of that message's custom actions fail at once;
  the channels then answer "temporarily unavailable".
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
_applied: list[str] = []


def cache_action_response_validator() -> None:
    """`RemoteAction._validate_action_result` with the schema checked once, not on every reply.

    Does what `jsonschema.validate` does after its `check_schema` (the same validator class, the
    error `best_match` picks from all of them) and appends Rasa's message to that error.
    """
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")  # what Rasa's own method appends
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def cache_event_type_lookup() -> None:
    """`Event.resolve_by_type` remembering the class found per type name (not a default, not None)."""
    from rasa.shared.core.events import Event

    resolve: Callable[..., Any] = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = known.get(type_name)
        if cls is None:
            cls = resolve(type_name, default)
            if cls is not None and cls is not default:
                known[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def parse_intent_payloads_directly() -> None:
    """An intent payload (`/intent{...}`) is parsed as `RegexMessageHandler` would, without the pipeline."""
    from rasa.core.processor import MessageProcessor
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.constants import INTENT_MESSAGE_PREFIX
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    through_pipeline = MessageProcessor._parse_message_with_graph

    def _parse_message_with_graph(self: MessageProcessor, message: Any, tracker: Any,
                                  only_output_properties: bool = True) -> dict[str, Any]:
        text = message.text
        if isinstance(text, str) and text.lstrip().startswith(INTENT_MESSAGE_PREFIX) and self.domain:
            probe = Message(data={TEXT: text})
            # what the pipeline's last node does with the message, with the same domain
            unpacked = YAMLStoryReader.unpack_regex_message(probe, self.domain,
                                                            entity_extractor_name=RegexMessageHandler.__name__)
            if unpacked is not probe:
                parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
                parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
                return parse_data
        return through_pipeline(self, message, tracker, only_output_properties)

    _parse_message_with_graph.through_pipeline = through_pipeline  # type: ignore[attr-defined]
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph


# Below the 5 s after which Sanic (the action server) closes an idle connection, so that a request
# never goes out on a connection the server is closing at that moment.
IDLE_CONNECTION_SECONDS = 2.0

# Connection pools kept for the endpoints, with the event loop each belongs to.
_kept_pools: list[tuple[asyncio.AbstractEventLoop, Any]] = []


def kept_connection_pool(endpoint: Any) -> Any:
    """The endpoint's `aiohttp.TCPConnector` on the running loop, made on first use."""
    import aiohttp

    loop = asyncio.get_running_loop()
    kept = endpoint.__dict__.get("_kept_pool")
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS))
        endpoint.__dict__["_kept_pool"] = kept
        _kept_pools[:] = [pool for pool in _kept_pools if not pool[1].closed and not pool[0].is_closed()]
        _kept_pools.append(kept)
    return kept[1]


async def close_kept_connection_pools() -> int:
    """Close the pools of the running loop (the server's, as it stops); returns how many."""
    loop = asyncio.get_running_loop()
    closing = [pool for pool_loop, pool in _kept_pools if pool_loop is loop and not pool.closed]
    for pool in closing:
        await pool.close()
    _kept_pools[:] = [kept for kept in _kept_pools if kept[0] is not loop]
    return len(closing)


def reuse_http_connections() -> None:
    """`EndpointConfig.session()`: Rasa's session, on a connection pool kept per endpoint and loop.

    Rasa 3.6 makes a new `aiohttp.ClientSession` per request (`async with self.session()` in
    `EndpointConfig.request`) and so a new TCP connection. The session returned here is a real
    `ClientSession` with Rasa's headers, auth and timeout, which Rasa's `async with` closes as
    before; only its connector is shared (`connector_owner=False`), so closing the session leaves
    the pooled connections open for the next request. Idle connections close after
    `IDLE_CONNECTION_SECONDS`; every pool of the server's loop closes when the server stops
    (`close_resources`, the `after_server_stop` listener `rasa.core.run.serve_application`
    registers, is wrapped; the channels named in credentials.yml import `rasa_bot`, which applies
    this patch, before `serve_application` registers that listener).
    """
    import aiohttp
    import rasa.core.run
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None)
        return aiohttp.ClientSession(headers=self.headers, auth=auth,
                                     timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                     connector=kept_connection_pool(self), connector_owner=False)

    close_resources = rasa.core.run.close_resources

    async def close_resources_and_connection_pools(app: Any, loop: asyncio.AbstractEventLoop) -> None:
        try:
            await close_resources(app, loop)
        finally:
            closed = await close_kept_connection_pools()
            logger.debug("closed %d kept HTTP connection pools", closed)

    close_resources_and_connection_pools.unpatched = close_resources  # type: ignore[attr-defined]
    EndpointConfig.session = session
    rasa.core.run.close_resources = close_resources_and_connection_pools


DEFAULT_ACTION_TIMEOUT_SECONDS = 10.0
ACTION_TIMEOUT_ENV = "ACTION_TIMEOUT_SECONDS"


def action_timeout_seconds(env: Mapping[str, str] | None = None) -> float:
    """`ACTION_TIMEOUT_SECONDS` (default 10): how long one custom action may take, in seconds."""
    raw = (os.environ if env is None else env).get(ACTION_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_ACTION_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 300:  # also refuses nan and inf
        raise ValueError(f"{ACTION_TIMEOUT_ENV} must be a number of seconds above 0 and at most 300, got {raw!r}")
    return seconds


class ActionTimeout(Exception):
    """The action server did not answer a custom action in time."""


class _MessageActionCalls:
    """What the action server did for the message being handled: whether it already missed the bound."""

    def __init__(self) -> None:
        self.timed_out = False


_message_action_calls: contextvars.ContextVar[_MessageActionCalls | None] = contextvars.ContextVar(
    "advisor_message_action_calls", default=None)


def bound_action_calls() -> None:
    """A message waits for a hung action server `ACTION_TIMEOUT_SECONDS`, once.

    Rasa 3.6's `RemoteAction.run` passes the constant `DEFAULT_REQUEST_TIMEOUT` (300 s) to the
    request, so a hung action server held the customer for five minutes. The whole call (request,
    reply validation, responses) now runs under the configured bound; when it passes the action
    raises, Rasa's processor logs it and goes on without the action's events. Rasa then predicts
    again, often another custom action (up to ten per message: a first message runs
    `action_session_start`, then the greeting...), so once one call of a message has timed out the
    other custom actions of that message fail at once instead of each waiting the bound again
    (`MessageProcessor.handle_message` gives every message its own record). Nothing having been
    sent, the channels answer "temporarily unavailable" (rasa_bot/channels.py). Form validation
    actions are `RemoteAction`s too. The value is read once, when the patches apply.
    """
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    seconds = action_timeout_seconds()
    run = RemoteAction.run
    handle_message = MessageProcessor.handle_message

    async def run_within_time_bound(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        bound: float = run_within_time_bound.seconds  # type: ignore[attr-defined]
        calls = _message_action_calls.get()
        if calls is not None and calls.timed_out:
            raise ActionTimeout(f"custom action '{self.name()}' not called: the action server already missed "
                                f"the {bound:g} s bound ({ACTION_TIMEOUT_ENV}) in this message")
        try:
            async with asyncio.timeout(bound):
                return await run(self, *args, **kwargs)
        except TimeoutError as error:
            if calls is not None:
                calls.timed_out = True
            raise ActionTimeout(f"the action server did not answer custom action '{self.name()}' within "
                                f"{bound:g} s ({ACTION_TIMEOUT_ENV})") from error

    async def handle_message_with_its_own_action_record(self: MessageProcessor, message: Any) -> Any:
        token = _message_action_calls.set(_MessageActionCalls())
        try:
            return await handle_message_with_its_own_action_record.unrecorded(self, message)  # type: ignore[attr-defined]
        finally:
            _message_action_calls.reset(token)

    run_within_time_bound.seconds = seconds  # type: ignore[attr-defined]
    run_within_time_bound.unbounded = run  # type: ignore[attr-defined]
    handle_message_with_its_own_action_record.unrecorded = handle_message  # type: ignore[attr-defined]
    RemoteAction.run = run_within_time_bound
    MessageProcessor.handle_message = handle_message_with_its_own_action_record


PATCHES = (cache_action_response_validator, cache_event_type_lookup, parse_intent_payloads_directly,
           reuse_http_connections, bound_action_calls)


def apply() -> list[str]:
    """Apply every patch once; returns the names of those in effect."""
    import rasa

    if _applied:
        return list(_applied)
    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa_bot.rasa_patches: written for Rasa %s, running %s: not applied",
                       PATCHED_RASA_VERSION, rasa.__version__)
        return []
    action_timeout_seconds()  # an invalid ACTION_TIMEOUT_SECONDS stops Rasa before anything is patched
    for patch in PATCHES:
        patch()
        _applied.append(patch.__name__)
    return list(_applied)
