"""rasa_bot/rasa_patches.py: faster, and the same answers as the Rasa 3.6 code it replaces.

That an intent payload parses as the whole NLU pipeline parses it needs a trained model:
tests/e2e/test_payload_parsing.py."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import aiohttp
import jsonschema
import jsonschema.validators
import pytest
import rasa
import rasa.shared.utils.common
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
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
SEVERAL_ERRORS: list[dict[str, Any]] = [  # jsonschema.validate reports the `best_match`, not the first
    {"events": [{"event": "slot", "name": 42}], "responses": "hello"},
    {"events": [{"name": "kyc_age", "value": "42"}], "responses": [1]},
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
                                    "bound_action_calls"]


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_a_valid_action_server_reply_is_accepted(reply: dict[str, Any]) -> None:
    assert rasa_decision(reply)
    assert RemoteAction("action_x", None)._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", BAD_REPLIES + SEVERAL_ERRORS)
def test_an_invalid_reply_raises_the_error_jsonschema_would_with_rasas_message(reply: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as by_jsonschema:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response") as patched:
        RemoteAction("action_x", None)._validate_action_result(reply)
    assert patched.value.message.startswith(by_jsonschema.value.message + ". Failed to validate")
    assert (patched.value.path, patched.value.validator, patched.value.instance) == \
        (by_jsonschema.value.path, by_jsonschema.value.validator, by_jsonschema.value.instance)


@pytest.mark.parametrize("reply", SEVERAL_ERRORS)
def test_the_replies_with_several_errors_are_ones_where_the_first_error_is_not_the_best(reply: dict[str, Any]) -> None:
    """Else the test above could not tell `best_match` from the first error."""
    schema = RemoteAction.action_response_format_spec()
    first = next(jsonschema.validators.validator_for(schema)(schema).iter_errors(reply))
    with pytest.raises(jsonschema.ValidationError) as best:
        jsonschema.validate(reply, schema)
    assert list(first.path) != list(best.value.path)


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
                reply = await config.request(json={"n": n}, method="post")
                assert reply == {"events": [], "responses": [{"text": "ok"}]}
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


def test_rasa_gets_a_real_client_session_and_closing_it_keeps_the_pool() -> None:
    async def scenario() -> None:
        config = endpoint(1)
        async with config.session() as session:
            assert type(session) is aiohttp.ClientSession
            pool = session.connector
        assert session.closed and not pool.closed  # Rasa's `async with` closed its session only
        async with config.session() as again:
            assert again is not session and again.connector is pool
        assert await rasa_patches.close_kept_connection_pools() >= 1
        assert pool.closed

    asyncio.run(scenario())


def test_rasas_after_server_stop_listener_closes_the_pools_and_still_closes_rasas_resources() -> None:
    import rasa.core.run

    closed: list[str] = []

    class Broker:
        async def close(self) -> None:
            closed.append("event broker")

    app = type("App", (), {"ctx": type("Ctx", (), {})()})()
    app.ctx.agent = type("Agent", (), {"tracker_store": type("Store", (), {"event_broker": Broker()})()})()

    async def scenario() -> Any:
        server = RecordingServer()
        await server.start()
        config = endpoint(server.port)
        try:
            await config.request(json={}, method="post")
            pool = config.__dict__["_kept_pool"][1]
            assert not pool.closed
            await rasa.core.run.close_resources(app, asyncio.get_running_loop())
            return pool
        finally:
            await server.stop()

    assert asyncio.run(scenario()).closed
    assert closed == ["event broker"]


def test_serve_application_registers_the_closing_listener(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The listener Rasa's own `rasa run` registers is the patched one (the channels import rasa_bot first)."""
    import rasa.core.run
    from sanic import Sanic

    registered: list[tuple[Any, str]] = []
    register_listener = Sanic.register_listener

    def recording_register_listener(app: Any, listener: Any, event: str) -> Any:
        registered.append((listener, event))
        return register_listener(app, listener, event)

    monkeypatch.setattr(Sanic, "register_listener", recording_register_listener)
    monkeypatch.setattr(Sanic, "run", lambda app, **_kwargs: None)
    monkeypatch.setattr(Sanic, "test_mode", True, raising=False)
    rasa.core.run.serve_application(model_path=str(tmp_path / "none.tar.gz"), credentials="rasa_bot/credentials.yml",
                                    port=free_port(), enable_api=False)
    assert (rasa.core.run.close_resources, "after_server_stop") in registered
    assert hasattr(rasa.core.run.close_resources, "unpatched")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------- bound_action_calls


