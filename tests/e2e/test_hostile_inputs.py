"""Hostile and malformed input over REST: never a 5xx, never garbage stored, never a broken server.

Three parts:
* hostile texts outside and inside the questionnaire (empty, huge, emoji, control characters,
  injections, other languages, forged button payloads) - the bot answers, the kyc_* slots only
  ever hold valid option ids or ages, and the advisor database gains no rows;
* numbers out of range or in words as questionnaire answers - re-prompted, not stored;
* malformed REST bodies - a 400 naming what is wrong (rasa_bot/channels.rest_body_problem), or a
  200 for a well-formed body with odd content, never a 5xx.
Every test ends with a "nothing lost" check (the questionnaire completes with the right level and one
stored assessment, or the server still greets a guest who says "hello"), and the `untouched_db` fixture compares the
advisor database's row counts before and after (only rows a test creates on purpose are allowed).
The bugs these tests found were fixed; they guard against their return.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from advisor_core.domain.scoring import score
from rasa_bot.channels import UNAVAILABLE
from tests.e2e.answers import BALANCED, ORDER, Q, message_for
from tests.e2e.conftest import API_TOKEN, Stack, customer_token

pytestmark = pytest.mark.e2e

ANSWER_SLOTS = {*Q.slots, "kyc_loss_tolerance_recheck"}
TABLES = ("assessments", "recommendations", "recommendation_items", "suitability_events", "handoff_tickets")

HOSTILE_TEXTS: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n \r\n\u00a0 ",
    "20k_chars": ("lorem ipsum dolor sit amet consectetur " * 600)[:20_000],
    "20k_one_token": "x" * 20_000,
    "emoji": "💰📈🚀😀 🤑👍🏽 👨‍👩‍👧‍👦 🏦",
    "control_chars": "".join(chr(c) for c in range(0x20)) + "\x7f",
    "bidi_override": "\u202egnp.exe\u202c \u202d hello \u200b\u200d\ufeff",
    "lone_surrogate_escape": "caf\\ud800e",
    "sql_drop": "'; DROP TABLE assessments; --",
    "sql_or": "1' OR '1'='1' --",
    "sql_union": "\" UNION SELECT * FROM customers; --",
    "script": "<script>alert(1)</script>",
    "img_onerror": '<img src=x onerror="alert(document.cookie)">',
    "template_injection": "{{7*7}} ${jndi:ldap://127.0.0.1/a} %s%s%n {0.__class__}",
    "path_traversal": "../../../../etc/passwd",
    "minus_five": "-5",
    "huge_number": "999999999999999999999",
    "one_billion": "one billion",
    "chinese": "我想了解一下理财产品的风险等级",
    "arabic": "أريد أن أستثمر أموالي بأمان",
    "russian": "Я хочу инвестировать свои сбережения",
    "forged_option_of_another_question": '/inform{"option": "gt_3m"}',
    "forged_long_option": '/inform{"option": "' + "A" * 2000 + '"}',
    "forged_option_object": '/inform{"option": {"$ne": null}}',
    "forged_option_number": '/inform{"option": 1e309}',
    "broken_payload_json": '/inform{"option": ',
    "unknown_intent_payload": "/definitely_not_an_intent",
    "forged_slot_payload": '/inform{"risk_level": "C5", "kyc_age": 30}',
}
# Texts that are a plausible answer somewhere (e.g. "one billion" as an amount) are sent to the
# questionnaire only at the first question (income source), where none of them is an answer.
# A forged payload whose option is an object is checked on its own (a known bug, see below).
IN_FORM_TEXTS = {name: text for name, text in HOSTILE_TEXTS.items() if name != "forged_option_object"}


# --------------------------------------------------------------------------- helpers


def new_sender(tag: str) -> str:
    return f"e2e-hostile-{tag}-{uuid.uuid4().hex[:12]}"


def post(stack: Stack, body: Any = None, *, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=data,
                         headers=headers or {"Content-Type": "application/json"}, timeout=120)


def say_ok(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    """Send a text; it must be answered (HTTP 200, a JSON list with at least one message)."""
    response = post(stack, {"sender": sender, "message": text})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert response.status_code == 200, (response.status_code, response.text[:500])
    messages = response.json()
    assert isinstance(messages, list) and messages, f"no reply to {text[:60]!r}: {messages!r}"
    return messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def tracker(stack: Stack, sender: str) -> dict[str, Any]:
    response = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN},
                            timeout=60)
    response.raise_for_status()
    return response.json()


def db_counts(stack: Stack) -> dict[str, int]:
    with sqlite3.connect(stack.workdir / "advisor.db", timeout=30) as db:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def assessments_of(stack: Stack, conversation_id: str) -> list[tuple[str, dict[str, Any]]]:
    with sqlite3.connect(stack.workdir / "advisor.db", timeout=30) as db:
        rows = db.execute("SELECT level, answers FROM assessments WHERE conversation_id = ?",
                          (conversation_id,)).fetchall()
    return [(level, json.loads(answers)) for level, answers in rows]


# What action_greet says to a guest (actions/support.py: "Welcome back" is only for a signed-in customer).
GUEST_GREETING = "Hello! I'm the bank's virtual wealth assistant."


def assert_healthy(stack: Stack) -> None:
    assert requests.get(f"{stack.rasa_url}/", timeout=30).status_code == 200
    reply = texts(say_ok(stack, new_sender("health"), "hello"))
    assert GUEST_GREETING in reply, reply


def bad_kyc_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """kyc_* slots holding anything but a validated answer (option id, whole adult age, goal ids)."""
    bad: dict[str, Any] = {}
    for name, value in slots.items():
        if not name.startswith("kyc_") or value is None:
            continue
        if name == "kyc_failed_attempts":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1000
        elif name in ("kyc_blocked", "kyc_unsaved"):
            ok = isinstance(value, bool)
        elif name == "kyc_owner":  # who started the questionnaire: "guest" or "<role>:<id>"
            ok = value == "guest" or (isinstance(value, str) and value.split(":", 1)[0] in ("customer", "advisor"))
        elif name == Q.goals.slot:
            ok = isinstance(value, list) and bool(value) and all(v in Q.goals.option_ids for v in value)
        elif name == "kyc_age":
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
                  and 18 <= value <= 120)
        elif name == "kyc_loss_tolerance_recheck":
            ok = value in Q.item("loss_tolerance").option_ids
        elif name in ANSWER_SLOTS:
            ok = value in Q.item_for_slot(name).option_ids
        else:
            ok = False  # a kyc_* slot this test does not know: look at it
        if not ok:
            bad[name] = value
    return bad


@pytest.fixture
def untouched_db(stack: Stack) -> Iterator[dict[str, int]]:
    """Counts rows before the test; the test adds what it deliberately creates to `expected`."""
    before = db_counts(stack)
    expected = dict(before)
    yield expected
    after = db_counts(stack)
    assert after == expected, f"rows created by hostile requests: before {before}, after {after}"


def start_questionnaire(stack: Stack, sender: str, answered: int, answers: dict[str, Any] = BALANCED) -> None:
    reply = texts(say_ok(stack, sender, "I want to take the risk questionnaire"))
    assert "Question 1 of 15" in reply, reply
    for index, slot in enumerate(ORDER[:answered]):
        reply = texts(say_ok(stack, sender, message_for(slot, answers[slot])))
        assert f"Question {index + 2} of 15" in reply, reply


def finish_questionnaire(stack: Stack, sender: str, answered: int, answers: dict[str, Any] = BALANCED) -> str:
    """Answer the rest validly; return the level, checked against the spec's scoring."""
    level = score(Q, answers).level.name
    reply = ""
    for slot in ORDER[answered:]:
        reply = texts(say_ok(stack, sender, message_for(slot, answers[slot])))
    assert f"Your risk level is {level}." in reply, reply
    slots = tracker(stack, sender)["slots"]
    assert slots["risk_level"] == level
    for slot in ORDER:
        expected = [answers[slot]] if slot == Q.goals.slot else answers[slot]
        assert slots[slot] == expected, (slot, slots[slot], expected)
    stored = assessments_of(stack, sender)
    assert [lvl for lvl, _ in stored] == [level], stored
    return level


