"""Many customers at once: 50 simultaneous questionnaires, each with its own answers.

Each conversation must get its own questions in order and its own level (computed here with the
spec's scoring), in the reply and in the tracker, and the advisor database must hold exactly one
assessment per conversation with that level: no cross-talk, nothing lost, nothing doubled.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from advisor_core.domain.scoring import has_contradiction, score
from tests.e2e.answers import Q, button
from tests.e2e.conftest import API_TOKEN, Stack

pytestmark = pytest.mark.e2e

CONVERSATIONS = 50
REQUEST_TIMEOUT = 120      # seconds for one message under load
TEST_BUDGET = 330          # seconds for all conversations together (the whole test stays under ~6 min)
LEVELS = ("C1", "C2", "C3", "C4", "C5")


def random_answers(rng: random.Random, lean: float) -> dict[str, Any]:
    """A full answer set; `lean` (0..1) moves every choice towards the riskier options."""
    answers: dict[str, Any] = {}
    for item in Q.items:
        if item.is_age:
            answers[item.slot] = rng.randint(18, 80)
            continue
        ids = item.option_ids
        position = min(len(ids) - 1, max(0, round(rng.gauss(lean * (len(ids) - 1), 0.9))))
        answers[item.slot] = ids[position]
    answers[Q.goals.slot] = rng.choice(Q.goals.option_ids)
    return answers


def answer_sets(n: int, seed: int = 20261124) -> list[tuple[dict[str, Any], str]]:
    """n different answer sets whose expected levels cover C1..C5 evenly (no recheck question)."""
    rng = random.Random(seed)
    chosen: list[tuple[dict[str, Any], str]] = []
    seen: set[tuple] = set()
    for index in range(n):
        target = LEVELS[index % len(LEVELS)]
        for _ in range(20_000):  # bounded search
            answers = random_answers(rng, lean=rng.uniform(0, 1))
            key = tuple(sorted(answers.items()))
            if key in seen or has_contradiction(Q, answers):
                continue
            level = score(Q, answers).level.name
            if level == target:
                seen.add(key)
                chosen.append((answers, level))
                break
        else:
            raise AssertionError(f"no answer set found for {target}")
    return chosen


def message_for(slot: str, value: Any, variant: int) -> str:
    if slot == "kyc_age":
        return (f"{value}", f"I'm {value}", f"I am {value} years old")[variant % 3]
    return button(value)


@dataclass
class Conversation:
    sender: str
    answers: dict[str, Any]
    level: str
    replies: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    error: str | None = None


def run_conversation(url: str, conversation: Conversation, start: threading.Barrier, deadline: float,
                     variant: int) -> None:
    def say(text: str) -> str:
        if time.monotonic() > deadline:
            raise TimeoutError("test budget exhausted")
        began = time.monotonic()
        response = session.post(url, json={"sender": conversation.sender, "message": text}, timeout=REQUEST_TIMEOUT)
        conversation.latencies.append(time.monotonic() - began)
        if response.status_code != 200:
            raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
        reply = "\n".join(m.get("text", "") for m in response.json())
        conversation.replies.append(reply)
        return reply

    try:
        with requests.Session() as session:
            start.wait(timeout=60)
            reply = say("I want to take the risk questionnaire")
            if "Question 1 of 15" not in reply:
                raise AssertionError(f"start: {reply!r}")
            for index, slot in enumerate(Q.slots):
                reply = say(message_for(slot, conversation.answers[slot], variant))
                if index + 2 <= len(Q.slots) and f"Question {index + 2} of 15" not in reply:
                    raise AssertionError(f"after {slot}: expected question {index + 2}, got {reply!r}")
            if "Your risk level is" not in reply:
                raise AssertionError(f"no level at the end: {reply!r}")
    except Exception as exc:  # collected and reported by the test, per conversation
        conversation.error = f"{type(exc).__name__}: {exc}"


def test_fifty_simultaneous_questionnaires_each_get_their_own_level(stack: Stack) -> None:
    sets = answer_sets(CONVERSATIONS)
    assert len({tuple(sorted(a.items())) for a, _ in sets}) == CONVERSATIONS  # all different
    assert Counter(level for _, level in sets) == {level: CONVERSATIONS // 5 for level in LEVELS}
    conversations = [Conversation(f"e2e-many-{i:02d}-{uuid.uuid4().hex[:12]}", answers, level)
                     for i, (answers, level) in enumerate(sets)]
    with sqlite3.connect(stack.workdir / "advisor.db", timeout=30) as db:
        assessments_before = db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]

    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    start = threading.Barrier(CONVERSATIONS)
    began = time.monotonic()
    deadline = began + TEST_BUDGET
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        futures = [pool.submit(run_conversation, url, c, start, deadline, i) for i, c in enumerate(conversations)]
        done, pending = wait(futures, timeout=TEST_BUDGET + REQUEST_TIMEOUT + 30)
    elapsed = time.monotonic() - began
    assert not pending, f"{len(pending)} conversations still running after {elapsed:.0f}s"
    for future in done:
        future.result()

    latencies = sorted(x for c in conversations for x in c.latencies)
    messages = len(latencies)
    print(f"\n{CONVERSATIONS} conversations, {messages} messages in {elapsed:.1f}s "
          f"({messages / elapsed:.1f} msg/s); latency median {latencies[len(latencies) // 2]:.2f}s, "
          f"p95 {latencies[int(len(latencies) * 0.95)]:.2f}s, max {latencies[-1]:.2f}s")
    failures = {c.sender: c.error for c in conversations if c.error}
    assert not failures, f"{len(failures)} of {CONVERSATIONS} conversations failed: {failures}"

    # Each reply names its own conversation's level: no cross-talk.
    for c in conversations:
        assert f"Your risk level is {c.level}." in c.replies[-1], (c.sender, c.level, c.replies[-1])
        other_levels = [lvl for lvl in LEVELS if lvl != c.level and f"Your risk level is {lvl}." in c.replies[-1]]
        assert not other_levels, (c.sender, c.replies[-1])

    # ... and the tracker of each conversation holds its own answers and level.
    for c in conversations:
        slots = requests.get(f"{stack.rasa_url}/conversations/{c.sender}/tracker",
                             params={"token": API_TOKEN},
                             timeout=60).json()["slots"]
        assert slots["risk_level"] == c.level, (c.sender, slots["risk_level"], c.level)
        for slot in Q.slots:
            expected = [c.answers[slot]] if slot == Q.goals.slot else c.answers[slot]
            assert slots[slot] == expected, (c.sender, slot, slots[slot], expected)

    # Nothing lost, nothing doubled: one stored assessment per conversation, with its own level.
    with sqlite3.connect(stack.workdir / "advisor.db", timeout=30) as db:
        stored = db.execute(
            "SELECT conversation_id, level, answers FROM assessments WHERE conversation_id LIKE 'e2e-many-%'"
        ).fetchall()
        assessments_after = db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
    by_conversation: dict[str, list[tuple[str, dict]]] = {}
    for conversation_id, level, answers in stored:
        by_conversation.setdefault(conversation_id, []).append((level, json.loads(answers)))
    for c in conversations:
        rows = by_conversation.get(c.sender, [])
        assert len(rows) == 1, (c.sender, rows)
        level, answers = rows[0]
        assert level == c.level, (c.sender, level, c.level)
        for slot in Q.slots:
            expected = [c.answers[slot]] if slot == Q.goals.slot else c.answers[slot]
            assert answers[slot] == expected, (c.sender, slot, answers[slot], expected)
    assert assessments_after == assessments_before + CONVERSATIONS