class SilentServer:
    """Accepts connections and reads requests, never answers: a hung action server."""

    def __init__(self) -> None:
        self.connections = 0
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self) -> None:
        async def hold(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            await reader.read()  # until the client gives up

        self.server = await asyncio.start_server(hold, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()


def test_a_custom_action_the_action_server_never_answers_fails_after_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction.run, "seconds", 0.5)

    async def scenario() -> tuple[float, int]:
        server = SilentServer()
        await server.start()
        action = RemoteAction("action_greet", EndpointConfig(f"http://127.0.0.1:{server.port}/webhook"))
        started = time.monotonic()
        try:
            with pytest.raises(rasa_patches.ActionTimeout, match="action_greet.*within 0.5 s"):
                await action.run(None, None, DialogueStateTracker("s1", []), Domain.empty())  # type: ignore[arg-type]
            return time.monotonic() - started, server.connections
        finally:
            await server.stop()

    elapsed, connections = asyncio.run(scenario())
    assert connections == 1
    assert 0.5 <= elapsed < 2.0


def test_an_answering_action_server_is_not_cut_short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction.run, "seconds", 5.0)

    async def scenario() -> list[Any]:
        server = RecordingServer()
        await server.start()
        try:
            action = RemoteAction("action_greet", endpoint(server.port))
            nlg = type("NLG", (), {})()
            from rasa.core.channels.channel import CollectingOutputChannel
            return await action.run(CollectingOutputChannel(), nlg, DialogueStateTracker("s1", []), Domain.empty())
        finally:
            await server.stop()

    events = asyncio.run(scenario())
    assert [event.text for event in events] == ["ok"]


def test_after_one_timeout_a_message_calls_the_hung_server_no_more_and_the_next_message_tries_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa predicts up to ten actions per message: the customer must not wait the bound for each."""
    from rasa.core.processor import MessageProcessor

    monkeypatch.setattr(RemoteAction.run, "seconds", 0.5)
    failures: list[str] = []

    async def handle(self: Any, message: str) -> str:  # what Rasa's processor does with failing actions
        for name in ("action_session_start", "action_greet", "action_greet", "action_greet"):
            try:
                await RemoteAction(name, self.config).run(None, None, DialogueStateTracker("s1", []), Domain.empty())
            except rasa_patches.ActionTimeout as error:
                failures.append(str(error))
        return message

    monkeypatch.setattr(MessageProcessor.handle_message, "unrecorded", handle)

    async def scenario() -> tuple[list[float], int]:
        server = SilentServer()
        await server.start()
        processor = type("FakeProcessor", (), {"config": EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")})()
        took = []
        try:
            for message in ("hello", "hello again"):  # the same task, as on one keep-alive connection
                started = time.monotonic()
                assert await MessageProcessor.handle_message(processor, message) == message
                took.append(time.monotonic() - started)
            return took, server.connections
        finally:
            await server.stop()

    took, connections = asyncio.run(scenario())
    assert connections == 2  # one call per message reached the server
    assert all(0.5 <= seconds < 1.5 for seconds in took), took
    assert len(failures) == 8
    assert sum("not called" in failure for failure in failures) == 6


@pytest.mark.parametrize(("value", "seconds"), [(None, 10.0), ("", 10.0), ("3", 3.0), ("2.5", 2.5), ("300", 300.0)])
def test_the_action_timeout_comes_from_the_environment(value: str | None, seconds: float) -> None:
    env = {} if value is None else {"ACTION_TIMEOUT_SECONDS": value}
    assert rasa_patches.action_timeout_seconds(env) == seconds


def test_an_impossible_action_timeout_stops_rasa_before_anything_is_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_patches, "_applied", [])
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "soon")
    run = RemoteAction.run
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_SECONDS"):
        rasa_patches.apply()
    assert rasa_patches._applied == [] and RemoteAction.run is run


@pytest.mark.parametrize("value", ["0", "-1", "ten", "nan", "inf", "301"])
def test_an_impossible_action_timeout_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_SECONDS"):
        rasa_patches.action_timeout_seconds({"ACTION_TIMEOUT_SECONDS": value})