# --------------------------------------------------------------------------- hostile texts

STOP_QUESTION = "Do you want to stop here?"
STOP_QUESTION_ZH = "确定要在这里停止吗？"


def test_hostile_texts_outside_the_questionnaire(stack: Stack, untouched_db: dict[str, int]) -> None:
    """Each hostile text in a fresh conversation, then all of them in one conversation: no 5xx, no
    kyc answer or level stored, no row in the advisor database, the server still healthy."""
    statuses: dict[str, int] = {}
    for name, text in HOSTILE_TEXTS.items():
        sender = new_sender(name[:20])
        response = post(stack, {"sender": sender, "message": text})
        statuses[name] = response.status_code
        if response.status_code != 200:
            continue  # collected, and reported together below
        assert isinstance(response.json(), list)
        slots = tracker(stack, sender)["slots"]
        assert bad_kyc_slots(slots) == {}, name
        assert slots["risk_level"] is None and slots["customer_id"] is None, name
    assert {n: s for n, s in statuses.items() if s != 200} == {}  # well-formed bodies: all answered

    sender = new_sender("all")
    for name, text in HOSTILE_TEXTS.items():
        response = post(stack, {"sender": sender, "message": text})
        assert response.status_code == 200, (name, response.status_code, response.text[:300])
    slots = tracker(stack, sender)["slots"]
    assert bad_kyc_slots(slots) == {}
    assert slots["risk_level"] is None and slots["customer_id"] is None
    assert_healthy(stack)


