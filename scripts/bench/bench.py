#!/usr/bin/env python
"""Latency / throughput benchmark: the wealth-advisor assistant against a plain `rasa init` bot.

A benchmark, not a test: it asserts nothing, it measures and prints. Run from the repository root:

    .venv/bin/python scripts/bench/bench.py --conversations 20 --turns 10 [--rounds 3] [--json out.json] [--train]

What it does (everything on 127.0.0.1, every loop bounded in count and time):

1. (--train) trains the assistant model into a temporary folder with a cold Rasa cache, timed.
2. Makes sure the baseline exists: `rasa init --no-prompt` into var/bench/baseline (trained once,
   reused when present; delete the folder to rebuild it).
3. Waits for the assistant model var/test-model/advisor.tar.gz (it never trains that one).
4. Starts the assistant stack like tests/e2e/conftest.py does - its own SQLite databases
   (`advisor_core migrate` + `load-demo --customers 500`), the action server and Rasa with
   rasa_bot/endpoints.yml + rasa_bot/credentials.yml on free ports - and the baseline's Rasa server
   (in-memory tracker store, no action server). Start-up times are measured.
5. Load over REST, after a short un-measured warm-up, in two phases, each --rounds times with
   assistant and baseline alternating, every worker on one HTTP connection opened beforehand: burst
   (N conversations of T turns start together) and steady (N workers start --stagger-ms apart and
   each plays --steady-conversations conversations back to back, so N conversations are under way
   throughout). Percentiles are over every message of every round; the ratios of each pair of
   rounds show the spread.
6. Long session: one conversation of --long-turns turns (alternating classroom questions,
   greetings and thanks) on the assistant, and a moodbot-style one on the baseline; median latency
   of turns 5-15 vs 190-210, plus a fresh "control" conversation right after.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # the e2e fixtures' helpers: same ports and environment as the real end-to-end tests
    from tests.e2e.conftest import RASA_SERVER_ENV, base_env, free_port
except Exception:  # pragma: no cover - conftest moved or pytest missing: same behaviour, local copy
    RASA_SERVER_ENV = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def base_env() -> dict[str, str]:
        env = dict(os.environ)
        env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONPATH=str(ROOT),
                   ADVISOR_JWT_SECRET="e2e-test-secret-not-for-production")
        return env

HOST = "127.0.0.1"
API_TOKEN = "bench-api-token"
MODEL = Path(os.environ.get("ADVISOR_TEST_MODEL_DIR", ROOT / "var" / "test-model")) / "advisor.tar.gz"
BENCH_VAR = ROOT / "var" / "bench"
BASELINE_DIR = BENCH_VAR / "baseline"
START_TIMEOUT = 300.0
REQUEST_TIMEOUT = 120.0
UNAVAILABLE_MARK = "temporarily unavailable"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- conversations
def button(option: str) -> str:
    return "/inform" + json.dumps({"option": option})


QUESTION_ORDER = ["kyc_income_source", "kyc_investable_assets", "kyc_asset_share", "kyc_liquidity_reserve",
                  "kyc_age", "kyc_experience", "kyc_trade_frequency", "kyc_knowledge_bonds",
                  "kyc_knowledge_diversification", "kyc_horizon", "kyc_objective", "kyc_loss_tolerance",
                  "kyc_drawdown_reaction", "kyc_return_tradeoff", "kyc_goals"]
# Option ids from advisor_core/data/questionnaire_v1.yaml; the age is typed as a number.
PROFILES = [
    ["pension_only", "lt_100k", "gt_70", "lt_3m_or_consumer_debt", "62", "deposits_only", "none", "dont_know",
     "dont_know", "1_3y", "preserve", "le_5", "sell_all", "all_a", "retirement"],
    ["one_stable_wage", "100k_500k", "10_30", "3_6m_mortgage_only", "42", "equities", "1_5", "falls",
     "one_stock", "5_10y", "growth", "le_15", "hold", "half", "child_education"],
    ["two_incomes_or_business", "gt_3m", "lt_10", "gt_6m_no_debt", "35", "derivatives", "gt_15", "falls",
     "one_stock", "gt_10y", "aggressive_growth", "gt_30", "buy_more", "all_b", "wealth_growth"],
]
CLASSROOM = ["what is a money market fund?", "what is compound interest", "what is an index fund",
             "what is inflation", "how much cash should i keep for emergencies", "what is deposit insurance",
             "what is a bond fund", "what is max drawdown", "how much do fund managers charge each year",
             "should i own different kinds of investments to lower risk", "what is dollar cost averaging"]
GREETINGS = ["hello", "hi", "hey there", "good morning"]
THANKS = ["thanks", "thank you", "thanks a lot"]

Turn = tuple[str, str]  # (kind, text)


def assistant_conversation(i: int, turns: int) -> list[Turn]:
    """A customer's chat: greet, start the questionnaire, 5 button answers (age typed), a classroom
    question in the middle, the rest of the questionnaire, a recommendation, thanks, goodbye; then
    classroom questions and greetings if more turns are asked for."""
    answers = PROFILES[i % len(PROFILES)]
    script: list[Turn] = [("greet", GREETINGS[i % len(GREETINGS)]),
                          ("start_questionnaire", "I want to take the risk questionnaire")]
    for n, (slot, value) in enumerate(zip(QUESTION_ORDER, answers, strict=True)):
        if n == 5:
            script.append(("classroom", CLASSROOM[i % len(CLASSROOM)]))
        script.append(("answer_age", value) if slot == "kyc_age" else ("answer_button", button(value)))
    script += [("recommendation", "/ask_recommendation"), ("classroom", CLASSROOM[(i + 3) % len(CLASSROOM)]),
               ("thank", THANKS[i % len(THANKS)]), ("goodbye", "bye")]
    k = 0
    while len(script) < turns:
        script.append(("classroom", CLASSROOM[(i + k) % len(CLASSROOM)]) if k % 2 == 0
                      else ("greet", GREETINGS[(i + k) % len(GREETINGS)]))
        k += 1
    return script[:turns]


BASELINE_CYCLE: list[list[Turn]] = [
    [("greet", "hello"), ("mood_unhappy", "I am sad"), ("affirm", "yes"), ("bot_challenge", "are you a bot?"),
     ("mood_great", "I am great"), ("goodbye", "bye")],
    [("greet", "good morning"), ("mood_great", "I am feeling very good"), ("bot_challenge", "are you a human?"),
     ("mood_unhappy", "not good"), ("deny", "no"), ("goodbye", "see you later")],
]


def baseline_conversation(i: int, turns: int) -> list[Turn]:
    cycle = BASELINE_CYCLE[i % len(BASELINE_CYCLE)]
    return [cycle[k % len(cycle)] for k in range(turns)]


def assistant_long_session(turns: int) -> list[Turn]:
    """Period 4: classroom question, greeting, classroom question, thanks."""
    script: list[Turn] = []
    for k in range(turns):
        phase = k % 4
        if phase in (0, 2):
            script.append(("classroom", CLASSROOM[(k // 2) % len(CLASSROOM)]))
        elif phase == 1:
            script.append(("greet", GREETINGS[(k // 4) % len(GREETINGS)]))
        else:
            script.append(("thank", THANKS[(k // 4) % len(THANKS)]))
    return script


def baseline_long_session(turns: int) -> list[Turn]:
    return baseline_conversation(0, turns)


# --------------------------------------------------------------------------- processes
@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path
    start_s: float = 0.0           # seconds from spawn until the ready URL answers
    first_reply_s: float | None = None  # seconds from spawn until the first REST reply

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            return float("nan")


def spawn(name: str, args: list[str], *, cwd: Path, env: dict[str, str], logdir: Path, url: str,
          ready_path: str) -> Server:
    log = logdir / f"{name}.log"
    handle = log.open("w")
    t0 = time.monotonic()
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    server = Server(name, url, process, log)
    deadline = t0 + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early (code {process.returncode}); log tail:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url + ready_path, timeout=2).status_code == 200:
                server.start_s = time.monotonic() - t0
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"{name}: {url + ready_path} did not answer within {START_TIMEOUT:.0f}s; see {log}")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def first_reply(server: Server, spawned_at_offset: float, text: str) -> None:
    """Time of the first REST reply (cold: lazy TensorFlow work happens on the first message)."""
    t0 = time.monotonic()
    post(requests.Session(), server.url, f"bench-first-{uuid.uuid4().hex[:8]}", text)
    server.first_reply_s = spawned_at_offset + (time.monotonic() - t0)


def run_checked(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float, log: Path | None = None) -> float:
    t0 = time.monotonic()
    if log is None:
        subprocess.run(args, cwd=cwd, env=env, check=True, timeout=timeout)
    else:
        with log.open("w") as handle:
            result = subprocess.run(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:3])} failed ({result.returncode}); see {log}")
    return time.monotonic() - t0


def ensure_baseline(timeout: float) -> float | None:
    """`rasa init --no-prompt` into var/bench/baseline once; returns the seconds it took, or None if reused."""
    if list((BASELINE_DIR / "models").glob("*.tar.gz")):
        return None
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix="baseline.partial-", dir=BENCH_VAR))
    print(f"creating the baseline bot: rasa init --no-prompt --init-dir {partial} (trains it; a few minutes)",
          flush=True)
    env = base_env()
    env["RASA_CACHE_DIRECTORY"] = str(partial / ".rasa" / "cache")
    try:
        seconds = run_checked([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(partial)],
                              cwd=partial, env=env, timeout=timeout, log=BENCH_VAR / "baseline-init.log")
        if not list((partial / "models").glob("*.tar.gz")):
            raise RuntimeError(f"rasa init produced no model; see {BENCH_VAR / 'baseline-init.log'}")
        if BASELINE_DIR.exists():
            shutil.rmtree(BASELINE_DIR)
        partial.rename(BASELINE_DIR)
        return seconds
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)


def wait_for_model(limit: float) -> None:
    deadline = time.monotonic() + limit
    announced = False
    while True:
        if MODEL.exists():
            size = MODEL.stat().st_size
            time.sleep(2)  # still being written?
            if MODEL.exists() and MODEL.stat().st_size == size and size > 0:
                return
        if time.monotonic() >= deadline:
            raise SystemExit(f"model {MODEL} did not appear within {limit:.0f}s (this script never trains it)")
        if not announced:
            print(f"waiting for {MODEL} (up to {limit:.0f}s)...", flush=True)
            announced = True
        time.sleep(5)


def train_assistant(workdir: Path, timeout: float) -> float:
    out = workdir / "train-out"
    env = base_env()
    env["RASA_CACHE_DIRECTORY"] = str(workdir / "train-cache")  # cold cache: a real full training
    print("training the assistant model into a temporary folder (cold cache)...", flush=True)
    return run_checked([str(VENV_BIN / "rasa"), "train", "--domain", "rasa_bot/domain", "--data", "rasa_bot/data",
                        "--config", "rasa_bot/config.yml", "--out", str(out), "--fixed-model-name", "advisor"],
                       cwd=ROOT, env=env, timeout=timeout, log=workdir / "train.log")


# --------------------------------------------------------------------------- driving
@dataclass
class Sample:
    conversation: int
    turn: int  # 1-based
    kind: str
    ms: float
    ok: bool
    unavailable: bool = False
    empty: bool = False
    cpu_ms: float | None = None  # CPU the servers spent on this message (sequential sessions only)
    sent_at: float = 0.0  # time.perf_counter() when it was sent


def post(session: requests.Session, url: str, sender: str, text: str) -> list[dict[str, Any]]:
    response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                            timeout=REQUEST_TIMEOUT)
    response.raise_for_status()
    return response.json()


def drive(url: str, sender: str, script: list[Turn], conversation: int, deadline: float,
          cpu_of: Sequence[Server] = (), session: requests.Session | None = None) -> list[Sample]:
    """One conversation, message after message, on its own HTTP connection unless a session is given.
    With cpu_of (only meaningful when nothing else talks to those servers) each sample also gets the
    servers' CPU time for that message."""
    samples: list[Sample] = []
    with (requests.Session() if session is None else contextlib.nullcontext(session)) as session:
        for turn, (kind, text) in enumerate(script, start=1):
            if time.monotonic() >= deadline:
                break
            cpu0 = sum(s.cpu_seconds() for s in cpu_of)
            t0 = time.perf_counter()
            try:
                reply = post(session, url, sender, text)
                ms = (time.perf_counter() - t0) * 1000
                joined = " ".join(m.get("text", "") or "" for m in reply)
                sample = Sample(conversation, turn, kind, ms, True, UNAVAILABLE_MARK in joined, not reply)
            except (requests.RequestException, ValueError):
                sample = Sample(conversation, turn, kind, (time.perf_counter() - t0) * 1000, False)
            sample.sent_at = t0
            if cpu_of:
                sample.cpu_ms = (sum(s.cpu_seconds() for s in cpu_of) - cpu0) * 1000
            samples.append(sample)
    return samples


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def load_round(server: Server, scripts: list[list[Turn]], label: str, max_seconds: float,
               extra_pids: Sequence[Server] = (), stagger_s: float = 0.0, back_to_back: int = 1) -> dict[str, Any]:
    """One round, one worker per script, all at once; the raw samples.

    Every worker opens its HTTP connection first and keeps it, as the web widget (one Socket.IO
    connection per customer) or a bank backend's HTTP client does.
    Burst (the defaults): every worker plays its script as one conversation, all starting together.
    Steady (stagger_s > 0, back_to_back > 1): worker i starts i * stagger_s later and plays its
    script as `back_to_back` new conversations one after another, so that `len(scripts)`
    conversations are under way at every moment, not only at the start."""
    run_id = uuid.uuid4().hex[:8]
    cpu0 = {s.name: s.cpu_seconds() for s in [server, *extra_pids]}
    start = threading.Barrier(len(scripts))
    deadline = time.monotonic() + max_seconds

    def worker(i: int) -> list[Sample]:
        samples: list[Sample] = []
        with requests.Session() as session:
            # Connected before the start: the figures are about messages, not about how fast a
            # busy server accepts connections (the baseline's Rasa took up to 2 s to).
            session.get(f"{server.url}/", timeout=REQUEST_TIMEOUT)
            start.wait(timeout=60)
            time.sleep(i * stagger_s)
            for k in range(back_to_back):
                samples += drive(server.url, f"bench-{label}-{run_id}-{i}-{k}", scripts[i], i, deadline,
                                 session=session)
        return samples

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(scripts)) as pool:
        results = list(pool.map(worker, range(len(scripts))))
    wall = time.perf_counter() - t0
    cpu = {s.name: s.cpu_seconds() - cpu0[s.name] for s in [server, *extra_pids]}
    return {"samples": [s for conv in results for s in conv], "started": t0, "wall_s": wall, "cpu_s": cpu,
            "planned": back_to_back * sum(len(s) for s in scripts), "conversations": back_to_back * len(scripts)}


def summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of all rounds together: percentiles over every message, throughput over the summed wall time."""
    samples = [s for r in rounds for s in r["samples"]]
    ok = [s.ms for s in samples if s.ok]
    wall = sum(r["wall_s"] for r in rounds)
    cpu: dict[str, float] = defaultdict(float)
    for r in rounds:
        for name, seconds in r["cpu_s"].items():
            cpu[name] += seconds
    by_kind: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        if s.ok:
            by_kind[s.kind].append(s.ms)
    planned = sum(r["planned"] for r in rounds)
    return {
        "rounds": len(rounds), "conversations": sum(r["conversations"] for r in rounds),
        "messages": len(ok), "planned": planned,
        "errors": sum(not s.ok for s in samples), "unavailable_replies": sum(s.unavailable for s in samples),
        "empty_replies": sum(s.empty for s in samples), "cut_by_deadline": planned - len(samples),
        "wall_s": wall, "throughput_msg_s": len(ok) / wall if wall > 0 else float("nan"),
        "p50_ms": percentile(ok, 50), "p95_ms": percentile(ok, 95), "mean_ms": statistics.fmean(ok) if ok else None,
        "max_ms": max(ok) if ok else None,
        "cpu_s": dict(cpu), "cpu_ms_per_msg": {k: v * 1000 / len(ok) for k, v in cpu.items()} if ok else {},
        "by_kind_p50_ms": {k: percentile(v, 50) for k, v in sorted(by_kind.items())},
        "by_kind_count": {k: len(v) for k, v in sorted(by_kind.items())},
    }


def round_ratios(assistant_rounds: list[dict[str, Any]], baseline_rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Assistant/baseline ratios of each pair of rounds (run back to back), to show the spread."""
    pairs = []
    for a, b in zip(assistant_rounds, baseline_rounds, strict=True):
        sa, sb = summarize([a]), summarize([b])
        pairs.append({"p50": ratio(sa["p50_ms"], sb["p50_ms"]), "p95": ratio(sa["p95_ms"], sb["p95_ms"]),
                      "throughput": ratio(sa["throughput_msg_s"], sb["throughput_msg_s"])})
    return pairs


