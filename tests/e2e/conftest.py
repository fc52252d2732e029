"""End-to-end fixtures: the real action server and Rasa server on free local ports.

The model comes from ADVISOR_TEST_MODEL_DIR (scripts/test.sh trains it once and shares it with
the story tests); if it is missing, it is trained here. Each test run gets its own SQLite
databases and logs under a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
JWT_SECRET = "e2e-test-secret-not-for-production"
API_TOKEN = "e2e-api-token"
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def model_path() -> Path:
    model_dir = Path(os.environ.get("ADVISOR_TEST_MODEL_DIR", ROOT / "var" / "test-model"))
    model = model_dir / "advisor.tar.gz"
    if not model.exists():
        subprocess.run([str(VENV_BIN / "rasa"), "train", "--domain", "rasa_bot/domain", "--data", "rasa_bot/data",
                        "--config", "rasa_bot/config.yml", "--out", str(model_dir), "--fixed-model-name", "advisor"],
                       cwd=ROOT, check=True, env=base_env())
    return model


# As scripts/start.sh runs the assistant's Rasa server: TensorFlow on one thread per process
# (the models are small; more threads only spin against the action server for the CPU).
RASA_SERVER_ENV = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               PYTHONPATH=str(ROOT), ADVISOR_JWT_SECRET=JWT_SECRET)
    return env


def migrate_tracker_db(tracker_url: str, env: dict[str, str]) -> None:
    """Prepare a fresh tracker store as scripts/start.sh does before starting Rasa: Rasa's events
    table and the session indexes of rasa_bot/tracker_store.py (scripts/tracker_db_migrate.py)."""
    subprocess.run([sys.executable, "scripts/tracker_db_migrate.py", "--tracker-url", tracker_url],
                   cwd=ROOT, env=env, check=True, timeout=300)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, deadline: float | None = None) -> None:
    """Until `url` answers below 500; `deadline` (time.monotonic) lets several servers share one bound."""
    deadline = time.monotonic() + START_TIMEOUT if deadline is None else deadline
    bound = deadline - time.monotonic()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name}: server exited early; log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {bound:.0f}s; log:\n{log.read_text()[-3000:]}")


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    workdir: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def say(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message, metadata))

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN},
                                timeout=30)
        response.raise_for_status()
        return response.json()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.values() if path.exists())

    def type_questionnaire(self, sender: str, request: str,
                           typed: Sequence[tuple[str, str, object]], language: str = "en") -> str:
        """Ask for the questionnaire, then type every (slot, text, value) answer; each answer must
        bring the next question (numbered in the conversation's ``language``) and the last one the
        result. Returns the last reply, and checks that every slot holds its value."""

        def question(number: int) -> str:
            return f"第{number}题（共" if language == "zh-CN" else f"Question {number} of"

        reply = self.texts(sender, request)
        assert question(1) in reply, reply
        for number, (slot, text, _) in enumerate(typed, start=1):
            reply = self.texts(sender, text)
            if number < len(typed):
                assert question(number + 1) in reply, f"{slot}: {text!r} -> {reply!r}"
        slots = self.tracker(sender)["slots"]
        for slot, _, value in typed:
            assert slots[slot] == value, slot
        return reply


def start_process(stack: Stack, name: str, args: list[str], port_url: str) -> None:
    log = stack.workdir / f"{name}.log"
    handle = log.open("w")
    process = subprocess.Popen(args, cwd=ROOT, env=stack.env, stdout=handle, stderr=subprocess.STDOUT)
    stack.processes[name] = process
    stack.logs[name] = log
    wait_until_up(port_url, process, log)


def stop_process(stack: Stack, name: str) -> None:
    process = stack.processes.pop(name, None)
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def start_actions(stack: Stack, port: int) -> None:
    start_process(stack, "actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                     "--port", str(port)], f"http://127.0.0.1:{port}/health")


def start_rasa(stack: Stack, port: int, model: Path) -> None:
    start_process(stack, "rasa", [str(VENV_BIN / "rasa"), "run", "--model", str(model),
                                  "--endpoints", "rasa_bot/endpoints.yml", "--credentials", "rasa_bot/credentials.yml",
                                  "--port", str(port), "--enable-api", "--auth-token", API_TOKEN,
                                  "--cors", "http://localhost:8080"], f"http://127.0.0.1:{port}/")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("e2e")
    model = model_path()
    action_port, rasa_port = free_port(), free_port()
    env = base_env() | RASA_SERVER_ENV
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'advisor.db'}", ADVISOR_VAR_DIR=str(workdir),
               RASA_TRACKER_DB=str(workdir / "tracker.db"),
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook")
    for command in (["migrate"], ["load-demo", "--customers", "500"]):
        subprocess.run([sys.executable, "-m", "advisor_core", *command], cwd=ROOT, env=env, check=True)
    migrate_tracker_db(f"sqlite:///{env['RASA_TRACKER_DB']}", env)
    s = Stack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", workdir, env)
    try:
        start_actions(s, action_port)
        start_rasa(s, rasa_port, model)
        yield s
    finally:
        for name in list(s.processes):
            stop_process(s, name)
        artifacts = ROOT / "test-artifacts" / "e2e-logs"
        artifacts.mkdir(parents=True, exist_ok=True)
        for path in s.logs.values():
            if path.exists():
                shutil.copy(path, artifacts / path.name)


def customer_token(customer_id: str, *, expires_in: dt.timedelta = dt.timedelta(hours=1)) -> str:
    from advisor_core.identity import issue_token

    return issue_token(customer_id, "customer", JWT_SECRET, expires_in=expires_in)


def advisor_token(advisor_id: str = "A0001") -> str:
    from advisor_core.identity import issue_token

    return issue_token(advisor_id, "advisor", JWT_SECRET)