def test_hostile_texts_outside_the_questionnaire_leave_the_conversation_usable(
        stack: Stack, untouched_db: dict[str, int]) -> None:
    """One short reply to each hostile text, and the same conversation still greets the guest."""
    problems: dict[str, str] = {}
    # Chinese is a language the assistant speaks: that text may start the questionnaire (it asks
    # about risk levels), which tests/e2e/test_chinese.py covers; here it is not hostile.
    outside = {name: text for name, text in HOSTILE_TEXTS.items() if name != "chinese"}
    for name, text in {"plain_yes": "yes", **outside}.items():
        sender = new_sender(name[:20])
        messages = say_ok(stack, sender, text)
        reply = texts(messages)
        if len(messages) > 3:
            problems[name] = f"{len(messages)} messages: {reply[:80]!r}"
        elif UNAVAILABLE in reply:
            problems[name] = "temporarily-unavailable notice"
        after = texts(say_ok(stack, sender, "hello"))
        if GUEST_GREETING not in after:
            problems[name] = problems.get(name, "") + f"; then 'hello' got {after[:80]!r}"
    assert problems == {}, problems


def test_hostile_texts_during_the_questionnaire_are_never_stored(stack: Stack,
                                                                 untouched_db: dict[str, int]) -> None:
    """Every hostile text at question 1 (income source): not stored, the form stays open and asks
    question 1 again; then a valid questionnaire completes with the right level and one assessment."""
    sender = new_sender("form")
    start_questionnaire(stack, sender, answered=0)
    not_reasked: dict[str, str] = {}
    for name, text in IN_FORM_TEXTS.items():
        reply = texts(say_ok(stack, sender, text))
        if STOP_QUESTION in reply or STOP_QUESTION_ZH in reply:  # read as "stop": the customer says no, goes on
            reply = texts(say_ok(stack, sender, "no"))
        state = tracker(stack, sender)
        slots = state["slots"]
        assert bad_kyc_slots(slots) == {}, (name, bad_kyc_slots(slots))
        assert slots["kyc_income_source"] is None, (name, slots["kyc_income_source"])
        assert (state.get("active_loop") or {}).get("name") == "kyc_form", (name, state.get("active_loop"))
        assert slots["requested_slot"] == "kyc_income_source", (name, slots["requested_slot"])
        assert slots["risk_level"] is None
        assert UNAVAILABLE not in reply, (name, reply)
        # A message mostly in Chinese switches the conversation to Chinese (conversation contract,
        # "Language"); the question is asked again in whichever language the conversation is in.
        question_one = "第1题（共15题）" if slots.get("language") == "zh-CN" else "Question 1 of 15"
        if question_one not in reply:
            not_reasked[name] = reply[:200]
    # The question is asked again after each one, so the customer always knows where they are.
    assert not_reasked == {}, not_reasked
    assert tracker(stack, sender)["slots"].get("language") == "zh-CN"   # the Chinese text was read as Chinese
    reply = texts(say_ok(stack, sender, "English please"))
    assert "Question 1 of 15" in reply, reply

    # Nothing lost, nothing broken: the questionnaire goes on from question 1 and is stored once.
    reply = texts(say_ok(stack, sender, message_for(ORDER[0], BALANCED[ORDER[0]])))
    assert "Question 2 of 15" in reply, reply
    finish_questionnaire(stack, sender, answered=1)
    untouched_db["assessments"] += 1  # the one we completed on purpose
    assert_healthy(stack)


