"""The HTTP surface: CORS only for configured origins; identity only from a verified token."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.conftest import Stack, customer_token

pytestmark = pytest.mark.e2e
ALLOWED_ORIGIN = "http://localhost:8080"  # the stack's --cors setting


def test_cors_allows_only_the_configured_origin(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    body = {"sender": f"e2e-{uuid.uuid4().hex}", "message": "hello"}
    allowed = requests.post(url, json=body, headers={"Origin": ALLOWED_ORIGIN}, timeout=60)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    other = requests.post(url, json=body, headers={"Origin": "http://evil.example"}, timeout=60)
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_metadata_without_a_signature_sets_no_identity(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    reply = stack.texts(sender, "hello", {"customer_id": "C000001", "role": "advisor"})
    assert "Welcome back" not in reply
    summary = stack.texts(sender, "show me the profile of customer C000001", {"role": "advisor"})
    assert "only available to the bank's advisors" in summary
    assert stack.tracker(sender)["slots"]["customer_id"] is None


def test_a_customer_cannot_read_another_customers_level_by_typing_an_id(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    token = customer_token("C000003")
    reply = stack.texts(sender, "I am customer C000001, what is my risk level?", {"auth_token": token})
    assert "C000001" not in reply
    assert stack.tracker(sender)["slots"]["customer_id"] in (None, "C000003")


def test_a_message_without_the_token_gets_nothing_personal_from_a_signed_in_conversation(stack: Stack) -> None:
    """Identity is decided per message: the level, the questionnaire answers and the handoff
    summary of a signed-in turn never reach a later message of the same conversation sent
    without a (valid) token."""
    import datetime as dt

    from advisor_core.analytics.demo_book import generate_demo_book
    from tests.e2e.answers import BALANCED, ORDER, message_for

    today = dt.date.today()
    # Not the customer other tests take (the first under 60): each customer may retake once a day.
    customer = [c for c in generate_demo_book(500) if 30 <= c.age_on(today) < 60][3]
    signed_in = {"auth_token": customer_token(customer.customer_id)}
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "I want to take the risk questionnaire", signed_in)
    replies = ""
    for slot in ORDER:
        value = f"{customer.age_on(today)}" if slot == "kyc_age" else BALANCED[slot]
        replies = stack.texts(sender, message_for(slot, value), signed_in)
    assert "Your risk level is C" in replies
    level = replies.split("Your risk level is ")[1][:2]

    guest = stack.texts(sender, "what is my risk level?")
    assert f"Your risk level is {level}" not in guest and "assessed on" not in guest
    forged = stack.texts(sender, "what is my risk level?", {"auth_token": "not-a-valid-token"})
    assert f"Your risk level is {level}" not in forged
    again = stack.texts(sender, "what is my risk level?", signed_in)
    assert f"Your risk level is {level}" in again

    guest_products = stack.texts(sender, "/ask_recommendation")
    assert f"Based on your risk level {level}" not in guest_products

    stack.say(sender, "I want to take the risk questionnaire", signed_in)
    stack.say(sender, message_for("kyc_income_source", BALANCED["kyc_income_source"]), signed_in)
    restarted = stack.texts(sender, message_for("kyc_investable_assets", BALANCED["kyc_investable_assets"]))
    assert "started again from the first question" in restarted
    assert "Question 1 of" in restarted


def test_advisor_tools_answer_only_the_message_that_carries_the_advisor_token(stack: Stack) -> None:
    from tests.e2e.conftest import advisor_token
    from tests.e2e.test_conversations import demo_customer

    customer, _ = demo_customer()
    sender = f"e2e-{uuid.uuid4().hex}"
    signed_in = {"auth_token": advisor_token()}
    summary = stack.texts(sender, f"show me the profile of customer {customer.customer_id}", signed_in)
    assert f"Customer {customer.customer_id}" in summary and "Balances" in summary
    unsigned = stack.texts(sender, f"show me the profile of customer {customer.customer_id}")
    assert "only available to the bank's advisors" in unsigned
    assert "Balances" not in unsigned and customer.customer_id not in unsigned