def tracker_events(server: Server, sender: str) -> int | None:
    try:
        response = requests.get(f"{server.url}/conversations/{sender}/tracker",
                                params={"token": API_TOKEN}, timeout=60)
        response.raise_for_status()
        return len(response.json().get("events", []))
    except (requests.RequestException, ValueError):
        return None


def window(samples: list[Sample], first: int, last: int, kind: str | None = None) -> float:
    return percentile([s.ms for s in samples if s.ok and first <= s.turn <= last
                       and (kind is None or s.kind == kind)], 50)


def cpu_window(samples: list[Sample], first: int, last: int) -> float | None:
    values = [s.cpu_ms for s in samples if s.ok and s.cpu_ms is not None and first <= s.turn <= last]
    return statistics.fmean(values) if values else None


def long_session(server: Server, script: list[Turn], label: str, max_seconds: float,
                 control_turns: int = 15, cpu_of: Sequence[Server] = ()) -> dict[str, Any]:
    sender = f"bench-long-{label}-{uuid.uuid4().hex[:8]}"
    t0 = time.monotonic()
    samples = drive(server.url, sender, script, 0, t0 + max_seconds, cpu_of=[server, *cpu_of])
    elapsed = time.monotonic() - t0
    events = tracker_events(server, sender)
    control = drive(server.url, f"{sender}-control", script[:control_turns], 1, time.monotonic() + max_seconds)
    early, late = window(samples, 5, 15), window(samples, 190, 210)
    kinds = sorted({s.kind for s in samples})
    # median of each 20-turn block: shows whether the growth is linear in the session length
    blocks = {f"{b + 1}-{b + 20}": window(samples, b + 1, b + 20) for b in range(0, len(samples), 20)}
    return {
        "turns": len(samples), "planned": len(script), "errors": sum(not s.ok for s in samples),
        "unavailable_replies": sum(s.unavailable for s in samples), "elapsed_s": elapsed,
        "tracker_events_at_end": events,
        "median_ms_turns_5_15": early, "median_ms_turns_190_210": late,
        "ratio_late_early": late / early if early and early == early and late == late else None,
        # mean CPU time of the servers (Rasa + action server) per message: far less sensitive to
        # other work on the machine than the latency (10 ms clock ticks, so a mean, not a median)
        "server_cpu_ms_turns_5_15": cpu_window(samples, 5, 15),
        "server_cpu_ms_turns_190_210": cpu_window(samples, 190, 210),
        "server_cpu_ratio_late_early": ratio(cpu_window(samples, 190, 210), cpu_window(samples, 5, 15)),
        "by_kind": {k: {"turns_5_15": window(samples, 5, 15, k), "turns_190_210": window(samples, 190, 210, k)}
                    for k in kinds},
        "median_ms_by_20_turn_block": blocks,
        "control_fresh_conversation_median_ms": percentile([s.ms for s in control if s.ok], 50),
        "latencies_ms": [round(s.ms, 1) for s in samples],
    }


