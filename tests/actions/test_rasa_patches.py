"""rasa_bot/rasa_patches.py: faster, and the same answers as the Rasa 3.6 code it replaces.

That an intent payload parses as the whole NLU pipeline parses it needs a trained model:
tests/e2e/test_payload_parsing.py."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import jsonschema
import pytest
import rasa
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction
from aiohttp import web
from rasa.shared.core.events import Event, SlotSet
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

import rasa_bot  # noqa: F401  (importing the package applies the patches)
from rasa_bot import rasa_patches

GOOD_REPLIES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "kyc_age", "value": "42", "timestamp": None}],
     "responses": [{"text": "Question 6 of 15", "buttons": [{"title": "Never", "payload": "/inform"}]}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"},
                {"event": "session_started"}, {"event": "action", "name": "action_listen"}]},
    {"responses": [{"text": "hello"}]},
]
BAD_REPLIES: list[dict[str, Any]] = [
    {"events": {"event": "slot"}},
    {"events": [{"name": "kyc_age", "value": "42"}]},
    {"events": [{"event": "slot", "name": 42}]},
    {"responses": "hello"},
    {"events": [{"event": "no_such_event"}]},
]


def rasa_decision(reply: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


def test_every_patch_is_in_effect_on_the_pinned_rasa() -> None:
    assert rasa.__version__ == rasa_patches.PATCHED_RASA_VERSION
    assert rasa_patches.apply() == ["cache_action_response_validator", "cache_event_type_lookup",
                                    "parse_intent_payloads_directly", "reuse_http_connections",
                                    "serve_messages_in_arrival_order"]


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_a_valid_action_server_reply_is_accepted(reply: dict[str, Any]) -> None:
    assert rasa_decision(reply)
    assert RemoteAction("action_x", None)._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", BAD_REPLIES)
def test_an_invalid_reply_is_refused_with_rasas_message(reply: dict[str, Any]) -> None:
    assert not rasa_decision(reply)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(reply)


def original_resolve(type_name: str, default: Any = None) -> Any:
    """Rasa 3.6's Event.resolve_by_type, as written there."""
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def test_every_event_type_resolves_to_the_same_class_twice() -> None:
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started", "active_loop"} <= names
    for _ in range(2):  # the second round comes from the cache
        for name in names:
            assert Event.resolve_by_type(name) is original_resolve(name)


def test_unknown_event_types_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):  # a default once does not stick to the name
        Event.resolve_by_type("no_such_event")


def test_another_rasa_version_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_patches, "_applied", [])
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    assert rasa_patches.apply() == []


# --------------------------------------------------------------- reuse_http_connections


