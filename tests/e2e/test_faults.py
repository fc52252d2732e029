"""Faults: the Rasa server restarts mid-questionnaire; the advisor database refuses a write.

Each test ends by checking that nothing was lost: the answers are still in the tracker, the
conversation completes with the level the spec's scoring gives, and the advisor database holds
exactly what it should for the conversation (checked with sqlite3, not through the bot).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from advisor_core.domain.scoring import score
from tests.e2e.answers import BALANCED, ORDER, Q, message_for
from tests.e2e.conftest import Stack, model_path, start_rasa, stop_process

pytestmark = pytest.mark.e2e

GROWTH = dict(BALANCED, kyc_investable_assets="500k_3m", kyc_asset_share="10_30", kyc_age=38,
              kyc_experience="equities", kyc_trade_frequency="6_15", kyc_horizon="5_10y",
              kyc_objective="growth", kyc_loss_tolerance="le_30", kyc_return_tradeoff="mostly_b",
              kyc_goals="wealth_growth")


def joined(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def expected_level(answers: dict[str, Any]) -> str:
    result = score(Q, answers)
    assert not any(c.code == "inconsistent_answers" for c in result.caps)  # no recheck question
    return result.level.name


def clean_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The slot values the form stores: option ids, the age as a number, goals as a list."""
    return {slot: ([value] if slot == Q.goals.slot else value) for slot, value in answers.items()}


def advisor_db(stack: Stack) -> sqlite3.Connection:
    return sqlite3.connect(stack.workdir / "advisor.db", timeout=30)


def columns(stack: Stack, table: str) -> list[str]:
    with advisor_db(stack) as db:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def rows_for(stack: Stack, table: str, conversation_id: str) -> list[dict[str, Any]]:
    names = columns(stack, table)
    assert "conversation_id" in names, f"{table} has no conversation_id column: {names}"
    with advisor_db(stack) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(f"SELECT * FROM {table} WHERE conversation_id = ?", (conversation_id,))]


def count(stack: Stack, table: str) -> int:
    with advisor_db(stack) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def assert_one_assessment(stack: Stack, sender: str, level: str, answers: dict[str, Any]) -> None:
    stored = rows_for(stack, "assessments", sender)
    assert len(stored) == 1, stored
    assert stored[0]["level"] == level
    kept = json.loads(stored[0]["answers"])
    for slot, value in clean_answers(answers).items():
        assert kept[slot] == value, (slot, kept[slot], value)


def keep_log_across_restart(stack: Stack, name: str) -> None:
    """start_process reopens <name>.log for writing: move the old one aside (the running process
    keeps writing to it) and keep it in stack.logs, so the log checks still see the whole run."""
    log = stack.logs.get(name)
    if log is None or not log.exists():
        return
    for n in range(1, 100):
        aside = log.with_name(f"{log.stem}-before-restart-{n}{log.suffix}")
        if not aside.exists():
            log.rename(aside)
            stack.logs[aside.stem] = aside
            return


def restart_rasa(stack: Stack, port: int, model: Path) -> float:
    """Stop the Rasa server and start it again on the same port; returns the seconds it was down."""
    keep_log_across_restart(stack, "rasa")
    stopped = time.monotonic()
    stop_process(stack, "rasa")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.rasa_url}/", timeout=5)
    last_error: Exception | None = None
    for _attempt in range(3):  # the port may linger for a moment after the old process exits
        try:
            start_rasa(stack, port, model)
            return time.monotonic() - stopped
        except RuntimeError as exc:
            last_error = exc
            stop_process(stack, "rasa")
            keep_log_across_restart(stack, "rasa")
            time.sleep(5)
    raise AssertionError(f"Rasa did not come back on port {port}: {last_error}")


# ---------------------------------------------------------------------------------------------