# --------------------------------------------------------------------------- reporting
def fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b or a != a or b != b:
        return None
    return a / b


def print_report(r: dict[str, Any]) -> None:
    print()
    print("=" * 78)
    print(f"benchmark  {r['started_at']}  host cpus={r['machine']['cpus']}")
    print(f"load average before: {r['machine']['loadavg_before']}   after: {r['machine']['loadavg_after']}")
    print(f"settings: conversations={r['settings']['conversations']} turns={r['settings']['turns']} "
          f"rounds={r['settings']['rounds']} long_turns={r['settings']['long_turns']}")
    if r.get("train_s") is not None:
        print(f"assistant training time (cold cache, temp dir): {r['train_s']:.1f} s")
    if r.get("baseline_init_s") is not None:
        print(f"baseline rasa init + train (first run only): {r['baseline_init_s']:.1f} s")
    s = r["startup"]
    print(f"assistant action server start: {fmt(s['assistant_actions_s'], 2)} s")
    print(f"assistant rasa server start (until REST endpoint answers): {fmt(s['assistant_rasa_s'], 2)} s; "
          f"first reply after {fmt(s['assistant_first_reply_s'], 2)} s")
    print(f"baseline rasa server start (until REST endpoint answers): {fmt(s['baseline_rasa_s'], 2)} s; "
          f"first reply after {fmt(s['baseline_first_reply_s'], 2)} s")
    print("-" * 78)
    for name in ("assistant", "baseline"):
        p = r["load"][name]
        print(f"{name:9s}: messages={p['messages']}/{p['planned']} errors={p['errors']} "
              f"unavailable={p['unavailable_replies']} wall={p['wall_s']:.1f}s "
              f"throughput={fmt(p['throughput_msg_s'], 2)} msg/s  p50={fmt(p['p50_ms'])} ms  "
              f"p95={fmt(p['p95_ms'])} ms")
        cpu = ", ".join(f"{k} {fmt(v, 1)} ms" for k, v in p["cpu_ms_per_msg"].items())
        print(f"{'':9s}  server CPU per message: {cpu}")
    print("assistant p50 by message kind: " + ", ".join(
        f"{k} {fmt(v, 0)} ms (n={r['load']['assistant']['by_kind_count'][k]})"
        for k, v in r["load"]["assistant"]["by_kind_p50_ms"].items()))
    q = r["ratios"]
    print(f"ratio assistant/baseline, all rounds: p50 x{fmt(q['p50'], 2)}  p95 x{fmt(q['p95'], 2)}  "
          f"throughput x{fmt(q['throughput'], 3)}")
    if len(r["round_ratios"]) > 1:
        for key in ("p50", "p95", "throughput"):
            values = [pair[key] for pair in r["round_ratios"] if pair[key] is not None]
            print(f"  {key} ratio per round: " + " ".join(f"x{v:.2f}" for v in values)
                  + (f"  (median x{statistics.median(values):.2f})" if values else ""))
    if r.get("steady"):
        print("-" * 78)
        print(f"steady: {r['settings']['conversations']} workers, starts {r['settings']['stagger_ms']:.0f} ms apart, "
              f"{r['settings']['steady_conversations']} conversations each back to back")
        for name in ("assistant", "baseline"):
            p = r["steady"][name]
            cpu = ", ".join(f"{k} {fmt(v, 1)} ms" for k, v in p["cpu_ms_per_msg"].items())
            print(f"{name:9s}: messages={p['messages']}/{p['planned']} errors={p['errors']} "
                  f"unavailable={p['unavailable_replies']} throughput={fmt(p['throughput_msg_s'], 2)} msg/s  "
                  f"p50={fmt(p['p50_ms'])} ms  p95={fmt(p['p95_ms'])} ms  CPU/msg: {cpu}")
        q = r["steady_ratios"]
        print(f"ratio assistant/baseline, steady: p50 x{fmt(q['p50'], 2)}  p95 x{fmt(q['p95'], 2)}  "
              f"throughput x{fmt(q['throughput'], 3)}")
        for key in ("p50", "p95", "throughput"):
            values = [pair[key] for pair in r["steady_round_ratios"] if pair[key] is not None]
            print(f"  {key} ratio per round: " + " ".join(f"x{v:.2f}" for v in values))
    print("-" * 78)
    for name in ("assistant", "baseline"):
        L = r["long_session"].get(name)
        if not L:
            continue
        print(f"long session ({name}, {L['turns']} turns, {L['errors']} errors, "
              f"{fmt(L['tracker_events_at_end'])} tracker events at the end, {L['elapsed_s']:.0f} s):")
        print(f"  median turns 5-15: {fmt(L['median_ms_turns_5_15'])} ms   turns 190-210: "
              f"{fmt(L['median_ms_turns_190_210'])} ms   ratio x{fmt(L['ratio_late_early'], 2)}")
        print(f"  server CPU per message (mean, Rasa + actions) turns 5-15: {fmt(L['server_cpu_ms_turns_5_15'])} ms"
              f"   turns 190-210: {fmt(L['server_cpu_ms_turns_190_210'])} ms   ratio "
              f"x{fmt(L['server_cpu_ratio_late_early'], 2)}")
        print("  by kind (5-15 -> 190-210): " + ", ".join(
            f"{k} {fmt(v['turns_5_15'], 0)} -> {fmt(v['turns_190_210'], 0)} ms" for k, v in L["by_kind"].items()))
        print("  median per 20-turn block: " + " ".join(
            f"{fmt(v, 0)}" for v in L["median_ms_by_20_turn_block"].values()))
        print(f"  control, fresh conversation right after: median {fmt(L['control_fresh_conversation_median_ms'])} ms")
    print("=" * 78, flush=True)


