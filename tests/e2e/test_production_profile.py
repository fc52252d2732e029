"""The production profile (deploy/endpoints.production.yml) on real services.

Two Rasa servers and two action servers share one PostgreSQL tracker store, one PostgreSQL advisor
database (migrated with ``python -m advisor_core migrate``), the Redis lock store and the RabbitMQ
event broker - the set-up behind a load balancer. One conversation alternates between the two Rasa
servers message by message; the questionnaire must go on in order as if there were one server, and
its events must reach the analytics queue.

Services (override with env): PostgreSQL ``ADVISOR_TEST_PG_ADMIN_URL``
(postgresql+psycopg2://postgres@127.0.0.1:5432/postgres), Redis ``ADVISOR_TEST_REDIS_HOST``/``_PORT``/
``_DB`` (127.0.0.1, 6379, 12), RabbitMQ ``ADVISOR_TEST_RABBITMQ_URL`` (amqp://guest:guest@127.0.0.1:5672/).
A service that is unreachable skips the test with the reason - or fails it when env ``CI`` is set.
Everything the test creates is unique to the run and removed afterwards: two databases, one queue,
the lock keys under its own Redis key prefix (nothing else in Redis is touched).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.ci import skip_or_fail_in_ci
from tests.e2e.answers import button
from tests.e2e.conftest import (
    API_TOKEN,
    RASA_SERVER_ENV,
    ROOT,
    VENV_BIN,
    Stack,
    base_env,
    free_port,
    migrate_tracker_db,
    wait_until_up,
)
from tests.factories import middle_answers

pytestmark = pytest.mark.e2e

PG_ADMIN_URL = os.environ.get("ADVISOR_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("ADVISOR_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("ADVISOR_TEST_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("ADVISOR_TEST_REDIS_DB", "12"))
RABBITMQ_URL = os.environ.get("ADVISOR_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
MODEL_WAIT_SECONDS = int(os.environ.get("ADVISOR_TEST_MODEL_WAIT", "1800"))
BROKER_WAIT_SECONDS = 60
START_TIMEOUT = int(os.environ.get("ADVISOR_TEST_START_TIMEOUT", "600"))  # 2 Rasa servers load at once
ENDPOINTS = "deploy/endpoints.production.yml"

# The questionnaire in order (advisor_core/data/questionnaire_v1.yaml): button option ids, the age in words.
ANSWERS = list(middle_answers(asset_share="30_50", age="42", objective="growth", goals="retirement").items())


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _admin_engine() -> sa.engine.Engine:
    return sa.create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT",
                            connect_args={"connect_timeout": 5})


async def _rabbitmq_connect():
    import aio_pika  # Rasa's own RabbitMQ client (the pika broker is built on it)

    return await asyncio.wait_for(aio_pika.connect(RABBITMQ_URL, timeout=10), timeout=15)


def _unreachable_services() -> list[str]:
    problems = []
    engine = _admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
        problems.append(f"PostgreSQL at {make_url(PG_ADMIN_URL)!r}: {_first_line(exc)}")
    finally:
        engine.dispose()
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"Redis at {REDIS_HOST}:{REDIS_PORT}: {_first_line(exc)}")
    finally:
        client.close()

    async def probe() -> None:
        connection = await _rabbitmq_connect()
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001
        parts = urlsplit(RABBITMQ_URL)
        problems.append(f"RabbitMQ at {parts.hostname}:{parts.port or 5672}: {_first_line(exc) or 'timed out'}")
    return problems


def _wait_for_model() -> Path:
    """The shared test model; it may still be in training: wait (bounded) until it is complete."""
    model = Path(os.environ.get("ADVISOR_TEST_MODEL_DIR", ROOT / "var" / "test-model")) / "advisor.tar.gz"
    deadline = time.monotonic() + MODEL_WAIT_SECONDS
    last = None
    while time.monotonic() < deadline:
        if model.exists():
            stat = model.stat()
            current = (stat.st_size, stat.st_mtime)
            if time.time() - stat.st_mtime > 30 or (current == last and time.time() - stat.st_mtime > 5):
                return model  # not being written any more
            last = current
        time.sleep(5)
    pytest.fail(f"no trained model at {model} after {MODEL_WAIT_SECONDS}s (scripts/test.sh trains it)", pytrace=False)


@dataclass
class Profile:
    workdir: Path
    env: dict[str, str]
    tracker_url: str
    advisor_url: str
    queue: str
    key_prefix: str
    rasa: list[Stack] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.workdir / f"production-{name}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        self.processes[name], self.logs[name] = process, log
        return process

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _production_env(env: dict[str, str], tracker_db: str, advisor_url: str, queue: str, key_prefix: str,
                    workdir: Path) -> dict[str, str]:
    admin = make_url(PG_ADMIN_URL)
    broker = urlsplit(RABBITMQ_URL)
    env = dict(env)
    env.update(
        DATABASE_URL=advisor_url, ADVISOR_VAR_DIR=str(workdir),
        RASA_TRACKER_DB_HOST=admin.host or "127.0.0.1", RASA_TRACKER_DB_PORT=str(admin.port or 5432),
        RASA_TRACKER_DB_NAME=tracker_db, RASA_TRACKER_DB_USER=admin.username or "postgres",
        RASA_TRACKER_DB_PASSWORD=admin.password or "", RASA_TRACKER_DB_SSLMODE="prefer",
        RASA_LOCK_STORE_HOST=REDIS_HOST, RASA_LOCK_STORE_PORT=str(REDIS_PORT), RASA_LOCK_STORE_DB=str(REDIS_DB),
        RASA_LOCK_STORE_PASSWORD="", RASA_LOCK_STORE_KEY_PREFIX=key_prefix,
        RASA_BROKER_URL=f"amqp://{broker.hostname or '127.0.0.1'}:{broker.port or 5672}?heartbeat=600&timeout=600",
        RASA_BROKER_PORT=str(broker.port or 5672),
        RASA_BROKER_USER=broker.username or "guest", RASA_BROKER_PASSWORD=broker.password or "guest",
        RASA_BROKER_QUEUE=queue, RASA_API_TOKEN=API_TOKEN,
    )
    return env


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    problems = _unreachable_services()
    if problems:
        reason = "production-profile services unreachable: " + "; ".join(problems)
        skip_or_fail_in_ci(reason, must_run="the production profile test")
    model = _wait_for_model()

    run = uuid.uuid4().hex[:12]
    workdir = tmp_path_factory.mktemp("production")
    tracker_db, advisor_db = f"rasa_tracker_e2e_{run}", f"advisor_e2e_{run}"
    admin_url = make_url(PG_ADMIN_URL)
    advisor_url = admin_url.set(database=advisor_db).render_as_string(hide_password=False)
    tracker_url = admin_url.set(database=tracker_db).render_as_string(hide_password=False)
    queue, key_prefix = f"rasa_events_e2e_{run}", f"e2e{run}"
    env = _production_env(base_env() | RASA_SERVER_ENV, tracker_db, advisor_url, queue, key_prefix, workdir)
    p = Profile(workdir, env, tracker_url, advisor_url, queue, key_prefix)

    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            for name in (tracker_db, advisor_db):
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        subprocess.run([sys.executable, "-m", "advisor_core", "migrate"], cwd=ROOT, env=env, check=True, timeout=300)
        migrate_tracker_db(tracker_url, env)  # as before each release (deploy/PRODUCTION.md)

        # Two action servers and two Rasa servers, started together; Rasa i calls action server i.
        ports = {name: free_port() for name in ("actions-1", "actions-2", "rasa-1", "rasa-2")}
        waits = []
        for i in (1, 2):
            action_port, rasa_port = ports[f"actions-{i}"], ports[f"rasa-{i}"]
            process = p.spawn(f"actions-{i}", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                               "--port", str(action_port)], env)
            waits.append((f"http://127.0.0.1:{action_port}/health", process, p.logs[f"actions-{i}"]))
            rasa_env = dict(env, ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook")
            process = p.spawn(f"rasa-{i}", [str(VENV_BIN / "rasa"), "run", "--model", str(model),
                                            "--endpoints", ENDPOINTS, "--credentials", "rasa_bot/credentials.yml",
                                            "--port", str(rasa_port), "--enable-api", "--auth-token", API_TOKEN,
                                            "--cors", "http://localhost:8080"], rasa_env)
            waits.append((f"http://127.0.0.1:{rasa_port}/", process, p.logs[f"rasa-{i}"]))
            p.rasa.append(Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", workdir,
                                rasa_env))
        deadline = time.monotonic() + START_TIMEOUT  # one bound for all four
        for url, process, log in waits:
            wait_until_up(url, process, log, deadline)
        yield p
    finally:
        p.stop_all()
        artifacts = ROOT / "test-artifacts" / "e2e-logs"
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in p.logs.values():
            if log.exists():
                shutil.copy(log, artifacts / log.name)
        try:
            with admin.connect() as connection:
                for name in (tracker_db, advisor_db):
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
            _cleanup_queue(queue)
            _cleanup_lock_keys(key_prefix)


def _cleanup_queue(queue: str) -> None:
    async def delete() -> None:
        connection = await _rabbitmq_connect()
        try:
            channel = await connection.channel()
            await asyncio.wait_for(channel.queue_delete(queue), timeout=15)
        finally:
            await connection.close()

    try:
        asyncio.run(delete())
    except Exception as exc:  # noqa: BLE001 - cleanup must not hide the test's own result
        print(f"could not delete RabbitMQ queue {queue}: {_first_line(exc)}")


def _cleanup_lock_keys(key_prefix: str) -> None:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5, socket_connect_timeout=5)
    try:
        keys = list(itertools.islice(client.scan_iter(match=f"{key_prefix}:*", count=500), 10_000))
        if keys:
            client.delete(*keys)
    except Exception as exc:  # noqa: BLE001
        print(f"could not delete the Redis lock keys {key_prefix}:*: {_first_line(exc)}")
    finally:
        client.close()


def _question_numbers(messages: list[dict]) -> list[int]:
    return [int(n) for m in messages for n in re.findall(r"Question (\d+) of 15", m.get("text") or "")]


def _broker_events(queue: str, sender: str, user_texts: list[str]) -> list[dict]:
    """The events of ``sender`` in the analytics queue (consumed from this run's own queue), polling
    until every user message in ``user_texts`` has arrived or BROKER_WAIT_SECONDS have passed."""

    def complete(found: list[dict]) -> bool:
        seen = {e.get("text") for e in found if e.get("event") == "user"}
        return set(user_texts) <= seen

    async def consume() -> list[dict]:
        connection = await _rabbitmq_connect()
        found: list[dict] = []
        try:
            channel = await connection.channel()
            q = await asyncio.wait_for(channel.declare_queue(queue, durable=True, passive=True), timeout=15)
            deadline = time.monotonic() + BROKER_WAIT_SECONDS
            while time.monotonic() < deadline:
                message = await asyncio.wait_for(q.get(no_ack=True, fail=False), timeout=15)
                if message is None:
                    if complete(found):
                        break
                    await asyncio.sleep(0.5)
                    continue
                event = json.loads(message.body)
                if event.get("sender_id") == sender:
                    found.append(event)
        finally:
            await connection.close()
        return found

    return asyncio.run(consume())


def _lock_store_clients() -> int:
    """Connections to the lock store's Redis database other than this test's own."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5, socket_connect_timeout=5)
    try:
        me = client.client_id()
        return sum(1 for c in client.client_list() if int(c.get("db", -1)) == REDIS_DB and int(c["id"]) != me)
    finally:
        client.close()


def test_one_conversation_across_two_rasa_servers(profile: Profile) -> None:
    sender = f"e2e-prod-{uuid.uuid4().hex}"
    servers = profile.rasa
    handled_by: list[int] = []
    sent: list[str] = []

    def say(step: int, message: str) -> list[dict]:
        index = step % 2  # alternate: 0, 1, 0, 1, ...
        handled_by.append(index)
        sent.append(message)
        return servers[index].say(sender, message)

    first = say(0, "I want to take the risk questionnaire")
    assert _question_numbers(first) == [1], first
    replies: list[dict] = []
    for step, (slot, option) in enumerate(ANSWERS, start=1):
        replies = say(step, option if slot == "kyc_age" else button(option))
        if step < len(ANSWERS):
            # The next question, exactly once: no answer lost, none applied twice, nothing reordered.
            assert _question_numbers(replies) == [step + 1], (step, slot, replies)
    assert set(handled_by) == {0, 1}
    result = "\n".join(m.get("text") or "" for m in replies)
    assert re.search(r"Your risk level is C[1-5]\.", result), result

    # Both Rasa servers see the same conversation state (read from the shared tracker store).
    for stack in servers:
        slots = stack.tracker(sender)["slots"]
        assert slots["kyc_age"] is not None and slots["requested_slot"] is None
        expected = {slot: option for slot, option in ANSWERS if slot != "kyc_age"}
        expected["kyc_goals"] = ["retirement"]  # a list slot: several goals can be named
        assert {slot: slots[slot] for slot in expected} == expected
        assert slots["risk_level"] in {"C1", "C2", "C3", "C4", "C5"}

    # One assessment in the shared advisor database (PostgreSQL), recorded once.
    engine = sa.create_engine(profile.advisor_url, future=True)
    try:
        with engine.connect() as connection:
            levels = connection.execute(sa.text("SELECT level FROM assessments WHERE conversation_id = :c"),
                                        {"c": sender}).scalars().all()
    finally:
        engine.dispose()
    assert levels == [servers[0].tracker(sender)["slots"]["risk_level"]]

    # The transcript is in the PostgreSQL tracker store, each user message once.
    engine = sa.create_engine(profile.tracker_url, future=True)
    try:
        with engine.connect() as connection:
            user_texts = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": sender}).scalars().all()
    finally:
        engine.dispose()
    assert len(user_texts) == len(ANSWERS) + 1
    assert json.loads(user_texts[5])["text"] == "42"

    # The events reached the analytics queue on RabbitMQ.
    events = _broker_events(profile.queue, sender, sent)
    assert events, f"no event of {sender} in RabbitMQ queue {profile.queue}"
    assert {e.get("text") for e in events if e.get("event") == "user"} == set(sent)
    assert any(e.get("event") == "bot" for e in events)
    for name in ("rasa-1", "rasa-2"):  # published at once, not buffered after a lost connection
        assert "failed Pika event" not in profile.logs[name].read_text(errors="replace"), name

    # Both Rasa processes used the Redis lock store.
    assert _lock_store_clients() >= 2