def test_answer_button_after_the_stop_question_keeps_the_questionnaire(stack: Stack,
                                                                       untouched_db: dict[str, int]) -> None:
    """A customer asked "Do you want to stop here?" taps an answer button instead of yes/no."""
    sender = new_sender("stopbtn")
    start_questionnaire(stack, sender, answered=1)
    assert STOP_QUESTION in texts(say_ok(stack, sender, "stop"))
    messages = say_ok(stack, sender, message_for(ORDER[1], BALANCED[ORDER[1]]))
    assert len(messages) <= 3, [m.get("text", "")[:60] for m in messages]
    reply = texts(say_ok(stack, sender, "no"))
    assert UNAVAILABLE not in reply, reply
    assert "Question" in reply, reply
    # Nothing lost: the first answer is kept and the questionnaire completes once.
    slots = tracker(stack, sender)["slots"]
    assert slots[ORDER[0]] == BALANCED[ORDER[0]]
    answered = 2 if slots[ORDER[1]] == BALANCED[ORDER[1]] else 1
    if answered == 1:
        reply = texts(say_ok(stack, sender, message_for(ORDER[1], BALANCED[ORDER[1]])))
        assert "Question 3 of 15" in reply, reply
    finish_questionnaire(stack, sender, answered=2)
    untouched_db["assessments"] += 1


def test_forged_object_payload_is_not_an_answer(stack: Stack, untouched_db: dict[str, int]) -> None:
    sender = new_sender("objpayload")
    start_questionnaire(stack, sender, answered=0)
    reply = texts(say_ok(stack, sender, HOSTILE_TEXTS["forged_option_object"]))
    slots = tracker(stack, sender)["slots"]
    assert slots["kyc_income_source"] is None, (slots["kyc_income_source"], reply)
    assert "Question 1 of 15" in reply, reply
    # Nothing lost: the questionnaire completes from question 1 with the real answers.
    reply = texts(say_ok(stack, sender, message_for(ORDER[0], BALANCED[ORDER[0]])))
    assert "Question 2 of 15" in reply, reply
    finish_questionnaire(stack, sender, answered=1)
    untouched_db["assessments"] += 1


# --------------------------------------------------------------------------- numbers as answers

@pytest.mark.parametrize(("slot", "text", "acceptable"), [
    pytest.param("kyc_age", "-5", {None}, id="age-minus-five"),
    pytest.param("kyc_age", "999999999999999999999", {None}, id="age-huge"),
    pytest.param("kyc_age", "one billion", {None}, id="age-one-billion"),
    pytest.param("kyc_age", "I am 150 years old", {None}, id="age-150"),
    pytest.param("kyc_asset_share", "-5", {None}, id="share-minus-five"),
    pytest.param("kyc_asset_share", "999999999999999999999", {None}, id="share-huge"),
    pytest.param("kyc_investable_assets", "-5", {None}, id="assets-minus-five"),
    pytest.param("kyc_investable_assets", "one billion", {None, "gt_3m"}, id="assets-one-billion"),
])
def test_numbers_out_of_range_or_in_words_are_not_stored(stack: Stack, untouched_db: dict[str, int], slot: str,
                                                         text: str, acceptable: set[Any]) -> None:
    sender = new_sender(slot[4:14])
    position = ORDER.index(slot)
    start_questionnaire(stack, sender, answered=position)
    reply = texts(say_ok(stack, sender, text))
    slots = tracker(stack, sender)["slots"]
    assert slots[slot] in acceptable, (text, slots[slot], reply)
    assert not slots["kyc_blocked"], (text, reply)
    assert bad_kyc_slots(slots) == {}
    answers = dict(BALANCED)
    if slots[slot] is None:
        assert f"Question {position + 1} of 15" in reply, reply  # asked again
        reply = texts(say_ok(stack, sender, message_for(slot, BALANCED[slot])))
    else:
        answers[slot] = slots[slot]  # a sound reading ("one billion" -> more than 3 million) counts
    # Nothing lost: earlier answers kept, the next question follows, and it completes once.
    assert f"Question {position + 2} of 15" in reply, reply
    slots = tracker(stack, sender)["slots"]
    for earlier in ORDER[:position]:
        assert slots[earlier] == BALANCED[earlier], (earlier, slots[earlier])
    finish_questionnaire(stack, sender, answered=position + 1, answers=answers)
    untouched_db["assessments"] += 1


