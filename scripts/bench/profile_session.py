#!/usr/bin/env python
"""Where does the time of one message go in a long session? An in-process profiling harness.

    .venv/bin/python scripts/bench/profile_session.py [--turns 220] [--profile-turns 20] [--out DIR]
        [--conversations N [--conversation-turns 20]]   (N of bench.py's short conversations first)

Starts the real action server (own SQLite databases, as scripts/bench/bench.py does), loads the
assistant model in-process with Rasa's Agent, with the same tracker store (SQLite) and action
endpoint as rasa_bot/endpoints.yml, and plays one conversation of --turns turns (the long-session
pattern of bench.py: classroom question, greeting, classroom question, thanks). Each message is
timed as a whole and split with wall-clock timers wrapped around Rasa's own steps (tracker load and
replay, NLU, slot extraction, policy prediction with the state featurisation inside it, remote
action calls, tracker copies, tracker save). Nested steps are listed under their parent.

Then cProfile runs over --profile-turns more messages of that long conversation and over as many
messages of a fresh conversation; the top functions of both go to DIR (default var/bench/profile).
Nothing of the assistant is changed: the timers wrap methods in this process only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (same folder: process helpers, conversation scripts)

ROOT = bench.ROOT
TIMERS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)

# (label, parent label) in display order
STEPS = [
    ("total", None),
    ("tracker load (SQL query + json)", "total"),
    ("  json.loads of every stored event", "tracker load (SQL query + json)"),
    ("  replay events (from_dict)", "tracker load (SQL query + json)"),
    ("NLU parse", "total"),
    ("action_extract_slots", "total"),
    ("policy prediction (graph)", "total"),
    ("  states of the whole history (past_states)", "policy prediction (graph)"),
    ("  MemoizationPolicy.predict", "policy prediction (graph)"),
    ("  RulePolicy.predict", "policy prediction (graph)"),
    ("  TEDPolicy.predict", "policy prediction (graph)"),
    ("tracker.copy (replay) before each action", "total"),
    ("remote actions (action server round trip)", "total"),
    ("  tracker -> JSON for the action server", "remote actions (action server round trip)"),
    ("save tracker (SQL count + insert)", "total"),
]


def wrap_async(owner: Any, name: str, label: str) -> None:
    original = owner.__dict__[name]

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMERS[label] += time.perf_counter() - t0
            CALLS[label] += 1

    setattr(owner, name, wrapper)


def wrap_sync(owner: Any, name: str, label: str) -> None:
    raw = owner.__dict__[name]
    is_classmethod = isinstance(raw, classmethod)
    original = raw.__func__ if is_classmethod else raw

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMERS[label] += time.perf_counter() - t0
            CALLS[label] += 1

    setattr(owner, name, classmethod(wrapper) if is_classmethod else wrapper)


def instrument() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    wrap_async(SQLTrackerStore, "_retrieve", "tracker load (SQL query + json)")
    import json as json_module

    import rasa.core.tracker_store as tracker_store_module

    class TimedJson:  # the tracker store's `json`, with its loads timed (this process only)
        def __getattr__(self, name: str) -> Any:
            return getattr(json_module, name)

        @staticmethod
        def loads(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return json_module.loads(*args, **kwargs)
            finally:
                TIMERS["  json.loads of every stored event"] += time.perf_counter() - t0
                CALLS["  json.loads of every stored event"] += 1

    tracker_store_module.json = TimedJson()
    wrap_sync(DialogueStateTracker, "from_dict", "  replay events (from_dict)")
    wrap_async(MessageProcessor, "parse_message", "NLU parse")
    wrap_async(MessageProcessor, "run_action_extract_slots", "action_extract_slots")
    wrap_sync(MessageProcessor, "_predict_next_with_tracker", "policy prediction (graph)")
    wrap_sync(DialogueStateTracker, "past_states", "  states of the whole history (past_states)")
    wrap_sync(MemoizationPolicy, "predict_action_probabilities", "  MemoizationPolicy.predict")
    wrap_sync(RulePolicy, "predict_action_probabilities", "  RulePolicy.predict")
    wrap_sync(TEDPolicy, "predict_action_probabilities", "  TEDPolicy.predict")
    wrap_sync(DialogueStateTracker, "copy", "tracker.copy (replay) before each action")
    wrap_async(RemoteAction, "run", "remote actions (action server round trip)")
    wrap_sync(RemoteAction, "_action_call_format", "  tracker -> JSON for the action server")
    wrap_async(MessageProcessor, "save_tracker", "save tracker (SQL count + insert)")


async def play(agent: Any, sender: str, script: list[bench.Turn], show: int = 0) -> list[dict[str, Any]]:
    rows = []
    for turn, (kind, text) in enumerate(script, start=1):
        TIMERS.clear()
        CALLS.clear()
        t0 = time.perf_counter()
        reply = await agent.handle_text(text, sender_id=sender)
        TIMERS["total"] = time.perf_counter() - t0
        row: dict[str, Any] = {k: v * 1000 for k, v in TIMERS.items()}  # ms, then the turn's number and kind
        row.update({f"calls:{k}": v for k, v in CALLS.items()})
        row["turn"], row["kind"] = turn, kind
        rows.append(row)
        if turn <= show:
            texts = " | ".join((m.get("text") or "")[:70] for m in reply or [])
            print(f"  turn {turn:3d} {kind:10s} {text[:40]!r:44s} -> {texts}")
    return rows


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: list[dict[str, Any]], windows: list[tuple[int, int]]) -> str:
    """Median ms per message of each step (robust to the spikes of a loaded machine). Steps that do
    not run on every message (remote actions) are the median over the messages that ran them."""
    picked = [[r for r in rows if a <= r["turn"] <= b] for a, b in windows]
    head = f"{'median ms per message':48s}" + "".join(f"{f'turns {a}-{b}':>14s}" for a, b in windows) + \
        f"{'growth':>10s}  calls/msg (last)"
    lines = [head, "-" * len(head)]
    for label, _parent in STEPS:
        values = []
        for p in picked:
            ran = [r for r in p if r.get(f"calls:{label}", 0)] if label.strip().startswith(("remote", "tracker ->")) \
                else p
            values.append(median([r.get(label, 0.0) for r in ran]))
        calls = statistics.fmean(r.get(f"calls:{label}", 0) for r in picked[-1]) if label != "total" else 1
        growth = values[-1] - values[0]
        note = "  (per message that calls one)" if label.startswith("remote") else ""
        lines.append(f"{label:48s}" + "".join(f"{v:14.1f}" for v in values) + f"{growth:+10.1f}  {calls:.1f}{note}")
    return "\n".join(lines)


def top(profile: cProfile.Profile, sort: str, limit: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(sort).print_stats(limit)
    return out.getvalue()


async def run(args: argparse.Namespace, workdir: Path) -> None:
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    for name, value in bench.RASA_SERVER_ENV.items():  # TensorFlow's threads as the assistant's server has them
        os.environ.setdefault(name, value)
    setup_tf_environment()  # as `rasa run` does
    # as `rasa run` does with its default log level (INFO): no debug logging in the measured path
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)

    instrument()
    t0 = time.perf_counter()
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "rasa_bot" / "endpoints.yml"))
    agent = await load_agent(model_path=str(bench.MODEL), endpoints=endpoints)
    print(f"model loaded in-process in {time.perf_counter() - t0:.1f} s")

    await play(agent, "profile-warmup", bench.assistant_long_session(6))
    if args.conversations:
        await profile_conversations(agent, args)
    if not args.turns:
        return
    sender = "profile-long"
    script = bench.assistant_long_session(args.turns + args.profile_turns)
    print(f"long conversation, {args.turns} turns (first {args.show} replies shown):")
    rows = await play(agent, sender, script[: args.turns], show=args.show)
    late = (max(1, args.turns - 20), args.turns) if args.turns < 210 else (190, 210)
    windows = [(5, 15), (95, 105), late] if args.turns >= 105 else [(5, 15), late]
    report = table(rows, windows)
    tracker = await agent.tracker_store.retrieve(sender)
    n_events = len(tracker.events) if tracker else 0
    print(f"\ntracker events at the end: {n_events}\n")
    print(report)

    profile_late = cProfile.Profile()
    profile_late.enable()
    await play(agent, sender, script[args.turns:])
    profile_late.disable()
    profile_fresh = cProfile.Profile()
    profile_fresh.enable()
    await play(agent, "profile-fresh", script[: args.profile_turns])
    profile_fresh.disable()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "breakdown.txt").write_text(f"tracker events at the end: {n_events}\n\n{report}\n")
    for name, profile in (("late", profile_late), ("fresh", profile_fresh)):
        profile.dump_stats(str(out / f"cprofile-{name}.prof"))
        (out / f"cprofile-{name}.txt").write_text(top(profile, "tottime", 40) + "\n\n" + top(profile, "cumulative", 60))
    import json

    (out / "per-turn.json").write_text(json.dumps(rows, indent=1))
    print(f"\ncProfile of {args.profile_turns} messages at turns {args.turns + 1}-{args.turns + args.profile_turns} "
          f"(late) and of a fresh conversation: {out}/cprofile-{{late,fresh}}.txt (top by tottime and cumulative)")
    print("\nlate window, top 15 by own time:")
    print("\n".join(top(profile_late, "tottime", 15).splitlines()[-19:]))


async def profile_conversations(agent: Any, args: argparse.Namespace) -> None:
    """The load phase's conversations of bench.py (questionnaire, classroom, recommendation), one
    after another: the median of each step per message, by message kind, then cProfile."""
    rows: list[dict[str, Any]] = []
    profile = cProfile.Profile()
    for i in range(args.conversations):
        script = bench.assistant_conversation(i, args.conversation_turns)
        if i == args.conversations // 2:
            profile.enable()
        rows += await play(agent, f"profile-conversation-{i}", script)
    profile.disable()
    kinds = sorted({r["kind"] for r in rows})
    head = f"{'median ms per message':48s}{'all':>8s}" + "".join(f"{k[:12]:>13s}" for k in kinds)
    lines = [head, "-" * len(head)]
    for label, _parent in STEPS:
        cells = [median([r.get(label, 0.0) for r in rows])]
        cells += [median([r.get(label, 0.0) for r in rows if r["kind"] == k]) for k in kinds]
        lines.append(f"{label:48s}{cells[0]:8.1f}" + "".join(f"{c:13.1f}" for c in cells[1:]))
    calls = statistics.fmean(r.get("calls:remote actions (action server round trip)", 0) for r in rows)
    lines.append(f"remote action calls per message (mean): {calls:.2f}; messages: {len(rows)}")
    report = "\n".join(lines)
    print(f"\n{args.conversations} conversations of {args.conversation_turns} turns, one after another:\n{report}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "conversations.txt").write_text(report + "\n")
    profile.dump_stats(str(args.out / "cprofile-conversations.prof"))
    (args.out / "cprofile-conversations.txt").write_text(top(profile, "tottime", 50) + "\n\n" +
                                                         top(profile, "cumulative", 80))
    print(f"cProfile of the second half: {args.out}/cprofile-conversations.txt; top 20 by own time:")
    print("\n".join(top(profile, "tottime", 20).splitlines()[-24:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=220)
    parser.add_argument("--profile-turns", type=int, default=20)
    parser.add_argument("--conversations", type=int, default=0,
                        help="first profile this many of bench.py's load-phase conversations")
    parser.add_argument("--conversation-turns", type=int, default=20)
    parser.add_argument("--show", type=int, default=8, help="print the replies of the first N turns")
    parser.add_argument("--out", type=Path, default=bench.BENCH_VAR / "profile")
    args = parser.parse_args()
    if not ((args.turns == 0 or 20 <= args.turns <= 2000) and 1 <= args.profile_turns <= 200
            and 0 <= args.conversations <= 500 and (args.turns or args.conversations)):
        parser.error("turns 0 or 20-2000, profile-turns 1-200, conversations 0-500, not both 0")
    bench.wait_for_model(1800)
    bench.BENCH_VAR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="profile-", dir=bench.BENCH_VAR))
    action_port = bench.free_port()
    env = bench.base_env()
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'advisor.db'}", ADVISOR_VAR_DIR=str(workdir),
               RASA_TRACKER_DB=str(workdir / "tracker.db"),
               ACTION_ENDPOINT_URL=f"http://{bench.HOST}:{action_port}/webhook")
    os.environ.update({k: env[k] for k in ("RASA_TRACKER_DB", "ACTION_ENDPOINT_URL", "RASA_TELEMETRY_ENABLED",
                                           "SQLALCHEMY_SILENCE_UBER_WARNING")})
    server = None
    try:
        for command in (["migrate"], ["load-demo", "--customers", "500"]):
            bench.run_checked([sys.executable, "-m", "advisor_core", *command], cwd=ROOT, env=env, timeout=600,
                              log=workdir / f"advisor_core-{command[0]}.log")
        server = bench.spawn("actions", [str(bench.VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                         "--port", str(action_port)], cwd=ROOT, env=env, logdir=workdir,
                             url=f"http://{bench.HOST}:{action_port}", ready_path="/health")
        print(f"uptime before: load average {os.getloadavg()}")
        asyncio.run(asyncio.wait_for(run(args, workdir), timeout=3600))
        print(f"uptime after: load average {os.getloadavg()}")
    finally:
        if server is not None:
            bench.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
