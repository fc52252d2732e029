"""A hung action server: it accepts connections and reads requests but never answers.

Rasa 3.6 would wait 300 s for it (a constant). With `ACTION_TIMEOUT_SECONDS` every custom action
gives up after that bound (rasa_bot/rasa_patches.py `bound_action_calls`), and the channels answer
"temporarily unavailable" because nothing else was sent (rasa_bot/channels.py), over REST and
Socket.IO. The fake server counts the calls and how long Rasa held each one, so the test can tell
that Rasa gave up on each at the bound and the customer waited one bound (plus Rasa's own work),
not one per custom action Rasa predicts for the message.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from rasa_bot.channels import UNAVAILABLE
from tests.e2e.conftest import (
    RASA_SERVER_ENV,
    Stack,
    base_env,
    free_port,
    migrate_tracker_db,
    model_path,
    start_rasa,
    stop_process,
)
from tests.e2e.test_socketio import WebChatSession

pytestmark = pytest.mark.e2e

TIMEOUT = 3.0  # ACTION_TIMEOUT_SECONDS given to Rasa
MARGIN = 5.0  # Rasa's own work for a turn on a busy 2-core machine


@dataclass
class HungActionServer:
    """Accepts every connection, reads what comes, never writes a byte."""

    port: int = 0
    held: list[float] = field(default_factory=list)  # seconds each connection was held open by Rasa
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _listener: socket.socket | None = None

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        opened = time.monotonic()
        with connection:
            while connection.recv(65536):  # until Rasa gives up and closes it
                pass
        with self._lock:
            self.held.append(time.monotonic() - opened)

    def calls(self) -> int:
        with self._lock:
            return len(self.held)

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()


@pytest.fixture(scope="module")
def hung(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, HungActionServer]]:
    workdir = tmp_path_factory.mktemp("hung")
    server = HungActionServer()
    server.start()
    rasa_port = free_port()
    env = base_env() | RASA_SERVER_ENV
    env.update(ADVISOR_VAR_DIR=str(workdir), RASA_TRACKER_DB=str(workdir / "tracker.db"),
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{server.port}/webhook", ACTION_TIMEOUT_SECONDS=str(TIMEOUT))
    stack = Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{server.port}", workdir, env)
    try:
        migrate_tracker_db(f"sqlite:///{env['RASA_TRACKER_DB']}", env)
        start_rasa(stack, rasa_port, model_path())
        yield stack, server
    finally:
        stop_process(stack, "rasa")
        server.stop()


def wait_for_closed_calls(server: HungActionServer, count: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while server.calls() < count and time.monotonic() < deadline:
        time.sleep(0.1)


def check_each_call_was_cut_at_the_bound(server: HungActionServer, before: int, elapsed: float) -> int:
    calls = server.calls() - before
    assert calls >= 1, "no custom action was called: the test did not reach the hung server"
    for held in server.held[before:]:
        assert TIMEOUT - 0.5 <= held <= TIMEOUT + MARGIN, server.held
    # Once a call has missed the bound, the message's other custom actions are not attempted: the
    # customer waits one bound, not one per action Rasa predicts (up to ten).
    assert elapsed <= TIMEOUT + MARGIN, (elapsed, calls)
    print(f"reply after {elapsed:.1f} s; {calls} hung call(s), held "
          f"{', '.join(f'{held:.1f}' for held in server.held[before:])} s")  # shown with -rP
    return calls


def test_rest_gets_the_unavailable_reply_within_the_bound(hung: tuple[Stack, HungActionServer]) -> None:
    stack, server = hung
    before = server.calls()
    started = time.monotonic()
    reply = stack.say(f"hung-{uuid.uuid4().hex}", "hello")
    elapsed = time.monotonic() - started
    assert [message.get("text") for message in reply] == [UNAVAILABLE]
    wait_for_closed_calls(server, before + 1)
    check_each_call_was_cut_at_the_bound(server, before, elapsed)
    assert elapsed < 60  # Rasa's own 300 s never applies


def test_socketio_gets_the_unavailable_reply_within_the_bound(hung: tuple[Stack, HungActionServer]) -> None:
    stack, server = hung
    chat = WebChatSession(stack).open()
    try:
        before = server.calls()
        started = time.monotonic()
        reply = chat.say("hello", until=lambda messages: any(m.get("text") == UNAVAILABLE for m in messages),
                         timeout=60)
        elapsed = time.monotonic() - started - 1.5  # say() waits 1.5 s of quiet after the reply
    finally:
        chat.close()
    assert [message.get("text") for message in reply] == [UNAVAILABLE]
    wait_for_closed_calls(server, before + 1)
    check_each_call_was_cut_at_the_bound(server, before, elapsed)


def test_the_log_names_the_bound_not_a_generic_failure(hung: tuple[Stack, HungActionServer]) -> None:
    stack, _ = hung
    assert "did not answer custom action" in stack.log_text()
    assert "ACTION_TIMEOUT_SECONDS" in stack.log_text()