# --------------------------------------------------------------------------- malformed bodies

LONG_SENDER = "s" * 10_000
NOT_JSON = "the body is not valid JSON"
NOT_AN_OBJECT = "the body must be a JSON object"
NO_MESSAGE = "'message' must be a string"
NO_SENDER = "'sender' must be a non-empty string"
BAD_METADATA = "'metadata' must be a JSON object"
# name: the error of the 400 (rasa_bot/channels.py, GuardedRestInput), or None: well formed, a 200
REFUSAL: dict[str, str | None] = {
    "invalid_json": NOT_JSON, "not_json_at_all": NOT_JSON, "empty_body": NOT_JSON,
    "json_array": NOT_AN_OBJECT, "json_string": NOT_AN_OBJECT, "json_number": NOT_AN_OBJECT,
    "json_null": NOT_AN_OBJECT,
    "missing_message": NO_MESSAGE, "message_number": NO_MESSAGE, "message_zero": NO_MESSAGE,
    "message_object": NO_MESSAGE, "message_list": NO_MESSAGE, "message_null": NO_MESSAGE,
    "message_true": NO_MESSAGE,
    "sender_missing": NO_SENDER, "sender_number": NO_SENDER, "sender_object": NO_SENDER,
    "sender_list": NO_SENDER, "sender_null": NO_SENDER,
    "sender_very_long": "'sender' must be at most 256 characters",
    "sender_control_chars": None,
    "metadata_string": BAD_METADATA, "metadata_list": BAD_METADATA, "metadata_number": BAD_METADATA,
    "metadata_garbage_token": None, "metadata_token_not_string": None, "metadata_unsigned_jwt": None,
}
MALFORMED: dict[str, tuple[bytes | None, Any]] = {
    # name: (raw bytes, or None to send the JSON encoding of the body)
    "invalid_json": (b'{"sender": "x", "message": "hello"', None),
    "not_json_at_all": (b"sender=x&message=hello", None),
    "empty_body": (b"", None),
    "json_array": (None, [{"sender": "x", "message": "hello"}]),
    "json_string": (None, "hello"),
    "json_number": (None, 42),
    "json_null": (None, None),
    "missing_message": (None, {"sender": "{sender}"}),
    "message_number": (None, {"sender": "{sender}", "message": 12345}),
    "message_zero": (None, {"sender": "{sender}", "message": 0}),
    "message_object": (None, {"sender": "{sender}", "message": {"text": "hello"}}),
    "message_list": (None, {"sender": "{sender}", "message": ["hello"]}),
    "message_null": (None, {"sender": "{sender}", "message": None}),
    "message_true": (None, {"sender": "{sender}", "message": True}),
    "sender_missing": (None, {"message": "hello"}),
    "sender_number": (None, {"sender": 12345678901234567890, "message": "hello"}),
    "sender_object": (None, {"sender": {"id": "x"}, "message": "hello"}),
    "sender_list": (None, {"sender": ["a", "b"], "message": "hello"}),
    "sender_null": (None, {"sender": None, "message": "hello"}),
    "sender_very_long": (None, {"sender": LONG_SENDER, "message": "hello"}),
    "sender_control_chars": (None, {"sender": "a\x00b\n\u202e/../c", "message": "hello"}),
    "metadata_string": (None, {"sender": "{sender}", "message": "hello", "metadata": "auth_token=abc"}),
    "metadata_list": (None, {"sender": "{sender}", "message": "hello", "metadata": ["auth_token", "abc"]}),
    "metadata_number": (None, {"sender": "{sender}", "message": "hello", "metadata": 7}),
    "metadata_garbage_token": (None, {"sender": "{sender}", "message": "hello",
                                      "metadata": {"auth_token": "garbage.not.a-jwt"}}),
    "metadata_token_not_string": (None, {"sender": "{sender}", "message": "hello",
                                         "metadata": {"auth_token": {"sub": "C000001", "role": "advisor"}}}),
    "metadata_unsigned_jwt": (None, {"sender": "{sender}", "message": "hello", "metadata": {
        "auth_token": "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."  # alg none: unsigned advisor claims
                      "eyJzdWIiOiJDMDAwMDAxIiwicm9sZSI6ImFkdmlzb3IiLCJleHAiOjk5OTk5OTk5OTl9."}}),
    "input_channel_object": (None, {"sender": "{sender}", "message": "hello", "input_channel": {"x": 1}}),
}
MALFORMED_BUGS: dict[str, Any] = {}


