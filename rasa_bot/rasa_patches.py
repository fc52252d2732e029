"""Hot spots of Rasa Open Source 3.6 that cost this assistant most of its CPU and latency, fixed in place.

Profiled with scripts/bench/profile_session.py (the questionnaire conversations of bench.py):

- After every custom action Rasa validates the action server's reply with `jsonschema.validate`,
  which first re-checks Rasa's own response schema against the JSON Schema meta-schema (draft
  2020-12, `$dynamicRef`s): about 12 ms per call and 40% of the whole message time, for a check of
  a constant. `cache_action_response_validator` checks the schema once and keeps the validator;
  every reply is still validated against the same schema, with the same error.
- Every event read from the tracker store or an action server is resolved to its class by walking
  all subclasses of `Event` (with `inspect.isabstract` on each), about 80 us per event and
  hundreds of events per message. `cache_event_type_lookup` remembers the answer per type name.
- A button press arrives as an intent payload (`/inform{"option": "le_5"}`). Rasa runs the whole
  NLU pipeline on it (featurizers, DIET, the ResponseSelector: ~18 ms) and then its last node,
  `RegexMessageHandler`, replaces the message with one built from the payload alone, dropping
  everything the pipeline computed. `parse_intent_payloads_directly` builds that same message
  first and skips the pipeline; anything the handler would not replace (free text, a malformed
  payload, an intent the domain lacks) still goes through the pipeline.

- Every call to the action server (about two per message) created a new aiohttp session and so a
  new TCP connection, ~1.5 ms each. `reuse_http_connections` keeps one session per endpoint and
  event loop; its idle connections close after `IDLE_CONNECTION_SECONDS`, before Sanic's own
  keep-alive limit. Same headers, auth and timeout as Rasa's `EndpointConfig.session`.

- Rasa handles a message in one pass of CPU work but for the calls to the action server, during which
  the event loop starts or continues other messages. When many customers write at once, every
  message then shares the CPU with all the others and they finish late together, where a bot without
  custom actions answers them one after another. `serve_messages_in_arrival_order` lets one message
  at a time do its work, the earliest-arrived first; a message gives its turn up while it waits for
  the action server (so a slow action server holds nobody up) and takes it back in its arrival
  order. Same work and throughput; measured (bench.py, 20 conversations starting together) p50
  x1.56 -> x1.43-1.50 of the baseline, no change when conversations run steadily side by side.

OSS 3.6 receives no more fixes, so they live here. `apply()` runs when Rasa imports anything of
`rasa_bot` (channels, tracker store, NLU component: see `rasa_bot/__init__.py`), only on the Rasa
version they were written against; on any other it logs a warning and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
import time
from typing import Any, Callable

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
_applied: list[str] = []


def cache_action_response_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:  # the message Rasa's own method gives
            e.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
            raise e

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def cache_event_type_lookup() -> None:
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

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


def parse_intent_payloads_directly() -> None:
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
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph  # type: ignore[method-assign]


# Below the 5 s after which Sanic (the action server) closes an idle connection, so that a request
# never goes out on a connection the server is closing at that moment.
IDLE_CONNECTION_SECONDS = 2.0


class _BorrowedSession:
    """`async with` over a long-lived session that leaves it open for the next request.

    A message being handled gives up its turn (`serve_messages_in_arrival_order`) while it waits
    for the other server, and takes it back, in its arrival order, when the answer is read.
    """

    def __init__(self, session: Any) -> None:
        self.session = session
        self.ticket: Ticket | None = None

    async def __aenter__(self) -> Any:
        ticket = _current_ticket.get()
        if ticket is not None and ticket.held:
            ticket.give_up()
            self.ticket = ticket
        return self.session

    async def __aexit__(self, *_exc: Any) -> None:
        if self.ticket is not None:
            await self.ticket.take()


def reuse_http_connections() -> None:
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def session(self: EndpointConfig) -> Any:
        loop = asyncio.get_running_loop()
        kept = self.__dict__.get("_kept_session")
        if kept is None or kept[0] is not loop or kept[1].closed:
            auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                    if self.basic_auth else None)
            connector = aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS)
            kept = (loop, aiohttp.ClientSession(headers=self.headers, auth=auth, connector=connector,
                                                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT)))
            self.__dict__["_kept_session"] = kept
        return _BorrowedSession(kept[1])

    EndpointConfig.session = session  # type: ignore[method-assign]


class ArrivalOrderGate:
    """Lets one holder in at a time; waiters get in in order of arrival, earliest first."""

    def __init__(self) -> None:
        self._held = False
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._numbers = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(not future.done() for _, _, future in self._waiters)

    async def acquire(self, arrival: float) -> None:
        if not self._held:
            self._held = True
            return
        entry = (arrival, next(self._numbers), asyncio.get_running_loop().create_future())
        heapq.heappush(self._waiters, entry)
        try:
            await entry[2]
        except asyncio.CancelledError:
            if entry[2].done() and not entry[2].cancelled():
                self.release()  # it was handed over just as the waiter was cancelled: pass it on
            else:
                self._waiters.remove(entry)
                heapq.heapify(self._waiters)
            raise

    def release(self) -> None:
        while self._waiters:
            future = heapq.heappop(self._waiters)[2]
            if not future.done():
                future.set_result(None)  # handed over: still held
                return
        self._held = False


class Ticket:
    """One message's place at the gate: its arrival time and whether it holds the gate now."""

    def __init__(self, gate: ArrivalOrderGate, arrival: float) -> None:
        self.gate, self.arrival, self.held = gate, arrival, False

    async def take(self) -> None:
        await self.gate.acquire(self.arrival)
        self.held = True

    def give_up(self) -> None:
        self.held = False
        self.gate.release()


_current_ticket: contextvars.ContextVar[Ticket | None] = contextvars.ContextVar("advisor_message_ticket",
                                                                                default=None)
_gates: dict[asyncio.AbstractEventLoop, ArrivalOrderGate] = {}


def gate_for_running_loop() -> ArrivalOrderGate:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        for old in [known for known in _gates if known.is_closed()]:
            del _gates[old]
        gate = _gates[loop] = ArrivalOrderGate()
    return gate


def serve_messages_in_arrival_order() -> None:
    from rasa.core.processor import MessageProcessor

    handle_message = MessageProcessor.handle_message

    async def handle_in_arrival_order(self: MessageProcessor, message: Any) -> Any:
        ticket = Ticket(gate_for_running_loop(), time.monotonic())
        await ticket.take()
        context_token = _current_ticket.set(ticket)
        try:
            return await handle_in_arrival_order.unordered(self, message)
        finally:
            _current_ticket.reset(context_token)
            if ticket.held:
                ticket.give_up()

    handle_in_arrival_order.unordered = handle_message  # type: ignore[attr-defined]
    MessageProcessor.handle_message = handle_in_arrival_order  # type: ignore[method-assign]


PATCHES = (cache_action_response_validator, cache_event_type_lookup, parse_intent_payloads_directly,
           reuse_http_connections, serve_messages_in_arrival_order)


def apply() -> list[str]:
    """Apply every patch once; returns the names of those in effect."""
    import rasa

    if _applied:
        return list(_applied)
    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa_bot.rasa_patches: written for Rasa %s, running %s: not applied",
                       PATCHED_RASA_VERSION, rasa.__version__)
        return []
    for patch in PATCHES:
        patch()
        _applied.append(patch.__name__)
    return list(_applied)
