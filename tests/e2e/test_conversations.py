"""Whole conversations over REST against the real Rasa and action servers."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.answers import button
from tests.e2e.conftest import API_TOKEN, Stack, customer_token
from tests.factories import answers, conservative_answers

pytestmark = pytest.mark.e2e

# As sent: the age typed, every other answer (one goal) as its button.
CONSERVATIVE = conservative_answers(income_source="pension_only", liquidity_reserve="lt_3m_or_consumer_debt",
                                    age="I'm 67", horizon="1_3y", loss_tolerance="le_5", goals="retirement")
AGGRESSIVE = answers(age="35", goals="wealth_growth")
ORDER = list(CONSERVATIVE)  # the order the questionnaire asks


def answer(stack: Stack, sender: str, slot: str, value: str, metadata=None) -> list[dict]:
    text = value if slot == "kyc_age" else button(value)
    return stack.say(sender, text, metadata)


def run_questionnaire(stack: Stack, sender: str, answers: dict[str, str], metadata=None) -> str:
    first = stack.say(sender, "I want to take the risk questionnaire", metadata)
    assert "Question 1 of 15" in " ".join(m.get("text", "") for m in first)
    assert [b["payload"] for b in first[-1]["buttons"]][0] == button("none")  # option 1 first
    replies: list[dict] = []
    for slot in ORDER:
        replies = answer(stack, sender, slot, answers[slot], metadata)
    return "\n".join(m.get("text", "") for m in replies)


def test_conservative_customer_reaches_c1(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    result = run_questionnaire(stack, sender, CONSERVATIVE)
    assert "Your risk level is C1" in result
    assert "65 or over" in result  # the age cap is explained in words
    slots = stack.tracker(sender)["slots"]
    assert slots["risk_level"] == "C1"
    assert slots["lowest_category"] is False


def test_aggressive_customer_reaches_c5_and_sees_r5(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    result = run_questionnaire(stack, sender, AGGRESSIVE)
    assert "Your risk level is C5" in result
    assert stack.tracker(sender)["slots"]["risk_score"] == 100
    recommendations = stack.texts(sender, "/ask_recommendation")
    assert "(R" in recommendations and "not guaranteed" in recommendations


def test_classroom_question_mid_questionnaire_then_resume(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "I want to take the risk questionnaire")
    stack.say(sender, button("one_stable_wage"))
    reply = stack.texts(sender, "what is a money market fund?")
    assert "money market" in reply.lower()
    assert "Question 2 of 15" in reply  # the form asks its question again
    reply = stack.texts(sender, "about 300k")
    assert "Question 3 of 15" in reply


def test_invalid_answer_is_reprompted_and_not_stored(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "I want to take the risk questionnaire")
    for slot in ORDER[:4]:
        answer(stack, sender, slot, CONSERVATIVE[slot])
    reply = stack.texts(sender, "I am 150 years old")
    assert "age as a number" in reply
    assert stack.tracker(sender)["slots"]["kyc_age"] is None
    reply = stack.texts(sender, "42")
    assert "Question 6 of 15" in reply


def test_education_projection_shows_the_spec_check_values(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "I want to save for my daughter's education")
    stack.say(sender, "she is 3")
    reply = stack.texts(sender, "500 a month")
    for figure in ("90,000", "104,857", "123,045", "145,409"):
        assert figure in reply
    assert "not guaranteed" in reply


def test_recommendation_without_assessment_offers_questionnaire(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    messages = stack.say(sender, "/ask_recommendation")
    assert any(b["payload"] == "/start_risk_assessment" for m in messages for b in m.get("buttons", []))


def test_handoff_creates_a_ticket(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    reply = stack.texts(sender, "I want to talk to a real person")
    assert "reference is" in reply


def demo_customer(max_age: int = 60):
    """A customer of the demo book the stack loaded (500 customers, default seed)."""
    import datetime as dt

    from advisor_core.analytics.demo_book import generate_demo_book

    today = dt.date.today()
    return next(c for c in generate_demo_book(500) if c.age_on(today) < max_age), today


def test_returning_customer_is_greeted_with_their_level(stack: Stack) -> None:
    customer, today = demo_customer()
    token = customer_token(customer.customer_id)
    first = f"e2e-{uuid.uuid4().hex}"
    answers = dict(AGGRESSIVE, kyc_age=f"I'm {customer.age_on(today)}")
    result = run_questionnaire(stack, first, answers, {"auth_token": token})
    assert "Your risk level is C5" in result
    later = f"e2e-{uuid.uuid4().hex}"  # a new conversation, e.g. the next day on the app
    reply = stack.texts(later, "hello", {"auth_token": token})
    assert "Welcome back" in reply and "C5" in reply


def test_tracker_api_requires_the_token(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "hello")
    refused = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=30)
    assert refused.status_code == 401
    wrong = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": "nope"}, timeout=30)
    assert wrong.status_code in (401, 403)
    allowed = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": API_TOKEN},
                           timeout=30)
    assert allowed.status_code == 200