def malformed_params() -> list[Any]:
    return [pytest.param(name, id=name, marks=MALFORMED_BUGS.get(name, ())) for name in MALFORMED]


@pytest.mark.parametrize("case", malformed_params())
def test_malformed_rest_body_is_refused_without_a_5xx(stack: Stack, untouched_db: dict[str, int],
                                                      case: str) -> None:
    sender = new_sender(case[:20])
    raw, body = MALFORMED[case]
    if raw is None:
        body = json.loads(json.dumps(body).replace("{sender}", sender))
        response = post(stack, body)
    else:
        response = post(stack, raw=raw)
    assert response.status_code < 500, (case, response.status_code, response.text[:500])
    if case not in REFUSAL:
        # input_channel is passed to Rasa as it is (the guard does not read it): a 200, or a 4xx
        # with a reason from Rasa's own checks - never a 5xx.
        assert response.status_code == 200 or (400 <= response.status_code < 500 and response.text.strip())
    elif REFUSAL[case] is not None:
        assert response.status_code == 400, (case, response.status_code, response.text[:300])
        assert response.json() == {"error": REFUSAL[case]}
    else:
        assert response.status_code == 200, (case, response.status_code, response.text[:300])
        assert isinstance(response.json(), list) and response.json(), response.text[:500]
        if case.startswith("metadata_"):  # a token that is not a valid signed JWT signs no one in
            slots = tracker(stack, sender)["slots"]
            assert slots["customer_id"] is None and slots["user_role"] in (None, "anonymous"), slots
    assert_healthy(stack)




def test_requests_without_a_sender_do_not_share_a_conversation(stack: Stack, untouched_db: dict[str, int]) -> None:
    # Without the guard Rasa files both under the shared id "default", and client B would answer
    # client A's questionnaire: both are refused instead, and nothing is kept under "default".
    for message in ("I want to take the risk questionnaire",               # client A
                    message_for(ORDER[0], "pension_only")):                # client B, unrelated
        response = post(stack, {"message": message})
        assert response.status_code == 400, (response.status_code, response.text[:300])
        assert response.json() == {"error": NO_SENDER}
    shared = tracker(stack, "default")
    assert (shared.get("active_loop") or {}).get("name") is None, shared.get("active_loop")
    assert shared["slots"][ORDER[0]] is None
    assert_healthy(stack)


def test_a_malformed_message_does_not_write_the_token_to_the_logs(stack: Stack,
                                                                  untouched_db: dict[str, int]) -> None:
    """A request that fails inside Rasa must not log the customer's auth_token, not even in part."""
    token = customer_token("C000001")
    claims = token.split(".")[1]
    for message in (12345, None, {"text": "hello"}):
        response = post(stack, {"sender": new_sender("tokenlog"), "message": message,
                                "metadata": {"auth_token": token}})
        assert response.status_code < 500, response.text[:300]
    assert_healthy(stack)
    logs = stack.log_text()
    assert token not in logs
    assert claims[:24] not in logs, "the start of the token's claims (the customer id) is in the logs"