class RecordingServer:
    """An aiohttp server on a free port that records, per request, the client's port and headers."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append({"client_port": request.transport.get_extra_info("peername")[1],
                          "headers": dict(request.headers), "query": dict(request.query),
                          "body": await request.json()})
        if request.path.endswith("/missing"):
            return web.json_response({"error": "no such thing"}, status=404)
        return web.json_response({"events": [], "responses": [{"text": "ok"}]})

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


def endpoint(port: int) -> EndpointConfig:
    return EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Trace": "t1"}, token="s3cret",
                          basic_auth={"username": "rasa", "password": "pw"})


def test_action_calls_share_one_connection_with_rasas_headers_auth_and_token() -> None:
    async def scenario() -> list[dict[str, Any]]:
        server = RecordingServer()
        await server.start()
        config = endpoint(server.port)
        try:
            for n in range(3):
                assert await config.request(json={"n": n}, method="post") == {"events": [], "responses": [{"text": "ok"}]}
        finally:
            await server.stop()
        return server.seen

    seen = asyncio.run(scenario())
    assert [request["body"] for request in seen] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len({request["client_port"] for request in seen}) == 1
    for request in seen:
        assert request["headers"]["X-Trace"] == "t1"
        assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"rasa:pw").decode()
        assert request["query"] == {"token": "s3cret"}


def test_an_error_status_still_raises_rasas_client_response_error() -> None:
    async def scenario() -> None:
        server = RecordingServer()
        await server.start()
        try:
            with pytest.raises(ClientResponseError) as raised:
                await endpoint(server.port).request(json={}, method="post", subpath="missing")
            assert raised.value.status == 404
        finally:
            await server.stop()

    asyncio.run(scenario())


def test_a_restarted_server_gets_a_new_connection_and_the_request() -> None:
    async def scenario() -> list[dict[str, Any]]:
        server = RecordingServer()
        await server.start()
        config = endpoint(server.port)
        await config.request(json={"n": 1}, method="post")
        await server.stop()
        restarted = RecordingServer()
        await restarted.start(server.port)
        try:
            await config.request(json={"n": 2}, method="post")
        finally:
            await restarted.stop()
        return server.seen + restarted.seen

    assert [request["body"] for request in asyncio.run(scenario())] == [{"n": 1}, {"n": 2}]


def test_an_idle_connection_is_closed_by_the_client_first() -> None:
    async def scenario() -> list[dict[str, Any]]:
        server = RecordingServer()
        await server.start()
        config = endpoint(server.port)
        try:
            await config.request(json={"n": 1}, method="post")
            await asyncio.sleep(rasa_patches.IDLE_CONNECTION_SECONDS + 1.5)
            await config.request(json={"n": 2}, method="post")
        finally:
            await server.stop()
        return server.seen

    first, second = asyncio.run(scenario())
    assert first["client_port"] != second["client_port"]


def test_one_endpoint_serves_requests_from_a_new_event_loop() -> None:
    async def one_request(config: EndpointConfig | None) -> tuple[EndpointConfig, int]:
        server = RecordingServer()
        await server.start()
        config = config or endpoint(server.port)
        config.url = f"http://127.0.0.1:{server.port}/webhook"
        try:
            await config.request(json={}, method="post")
        finally:
            await server.stop()
        return config, len(server.seen)

    config, served = asyncio.run(one_request(None))
    assert served == 1
    assert asyncio.run(one_request(config))[1] == 1


# --------------------------------------------------------------- serve_messages_in_arrival_order


async def pass_through(gate: rasa_patches.ArrivalOrderGate, order: list[str], name: str, arrival: float) -> None:
    """Wait for the gate, note the turn, yield once while holding it, let the next one in."""
    await gate.acquire(arrival)
    order.append(name)
    await asyncio.sleep(0)
    gate.release()


def test_the_gate_lets_waiters_in_earliest_arrival_first() -> None:
    async def scenario() -> list[str]:
        gate = rasa_patches.ArrivalOrderGate()
        order: list[str] = []
        await gate.acquire(0.0)

        def waiter(name: str, arrival: float) -> Any:
            return pass_through(gate, order, name, arrival)

        tasks = [asyncio.create_task(waiter(name, arrival)) for name, arrival in (("c", 3.0), ("a", 1.0), ("b", 2.0))]
        await asyncio.sleep(0.01)
        assert order == [] and gate.waiting == 3
        gate.release()
        await asyncio.gather(*tasks)
        await asyncio.wait_for(gate.acquire(9.0), 1)  # free again
        return order

    assert asyncio.run(scenario()) == ["a", "b", "c"]


def test_a_cancelled_waiter_holds_nobody_up() -> None:
    async def scenario() -> list[str]:
        gate = rasa_patches.ArrivalOrderGate()
        order: list[str] = []
        await gate.acquire(0.0)

        def waiter(name: str, arrival: float) -> Any:
            return pass_through(gate, order, name, arrival)

        early = asyncio.create_task(waiter("early", 1.0))
        late = asyncio.create_task(waiter("late", 2.0))
        await asyncio.sleep(0.01)
        early.cancel()
        await asyncio.sleep(0.01)
        gate.release()
        await asyncio.wait_for(late, 1)
        # handed over and cancelled in the same step: the turn goes on to the next waiter
        await gate.acquire(0.0)
        granted = asyncio.create_task(waiter("granted-then-cancelled", 1.0))
        last = asyncio.create_task(waiter("last", 3.0))
        await asyncio.sleep(0.01)
        gate.release()
        granted.cancel()
        await asyncio.wait_for(last, 1)
        return order

    assert asyncio.run(scenario()) == ["late", "last"]


def test_messages_do_their_work_one_at_a_time_and_wait_for_actions_together(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.processor import MessageProcessor

    log: list[tuple[str, str]] = []

    async def handle(self: Any, message: str) -> str:
        log.append(("start", message))
        for _ in range(3):
            await asyncio.sleep(0)  # yields without waiting for anything: keeps the turn
        log.append(("ask action server", message))
        await self.config.request(json={"message": message}, method="post")
        log.append(("done", message))
        return message

    monkeypatch.setattr(MessageProcessor.handle_message, "unordered", handle)

    async def scenario() -> list[str]:
        server = RecordingServer()
        await server.start()
        processor = type("FakeProcessor", (), {"config": endpoint(server.port)})()
        try:
            return await asyncio.gather(*(MessageProcessor.handle_message(processor, m) for m in "abc"))
        finally:
            await server.stop()

    assert asyncio.run(scenario()) == ["a", "b", "c"]
    for message in "abc":  # nobody started between a message's start and its action call
        start = log.index(("start", message))
        assert log[start + 1] == ("ask action server", message)
    assert log.index(("start", "b")) < log.index(("done", "a"))  # b worked while a waited
    assert [m for step, m in log if step == "done"] == ["a", "b", "c"]
