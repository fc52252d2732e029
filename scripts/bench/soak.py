#!/usr/bin/env python3
"""Soak benchmark of the production profile (issue 13). A benchmark, not a test: it prints figures.

Two Rasa servers and two action servers on PostgreSQL (tracker store and advisor database), Redis
(lock store) and RabbitMQ (event broker), set up as tests/e2e/test_production_profile.py does (the
same services and environment variables, a database, queue and key prefix of its own, removed at
the end). `--conversations` customers talk at once for `--minutes`, each through questionnaires
that mix typed turns (greeting, request, age, a classroom question) and button turns (the other
answers). Messages go round robin to the two Rasa servers, as a load balancer would send them; one
a server refuses (it is restarting) goes to the other, as a load balancer's retry would. At
`--restart-actions-at` of the run action server 1 is stopped and started again, at
`--restart-rasa-at` Rasa server 1 (it loads the model again meanwhile).

Reported: messages served, HTTP 5xx (goal 0), replies lost (a message without any reply or that
no server took; goal 0), "temporarily unavailable" replies, p50/p95 per minute, and each process's
resident memory at start, after the first minute (warm-up) and at the end (goal: no growth beyond
10% after warm-up).

    python scripts/bench/soak.py                          # 10 minutes, 100 conversations
    python scripts/bench/soak.py --minutes 2 --conversations 30 --json var/bench/soak-smoke.json

Needs the model (ADVISOR_TEST_MODEL_DIR or var/test-model, advisor.tar.gz) and the services of
the production-profile test (ADVISOR_TEST_PG_ADMIN_URL, ADVISOR_TEST_REDIS_*, ADVISOR_TEST_RABBITMQ_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa_bot.channels import UNAVAILABLE  # noqa: E402
from tests.e2e.answers import button  # noqa: E402
from tests.e2e.conftest import API_TOKEN, RASA_SERVER_ENV, VENV_BIN, base_env, free_port, wait_until_up  # noqa: E402
from tests.e2e.test_production_profile import (  # noqa: E402
    ANSWERS,
    ENDPOINTS,
    PG_ADMIN_URL,
    _admin_engine,
    _cleanup_lock_keys,
    _cleanup_queue,
    _production_env,
    _unreachable_services,
)

REQUEST_TIMEOUT = 120.0
START_TIMEOUT = 900.0


def conversation_turns() -> list[str]:
    """One customer's visit: typed and button turns."""
    turns = ["hello", "I want to take the risk questionnaire"]
    for slot, value in ANSWERS:
        turns.append("I'm 42" if slot == "kyc_age" else button(value))
    turns.append("what is a bond fund?")
    return turns


@dataclass
class Server:
    name: str
    args: list[str]
    env: dict[str, str]
    health: str
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT)

    def wait_up(self, deadline: float) -> None:
        assert self.process is not None
        wait_until_up(self.health, self.process, self.log, deadline)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def rss_mb(self) -> float | None:
        if self.process is None or self.process.poll() is not None:
            return None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None


@dataclass
class Sample:
    at: float
    seconds: float
    status: int | None
    outcome: str  # served | unavailable | lost | error_5xx


@dataclass
class Run:
    rasa_urls: list[str]
    samples: list[Sample] = field(default_factory=list)
    rerouted: int = 0
    next_server: int = 0

    async def send(self, session: aiohttp.ClientSession, sender: str, message: str) -> None:
        started = time.monotonic()
        first = self.next_server
        self.next_server = (self.next_server + 1) % len(self.rasa_urls)
        status: int | None = None
        outcome = "lost"
        for attempt in range(len(self.rasa_urls)):
            url = self.rasa_urls[(first + attempt) % len(self.rasa_urls)]
            try:
                async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                                        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as response:
                    status = response.status
                    body = await response.json(content_type=None) if status == 200 else None
            except aiohttp.ClientConnectorError:  # the server is down (restarting): the balancer retries
                self.rerouted += 1
                continue
            except (TimeoutError, aiohttp.ClientError):
                break
            if status >= 500:
                outcome = "error_5xx"
            elif status == 200 and body:
                texts = [m.get("text") for m in body]
                outcome = "unavailable" if UNAVAILABLE in texts else "served"
            break
        self.samples.append(Sample(started, time.monotonic() - started, status, outcome))