def test_rasa_restart_mid_questionnaire_continues_from_the_tracker_store(stack: Stack) -> None:
    sender = f"e2e-fault-{uuid.uuid4().hex}"
    answers = GROWTH
    level = expected_level(answers)
    assert "Question 1 of 15" in stack.texts(sender, "I want to take the risk questionnaire")
    done = 6  # up to and including the age and the experience questions
    for index, slot in enumerate(ORDER[:done]):
        reply = stack.texts(sender, message_for(slot, answers[slot]))
        assert f"Question {index + 2} of 15" in reply, reply
    before = stack.tracker(sender)
    assert before["slots"]["requested_slot"] == ORDER[done]

    port = int(stack.rasa_url.rsplit(":", 1)[1])
    restart_rasa(stack, port, model_path())

    # The tracker came back from the SQL tracker store: same answers, same open question.
    after = stack.tracker(sender)
    assert after["slots"]["requested_slot"] == ORDER[done]
    assert (after.get("active_loop") or {}).get("name") == "kyc_form"
    for slot in ORDER[:done]:
        assert after["slots"][slot] == answers[slot], (slot, after["slots"][slot])
    assert len(after["events"]) >= len(before["events"])

    # The next answer gets the next question number.
    reply = stack.texts(sender, message_for(ORDER[done], answers[ORDER[done]]))
    assert f"Question {done + 2} of 15" in reply, reply
    for slot in ORDER[done + 1:]:
        reply = stack.texts(sender, message_for(slot, answers[slot]))
    assert f"Your risk level is {level}." in reply, reply

    # Nothing lost: every answer (before and after the restart) is in the tracker and stored once.
    slots = stack.tracker(sender)["slots"]
    assert slots["risk_level"] == level
    for slot, value in clean_answers(answers).items():
        assert slots[slot] == value, (slot, slots[slot], value)
    assert_one_assessment(stack, sender, level, answers)


def test_refused_assessment_write_stores_nothing_and_try_again_saves_once(stack: Stack) -> None:
    sender = f"e2e-fault-{uuid.uuid4().hex}"
    answers = BALANCED
    level = expected_level(answers)
    names = columns(stack, "assessments")
    assert {"conversation_id", "level", "answers"} <= set(names), names
    assert "conversation_id" in columns(stack, "recommendations")

    assert "Question 1 of 15" in stack.texts(sender, "I want to take the risk questionnaire")
    for slot in ORDER[:-1]:
        reply = stack.texts(sender, message_for(slot, answers[slot]))
    assert "Question 15 of 15" in reply, reply
    totals_before = {t: count(stack, t) for t in ("assessments", "recommendations", "recommendation_items")}

    with advisor_db(stack) as db:
        db.execute("CREATE TRIGGER refuse_assessments BEFORE INSERT ON assessments "
                   "BEGIN SELECT RAISE(ABORT, 'refused'); END;")
    try:
        messages = stack.say(sender, message_for(ORDER[-1], answers[ORDER[-1]]))
        text = joined(messages)
        assert "couldn't save" in text and "nothing was stored" in text, text
        assert "Your risk level is" not in text
        payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
        assert "/start_risk_assessment" in payloads, messages

        # Nothing half-written: no assessment, no recommendation for the conversation, nothing at all.
        assert rows_for(stack, "assessments", sender) == []
        assert rows_for(stack, "recommendations", sender) == []
        assert {t: count(stack, t) for t in totals_before} == totals_before
        slots = stack.tracker(sender)["slots"]
        assert slots["risk_level"] is None
        assert slots["kyc_unsaved"] is True
        for slot, value in clean_answers(answers).items():  # the answers are kept in the conversation
            assert slots[slot] == value, (slot, slots[slot], value)
    finally:
        with advisor_db(stack) as db:
            db.execute("DROP TRIGGER IF EXISTS refuse_assessments")

    # "Try again": no question is asked again, the answers are saved once.
    reply = stack.texts(sender, "/start_risk_assessment")
    assert f"Your risk level is {level}." in reply, reply
    assert "Question" not in reply
    slots = stack.tracker(sender)["slots"]
    assert slots["risk_level"] == level
    assert not slots["kyc_unsaved"]
    assert_one_assessment(stack, sender, level, answers)
    assert count(stack, "assessments") == totals_before["assessments"] + 1
    assert rows_for(stack, "recommendations", sender) == []
