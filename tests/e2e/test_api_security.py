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