# --------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=20, help="concurrent conversations per server")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation")
    parser.add_argument("--rounds", type=int, default=3,
                        help="load rounds per server, alternating assistant and baseline (new conversations each)")
    parser.add_argument("--steady-conversations", type=int, default=3,
                        help="steady phase: conversations each worker plays back to back (0: skip the phase)")
    parser.add_argument("--stagger-ms", type=float, default=50.0,
                        help="steady phase: delay between the starts of two workers")
    parser.add_argument("--long-turns", type=int, default=220, help="turns of the long session (0: skip)")
    parser.add_argument("--no-baseline-long", action="store_true", help="skip the baseline's long session")
    parser.add_argument("--warmup", type=int, default=6, help="un-measured warm-up messages per server")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--train", action="store_true", help="also time a cold training of the assistant model")
    parser.add_argument("--max-phase-seconds", type=float, default=900, help="time limit of each measured phase")
    parser.add_argument("--model-wait", type=float, default=1800, help="how long to wait for the assistant model")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, logs)")
    args = parser.parse_args()
    if not (1 <= args.conversations <= 200 and 1 <= args.turns <= 500 and 0 <= args.long_turns <= 2000
            and 1 <= args.rounds <= 100 and 0 <= args.steady_conversations <= 100 and 0 <= args.stagger_ms <= 10000):
        parser.error("conversations 1-200, turns 1-500, long-turns 0-2000, rounds 1-100, "
                     "steady-conversations 0-100, stagger-ms 0-10000")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=BENCH_VAR))
    results: dict[str, Any] = {
        "started_at": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"conversations": args.conversations, "turns": args.turns, "rounds": args.rounds,
                     "steady_conversations": args.steady_conversations, "stagger_ms": args.stagger_ms,
                     "long_turns": args.long_turns,
                     "model": str(MODEL), "baseline": str(BASELINE_DIR)},
    }
    servers: list[Server] = []
    finished = False
    try:
        if args.train:
            results["train_s"] = train_assistant(workdir, timeout=3 * 3600)
        results["baseline_init_s"] = ensure_baseline(timeout=3600)
        wait_for_model(args.model_wait)

        # assistant stack, as tests/e2e/conftest.py starts it
        action_port, rasa_port, baseline_port = free_port(), free_port(), free_port()
        env = base_env()
        env.update(RASA_SERVER_ENV)
        env.update(DATABASE_URL=f"sqlite:///{workdir / 'advisor.db'}", ADVISOR_VAR_DIR=str(workdir),
                   RASA_TRACKER_DB=str(workdir / "tracker.db"),
                   ACTION_ENDPOINT_URL=f"http://{HOST}:{action_port}/webhook")
        for command in (["migrate"], ["load-demo", "--customers", "500"]):
            run_checked([sys.executable, "-m", "advisor_core", *command], cwd=ROOT, env=env, timeout=600,
                        log=workdir / f"advisor_core-{command[0]}.log")
        print("starting the action server...", flush=True)
        actions = spawn("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                    "--port", str(action_port)],
                        cwd=ROOT, env=env, logdir=workdir, url=f"http://{HOST}:{action_port}", ready_path="/health")
        servers.append(actions)
        print("starting the assistant's Rasa server...", flush=True)
        assistant = spawn("assistant", [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL),
                                        "--endpoints", "rasa_bot/endpoints.yml",
                                        "--credentials", "rasa_bot/credentials.yml", "--port", str(rasa_port),
                                        "--enable-api", "--auth-token", API_TOKEN, "--cors", "http://localhost:8080"],
                          cwd=ROOT, env=env, logdir=workdir, url=f"http://{HOST}:{rasa_port}",
                          ready_path="/webhooks/rest/")
        servers.append(assistant)
        first_reply(assistant, assistant.start_s, "hello")

        print("starting the baseline's Rasa server...", flush=True)
        benv = base_env()
        baseline = spawn("baseline", [str(VENV_BIN / "rasa"), "run", "--model", str(BASELINE_DIR / "models"),
                                      "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                                      "--port", str(baseline_port), "--enable-api", "--auth-token", API_TOKEN],
                         cwd=BASELINE_DIR, env=benv, logdir=workdir, url=f"http://{HOST}:{baseline_port}",
                         ready_path="/webhooks/rest/")
        servers.append(baseline)
        first_reply(baseline, baseline.start_s, "hello")
        results["startup"] = {"assistant_actions_s": actions.start_s, "assistant_rasa_s": assistant.start_s,
                              "assistant_first_reply_s": assistant.first_reply_s,
                              "baseline_rasa_s": baseline.start_s, "baseline_first_reply_s": baseline.first_reply_s}
        print(f"started: actions {actions.start_s:.1f}s (pid {actions.process.pid}), assistant "
              f"{assistant.start_s:.1f}s (pid {assistant.process.pid}), baseline {baseline.start_s:.1f}s "
              f"(pid {baseline.process.pid})", flush=True)

        # warm-up, not measured
        drive(assistant.url, "bench-warmup-a", assistant_conversation(1, args.warmup), 0, time.monotonic() + 300)
        drive(baseline.url, "bench-warmup-b", baseline_conversation(0, args.warmup), 0, time.monotonic() + 300)

        # Rounds alternate between the two servers, so that whatever else the machine does in the
        # meantime falls on both; every round starts new conversations.
        assistant_rounds: list[dict[str, Any]] = []
        baseline_rounds: list[dict[str, Any]] = []
        for n in range(1, args.rounds + 1):
            print(f"load round {n}/{args.rounds}: {args.conversations} x {args.turns} turns on the assistant, "
                  f"then on the baseline...", flush=True)
            assistant_rounds.append(load_round(assistant, [assistant_conversation(i, args.turns)
                                                           for i in range(args.conversations)],
                                               "assistant", args.max_phase_seconds, [actions]))
            baseline_rounds.append(load_round(baseline, [baseline_conversation(i, args.turns)
                                                         for i in range(args.conversations)],
                                              "baseline", args.max_phase_seconds))
        results["load"] = {"assistant": summarize(assistant_rounds), "baseline": summarize(baseline_rounds)}
        a, b = results["load"]["assistant"], results["load"]["baseline"]
        results["ratios"] = {"p50": ratio(a["p50_ms"], b["p50_ms"]), "p95": ratio(a["p95_ms"], b["p95_ms"]),
                             "throughput": ratio(a["throughput_msg_s"], b["throughput_msg_s"])}
        results["round_ratios"] = round_ratios(assistant_rounds, baseline_rounds)

        steady: dict[str, list[dict[str, Any]]] = {"assistant": [], "baseline": []}
        if args.steady_conversations:
            # Spread the starts over about one turn of the whole group, then keep every worker busy.
            stagger_s = args.stagger_ms / 1000
            for n in range(1, args.rounds + 1):
                print(f"steady round {n}/{args.rounds}: {args.conversations} workers x "
                      f"{args.steady_conversations} conversations back to back, on each server...", flush=True)
                steady["assistant"].append(load_round(
                    assistant, [assistant_conversation(i, args.turns) for i in range(args.conversations)],
                    "assistant-steady", args.max_phase_seconds, [actions], stagger_s, args.steady_conversations))
                steady["baseline"].append(load_round(
                    baseline, [baseline_conversation(i, args.turns) for i in range(args.conversations)],
                    "baseline-steady", args.max_phase_seconds, (), stagger_s, args.steady_conversations))
            results["steady"] = {name: summarize(rounds) for name, rounds in steady.items()}
            sa, sb = results["steady"]["assistant"], results["steady"]["baseline"]
            results["steady_ratios"] = {"p50": ratio(sa["p50_ms"], sb["p50_ms"]),
                                        "p95": ratio(sa["p95_ms"], sb["p95_ms"]),
                                        "throughput": ratio(sa["throughput_msg_s"], sb["throughput_msg_s"])}
            results["steady_round_ratios"] = round_ratios(steady["assistant"], steady["baseline"])
        results["samples"] = {  # every message: phase, round, conversation, turn, kind, sent (ms into the round), ms
            name: [[phase, n, s.conversation, s.turn, s.kind, round((s.sent_at - r["started"]) * 1000, 1),
                    round(s.ms, 1)]
                   for phase, rounds in (("burst", burst_rounds), ("steady", steady[name]))
                   for n, r in enumerate(rounds, start=1) for s in r["samples"] if s.ok]
            for name, burst_rounds in (("assistant", assistant_rounds), ("baseline", baseline_rounds))}

        results["long_session"] = {}
        if args.long_turns:
            print(f"long session: {args.long_turns} turns on the assistant...", flush=True)
            results["long_session"]["assistant"] = long_session(
                assistant, assistant_long_session(args.long_turns), "assistant", args.max_phase_seconds,
                cpu_of=[actions])
            if not args.no_baseline_long:
                print(f"long session: {args.long_turns} turns on the baseline...", flush=True)
                results["long_session"]["baseline"] = long_session(
                    baseline, baseline_long_session(args.long_turns), "baseline", args.max_phase_seconds)
        finished = True
    finally:
        for server in reversed(servers):
            stop(server)
        results["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        if args.keep or not finished:
            print(f"kept {workdir} (databases and server logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print_report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