async def customer(run: Run, session: aiohttp.ClientSession, number: int, until: float) -> None:
    await asyncio.sleep(number * 0.05)  # they arrive over a few seconds, then overlap for the whole run
    while time.monotonic() < until:
        sender = f"soak-{number}-{uuid.uuid4().hex[:8]}"
        for message in conversation_turns():
            if time.monotonic() >= until:
                return
            await run.send(session, sender, message)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def per_minute(samples: list[Sample], started: float) -> list[dict[str, Any]]:
    minutes: dict[int, list[Sample]] = {}
    for sample in samples:
        minutes.setdefault(int((sample.at - started) // 60), []).append(sample)
    rows = []
    for minute in sorted(minutes):
        times = [s.seconds * 1000 for s in minutes[minute] if s.outcome == "served"]
        rows.append({"minute": minute + 1, "messages": len(minutes[minute]), "served": len(times),
                     "p50_ms": round(statistics.median(times)) if times else None,
                     "p95_ms": round(percentile(times, 0.95)) if times else None,
                     "not_served": sum(s.outcome != "served" for s in minutes[minute])})
    return rows


async def drive(run: Run, conversations: int, seconds: float, restarts: list[tuple[float, Server]],
                memory: dict[str, dict[str, float | None]], servers: list[Server]) -> None:
    started = time.monotonic()
    until = started + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [asyncio.create_task(customer(run, session, n, until)) for n in range(conversations)]

        async def warm_up_memory() -> None:
            await asyncio.sleep(min(60.0, seconds / 2))
            for server in servers:
                memory[server.name]["after_warm_up_mb"] = server.rss_mb()

        async def restart(at: float, server: Server) -> None:
            await asyncio.sleep(at * seconds)
            print(f"[{time.monotonic() - started:6.0f}s] restarting {server.name}", flush=True)
            memory[server.name]["before_restart_mb"] = server.rss_mb()
            await asyncio.to_thread(server.stop)
            server.start()
            await asyncio.to_thread(server.wait_up, time.monotonic() + START_TIMEOUT)
            print(f"[{time.monotonic() - started:6.0f}s] {server.name} is up again", flush=True)

        helpers = [asyncio.create_task(warm_up_memory())]
        helpers += [asyncio.create_task(restart(at, server)) for at, server in restarts]
        await asyncio.gather(*tasks)
        await asyncio.gather(*helpers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--restart-actions-at", type=float, default=0.3, help="fraction of the run")
    parser.add_argument("--restart-rasa-at", type=float, default=0.6, help="fraction of the run")
    model_dir = Path(os.environ.get("ADVISOR_TEST_MODEL_DIR", ROOT / "var" / "test-model"))
    parser.add_argument("--model", default=str(model_dir / "advisor.tar.gz"))
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    problems = _unreachable_services()
    if problems:
        print("services unreachable: " + "; ".join(problems), file=sys.stderr)
        return 2
    model = Path(args.model)
    if not model.exists():
        print(f"no model at {model}", file=sys.stderr)
        return 2

    run_id = uuid.uuid4().hex[:12]
    workdir = ROOT / "var" / "bench" / f"soak-{run_id}"
    workdir.mkdir(parents=True, exist_ok=True)
    tracker_db, advisor_db = f"rasa_tracker_soak_{run_id}", f"advisor_soak_{run_id}"
    admin_url = make_url(PG_ADMIN_URL)
    advisor_url = admin_url.set(database=advisor_db).render_as_string(hide_password=False)
    tracker_url = admin_url.set(database=tracker_db).render_as_string(hide_password=False)
    queue, key_prefix = f"rasa_events_soak_{run_id}", f"soak{run_id}"
    env = _production_env(base_env() | RASA_SERVER_ENV, tracker_db, advisor_url, queue, key_prefix, workdir)
    admin = _admin_engine()
    servers: list[Server] = []
    try:
        with admin.connect() as connection:
            for name in (tracker_db, advisor_db):
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        for command in (["-m", "advisor_core", "migrate"], ["-m", "advisor_core", "load-demo", "--customers", "500"],
                        ["scripts/tracker_db_migrate.py", "--tracker-url", tracker_url]):
            subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True, timeout=900)
        rasa_urls = []
        for i in (1, 2):
            action_port, rasa_port = free_port(), free_port()
            servers.append(Server(f"actions-{i}", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                                   "--port", str(action_port)], env,
                                  f"http://127.0.0.1:{action_port}/health", workdir / f"actions-{i}.log"))
            rasa_env = dict(env, ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook")
            servers.append(Server(f"rasa-{i}", [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--endpoints",
                                                ENDPOINTS, "--credentials", "rasa_bot/credentials.yml", "--port",
                                                str(rasa_port), "--enable-api", "--auth-token", API_TOKEN],
                                  rasa_env, f"http://127.0.0.1:{rasa_port}/", workdir / f"rasa-{i}.log"))
            rasa_urls.append(f"http://127.0.0.1:{rasa_port}")
        for server in servers:
            server.start()
        deadline = time.monotonic() + START_TIMEOUT
        for server in servers:
            server.wait_up(deadline)
        print(f"4 servers up; driving {args.conversations} conversations for {args.minutes:g} min", flush=True)

        memory: dict[str, dict[str, float | None]] = {s.name: {"start_mb": s.rss_mb()} for s in servers}
        run = Run(rasa_urls)
        by_name = {s.name: s for s in servers}
        restarts = [(args.restart_actions_at, by_name["actions-1"]), (args.restart_rasa_at, by_name["rasa-1"])]
        started = time.monotonic()
        asyncio.run(drive(run, args.conversations, args.minutes * 60, restarts, memory, servers))
        for server in servers:
            memory[server.name]["end_mb"] = server.rss_mb()

        outcomes = {name: sum(s.outcome == name for s in run.samples)
                    for name in ("served", "unavailable", "lost", "error_5xx")}
        report = {"minutes": args.minutes, "conversations": args.conversations, "messages": len(run.samples),
                  **outcomes, "rerouted_by_the_balancer": run.rerouted,
                  "per_minute": per_minute(run.samples, started), "memory": memory,
                  "elapsed_s": round(time.monotonic() - started)}
        print(json.dumps(report, indent=2))
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
        return 0
    finally:
        for server in servers:
            server.stop()
        with admin.connect() as connection:
            for name in (tracker_db, advisor_db):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        _cleanup_queue(queue)
        _cleanup_lock_keys(key_prefix)


if __name__ == "__main__":
    raise SystemExit(main())
